/**
 * `deno task explore`: start or resume a campaign (docs/campaign.md §11.1).
 *
 * Human output (log, progress) goes to stderr, a JSON summary to stdout. Exit codes: 0 done;
 * 1 fatal runtime error (including an unreadable store without a usable backup, or
 * `--skip-phase1` without a store); 2 usage or configuration error (one line naming the flag or
 * key); 75 checkpointed and a restart is needed (SIGUSR1, or more stuck workers than the pool
 * tolerates); 130 SIGINT; 143 SIGTERM. Always ends with `Deno.exit` so a worker stuck in
 * synchronous code cannot keep the process alive (docs/platform.md §3).
 * @module
 */
import { UsageError } from "../lib/errors.ts";
import { CampaignDirError } from "../lib/io/campaign_dir.ts";
import { createLogger } from "../lib/io/log.ts";
import {
  type CampaignRunResult,
  MissingStoreError,
  runCampaign,
} from "../lib/campaign/run/run_campaign.ts";
import { createStopToken } from "../lib/campaign/phases/phase1.ts";
import { parseShardText } from "../lib/campaign/store/resume.ts";
import { campaignErrorExitCode } from "./_cli.ts";
import { helpText, numberFlag, parseTaskFlags, stringFlag } from "./_flags.ts";
import { TASKS } from "./_tasks.ts";

// SIGUSR2 means the same as SIGUSR1: the SLURM templates forward USR1 as USR2 because Deno
// (≥ 2.9.2, like Node) opens its inspector on 127.0.0.1:9229 when a process receives SIGUSR1,
// which other users of a shared node could attach to.
const SIGNAL_EXIT: Record<string, number> = { SIGINT: 130, SIGTERM: 143, SIGUSR1: 75, SIGUSR2: 75 };

function exitCodeOf(result: CampaignRunResult): number {
  if (result.status === "stopped") return SIGNAL_EXIT[result.stopReason ?? ""] ?? 75;
  if (result.status === "pool_exhausted") return 75;
  return 0;
}

async function main(): Promise<number> {
  const log = createLogger({ name: "explore" });
  let args;
  try {
    args = parseTaskFlags(TASKS.explore, Deno.args).values;
  } catch (e) {
    console.error(`explore: ${(e as Error).message}\nsee: ./deno task explore --help`);
    return 2;
  }
  if (args.help) {
    console.log(helpText("explore", TASKS.explore));
    return 0;
  }
  const stop = createStopToken();
  const handlers: [Deno.Signal, () => void][] =
    (["SIGINT", "SIGTERM", "SIGUSR1", "SIGUSR2"] as const).map(
      (sig) => {
        const handler = () => {
          if (stop.reason !== null) {
            // a second signal: leave at once; committed rows are safe (commit markers, §7.3)
            log.warn(`${sig} received again: exiting without a final checkpoint`);
            Deno.exit(SIGNAL_EXIT[sig]);
          }
          log.warn(
            `${sig} received: stop dispatching, commit returned results, checkpoint, exit ${
              SIGNAL_EXIT[sig]
            }`,
          );
          stop.request(sig);
        };
        Deno.addSignalListener(sig, handler);
        return [sig, handler];
      },
    );
  try {
    if (args["no-gpu"] || args["gpu-device"] !== undefined) {
      log.warn("--no-gpu/--gpu-device accepted for compatibility: there is no GPU path");
    }
    if (args["output-dir"] !== undefined && args["continue-from"] !== undefined) {
      throw new UsageError(
        "--output-dir and --continue-from are exclusive: --continue-from resumes in place",
      );
    }
    const workers = numberFlag(args, "workers", { integer: true, min: 0 });
    const shardText = stringFlag(args, "shard");
    const shard = shardText === undefined ? undefined : parseShardText(shardText, "--shard");
    if (shard !== undefined && args["skip-phase1"]) {
      throw new UsageError("--shard runs Phase 1 only; it cannot be combined with --skip-phase1");
    }
    const shardTarget = numberFlag(args, "shard-target", { integer: true, min: 1 });
    if (shardTarget !== undefined && shard === undefined && args["continue-from"] === undefined) {
      throw new UsageError("--shard-target applies to a shard (--shard I/K or a resumed shard)");
    }
    const fakeDraws = numberFlag(args, "fake-draws-per-pair", { min: 0 });
    const result = await runCampaign({
      configPath: stringFlag(args, "config") ?? "configs/dry_run.yaml",
      configExplicit: args.config !== undefined,
      env: Deno.env.toObject(),
      outputDir: stringFlag(args, "output-dir"),
      continueFrom: stringFlag(args, "continue-from"),
      seed: numberFlag(args, "seed", { integer: true, min: 0 }),
      workers: workers !== undefined && workers > 0 ? workers : undefined,
      skipPhase1: args["skip-phase1"] === true,
      skipPhase2: args["skip-phase2"] === true,
      skipPhase3: args["skip-phase3"] === true,
      skipPostprocess: args["skip-postprocess"] === true,
      validate: args.validate === true,
      verbose: args.verbose === true,
      stop,
      log,
      fakeDrawsPerPair: fakeDraws,
      shard,
      shardTarget,
      copyBackDir: stringFlag(args, "copy-back"),
    });
    const code = exitCodeOf(result);
    if (result.status === "validated") {
      console.error(`validated; the campaign would be written to ${result.outputDir}`);
    } else {
      console.error(`output directory: ${result.outputDir}`);
      if (code !== 0) {
        console.error(
          `stopped (${
            result.stopReason ?? result.status
          }); resume with --continue-from ${result.outputDir}`,
        );
      }
    }
    console.log(JSON.stringify({ ...result, exitCode: code }));
    return code;
  } catch (e) {
    if (e instanceof MissingStoreError) {
      console.error(`error: ${e.message}`);
      return 1;
    }
    return campaignErrorExitCode(e, [CampaignDirError]);
  } finally {
    for (const [sig, h] of handlers) Deno.removeSignalListener(sig, h);
  }
}

Deno.exit(await main());
