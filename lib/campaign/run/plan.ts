/**
 * The plan `explore --validate` prints (docs/campaign.md §11.1): what each phase would run with,
 * as the configuration's own sections, without writing anything.
 * @module
 */
import type { CampaignConfig } from "../../io/config.ts";
import { shardTargetSamples, shardText } from "../store/resume.ts";
import type { CampaignRunOptions } from "./run_options.ts";

/** The plan of `config` run into `dir` with the flags of `o`. */
export function planOf(
  config: CampaignConfig,
  dir: string,
  o: Pick<
    CampaignRunOptions,
    "shard" | "skipPhase1" | "skipPhase2" | "skipPhase3" | "skipPostprocess"
  >,
): Record<string, unknown> {
  return o.shard ? shardPlan(config, dir, o.shard) : {
    output_dir: dir,
    workers: config.execution.num_workers,
    simulator: config.simulation.simulator,
    phase1: o.skipPhase1 ? "skip" : {
      num_samples: config.phase1.num_samples,
      commit_batch: config.phase1.batch_size,
      design: config.phase1.design,
      prefilter: config.phase1.prefilter,
    },
    phase2: o.skipPhase2 ? "skip" : { target: config.phase2.target, gp: config.phase2.gp },
    phase3: o.skipPhase3 ? "skip" : {
      num_iterations: config.phase3.num_iterations,
      batch_size: config.phase3.batch_size,
      acquisition: config.phase3.acquisition,
      batch: config.phase3.batch,
      holdout: config.phase3.holdout.size,
    },
    postprocess: o.skipPostprocess ? "skip" : {
      tables: config.tables.enabled,
      figures: config.visualization.enabled,
      report: config.report.enabled,
    },
  };
}

/** The plan of one shard (`--shard I/K`, docs/campaign.md §7.5): Phase 1 only. */
function shardPlan(
  config: CampaignConfig,
  dir: string,
  shard: { index: number; count: number },
): Record<string, unknown> {
  return {
    output_dir: dir,
    workers: config.execution.num_workers,
    simulator: config.simulation.simulator,
    shard: shardText(shard),
    phase1: {
      num_samples: config.phase1.num_samples,
      shard_target: shardTargetSamples(config.phase1.num_samples, shard.count),
      commit_batch: config.phase1.batch_size,
      design: config.phase1.design,
      prefilter: config.phase1.prefilter,
    },
    phase2: "skip (shard mode)",
    phase3: "skip (shard mode)",
    postprocess: "skip (shard mode)",
  };
}
