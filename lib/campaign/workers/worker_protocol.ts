/**
 * The one request/reply channel between a {@link WorkerPool} (main thread) and every campaign
 * worker module (docs/platform.md §3), and {@link serveWorker}, which a worker module calls once to
 * implement its side. The simulation, GP-restart, prediction, code-build and calibration workers
 * all speak it; none handles raw messages.
 *
 * main → worker: `init` {payload, cancel: SharedArrayBuffer, workerId}, then `task` {taskId, task}.
 * worker → main: `ready` {hello} | `init_error`; per task `result` | `task_error` | `cancelled`,
 * each with the worker's memory usage after the task. `hello` is the start-up handshake: what the
 * worker loaded (e.g. its BLAS backend and routines), which the pool checks before any task.
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
  | { type: "ready"; hello: unknown; memory: WorkerMemory }
  | { type: "init_error"; message: string; stack?: string }
  | { type: "result"; taskId: number; result: unknown; memory: WorkerMemory }
  | { type: "task_error"; taskId: number; message: string; stack?: string; memory: WorkerMemory }
  | { type: "cancelled"; taskId: number; memory: WorkerMemory };

/** What a worker module implements. `S` is its state after init (e.g. loaded codes). */
export interface WorkerHandler<S, T, R, H = undefined> {
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
  /** The handshake sent with `ready` (e.g. the loaded backend); `undefined` when absent. */
  hello?(state: S): H;
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
export function serveWorker<S, T, R, H = undefined>(
  scope: WorkerScope,
  handler: WorkerHandler<S, T, R, H>,
): void {
  let state: S | undefined;
  let context: { workerId: number; cancel: Int32Array } | undefined;
  scope.onmessage = async (e: MessageEvent<ToWorker>) => {
    const msg = e.data;
    if (msg.type === "init") {
      context = { workerId: msg.workerId, cancel: new Int32Array(msg.cancel) };
      try {
        state = await handler.init(msg.payload, context);
        const hello = handler.hello?.(state);
        scope.postMessage({ type: "ready", hello, memory: memory() } satisfies FromWorker);
      } catch (err) {
        scope.postMessage({ type: "init_error", ...errorText(err) } satisfies FromWorker);
      }
    } else if (msg.type === "task" && context !== undefined) {
      await runTask(scope, handler, msg, state as S, context);
    }
  };
}

/** The part of a worker's global scope that {@link serveWorker} uses. */
export interface WorkerScope {
  onmessage: ((e: MessageEvent) => unknown) | null;
  postMessage(message: unknown, transfer?: Transferable[]): void;
}

/** Run one task and post its `result`, `cancelled` or `task_error` reply. */
async function runTask<S, T, R, H>(
  scope: WorkerScope,
  handler: WorkerHandler<S, T, R, H>,
  msg: Extract<ToWorker, { type: "task" }>,
  state: S,
  context: { workerId: number; cancel: Int32Array },
): Promise<void> {
  const taskId = msg.taskId;
  try {
    const result = await handler.run(msg.task as T, state, context);
    if (result === undefined) {
      scope.postMessage({ type: "cancelled", taskId, memory: memory() } satisfies FromWorker);
    } else {
      scope.postMessage(
        { type: "result", taskId, result, memory: memory() } satisfies FromWorker,
        handler.transfer?.(result) ?? [],
      );
    }
  } catch (err) {
    scope.postMessage(
      { type: "task_error", taskId, ...errorText(err), memory: memory() } satisfies FromWorker,
    );
  }
}

function errorText(err: unknown): { message: string; stack?: string } {
  const error = err as Error;
  return { message: String(error?.message ?? err), stack: error?.stack };
}
