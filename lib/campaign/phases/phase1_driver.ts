/**
 * The Phase 1 driver behind `runPhase1` (docs/campaign.md §5.3): dispatches the design stream in id
 * order to the pool (pre-filtered and over-budget points become rows without a task), buffers the
 * rows as they complete, commits them with their run-record row, and writes checkpoints. One
 * object per run holds the counters that the resume state (§7.4) starts.
 * @module
 */
import { OUTCOMES } from "../../protocol/record.ts";
import { type Phase1Checkpoint, writeCheckpointSync } from "../../io/checkpoint.ts";
import type { StoreRow } from "../../io/store/schema.ts";
import { StoreWriteError } from "../../io/store/writer.ts";
import { isSkipped, nextShardId, phase1ResumeState, shardText } from "../store/resume.ts";
import {
  designTask,
  failureRow,
  rowFromPoolOutcome,
  type SimulateTask,
  skippedRow,
} from "../sample_rows.ts";
import type { SimWorkerResult } from "../workers/sim_worker.ts";
import type { PoolOutcome } from "../workers/worker_pool.ts";
import { WorkerPoolExhaustedError } from "../workers/worker_pool.ts";
import type { Phase1Options, Phase1Status, Phase1Summary } from "./phase1.ts";

/** Skipped rows ride along with the next commit, but never more than this many wait. */
const MAX_BUFFERED_ROWS = 4096;

function timer(ms: number): { promise: Promise<void>; cancel(): void } {
  let id: ReturnType<typeof setTimeout> | undefined;
  const promise = new Promise<void>((r) => (id = setTimeout(r, ms)));
  return { promise, cancel: () => clearTimeout(id) };
}

/** One run (or resume) of Phase 1. */
export class Phase1Driver {
  readonly #o: Phase1Options;
  readonly #now: () => number;
  readonly #t0: number;
  readonly #paired: boolean;
  readonly #maxDesign: number;
  readonly #idLimit: number;
  // dispatch
  readonly #queue: number[];
  #nextId: number;
  #executedPlanned: number;
  #dispatchDone = false;
  #designExhausted = false;
  readonly #inflight = new Set<Promise<void>>();
  #sinceYield = 0;
  #poolError: Error | null = null;
  #finished = false;
  // committed rows
  readonly #byOutcome: Phase1Summary["byOutcome"];
  #executed: number;
  #skipped: number;
  #rowsThisRun = 0;
  #successes = 0;
  #sumSuccessMargin = 0;
  // the commit buffer and the store's time
  #buffer: StoreRow[] = [];
  #resultsInBuffer = 0;
  #commits = 0;
  #commitsSinceCheckpoint = 0;
  #writeSeconds = 0;
  #lastCommitAt: number;
  #lastBusyMs = 0;
  #peakRss = 0;

  constructor(o: Phase1Options) {
    this.#o = o;
    this.#now = o.now ?? (() => performance.now());
    this.#t0 = this.#now();
    const committed = o.session.store.committedOutcomes("lhs_warmup");
    const state = phase1ResumeState(committed.sampleId, committed.outcomeCode, o.shard);
    if (state.committed.size > 0) {
      o.log.info(
        `resuming Phase 1: ${state.committed.size} rows committed (${state.executed} executed), ` +
          `${state.missingIds.length} in-flight ids rescheduled, continuing at id ${state.nextId}`,
      );
    }
    this.#paired = o.design.options.strategy === "paired";
    this.#maxDesign = o.maxDesignPoints > 0 ? o.maxDesignPoints : 20 * o.numSamples;
    this.#idLimit = this.#paired ? 2 * this.#maxDesign : this.#maxDesign;
    this.#queue = [...state.missingIds];
    this.#nextId = state.nextId;
    this.#executedPlanned = state.executed;
    this.#byOutcome = { ...state.byOutcome };
    this.#executed = state.executed;
    this.#skipped = state.skipped;
    this.#lastCommitAt = this.#t0;
  }

  /** Dispatch until done, stopped or the pool fails; then the final commit and checkpoint. */
  async run(): Promise<Phase1Summary> {
    const o = this.#o;
    while (o.stop.reason === null && this.#poolError === null) {
      await this.#fillPool();
      if (this.#dispatchDone && this.#inflight.size === 0) break;
      const tick = timer(Math.min(1000, o.commitIntervalMs));
      await Promise.race([...this.#inflight, o.stop.requested, tick.promise]);
      tick.cancel();
      if (this.#buffer.length > 0 && this.#now() - this.#lastCommitAt >= o.commitIntervalMs) {
        this.#commit();
      }
    }
    return this.#finish();
  }

  /** Keep up to `maxInFlight` tasks in the pool. */
  async #fillPool(): Promise<void> {
    const o = this.#o;
    while (
      !this.#dispatchDone && this.#inflight.size < o.maxInFlight && o.stop.reason === null &&
      !this.#poolError
    ) {
      const id = this.#nextCandidate();
      if (id === null) {
        this.#dispatchDone = true;
        break;
      }
      const wasSkipped = this.#dispatch(id);
      if (wasSkipped && ++this.#sinceYield % 256 === 0) await new Promise((r) => setTimeout(r, 0));
    }
  }

  /** The next id to dispatch, or null when the target or the design is reached. */
  #nextCandidate(): number | null {
    const o = this.#o;
    if (this.#queue.length > 0) return this.#queue.shift()!;
    if (o.shard !== undefined) this.#nextId = nextShardId(this.#nextId, o.shard);
    if (this.#paired && this.#nextId % 2 === 1) return this.#nextId++; // the blind partner of a dispatched pair
    if (this.#executedPlanned >= o.numSamples) return null;
    if (this.#nextId >= this.#idLimit) {
      this.#designExhausted = true;
      return null;
    }
    return this.#nextId++;
  }

  /** Dispatch sample `id`: a skipped row, a guard's failure row, or a task; true when skipped. */
  #dispatch(id: number): boolean {
    const o = this.#o;
    const s = o.design.sample(id);
    const task = designTask(s, id, "phase1", o.campaignSeed);
    const verdict = o.prefilter?.(s.row, s.numPairs);
    if (verdict && !verdict.isFeasible) {
      this.#buffer.push(skippedRow(task, verdict));
      if (this.#buffer.length >= MAX_BUFFERED_ROWS) this.#commit();
      return true;
    }
    this.#executedPlanned++;
    const guard = this.#guardFailure(task, o.simulatedRounds?.(s.row, s.numPairs) ?? s.numPairs);
    if (guard !== null) {
      this.#buffer.push(guard);
      if (++this.#resultsInBuffer >= o.commitBatchSize) this.#commit();
      return false;
    }
    this.#submit(task);
    return false;
  }

  /** The failure row of a task whose rounds exceed the memory budget or `max_pairs`, or null. */
  #guardFailure(task: SimulateTask, rounds: number): StoreRow | null {
    const o = this.#o;
    const overBudget = 64 * rounds > o.memoryBudgetBytes;
    if (!overBudget && rounds <= o.maxPairs) return null;
    return failureRow(
      task,
      "memory_budget",
      0,
      -1,
      0,
      overBudget
        ? "memory budget: 64 B × N exceeds execution.memory_budget_mb"
        : `memory guard: ${rounds} rounds exceed simulation.max_pairs = ${o.maxPairs}`,
    );
  }

  /**
   * Submit a task to the pool. A commit or checkpoint that fails inside the result handler (e.g. a
   * full disk) must stop the loop like a pool error, not become a rejection nobody awaits once
   * the task left the in-flight set.
   */
  #submit(task: SimulateTask): void {
    const p: Promise<void> = this.#o.pool.submit(task)
      .then((out) => {
        try {
          this.#handleOutcome(task, out);
        } catch (e) {
          this.#poolError ??= e as Error;
        }
      }, (e) => {
        this.#poolError ??= e as Error;
      })
      .finally(() => this.#inflight.delete(p));
    this.#inflight.add(p);
  }

  #handleOutcome(task: SimulateTask, out: PoolOutcome<SimWorkerResult>): void {
    if (this.#finished) return;
    const row = rowFromPoolOutcome(task, out, this.#o.log);
    if (row === null) return; // cancelled: recomputed on resume
    this.#buffer.push(row);
    if (++this.#resultsInBuffer >= this.#o.commitBatchSize) this.#commit();
  }

  /** Commit the buffered rows (sorted by id) with their run-record row; checkpoint when due. */
  #commit(): void {
    const o = this.#o;
    if (this.#buffer.length === 0) return;
    const rows = this.#buffer.sort((a, b) => a.sampleId - b.sampleId);
    this.#buffer = [];
    this.#resultsInBuffer = 0;
    const w0 = this.#now();
    o.session.store.append("lhs_warmup", rows);
    const writeS = (this.#now() - w0) / 1000;
    this.#writeSeconds += writeS;
    this.#tally(rows);
    this.#commits++;
    const t = this.#now();
    this.#appendCommitRecord(rows.length, writeS, t);
    this.#writeSeconds += (this.#now() - t) / 1000; // the run-record row is a store write too
    this.#lastCommitAt = t;
    this.#reportProgress((t - this.#t0) / 1000);
    if (++this.#commitsSinceCheckpoint >= o.checkpointInterval) this.#checkpoint(false);
  }

  #tally(rows: StoreRow[]): void {
    for (const r of rows) {
      this.#byOutcome[r.outcome]++;
      if (isSkipped(r.outcome)) this.#skipped++;
      else this.#executed++;
      if (r.outcome === "success") {
        this.#successes++;
        this.#sumSuccessMargin += r.keyMargin;
      }
    }
    this.#rowsThisRun += rows.length;
  }

  /** The run-record row of a commit (`/run_record`, docs/campaign.md §7). */
  #appendCommitRecord(rows: number, writeS: number, t: number): void {
    const o = this.#o;
    const wallS = (t - this.#lastCommitAt) / 1000;
    const busy = this.#busyMs();
    const stats = o.pool.stats();
    const rss = Math.max(0, ...stats.map((s) => s.peakRssBytes)) / 2 ** 20;
    this.#peakRss = Math.max(this.#peakRss, rss);
    o.session.store.appendCommitRecord({
      commitIndex: this.#commits,
      phase: 1,
      rows,
      wallS,
      writeS,
      samplesPerS: wallS > 0 ? rows / wallS : NaN,
      workerUtilisation: wallS > 0 ? (busy - this.#lastBusyMs) / (1000 * wallS * o.pool.size) : NaN,
      peakRssMb: rss,
      elapsedS: (t - this.#t0) / 1000,
    });
    this.#lastBusyMs = busy;
  }

  #reportProgress(elapsed: number): void {
    const executed = this.#executed, total = executed + this.#skipped, successes = this.#successes;
    this.#o.progress?.update(
      executed,
      `yield ${(100 * executed / Math.max(1, total)).toFixed(1)}%, success ${
        (100 * successes / Math.max(1, executed)).toFixed(1)
      }%, mean key margin ${successes ? (this.#sumSuccessMargin / successes).toFixed(4) : "–"}, ${
        (this.#rowsThisRun / Math.max(elapsed, 1e-9)).toFixed(1)
      } rows/s`,
    );
  }

  #checkpoint(complete: boolean): void {
    const o = this.#o;
    o.session.checkpoint(complete || o.onCheckpoint ? "always" : "budgeted");
    const executed = this.#executed, skipped = this.#skipped, total = executed + skipped;
    const ckpt: Phase1Checkpoint & { shard?: string } = {
      schema: "caligo-ts/phase1-checkpoint/1",
      config_sha256: o.configSha256,
      campaign_seed: o.campaignSeed,
      next_id: this.#nextId,
      executed,
      skipped,
      committed_rows: total,
      failures_by_outcome: Object.fromEntries(
        Object.entries(this.#byOutcome).filter(([k, v]) => k !== "success" && v > 0),
      ),
      yield: total === 0 ? 0 : executed / total,
      elapsed_s: (this.#now() - this.#t0) / 1000,
      written_utc: new Date().toISOString(),
      complete,
    };
    if (o.shard !== undefined) ckpt.shard = shardText(o.shard);
    writeCheckpointSync(o.checkpointPath, ckpt);
    this.#commitsSinceCheckpoint = 0;
    o.onCheckpoint?.();
  }

  /** The final commit and checkpoint, the status, and the summary stored in the file. */
  #finish(): Phase1Summary {
    const o = this.#o;
    const err = this.#poolError as Error | null;
    if (err !== null && !(err instanceof WorkerPoolExhaustedError)) {
      this.#finished = true;
      if (!(err instanceof StoreWriteError)) {
        this.#commit();
        this.#checkpoint(false);
      }
      throw err;
    }
    this.#commit();
    this.#finished = true;
    const status = this.#status(err);
    if (status === "design_exhausted") {
      o.log.warn(
        `design exhausted after ${this.#maxDesign} design points with ${this.#executed} of ` +
          `${o.numSamples} executed samples; raise phase1.design.max_design_points or widen the bounds`,
      );
    }
    this.#checkpoint(status === "complete" || status === "design_exhausted");
    o.progress?.finish();
    const summary = this.#summary(status, err);
    const { workers: _w, ...stored } = summary;
    o.session.store.setPhaseSummary("phase1", { ...stored, outcome_vocabulary: OUTCOMES });
    return summary;
  }

  #status(err: Error | null): Phase1Status {
    return this.#o.stop.reason !== null
      ? "stopped"
      : err !== null
      ? "pool_exhausted"
      : this.#designExhausted && this.#executed < this.#o.numSamples
      ? "design_exhausted"
      : "complete";
  }

  #summary(status: Phase1Status, err: Error | null): Phase1Summary {
    const o = this.#o;
    const wallSeconds = (this.#now() - this.#t0) / 1000;
    const wall = Math.max(wallSeconds, 1e-9);
    const workers = o.pool.stats();
    return {
      status,
      stopReason: o.stop.reason ?? (err ? err.message : null),
      executed: this.#executed,
      skipped: this.#skipped,
      committedRows: this.#executed + this.#skipped,
      rowsThisRun: this.#rowsThisRun,
      byOutcome: this.#byOutcome,
      wallSeconds,
      samplesPerSecond: this.#rowsThisRun / wall,
      workerUtilisation: this.#busyMs() / (1000 * wall * o.pool.size),
      peakRssMb: this.#peakRss,
      peakWorkerHeapMb: Math.max(0, ...workers.map((w) => w.peakHeapUsedBytes)) / 2 ** 20,
      commits: this.#commits,
      writeSeconds: this.#writeSeconds,
      checkpointSeconds: o.session.checkpointSeconds,
      storeFraction: (this.#writeSeconds + o.session.checkpointSeconds) / wall,
      workers,
    };
  }

  #busyMs(): number {
    return this.#o.pool.stats().reduce((s, w) => s + w.busyMs, 0);
  }
}
