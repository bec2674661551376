/**
 * Phase 1 inside a campaign run (docs/campaign.md §3–§5): the design stream of the settings,
 * recorded in the store, walked by {@link runPhase1} with the campaign's pre-filter, guards and
 * commit rhythm; in shard mode only the shard's ids up to its target (§7.5). With `--copy-back`
 * every checkpoint is copied to the given directory.
 * @module
 */
import type { CampaignPaths } from "../../io/campaign_dir.ts";
import { copyBackCampaignSync } from "../../io/copy_back.ts";
import type { Logger } from "../../io/log.ts";
import { createProgress } from "../../io/progress.ts";
import { createPhase1Design } from "../design.ts";
import { campaignPrefilter, createRowRounds } from "../prefilter_adapter.ts";
import { type ShardSpec, shardTargetSamples, shardText } from "../store/resume.ts";
import type { CampaignSettings } from "../settings.ts";
import type { StoreSession } from "../store/store_session.ts";
import { type Phase1Summary, runPhase1, type SimulationRunner, type StopToken } from "./phase1.ts";

/** Commit at least every 30 s when rows are waiting (docs/campaign.md §5.3). */
export const COMMIT_INTERVAL_MS = 30_000;

/** Options of {@link runPhase1Stage}. */
export interface Phase1StageOptions {
  settings: CampaignSettings;
  configSha256: string;
  session: StoreSession;
  paths: CampaignPaths;
  pool: SimulationRunner;
  stop: StopToken;
  log: Logger;
  shard?: ShardSpec;
  /** `--shard-target N`: the shard's executed rows instead of its share. */
  shardTarget?: number;
  /** `--copy-back DIR`. */
  copyBackDir?: string;
}

/** Run or resume Phase 1 and log its summary. */
export async function runPhase1Stage(o: Phase1StageOptions): Promise<Phase1Summary> {
  const { settings, shard, log } = o;
  const p1 = settings.phase1;
  // A shard walks the whole campaign's id range (the same design-point limit) but stops at its
  // own target of executed rows (docs/campaign.md §7.5).
  const numSamples = shard
    ? o.shardTarget ?? shardTargetSamples(p1.numSamples, shard.count)
    : p1.numSamples;
  const design = createPhase1Design(settings.design);
  o.session.store.setDesignJson("lhs_warmup", design.describe());
  const summary = await runPhase1({
    campaignSeed: settings.seed,
    configSha256: o.configSha256,
    numSamples,
    commitBatchSize: p1.commitBatchSize,
    commitIntervalMs: COMMIT_INTERVAL_MS,
    checkpointInterval: p1.checkpointInterval,
    maxDesignPoints: shard && p1.maxDesignPoints <= 0 ? 20 * p1.numSamples : p1.maxDesignPoints,
    maxInFlight: 2 * o.pool.size,
    memoryBudgetBytes: settings.execution.memoryBudgetMb * 2 ** 20,
    maxPairs: settings.simulation.options.maxPairs,
    simulatedRounds: createRowRounds(settings.simulation.options),
    design,
    prefilter: campaignPrefilter(settings),
    pool: o.pool,
    session: o.session,
    checkpointPath: o.paths.phase1Checkpoint,
    stop: o.stop,
    log,
    progress: createProgress({
      label: shard ? `Phase 1 shard ${shardText(shard)}` : "Phase 1",
      total: numSamples,
    }),
    shard,
    onCheckpoint: o.copyBackDir === undefined
      ? undefined
      : () => copyBack(o.paths, o.copyBackDir!, log),
  });
  logSummary(summary, log);
  return summary;
}

/** Copy the campaign to `dir` after a checkpoint; a failure is a warning, the run goes on. */
function copyBack(paths: CampaignPaths, dir: string, log: Logger): void {
  try {
    const c = copyBackCampaignSync(paths, dir);
    log.debug(`copied back to ${dir} (${c.bytes} bytes, ${c.ms.toFixed(0)} ms)`);
  } catch (e) {
    if (e instanceof Deno.errors.NotCapable) throw e;
    log.warn(`copy-back to ${dir} failed (${(e as Error).message}); continuing`);
  }
}

function logSummary(s: Phase1Summary, log: Logger): void {
  const failures = Object.entries(s.byOutcome).filter(([k, v]) => k !== "success" && v > 0)
    .map(([k, v]) => `${k} ${v}`).join(", ") || "none";
  log.info(
    `Phase 1 ${s.status}: ${s.executed} executed, ${s.skipped} skipped, ${s.rowsThisRun} rows this run in ` +
      `${s.wallSeconds.toFixed(1)} s (${
        s.samplesPerSecond.toFixed(1)
      } rows/s), worker utilisation ` +
      `${(100 * s.workerUtilisation).toFixed(0)}%, peak RSS ${s.peakRssMb.toFixed(0)} MB, store ` +
      `${
        (100 * s.storeFraction).toFixed(1)
      }% of wall time; outcomes other than success: ${failures}`,
  );
}
