/**
 * The one pool of module Web Workers of the campaign (docs/campaign.md §6, docs/platform.md §3),
 * generic over task, result and handshake types: the simulation, GP-restart, prediction,
 * code-build and calibration pools are all instances. Each worker runs a module that calls
 * {@link serveWorker}; a free worker takes the next queued task at once (no chunk barrier).
 *
 * Start-up handshake: every worker answers `init` with `ready` and a hello (e.g. its loaded BLAS
 * backend); `checkHello` may refuse it by throwing, which stops the pool with that error (a pool
 * whose workers differ from the main thread is never used).
 *
 * Per task: a hard wall-clock timeout. Because `worker.terminate()` does not stop a worker busy in
 * synchronous code (docs/platform.md §3), expiry first sets the worker's SharedArrayBuffer cancel flag
 * (cooperative cancel); a worker that has not answered after `cancelGraceMs` is abandoned
 * (`terminate()`d, its messages ignored) and replaced. Abandoned workers may keep spinning and
 * keep the process alive, so entry points end with `Deno.exit()`; past `maxAbandonedWorkers` the
 * pool stops and every queued or later task is rejected with {@link WorkerPoolExhaustedError}
 * (the campaign then checkpoints and exits with code 75 so the job restarts).
 *
 * Timeouts and crashes (an error thrown by the task or an uncaught error in the worker, which
 * also replaces the worker) are retried up to `maxRetries` times with the same task; a worker is
 * recycled after `maxTasksPerChild` tasks or past `maxHeapBytes`, and replaced when it does not
 * report ready within `initTimeoutMs`.
 * @module
 */
import { CaligoError } from "../../errors.ts";
import {
  type PoolOutcome,
  WorkerInitError,
  WorkerPoolClosedError,
  WorkerPoolExhaustedError,
  type WorkerSlotStats,
} from "./pool_outcome.ts";
import { endAttempt, type Job, newSlot, recordMemory, type Slot } from "./_worker_slot.ts";
import type { FromWorker, ToWorker } from "./worker_protocol.ts";

export {
  type PoolOutcome,
  WorkerInitError,
  WorkerPoolClosedError,
  WorkerPoolExhaustedError,
  type WorkerSlotStats,
};

/** Options of {@link WorkerPool.create}. */
export interface WorkerPoolOptions<H = unknown> {
  /** The worker module (it calls `serveWorker`). */
  workerUrl: URL;
  /** Number of workers (≥ 1). */
  size: number;
  /** Sent to every worker's `init` (structured clone). */
  initPayload: unknown;
  /** Hard wall-clock limit per attempt, ms (default `Infinity` = none). */
  taskTimeoutMs?: number;
  /** A worker must report ready within this time, ms (default 120 000; `Infinity` = no limit). */
  initTimeoutMs?: number;
  /** Extra attempts after a timeout or crash (default 0 = none). */
  maxRetries?: number;
  /** Replace a worker after this many tasks (default `Infinity` = never). */
  maxTasksPerChild?: number;
  /** Replace a worker whose V8 heap exceeds this after a task, bytes (default `Infinity`). */
  maxHeapBytes?: number;
  /** Time a cancelled worker gets to return before it is abandoned, ms (default 2000). */
  cancelGraceMs?: number;
  /** Abandoned (possibly still running) workers tolerated before the pool stops (default `size`). */
  maxAbandonedWorkers?: number;
  /**
   * Check each worker's handshake (first start and every replacement); a throw stops the pool
   * with that error (`create` rejects with it).
   */
  checkHello?: (hello: H, workerId: number) => void;
  /** The error `create` rejects with when a worker fails to start (default: the WorkerInitError). */
  initErrorAs?: (error: WorkerInitError) => Error;
  /** Worker names are `${name}-${workerId}` (default "pool"). */
  name?: string;
  /** Monotonic clock, ms (default `performance.now`). */
  now?: () => number;
  /**
   * Called on notable events: `warn` for respawns, timeouts and abandons, `debug` for routine
   * recycling after `maxTasksPerChild` tasks.
   */
  onEvent?: (message: string, level: "debug" | "warn") => void;
}

type Settings<H> =
  & Required<Omit<WorkerPoolOptions<H>, "onEvent" | "checkHello" | "initErrorAs">>
  & Pick<WorkerPoolOptions<H>, "onEvent" | "checkHello">;

type TaskReply = Exclude<FromWorker, { type: "ready" | "init_error" }>;

/** A pool of module workers; see the module documentation. */
export class WorkerPool<T, R, H = unknown> {
  readonly #opt: Settings<H>;
  readonly #slots: Slot<T, R, H>[] = [];
  readonly #queue: Job<T, R>[] = [];
  #nextWorkerId = 0;
  #nextTaskId = 0;
  #abandoned = 0;
  #fatal: Error | null = null;
  #closed = false;
  #readyWaiters: { resolve(): void; reject(e: Error): void }[] = [];

  private constructor(options: WorkerPoolOptions<H>) {
    this.#opt = {
      taskTimeoutMs: Infinity,
      initTimeoutMs: 120_000,
      maxRetries: 0,
      maxTasksPerChild: Infinity,
      cancelGraceMs: 2000,
      maxAbandonedWorkers: options.size,
      maxHeapBytes: Infinity,
      name: "pool",
      now: () => performance.now(),
      ...options,
    };
    for (let i = 0; i < options.size; i++) this.#slots.push(newSlot(i));
  }

  /**
   * Start `size` workers and wait until all are ready and their handshakes accepted.
   * @throws WorkerInitError (or what `initErrorAs` makes of it) if a worker's init throws or
   * never reports ready (after 3 tries); the error of `checkHello` if it refuses a worker
   */
  static async create<T, R, H = unknown>(
    options: WorkerPoolOptions<H>,
  ): Promise<WorkerPool<T, R, H>> {
    if (!(Number.isInteger(options.size) && options.size >= 1)) {
      throw new CaligoError(`worker pool size must be a positive integer, got ${options.size}`);
    }
    const pool = new WorkerPool<T, R, H>(options);
    const ready = Promise.all(pool.#slots.map((s) =>
      new Promise<void>((resolve, reject) => {
        pool.#readyWaiters.push({ resolve, reject });
        s.onReady = resolve;
      })
    ));
    for (const s of pool.#slots) pool.#spawn(s);
    try {
      await ready;
    } catch (e) {
      await pool.close();
      throw e instanceof WorkerInitError && options.initErrorAs ? options.initErrorAs(e) : e;
    }
    return pool;
  }

  /** Number of workers. */
  get size(): number {
    return this.#slots.length;
  }

  /** Workers abandoned so far (they may still be running). */
  get abandonedWorkers(): number {
    return this.#abandoned;
  }

  /** Tasks queued and not yet started. */
  get queued(): number {
    return this.#queue.length;
  }

  /** Per-slot statistics (copies). */
  stats(): WorkerSlotStats[] {
    return this.#slots.map((s) => ({ ...s.stats }));
  }

  /** The handshake of each slot's current worker, in slot order. */
  hellos(): H[] {
    return this.#slots.map((s) => s.hello as H);
  }

  /**
   * Queue a task; resolves with its outcome after all attempts.
   * @throws WorkerPoolExhaustedError (rejection) once the pool has stopped
   */
  submit(task: T): Promise<PoolOutcome<R>> {
    if (this.#fatal) return Promise.reject(this.#fatal);
    if (this.#closed) return Promise.reject(new WorkerPoolClosedError("worker pool is closed"));
    return new Promise((resolve, reject) => {
      this.#queue.push({ task, attempts: 0, busyMs: 0, resolve, reject });
      this.#pump();
    });
  }

  #event(message: string, level: "debug" | "warn" = "warn"): void {
    this.#opt.onEvent?.(message, level);
  }

  #spawn(slot: Slot<T, R, H>): void {
    if (this.#fatal || this.#closed) {
      slot.state = "dead";
      return;
    }
    const workerId = this.#nextWorkerId++;
    const worker = new Worker(this.#opt.workerUrl, {
      type: "module",
      name: `${this.#opt.name}-${workerId}`,
    });
    const cancel = new Int32Array(new SharedArrayBuffer(4));
    Object.assign(slot, { worker, workerId, cancel, state: "starting", tasksThisChild: 0 });
    Object.assign(slot, { job: null, closing: false, hello: undefined });
    slot.stats.workerId = workerId;
    slot.stats.spawns++;
    worker.onmessage = (e: MessageEvent<FromWorker>) => this.#onMessage(slot, workerId, e.data);
    worker.onerror = (e: ErrorEvent) => {
      e.preventDefault();
      this.#onCrash(slot, workerId, `uncaught error in worker: ${e.message}`);
    };
    worker.onmessageerror = () =>
      this.#onCrash(slot, workerId, "message could not be deserialised");
    if (Number.isFinite(this.#opt.initTimeoutMs)) {
      slot.timer = setTimeout(() => {
        if (slot.workerId !== workerId || slot.state !== "starting") return;
        this.#abandon(slot, `not ready after ${this.#opt.initTimeoutMs} ms`);
        this.#initFailed(slot, workerId, `not ready within ${this.#opt.initTimeoutMs} ms`);
      }, this.#opt.initTimeoutMs);
    }
    const payload = this.#opt.initPayload, buffer = cancel.buffer as SharedArrayBuffer;
    worker.postMessage({ type: "init", payload, cancel: buffer, workerId } satisfies ToWorker);
  }

  #initFailed(slot: Slot<T, R, H>, workerId: number, reason: string): void {
    slot.initFailures++;
    if (slot.initFailures >= 3) {
      this.#fail(new WorkerInitError(workerId, reason));
    } else {
      this.#event(`worker ${workerId} (slot ${slot.index}) init failed: ${reason}; respawning`);
      this.#spawn(slot);
    }
  }

  #onMessage(slot: Slot<T, R, H>, workerId: number, msg: FromWorker): void {
    if (slot.workerId !== workerId) return; // a replaced worker
    if (msg.type === "ready") {
      this.#onReady(slot, workerId, msg);
    } else if (msg.type === "init_error") {
      clearTimeout(slot.timer);
      slot.worker?.terminate();
      slot.state = "dead";
      // an init that throws is deterministic (e.g. missing codes): fatal at once
      this.#fail(new WorkerInitError(workerId, msg.message));
    } else if (msg.taskId === slot.taskId && slot.job !== null) {
      this.#onReply(slot, workerId, msg);
    }
  }

  /** The handshake: check the hello, then the worker takes tasks. */
  #onReady(slot: Slot<T, R, H>, workerId: number, msg: Extract<FromWorker, { type: "ready" }>) {
    clearTimeout(slot.timer);
    try {
      this.#opt.checkHello?.(msg.hello as H, workerId);
    } catch (e) {
      slot.worker?.terminate();
      slot.state = "dead";
      this.#fail(e instanceof Error ? e : new CaligoError(String(e)));
      return;
    }
    slot.initFailures = 0;
    slot.hello = msg.hello as H;
    slot.state = "idle";
    recordMemory(slot.stats, msg.memory);
    slot.onReady?.();
    slot.onReady = null;
    this.#pump();
  }

  /** A task's reply: settle or retry its job, then recycle the worker or free it. */
  #onReply(slot: Slot<T, R, H>, workerId: number, msg: TaskReply): void {
    clearTimeout(slot.timer);
    const job = endAttempt(slot, this.#opt.now())!;
    slot.stats.tasks++;
    slot.tasksThisChild++;
    recordMemory(slot.stats, msg.memory);
    const base = { attempts: job.attempts, workerId, busyMs: job.busyMs };
    if (slot.closing) {
      job.resolve({ status: "cancelled", ...base });
    } else if (slot.state === "cancelling") {
      this.#retryOrResolve(job, { status: "timeout", ...base });
    } else if (msg.type === "result") {
      job.resolve({ status: "ok", result: msg.result as R, ...base });
    } else {
      slot.stats.crashes += msg.type === "task_error" ? 1 : 0;
      // "cancelled" without a cancel request counts as a crash of the task
      const message = msg.type === "task_error"
        ? msg.message
        : "task returned cancelled without a cancel request";
      const stack = msg.type === "task_error" ? msg.stack : undefined;
      this.#retryOrResolve(job, { status: "crash", ...base, message, stack });
    }
    this.#recycleOrFree(slot, workerId, msg.memory.heapUsedBytes);
    this.#pump();
  }

  /** After a task: end the worker when closed, replace it when due, else mark it idle. */
  #recycleOrFree(slot: Slot<T, R, H>, workerId: number, heapUsedBytes: number): void {
    const overHeap = heapUsedBytes > this.#opt.maxHeapBytes;
    if (this.#closed) {
      slot.worker?.terminate();
      slot.state = "dead";
    } else if (slot.tasksThisChild >= this.#opt.maxTasksPerChild || overHeap) {
      slot.worker?.terminate(); // idle: terminate() works
      const heapMiB = (heapUsedBytes / 2 ** 20).toFixed(0);
      this.#event(
        `recycling worker ${workerId} after ${slot.tasksThisChild} tasks (heap ${heapMiB} MiB)`,
        overHeap ? "warn" : "debug",
      );
      this.#spawn(slot);
    } else {
      slot.state = "idle";
    }
  }

  #retryOrResolve(job: Job<T, R>, outcome: PoolOutcome<R>): void {
    if (!this.#closed && !this.#fatal && job.attempts <= this.#opt.maxRetries) {
      this.#queue.unshift(job);
    } else {
      job.resolve(outcome);
    }
  }

  /** The worker died: its in-flight task is retried or fails, and a new worker takes the slot. */
  #onCrash(slot: Slot<T, R, H>, workerId: number, message: string): void {
    if (slot.workerId !== workerId) return;
    clearTimeout(slot.timer);
    slot.worker?.terminate();
    const job = endAttempt(slot, this.#opt.now());
    if (slot.state === "starting") {
      slot.state = "dead";
      this.#initFailed(slot, workerId, message);
      return;
    }
    slot.stats.crashes++;
    if (job) {
      const base = { attempts: job.attempts, workerId, busyMs: job.busyMs };
      if (slot.closing) job.resolve({ status: "cancelled", ...base });
      else this.#retryOrResolve(job, { status: "crash", ...base, message });
    }
    this.#event(`worker ${workerId} (slot ${slot.index}) crashed: ${message}; respawning`);
    this.#spawn(slot);
    this.#pump();
  }

  /** The task ran out of time: set the cancel flag, abandon the worker after the grace period. */
  #onTimeout(slot: Slot<T, R, H>, workerId: number, taskId: number): void {
    if (slot.workerId !== workerId || slot.taskId !== taskId || slot.state !== "busy") return;
    slot.stats.timeouts++;
    slot.state = "cancelling";
    Atomics.store(slot.cancel, 0, 1);
    this.#event(
      `task on worker ${workerId} timed out after ${this.#opt.taskTimeoutMs} ms; cancelling`,
    );
    slot.timer = setTimeout(() => {
      if (slot.workerId !== workerId || slot.taskId !== taskId || slot.job === null) return;
      const job = endAttempt(slot, this.#opt.now())!;
      this.#abandon(slot, `ignored cancellation for ${this.#opt.cancelGraceMs} ms`);
      const base = { attempts: job.attempts, workerId, busyMs: job.busyMs };
      this.#retryOrResolve(job, { status: "timeout", ...base });
      this.#spawn(slot);
      this.#pump();
    }, this.#opt.cancelGraceMs);
  }

  /** Give up on the slot's worker: it may keep running; ignore everything it sends. */
  #abandon(slot: Slot<T, R, H>, reason: string): void {
    const w = slot.worker;
    if (w) {
      w.onmessage = null;
      w.onerror = (e) => e.preventDefault();
      w.terminate();
    }
    slot.worker = null;
    slot.state = "dead";
    slot.workerId = -1;
    slot.stats.abandoned++;
    this.#abandoned++;
    this.#event(
      `abandoned a worker in slot ${slot.index}: ${reason} (${this.#abandoned} abandoned)`,
    );
    if (this.#abandoned > this.#opt.maxAbandonedWorkers) {
      this.#fail(new WorkerPoolExhaustedError(this.#abandoned));
    }
  }

  #fail(error: Error): void {
    if (this.#fatal) return;
    this.#fatal = error;
    for (const w of this.#readyWaiters) w.reject(error);
    this.#readyWaiters = [];
    for (const job of this.#queue.splice(0)) job.reject(error);
  }

  /** Hand queued tasks to idle workers. */
  #pump(): void {
    if (this.#fatal) {
      for (const job of this.#queue.splice(0)) job.reject(this.#fatal);
      return;
    }
    for (const slot of this.#slots) {
      if (this.#queue.length === 0) return;
      if (slot.state === "idle" && slot.worker !== null) this.#dispatch(slot, this.#queue.shift()!);
    }
  }

  #dispatch(slot: Slot<T, R, H>, job: Job<T, R>): void {
    job.attempts++;
    const taskId = this.#nextTaskId++, workerId = slot.workerId;
    slot.job = job;
    slot.taskId = taskId;
    slot.state = "busy";
    slot.busySince = this.#opt.now();
    Atomics.store(slot.cancel, 0, 0);
    if (Number.isFinite(this.#opt.taskTimeoutMs)) {
      slot.timer = setTimeout(
        () => this.#onTimeout(slot, workerId, taskId),
        this.#opt.taskTimeoutMs,
      );
    }
    slot.worker!.postMessage({ type: "task", taskId, task: job.task } satisfies ToWorker);
  }

  /**
   * Stop: resolve queued tasks as `cancelled`, ask running tasks to stop (they resolve as
   * `cancelled`), wait up to `cancelGraceMs` for them, then terminate every worker (abandoning any
   * still busy).
   * @returns the number of workers abandoned in total
   */
  async close(): Promise<number> {
    if (this.#closed) return this.#abandoned;
    this.#closed = true;
    for (const job of this.#queue.splice(0)) {
      job.resolve({
        status: "cancelled",
        attempts: job.attempts,
        workerId: -1,
        busyMs: job.busyMs,
      });
    }
    for (const s of this.#slots.filter((s) => s.job !== null)) {
      s.closing = true;
      Atomics.store(s.cancel, 0, 1);
    }
    const deadline = this.#opt.now() + this.#opt.cancelGraceMs;
    while (this.#slots.some((s) => s.job !== null) && this.#opt.now() < deadline) {
      await new Promise((r) => setTimeout(r, 5));
    }
    for (const s of this.#slots) this.#endAtClose(s);
    return this.#abandoned;
  }

  #endAtClose(s: Slot<T, R, H>): void {
    clearTimeout(s.timer);
    if (s.job !== null) {
      const job = s.job;
      s.job = null;
      this.#abandon(s, "still busy at close");
      job.resolve({
        status: "cancelled",
        attempts: job.attempts,
        workerId: -1,
        busyMs: job.busyMs,
      });
    } else if (s.worker) {
      s.worker.terminate();
      s.worker = null;
      s.state = "dead";
    }
  }
}
