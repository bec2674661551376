/**
 * What a campaign run takes and returns (docs/campaign.md §11.1): the task's flags, the status and
 * the machine-readable summary that `explore` prints and maps to an exit code.
 * @module
 */
import { CampaignDirError } from "../../io/campaign_dir.ts";
import type { Logger } from "../../io/log.ts";
import type { Strategy } from "../../surrogate/twin_landscape.ts";
import type { Phase1Summary, StopToken } from "../phases/phase1.ts";

/** Software version stored in the HDF5 root attributes. */
export const SOFTWARE_VERSION = "caligo-ts 0.1.0";

/** Options of `runCampaign` (the flags of docs/campaign.md §11.1). */
export interface CampaignRunOptions {
  configPath: string;
  /** Whether `--config` was given explicitly. */
  configExplicit: boolean;
  env: Record<string, string | undefined>;
  outputDir?: string;
  continueFrom?: string;
  seed?: number;
  workers?: number;
  skipPhase1: boolean;
  skipPhase2: boolean;
  skipPhase3: boolean;
  skipPostprocess: boolean;
  validate: boolean;
  verbose: boolean;
  stop: StopToken;
  /** Bootstrap logger (stderr) used until the campaign log file exists. */
  log: Logger;
  /** Worker module, overridable for bundles. */
  workerUrl?: URL;
  /** Log to the campaign's log file only, not to stderr (benchmarks running many campaigns). */
  quiet?: boolean;
  /** Synthetic work of the fake simulator (benchmarks), draws per pair. */
  fakeDrawsPerPair?: number;
  /**
   * `--shard I/K` (docs/campaign.md §7.5): Phase 1 only, for the shard's ids. On a resume it must match
   * the store's `shard` attribute, which is used when the flag is left out.
   */
  shard?: { index: number; count: number };
  /**
   * `--shard-target N`: executed rows this shard aims for instead of
   * ⌈1.25 · num_samples / K⌉ + 2 (to extend a shard the merge found too short).
   */
  shardTarget?: number;
  /**
   * `--copy-back DIR`: after every Phase 1 checkpoint, copy the campaign (closed store, checkpoint,
   * log) to DIR atomically (lib/io/copy_back.ts), e.g. from node scratch to the shared file
   * system, so a node that dies loses at most one checkpoint interval.
   */
  copyBackDir?: string;
}

/** How the run ended. */
export type CampaignStatus =
  | "complete"
  | "validated"
  | "stopped"
  | "pool_exhausted"
  | "design_exhausted";

/** Machine-readable result of a run (the JSON summary on stdout). */
export interface CampaignRunResult {
  status: CampaignStatus;
  stopReason: string | null;
  outputDir: string | null;
  resumed: boolean;
  phasesRun: string[];
  phasesSkipped: Record<string, string>;
  phase1?: Omit<Phase1Summary, "workers"> & { workers: Phase1Summary["workers"] };
  /** Phase 3: how it ended and the boundary F1 after each iteration (holdout, else stability). */
  phase3?: { status: string; iterations: number; samples: number; f1History: number[] };
  /** Phase 2 validation per strategy (R² and RMSE of the target on simulated rows). */
  phase2?: Partial<Record<Strategy, { validationR2: number | null; rmse: number | null }>>;
  /** The final model's boundary check on the holdout, per strategy (F1 null: a class missing). */
  holdout?: Partial<
    Record<Strategy, { f1: number | null; positives: number; negatives: number }>
  >;
  plan?: Record<string, unknown>;
}

/** The --skip-phase1 flag was given but there is no store to continue with (exit 1). */
export class MissingStoreError extends CampaignDirError {}

/** A fresh result: complete until a phase says otherwise. */
export function emptyResult(outputDir: string | null, resumed: boolean): CampaignRunResult {
  return {
    status: "complete",
    stopReason: null,
    outputDir,
    resumed,
    phasesRun: [],
    phasesSkipped: {},
  };
}

/** Mark the run stopped by the signal of `stop` (exit 143/75/130 and a resume, issue #18). */
export function markStopped(result: CampaignRunResult, stop: StopToken): void {
  result.status = "stopped";
  result.stopReason = stop.reason;
}
