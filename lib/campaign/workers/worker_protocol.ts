/**
 * The message protocol between {@link WorkerPool} (main thread) and a pool worker module, and
 * {@link serveWorker}, which a worker module calls once to implement its side.
 *
 * main → worker: `init` {payload, cancel: SharedArrayBuffer, workerId}, then `task` {taskId, task}.
 * worker → main: `ready` | `init_error`; per task `result` | `task_error` | `cancelled`, each with
 * the worker's memory usage after the task.
 *
 * Cancellation is cooperative (docs/platform.md §3: `terminate()` cannot stop a worker busy in
 * synchronous code): the main thread stores 1 in `cancel[0]`, long loops poll it with
 * `Atomics.load(cancel, 0) === 1` about every 65 536 iterations and return early.
 * @module
 */

/** Messages from the main thread to a worker. */
export type ToWorker =
  | { type: "init"; payload: unknown; cancel: SharedArrayBuffer; workerId: number }
  | { type: "task"; taskId: number; task: unknown };

/** Memory of the worker after a task: process RSS (shared by all threads) and this isolate's heap. */
export interface WorkerMemory {
  rssBytes: number;
  heapUsedBytes: number;
}

/** Messages from a worker to the main thread. */
export type FromWorker =
  | { type: "ready"; memory: WorkerMemory }
  | { type: "init_error"; message: string; stack?: string }
  | { type: "result"; taskId: number; result: unknown; memory: WorkerMemory }
  | { type: "task_error"; taskId: number; message: string; stack?: string; memory: WorkerMemory }
  | { type: "cancelled"; taskId: number; memory: WorkerMemory };

/** What a worker module implements. `S` is its state after init (e.g. loaded codes). */
export interface WorkerHandler<S, T, R> {
  /** Called once with the pool's init payload. */
  init(payload: unknown, context: { workerId: number; cancel: Int32Array }): Promise<S> | S;
  /**
   * Run one task. Return `undefined` only when cancelled (`cancel[0] === 1`).
   * The cancel flag is reset to 0 by the main thread before each task.
   */
  run(
    task: T,
    state: S,
    context: { workerId: number; cancel: Int32Array },
  ): R | undefined | Promise<R | undefined>;
  /** Buffers of the result to transfer instead of copy. */
  transfer?(result: R): Transferable[];
}

function memory(): WorkerMemory {
  try {
    const m = Deno.memoryUsage();
    return { rssBytes: m.rss, heapUsedBytes: m.heapUsed };
  } catch {
    return { rssBytes: NaN, heapUsedBytes: NaN };
  }
}

/**
 * Install the worker side of the protocol on `scope` (the worker's `self`).
 * @example
 * ```ts ignore
 * /// <reference lib="deno.worker" />
 * import { serveWorker } from "./worker_protocol.ts";
 * serveWorker(self, { init: () => ({}), run: (task: number) => task * 2 });
 * ```
 */
export function serveWorker<S, T, R>(
  scope: {
    onmessage: ((e: MessageEvent) => unknown) | null;
    postMessage(message: unknown, transfer?: Transferable[]): void;
  },
  handler: WorkerHandler<S, T, R>,
): void {
  let state: S | undefined;
  let context: { workerId: number; cancel: Int32Array } | undefined;
  scope.onmessage = async (e: MessageEvent<ToWorker>) => {
    const msg = e.data;
    if (msg.type === "init") {
      context = { workerId: msg.workerId, cancel: new Int32Array(msg.cancel) };
      try {
        state = await handler.init(msg.payload, context);
        scope.postMessage({ type: "ready", memory: memory() } satisfies FromWorker);
      } catch (err) {
        const error = err as Error;
        scope.postMessage(
          {
            type: "init_error",
            message: String(error?.message ?? err),
            stack: error?.stack,
          } satisfies FromWorker,
        );
      }
      return;
    }
    if (msg.type === "task" && context !== undefined) {
      try {
        const result = await handler.run(msg.task as T, state as S, context);
        if (result === undefined) {
          scope.postMessage(
            { type: "cancelled", taskId: msg.taskId, memory: memory() } satisfies FromWorker,
          );
        } else {
          scope.postMessage(
            { type: "result", taskId: msg.taskId, result, memory: memory() } satisfies FromWorker,
            handler.transfer?.(result) ?? [],
          );
        }
      } catch (err) {
        const error = err as Error;
        scope.postMessage(
          {
            type: "task_error",
            taskId: msg.taskId,
            message: String(error?.message ?? err),
            stack: error?.stack,
            memory: memory(),
          } satisfies FromWorker,
        );
      }
    }
  };
}
