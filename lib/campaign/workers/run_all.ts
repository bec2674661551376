/**
 * Run a batch of tasks on a {@link WorkerPool} and stop at the first failure: what the code-build,
 * calibration, GP-restart and prediction pools do with their tasks.
 * @module
 */
import { describeFailure } from "./pool_outcome.ts";
import type { WorkerPool } from "./worker_pool.ts";

/**
 * Submit every task of `tasks` to `pool` and hand each result to `onResult` as it arrives (in
 * completion order); resolves when all are handled.
 * @throws the error `failure(task, reason)` makes for the first task that does not succeed
 * (crash, timeout after its retries, cancel); the other tasks are left to the caller's `close()`
 */
export async function runAll<T, R, H>(
  pool: WorkerPool<T, R, H>,
  tasks: readonly T[],
  onResult: (result: R, task: T, index: number) => void | Promise<void>,
  failure: (task: T, reason: string) => Error,
): Promise<void> {
  await Promise.all(tasks.map(async (task, index) => {
    const outcome = await pool.submit(task);
    if (outcome.status !== "ok") throw failure(task, describeFailure(outcome));
    await onResult(outcome.result, task, index);
  }));
}
