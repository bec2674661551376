/**
 * `deno task merge [--config PATH] DIR`: merge the Phase 1 shard stores
 * `DIR/shards/shardI/exploration_data.h5` (I = 0 … K−1) of a job array into `DIR/exploration_data.h5`
 * (docs/campaign.md §7.5; lib/campaign/store/merge.ts), so that
 * `deno task explore --continue-from DIR --skip-phase1` runs Phases 2–3 on it.
 *
 * With `--config`, the shards must have been run with that config (output paths and worker count
 * aside). A JSON summary goes to stdout, messages to stderr. Exit codes: 0 merged; 1 the shards
 * cannot be merged (missing, inconsistent, overlapping, or one stopped before the single-process
 * cutoff: the message names the shard and how to extend it); 2 usage or configuration error.
 * @module
 */
import { UsageError } from "../lib/errors.ts";
import { loadConfig } from "../lib/io/config.ts";
import { createLogger } from "../lib/io/log.ts";
import { mergeShards } from "../lib/campaign/store/merge.ts";
import { acquireCampaignLock, CampaignLockedError } from "../lib/campaign/store/campaign_lock.ts";
import { campaignErrorExitCode } from "./_cli.ts";
import { helpText, parseTaskFlags, stringFlag } from "./_flags.ts";
import { TASKS } from "./_tasks.ts";

async function main(): Promise<number> {
  const log = createLogger({ name: "merge" });
  let parsed;
  try {
    parsed = parseTaskFlags(TASKS.merge, Deno.args);
  } catch (e) {
    console.error(`merge: ${(e as Error).message}\nsee: ./deno task merge --help`);
    return 2;
  }
  if (parsed.values.help) {
    console.log(helpText("merge", TASKS.merge));
    return 0;
  }
  try {
    if (parsed.positionals.length !== 1) {
      throw new UsageError(
        `DIR: expected one campaign directory, got ${parsed.positionals.length} arguments`,
      );
    }
    const dir = parsed.positionals[0];
    const configPath = stringFlag(parsed.values, "config");
    const expected = configPath === undefined
      ? undefined
      : (await loadConfig(configPath, Deno.env.toObject())).config;
    // the writer lock of DIR (docs/faults.md): refused (exit 2) while explore or merge writes it
    const isDir = await Deno.stat(dir).then((i) => i.isDirectory, () => false);
    const lock = isDir && acquireCampaignLock(dir.replace(/\/+$/, "") || "/", {
      owner: "merge",
      onTakeover: (stale, why) =>
        log.warn(`${dir}: took over a stale lock${stale ? ` of pid ${stale.pid}` : ""} (${why})`),
    });
    let result;
    try {
      result = await mergeShards(dir, { expectedConfig: expected, log });
    } finally {
      if (lock) lock.release();
    }
    console.error(`merged ${result.shardCount} shards: ${result.store}`);
    console.log(JSON.stringify(result));
    return 0;
  } catch (e) {
    return campaignErrorExitCode(e, [CampaignLockedError]);
  }
}

Deno.exit(await main());
