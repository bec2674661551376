/**
 * `deno task explore`: start or resume a campaign (campaign.md §11.1).
 *
 * Human output (log, progress) goes to stderr, a JSON summary to stdout. Exit codes: 0 done;
 * 1 fatal runtime error (including an unreadable store without a usable backup, or
 * `--skip-phase1` without a store); 2 usage or configuration error (one line naming the flag or
 * key); 75 checkpointed and a restart is needed (SIGUSR1, or more stuck workers than the pool
 * tolerates); 130 SIGINT; 143 SIGTERM. Always ends with `Deno.exit` so a worker stuck in
 * synchronous code cannot keep the process alive (platform.md §3).
 * @module
 */
import { parseArgs } from "node:util";
import { UsageError } from "../lib/errors.ts";
import { CampaignDirError } from "../lib/io/campaign_dir.ts";
import { createLogger } from "../lib/io/log.ts";
import {
  type CampaignRunResult,
  MissingStoreError,
  runCampaign,
} from "../lib/campaign/campaign.ts";
import { createStopToken } from "../lib/campaign/phase1.ts";
import { parseShardText } from "../lib/campaign/resume.ts";
import { campaignErrorExitCode } from "./_cli.ts";

const USAGE = `usage: deno task explore [--config PATH] [--output-dir DIR | --continue-from DIR]
  [--workers N] [--seed N] [--skip-phase1] [--skip-phase2] [--skip-phase3] [--skip-postprocess]
  [--shard I/K [--shard-target N]] [--validate] [--no-gpu] [--gpu-device STR] [-v|--verbose]`;

// SIGUSR2 means the same as SIGUSR1: the SLURM templates forward USR1 as USR2 because Deno
// (≥ 2.9.2, like Node) opens its inspector on 127.0.0.1:9229 when a process receives SIGUSR1,
// which other users of a shared node could attach to.
const SIGNAL_EXIT: Record<string, number> = { SIGINT: 130, SIGTERM: 143, SIGUSR1: 75, SIGUSR2: 75 };

function positiveInt(
  flag: string,
  value: string | undefined,
  allowZero = false,
): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(n) || (!allowZero && n < 1)) {
    throw new UsageError(
      `${flag}: expected a ${allowZero ? "non-negative" : "positive"} integer, got ${
        JSON.stringify(value)
      }`,
    );
  }
  return n;
}

function exitCodeOf(result: CampaignRunResult): number {
  if (result.status === "stopped") return SIGNAL_EXIT[result.stopReason ?? ""] ?? 75;
  if (result.status === "pool_exhausted") return 75;
  return 0;
}

async function main(): Promise<number> {
  const log = createLogger({ name: "explore" });
  let args;
  try {
    args = parseArgs({
      args: Deno.args,
      strict: true,
      allowPositionals: false,
      options: {
        config: { type: "string" },
        "output-dir": { type: "string" },
        "continue-from": { type: "string" },
        workers: { type: "string" },
        seed: { type: "string" },
        shard: { type: "string" },
        "shard-target": { type: "string" },
        "skip-phase1": { type: "boolean", default: false },
        "skip-phase2": { type: "boolean", default: false },
        "skip-phase3": { type: "boolean", default: false },
        "skip-postprocess": { type: "boolean", default: false },
        validate: { type: "boolean", default: false },
        "no-gpu": { type: "boolean", default: false },
        "gpu-device": { type: "string" },
        verbose: { type: "boolean", short: "v", default: false },
        help: { type: "boolean", short: "h", default: false },
        // hidden: synthetic work per pair for the fake simulator (benchmarks)
        "fake-draws-per-pair": { type: "string" },
      },
    }).values;
  } catch (e) {
    console.error(`error: ${(e as Error).message}\n${USAGE}`);
    return 2;
  }
  if (args.help) {
    console.error(USAGE);
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
    const workers = positiveInt("--workers", args.workers, true);
    const shard = args.shard === undefined ? undefined : parseShardText(args.shard, "--shard");
    if (shard !== undefined && args["skip-phase1"]) {
      throw new UsageError("--shard runs Phase 1 only; it cannot be combined with --skip-phase1");
    }
    const shardTarget = positiveInt("--shard-target", args["shard-target"]);
    if (shardTarget !== undefined && shard === undefined && args["continue-from"] === undefined) {
      throw new UsageError("--shard-target applies to a shard (--shard I/K or a resumed shard)");
    }
    const fakeDraws = args["fake-draws-per-pair"] === undefined
      ? undefined
      : Number(args["fake-draws-per-pair"]);
    if (fakeDraws !== undefined && !(fakeDraws >= 0)) {
      throw new UsageError(
        `--fake-draws-per-pair: expected a number ≥ 0, got ${args["fake-draws-per-pair"]}`,
      );
    }
    const result = await runCampaign({
      configPath: args.config ?? "configs/dry_run.yaml",
      configExplicit: args.config !== undefined,
      env: Deno.env.toObject(),
      outputDir: args["output-dir"],
      continueFrom: args["continue-from"],
      seed: positiveInt("--seed", args.seed, true),
      workers: workers !== undefined && workers > 0 ? workers : undefined,
      skipPhase1: args["skip-phase1"],
      skipPhase2: args["skip-phase2"],
      skipPhase3: args["skip-phase3"],
      skipPostprocess: args["skip-postprocess"],
      validate: args.validate,
      verbose: args.verbose,
      stop,
      log,
      fakeDrawsPerPair: fakeDraws,
      shard,
      shardTarget,
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
