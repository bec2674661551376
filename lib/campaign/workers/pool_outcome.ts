/**
 * What a {@link WorkerPool} reports (docs/platform.md §3): the fate of each task after all its
 * attempts, per-slot statistics, and the errors that stop a pool.
 * @module
 */
import { CaligoError } from "../../errors.ts";

/** The fate of one submitted task after all its attempts. */
export type PoolOutcome<R> =
  | { status: "ok"; result: R; attempts: number; workerId: number; busyMs: number }
  | { status: "timeout"; attempts: number; workerId: number; busyMs: number }
  | {
    status: "crash";
    attempts: number;
    workerId: number;
    busyMs: number;
    message: string;
    stack?: string;
  }
  /** Cancelled by `WorkerPool.close` before it finished. */
  | { status: "cancelled"; attempts: number; workerId: number; busyMs: number };

/** A failed outcome in words, e.g. "timed out (2 attempts)" or "crashed: out of memory". */
export function describeFailure(outcome: Exclude<PoolOutcome<unknown>, { status: "ok" }>): string {
  const attempts = `${outcome.attempts} attempt${outcome.attempts === 1 ? "" : "s"}`;
  if (outcome.status === "crash") return outcome.message;
  return outcome.status === "timeout" ? `timed out (${attempts})` : "cancelled";
}

/** Statistics of one pool slot over all the workers that occupied it. */
export interface WorkerSlotStats {
  slot: number;
  /** Id of the current worker (ids grow with every spawn). */
  workerId: number;
  tasks: number;
  busyMs: number;
  spawns: number;
  timeouts: number;
  crashes: number;
  abandoned: number;
  /** Process RSS seen by the last task, bytes (shared by all threads). */
  lastRssBytes: number;
  peakRssBytes: number;
  /** This worker's V8 heap after its last task, bytes. */
  lastHeapUsedBytes: number;
  peakHeapUsedBytes: number;
}

/** A worker failed to initialise (its init threw) or never became ready: fatal for the pool. */
export class WorkerInitError extends CaligoError {
  constructor(readonly workerId: number, readonly reason: string) {
    super(`worker ${workerId} failed to initialise: ${reason}`);
  }
}

/** Too many workers ignored cancellation: the process must checkpoint and restart. */
export class WorkerPoolExhaustedError extends CaligoError {
  constructor(readonly abandoned: number) {
    super(
      `${abandoned} workers ignored cancellation and are still running; checkpoint and restart ` +
        "the process (exit code 75)",
    );
  }
}

/** Raised for tasks submitted after `WorkerPool.close`. */
export class WorkerPoolClosedError extends CaligoError {}
