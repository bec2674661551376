/**
 * The Phase 1 driver (docs/campaign.md §5.3): walks the design stream in id order, pre-filters each
 * point in the main thread (skipped rows are committed, not simulated), keeps up to
 * `maxInFlight` tasks in the worker pool (no chunk barrier) and commits rows as they complete:
 * every `commitBatchSize` simulation results or `commitIntervalMs`, whichever first, together
 * with the skipped rows produced meanwhile (at most 4096 rows wait); a checkpoint every
 * `checkpointInterval` commits and at the end. Resumes from the store (§7.4), so a resumed
 * campaign produces exactly the rows of an uninterrupted one. With `shard` (§7.5) only the
 * shard's ids are walked, in the same increasing order, and `numSamples` is the shard's target.
 * @module
 */
import type { Outcome } from "../../protocol/record.ts";
import type { Logger } from "../../io/log.ts";
import type { Progress } from "../../io/progress.ts";
import type { Phase1Design } from "../design.ts";
import type { RowPrefilter } from "../prefilter_adapter.ts";
import type { ShardSpec } from "../store/resume.ts";
import type { SimulateTask } from "../sample_rows.ts";
import type { SimWorkerResult } from "../workers/sim_worker.ts";
import type { StoreSession } from "../store/store_session.ts";
import type { PoolOutcome, WorkerSlotStats } from "../workers/worker_pool.ts";
import { Phase1Driver } from "./phase1_driver.ts";

/** What the driver needs from the pool (a `WorkerPool<SimulateTask, SimWorkerResult>`). */
export interface SimulationRunner {
  readonly size: number;
  submit(task: SimulateTask): Promise<PoolOutcome<SimWorkerResult>>;
  stats(): WorkerSlotStats[];
}

/** A stop request (signal) the driver polls; `requested` resolves when one arrives. */
export interface StopToken {
  readonly reason: string | null;
  readonly requested: Promise<void>;
}

/** A stop token with its trigger. */
export function createStopToken(): StopToken & { request(reason: string): void } {
  let resolve!: () => void;
  const requested = new Promise<void>((r) => (resolve = r));
  const token = {
    reason: null as string | null,
    requested,
    request(reason: string) {
      if (token.reason === null) token.reason = reason;
      resolve();
    },
  };
  return token;
}

/** Options of {@link runPhase1}. */
export interface Phase1Options {
  campaignSeed: number;
  configSha256: string;
  /** Executed (non-skipped) samples to reach (`phase1.num_samples`). */
  numSamples: number;
  /** Commit unit in rows (`phase1.batch_size`). */
  commitBatchSize: number;
  /** Commit at least this often when rows are waiting, ms (30 000). */
  commitIntervalMs: number;
  /** Checkpoint every this many commits (`phase1.checkpoint_interval`). */
  checkpointInterval: number;
  /** Design points available (`max_design_points`, 0 → 20 × num_samples). */
  maxDesignPoints: number;
  /** Tasks in the pool at once (2 × workers). */
  maxInFlight: number;
  /**
   * Per-worker memory budget, bytes (`execution.memory_budget_mb`): a sample whose estimate
   * 64 bytes × N exceeds it is recorded as failure_error (stage sampling) without running.
   */
  memoryBudgetBytes: number;
  /**
   * Memory guard on the rounds simulated (`simulation.max_pairs`): more are recorded the same
   * way. The rounds are N, or `simulatedRounds` of the row when given (docs/science.md §8.6).
   */
  maxPairs: number;
  /** Rounds a row simulates (erven2014: the expected detected rounds); default N. */
  simulatedRounds?: (row: ArrayLike<number>, numPairs: number) => number;
  design: Phase1Design;
  /** The pre-filter, or null when `phase1.prefilter.enabled` is false. */
  prefilter: RowPrefilter | null;
  pool: SimulationRunner;
  session: StoreSession;
  checkpointPath: string;
  stop: StopToken;
  log: Logger;
  progress?: Progress;
  now?: () => number;
  /**
   * Run only this shard's ids (docs/campaign.md §7.5); `numSamples` is then the shard's target and
   * `maxDesignPoints` must be the whole campaign's. Recorded in the checkpoint as `shard`.
   */
  shard?: ShardSpec;
  /**
   * Called after each checkpoint (backup and checkpoint JSON written), e.g. to copy the campaign
   * back from node scratch (lib/io/copy_back.ts). When set, every checkpoint makes the backup
   * (none is skipped for the time budget), so at most one checkpoint interval is lost.
   */
  onCheckpoint?: () => void;
}

/** How Phase 1 ended. */
export type Phase1Status = "complete" | "design_exhausted" | "stopped" | "pool_exhausted";

/** Phase 1 run record (docs/campaign.md issue 5 item 6), also stored in `/run_record`. */
export interface Phase1Summary {
  status: Phase1Status;
  stopReason: string | null;
  executed: number;
  skipped: number;
  committedRows: number;
  /** Rows committed by this process (not before a resume). */
  rowsThisRun: number;
  byOutcome: Record<Outcome, number>;
  wallSeconds: number;
  samplesPerSecond: number;
  /** Σ busy / (workers × wall). */
  workerUtilisation: number;
  peakRssMb: number;
  peakWorkerHeapMb: number;
  commits: number;
  writeSeconds: number;
  checkpointSeconds: number;
  /** (write + checkpoint) / wall. */
  storeFraction: number;
  workers: WorkerSlotStats[];
}

/** Run (or resume) Phase 1; see the module documentation and lib/campaign/phases/phase1_driver.ts. */
export function runPhase1(o: Phase1Options): Promise<Phase1Summary> {
  return new Phase1Driver(o).run();
}
