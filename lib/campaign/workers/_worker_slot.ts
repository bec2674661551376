/**
 * One place of a {@link WorkerPool}: the worker that occupies it now, the task it runs, and the
 * statistics of every worker that occupied it. Internal to the pool.
 * @module
 */
import type { PoolOutcome, WorkerSlotStats } from "./pool_outcome.ts";
import type { WorkerMemory } from "./worker_protocol.ts";

/** A submitted task and the promise it settles. */
export interface Job<T, R> {
  task: T;
  attempts: number;
  busyMs: number;
  resolve(outcome: PoolOutcome<R>): void;
  reject(error: Error): void;
}

/** `starting` until the handshake, `cancelling` after a timeout set the cancel flag. */
export type SlotState = "starting" | "idle" | "busy" | "cancelling" | "dead";

export interface Slot<T, R, H> {
  index: number;
  worker: Worker | null;
  workerId: number;
  /** The worker's cancel flag (`cancel[0] = 1` asks the running task to stop). */
  cancel: Int32Array;
  state: SlotState;
  tasksThisChild: number;
  job: Job<T, R> | null;
  taskId: number;
  busySince: number;
  timer: ReturnType<typeof setTimeout> | undefined;
  initFailures: number;
  /** The current worker's handshake. */
  hello: H | undefined;
  stats: WorkerSlotStats;
  /** Resolves `WorkerPool.create` once this slot's first worker is ready. */
  onReady: (() => void) | null;
  /** Set when close() asked the running task to stop. */
  closing: boolean;
}

/** An empty slot, before its first worker. */
export function newSlot<T, R, H>(index: number): Slot<T, R, H> {
  return {
    index,
    worker: null,
    workerId: -1,
    cancel: new Int32Array(0),
    state: "dead",
    tasksThisChild: 0,
    job: null,
    taskId: -1,
    busySince: 0,
    timer: undefined,
    initFailures: 0,
    hello: undefined,
    onReady: null,
    closing: false,
    stats: {
      slot: index,
      workerId: -1,
      tasks: 0,
      busyMs: 0,
      spawns: 0,
      timeouts: 0,
      crashes: 0,
      abandoned: 0,
      lastRssBytes: NaN,
      peakRssBytes: 0,
      lastHeapUsedBytes: NaN,
      peakHeapUsedBytes: 0,
    },
  };
}

/** Record the memory a worker reported in the slot's statistics. */
export function recordMemory(stats: WorkerSlotStats, m: WorkerMemory): void {
  stats.lastRssBytes = m.rssBytes;
  stats.lastHeapUsedBytes = m.heapUsedBytes;
  if (m.rssBytes > stats.peakRssBytes) stats.peakRssBytes = m.rssBytes;
  if (m.heapUsedBytes > stats.peakHeapUsedBytes) stats.peakHeapUsedBytes = m.heapUsedBytes;
}

/** End the slot's current attempt: charge its busy time to the job and the slot; return the job. */
export function endAttempt<T, R, H>(slot: Slot<T, R, H>, nowMs: number): Job<T, R> | null {
  const job = slot.job;
  slot.job = null;
  if (job) {
    const busy = nowMs - slot.busySince;
    job.busyMs += busy;
    slot.stats.busyMs += busy;
  }
  return job;
}
