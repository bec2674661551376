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
import { sampleSeed } from "../../kernels/rng.ts";
import { type Outcome, OUTCOMES } from "../../protocol/record.ts";
import type { Phase1Checkpoint } from "../../io/checkpoint.ts";
import { writeCheckpointSync } from "../../io/checkpoint.ts";
import { type StoreRow, StoreWriteError } from "../../io/hdf5_store.ts";
import type { Logger } from "../../io/log.ts";
import type { Progress } from "../../io/progress.ts";
import type { Phase1Design } from "../design.ts";
import type { RowPrefilter } from "../prefilter_adapter.ts";
import { isSkipped, nextShardId, phase1ResumeState, type ShardSpec, shardText } from "../resume.ts";
import { failureRow, rowFromPoolOutcome, type SimulateTask, skippedRow } from "../sample_rows.ts";
import type { SimWorkerResult } from "../sim_worker.ts";
import type { StoreSession } from "../store_session.ts";
import type { PoolOutcome, WorkerSlotStats } from "../worker_pool.ts";
import { WorkerPoolExhaustedError } from "../worker_pool.ts";

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

/** Skipped rows ride along with the next commit, but never more than this many wait. */
const MAX_BUFFERED_ROWS = 4096;

function timer(ms: number): { promise: Promise<void>; cancel(): void } {
  let id: ReturnType<typeof setTimeout> | undefined;
  const promise = new Promise<void>((r) => (id = setTimeout(r, ms)));
  return { promise, cancel: () => clearTimeout(id) };
}

/** Run (or resume) Phase 1; see the module documentation. */
export async function runPhase1(o: Phase1Options): Promise<Phase1Summary> {
  const now = o.now ?? (() => performance.now());
  const t0 = now();
  const log = o.log;
  const committed = o.session.store.committedOutcomes("lhs_warmup");
  const state = phase1ResumeState(committed.sampleId, committed.outcomeCode, o.shard);
  if (state.committed.size > 0) {
    log.info(
      `resuming Phase 1: ${state.committed.size} rows committed (${state.executed} executed), ` +
        `${state.missingIds.length} in-flight ids rescheduled, continuing at id ${state.nextId}`,
    );
  }
  const paired = o.design.options.strategy === "paired";
  const maxDesign = o.maxDesignPoints > 0 ? o.maxDesignPoints : 20 * o.numSamples;
  const idLimit = paired ? 2 * maxDesign : maxDesign;
  const queue = [...state.missingIds];
  let nextId = state.nextId;
  let executedPlanned = state.executed;
  let dispatchDone = false, designExhausted = false;
  const byOutcome = { ...state.byOutcome };
  let executed = state.executed, skipped = state.skipped, rowsThisRun = 0;
  let successes = 0, sumSuccessMargin = 0;
  let buffer: StoreRow[] = [];
  let resultsInBuffer = 0;
  let commits = 0, commitsSinceCheckpoint = 0, writeSeconds = 0;
  let lastCommitAt = t0, lastBusyMs = 0, peakRss = 0, finished = false;
  let poolError: Error | null = null;
  const busyMs = () => o.pool.stats().reduce((s, w) => s + w.busyMs, 0);

  const nextCandidate = (): number | null => {
    if (queue.length > 0) return queue.shift()!;
    if (o.shard !== undefined) nextId = nextShardId(nextId, o.shard);
    if (paired && nextId % 2 === 1) return nextId++; // the blind partner of a dispatched pair
    if (executedPlanned >= o.numSamples) return null;
    if (nextId >= idLimit) {
      designExhausted = true;
      return null;
    }
    return nextId++;
  };

  const checkpoint = (complete: boolean) => {
    o.session.checkpoint(complete || o.onCheckpoint ? "always" : "budgeted");
    const total = executed + skipped;
    const ckpt: Phase1Checkpoint & { shard?: string } = {
      schema: "caligo-ts/phase1-checkpoint/1",
      config_sha256: o.configSha256,
      campaign_seed: o.campaignSeed,
      next_id: nextId,
      executed,
      skipped,
      committed_rows: total,
      failures_by_outcome: Object.fromEntries(
        Object.entries(byOutcome).filter(([k, v]) => k !== "success" && v > 0),
      ),
      yield: total === 0 ? 0 : executed / total,
      elapsed_s: (now() - t0) / 1000,
      written_utc: new Date().toISOString(),
      complete,
    };
    if (o.shard !== undefined) ckpt.shard = shardText(o.shard);
    writeCheckpointSync(o.checkpointPath, ckpt);
    commitsSinceCheckpoint = 0;
    o.onCheckpoint?.();
  };

  const commit = () => {
    if (buffer.length === 0) return;
    const rows = buffer.sort((a, b) => a.sampleId - b.sampleId);
    buffer = [];
    resultsInBuffer = 0;
    const w0 = now();
    o.session.store.append("lhs_warmup", rows);
    const writeS = (now() - w0) / 1000;
    writeSeconds += writeS;
    for (const r of rows) {
      byOutcome[r.outcome]++;
      if (isSkipped(r.outcome)) skipped++;
      else executed++;
      if (r.outcome === "success") {
        successes++;
        sumSuccessMargin += r.keyMargin;
      }
    }
    rowsThisRun += rows.length;
    commits++;
    const t = now();
    const wallS = (t - lastCommitAt) / 1000;
    const busy = busyMs();
    const stats = o.pool.stats();
    const rss = Math.max(0, ...stats.map((s) => s.peakRssBytes)) / 2 ** 20;
    peakRss = Math.max(peakRss, rss);
    o.session.store.appendCommitRecord({
      commitIndex: commits,
      phase: 1,
      rows: rows.length,
      wallS,
      writeS,
      samplesPerS: wallS > 0 ? rows.length / wallS : NaN,
      workerUtilisation: wallS > 0 ? (busy - lastBusyMs) / (1000 * wallS * o.pool.size) : NaN,
      peakRssMb: rss,
      elapsedS: (t - t0) / 1000,
    });
    writeSeconds += (now() - t) / 1000; // the run-record row is a store write too
    lastBusyMs = busy;
    lastCommitAt = t;
    const elapsed = (t - t0) / 1000;
    const total = executed + skipped;
    o.progress?.update(
      executed,
      `yield ${(100 * executed / Math.max(1, total)).toFixed(1)}%, success ${
        (100 * successes / Math.max(1, executed)).toFixed(1)
      }%, mean key margin ${successes ? (sumSuccessMargin / successes).toFixed(4) : "–"}, ${
        (rowsThisRun / Math.max(elapsed, 1e-9)).toFixed(1)
      } rows/s`,
    );
    if (++commitsSinceCheckpoint >= o.checkpointInterval) checkpoint(false);
  };

  const handleOutcome = (task: SimulateTask, out: PoolOutcome<SimWorkerResult>) => {
    if (finished) return;
    const row = rowFromPoolOutcome(task, out, log);
    if (row === null) return; // cancelled: recomputed on resume
    buffer.push(row);
    if (++resultsInBuffer >= o.commitBatchSize) commit();
  };

  const inflight = new Set<Promise<void>>();
  let sinceYield = 0;
  while (o.stop.reason === null && poolError === null) {
    while (!dispatchDone && inflight.size < o.maxInFlight && o.stop.reason === null && !poolError) {
      const id = nextCandidate();
      if (id === null) {
        dispatchDone = true;
        break;
      }
      const s = o.design.sample(id);
      const task: SimulateTask = {
        sampleId: id,
        phase: "phase1",
        iteration: -1,
        row: s.row,
        numPairs: s.numPairs,
        seed: sampleSeed(o.campaignSeed, "phase1", id),
      };
      const verdict = o.prefilter?.(s.row, s.numPairs);
      if (verdict && !verdict.isFeasible) {
        buffer.push(skippedRow(task, verdict));
        if (buffer.length >= MAX_BUFFERED_ROWS) commit();
        if (++sinceYield % 256 === 0) await new Promise((r) => setTimeout(r, 0));
        continue;
      }
      executedPlanned++;
      const rounds = o.simulatedRounds?.(s.row, s.numPairs) ?? s.numPairs;
      const overBudget = 64 * rounds > o.memoryBudgetBytes;
      if (overBudget || rounds > o.maxPairs) {
        const row = failureRow(
          task,
          "memory_budget",
          0,
          -1,
          0,
          overBudget
            ? "memory budget: 64 B × N exceeds execution.memory_budget_mb"
            : `memory guard: ${rounds} rounds exceed simulation.max_pairs = ${o.maxPairs}`,
        );
        buffer.push(row);
        if (++resultsInBuffer >= o.commitBatchSize) commit();
        continue;
      }
      // A commit or checkpoint that fails inside handleOutcome (e.g. a full disk) must stop the
      // loop like a pool error, not become a rejection nobody awaits once `p` left `inflight`.
      const p: Promise<void> = o.pool.submit(task)
        .then((out) => {
          try {
            handleOutcome(task, out);
          } catch (e) {
            poolError ??= e as Error;
          }
        }, (e) => {
          poolError ??= e as Error;
        })
        .finally(() => inflight.delete(p));
      inflight.add(p);
    }
    if (dispatchDone && inflight.size === 0) break;
    const tick = timer(Math.min(1000, o.commitIntervalMs));
    await Promise.race([...inflight, o.stop.requested, tick.promise]);
    tick.cancel();
    if (buffer.length > 0 && now() - lastCommitAt >= o.commitIntervalMs) commit();
  }
  const err = poolError as Error | null;
  if (err !== null && !(err instanceof WorkerPoolExhaustedError)) {
    finished = true;
    if (!(err instanceof StoreWriteError)) {
      commit();
      checkpoint(false);
    }
    throw err;
  }
  commit();
  finished = true;
  const status: Phase1Status = o.stop.reason !== null
    ? "stopped"
    : err !== null
    ? "pool_exhausted"
    : designExhausted && executed < o.numSamples
    ? "design_exhausted"
    : "complete";
  if (status === "design_exhausted") {
    log.warn(
      `design exhausted after ${maxDesign} design points with ${executed} of ${o.numSamples} ` +
        "executed samples; raise phase1.design.max_design_points or widen the bounds",
    );
  }
  checkpoint(status === "complete" || status === "design_exhausted");
  o.progress?.finish();
  const wallSeconds = (now() - t0) / 1000;
  const workers = o.pool.stats();
  const summary: Phase1Summary = {
    status,
    stopReason: o.stop.reason ?? (err ? err.message : null),
    executed,
    skipped,
    committedRows: executed + skipped,
    rowsThisRun,
    byOutcome,
    wallSeconds,
    samplesPerSecond: rowsThisRun / Math.max(wallSeconds, 1e-9),
    workerUtilisation: busyMs() / (1000 * Math.max(wallSeconds, 1e-9) * o.pool.size),
    peakRssMb: peakRss,
    peakWorkerHeapMb: Math.max(0, ...workers.map((w) => w.peakHeapUsedBytes)) / 2 ** 20,
    commits,
    writeSeconds,
    checkpointSeconds: o.session.checkpointSeconds,
    storeFraction: (writeSeconds + o.session.checkpointSeconds) / Math.max(wallSeconds, 1e-9),
    workers,
  };
  const { workers: _w, ...stored } = summary;
  o.session.store.setPhaseSummary("phase1", { ...stored, outcome_vocabulary: OUTCOMES });
  return summary;
}
