/**
 * A pool of module Web Workers (docs/campaign.md §6), generic over task and result types. Each worker
 * runs a module that calls {@link serveWorker}; a free worker takes the next queued task at once
 * (no chunk barrier).
 *
 * Per task: a hard wall-clock timeout. Because `worker.terminate()` does not stop a worker busy in
 * synchronous code (docs/platform.md §3), expiry first sets the worker's SharedArrayBuffer cancel flag
 * (cooperative cancel); a worker that has not answered after `cancelGraceMs` is abandoned
 * (`terminate()`d, its messages ignored) and replaced. Abandoned workers may keep spinning and
 * keep the process alive, so entry points end with `Deno.exit()`; past `maxAbandonedWorkers` the
 * pool stops and every queued or later task is rejected with {@link WorkerPoolExhaustedError}
 * (the campaign then checkpoints and exits with code 75 so the job restarts).
 *
 * Timeouts and crashes (an error thrown by the task or an uncaught error in the worker) are
 * retried up to `maxRetries` times with the same task; a worker is replaced after
 * `maxTasksPerChild` tasks and when it does not report ready within `initTimeoutMs`.
 * @module
 */
import { CaligoError } from "../../errors.ts";
import type { FromWorker, ToWorker } from "./worker_protocol.ts";

/** Options of {@link WorkerPool.create}. */
export interface WorkerPoolOptions {
  /** The worker module (it calls `serveWorker`). */
  workerUrl: URL;
  /** Number of workers (≥ 1). */
  size: number;
  /** Sent to every worker's `init` (structured clone). */
  initPayload: unknown;
  /** Hard wall-clock limit per attempt, ms (`Infinity` = none). */
  taskTimeoutMs: number;
  /** A worker must report ready within this time, ms. */
  initTimeoutMs: number;
  /** Extra attempts after a timeout or crash (0 = none). */
  maxRetries: number;
  /** Replace a worker after this many tasks (`Infinity` = never). */
  maxTasksPerChild: number;
  /** Replace a worker whose V8 heap exceeds this after a task, bytes (default `Infinity`). */
  maxHeapBytes?: number;
  /** Time a cancelled worker gets to return before it is abandoned, ms (default 2000). */
  cancelGraceMs?: number;
  /** Abandoned (possibly still running) workers tolerated before the pool stops (default `size`). */
  maxAbandonedWorkers?: number;
  /** Monotonic clock, ms (default `performance.now`). */
  now?: () => number;
  /**
   * Called on notable events: `warn` for respawns, timeouts and abandons, `debug` for routine
   * recycling after `maxTasksPerChild` tasks.
   */
  onEvent?: (message: string, level: "debug" | "warn") => void;
}

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
  /** Cancelled by {@link WorkerPool.close} before it finished. */
  | { status: "cancelled"; attempts: number; workerId: number; busyMs: number };

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

/** Raised for tasks submitted after {@link WorkerPool.close}. */
export class WorkerPoolClosedError extends CaligoError {}

interface Job<T, R> {
  task: T;
  attempts: number;
  busyMs: number;
  resolve(outcome: PoolOutcome<R>): void;
  reject(error: Error): void;
}

type SlotState = "starting" | "idle" | "busy" | "cancelling" | "dead";

interface Slot<T, R> {
  index: number;
  worker: Worker | null;
  workerId: number;
  cancel: Int32Array;
  state: SlotState;
  tasksThisChild: number;
  job: Job<T, R> | null;
  taskId: number;
  busySince: number;
  timer: ReturnType<typeof setTimeout> | undefined;
  initFailures: number;
  stats: WorkerSlotStats;
  onReady: (() => void) | null;
  /** Set when close() asked the running task to stop. */
  closing: boolean;
}

/** A pool of module workers; see the module documentation. */
export class WorkerPool<T, R> {
  readonly #opt: Required<Omit<WorkerPoolOptions, "onEvent">> & Pick<WorkerPoolOptions, "onEvent">;
  readonly #slots: Slot<T, R>[] = [];
  readonly #queue: Job<T, R>[] = [];
  #nextWorkerId = 0;
  #nextTaskId = 0;
  #abandoned = 0;
  #fatal: Error | null = null;
  #closed = false;
  #readyWaiters: { resolve(): void; reject(e: Error): void }[] = [];

  private constructor(options: WorkerPoolOptions) {
    this.#opt = {
      cancelGraceMs: 2000,
      maxAbandonedWorkers: options.size,
      maxHeapBytes: Infinity,
      now: () => performance.now(),
      ...options,
    };
  }

  /**
   * Start `size` workers and wait until all are ready.
   * @throws WorkerInitError if a worker's init throws or never reports ready (after 3 tries)
   */
  static async create<T, R>(options: WorkerPoolOptions): Promise<WorkerPool<T, R>> {
    if (!(Number.isInteger(options.size) && options.size >= 1)) {
      throw new CaligoError(`worker pool size must be a positive integer, got ${options.size}`);
    }
    const pool = new WorkerPool<T, R>(options);
    for (let i = 0; i < options.size; i++) {
      const slot: Slot<T, R> = {
        index: i,
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
        onReady: null,
        closing: false,
        stats: {
          slot: i,
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
      pool.#slots.push(slot);
    }
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
      throw e;
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

  #spawn(slot: Slot<T, R>): void {
    if (this.#fatal || this.#closed) {
      slot.state = "dead";
      return;
    }
    const workerId = this.#nextWorkerId++;
    const worker = new Worker(this.#opt.workerUrl, { type: "module", name: `pool-${workerId}` });
    const cancel = new Int32Array(new SharedArrayBuffer(4));
    slot.worker = worker;
    slot.workerId = workerId;
    slot.cancel = cancel;
    slot.state = "starting";
    slot.tasksThisChild = 0;
    slot.job = null;
    slot.closing = false;
    slot.stats.workerId = workerId;
    slot.stats.spawns++;
    worker.onmessage = (e: MessageEvent<FromWorker>) => this.#onMessage(slot, workerId, e.data);
    worker.onerror = (e: ErrorEvent) => {
      e.preventDefault();
      this.#onCrash(slot, workerId, `uncaught error in worker: ${e.message}`);
    };
    worker.onmessageerror = () =>
      this.#onCrash(slot, workerId, "message could not be deserialised");
    slot.timer = setTimeout(() => {
      if (slot.workerId !== workerId || slot.state !== "starting") return;
      this.#abandon(slot, `not ready after ${this.#opt.initTimeoutMs} ms`);
      this.#initFailed(slot, workerId, `not ready within ${this.#opt.initTimeoutMs} ms`);
    }, this.#opt.initTimeoutMs);
    const init: ToWorker = {
      type: "init",
      payload: this.#opt.initPayload,
      cancel: cancel.buffer as SharedArrayBuffer,
      workerId,
    };
    worker.postMessage(init);
  }

  #initFailed(slot: Slot<T, R>, workerId: number, reason: string): void {
    slot.initFailures++;
    if (slot.initFailures >= 3) {
      this.#fail(new WorkerInitError(workerId, reason));
    } else {
      this.#event(`worker ${workerId} (slot ${slot.index}) init failed: ${reason}; respawning`);
      this.#spawn(slot);
    }
  }

  #onMessage(slot: Slot<T, R>, workerId: number, msg: FromWorker): void {
    if (slot.workerId !== workerId) return; // a replaced worker
    if (msg.type === "ready") {
      clearTimeout(slot.timer);
      slot.initFailures = 0;
      slot.state = "idle";
      this.#recordMemory(slot, msg.memory);
      slot.onReady?.();
      slot.onReady = null;
      this.#pump();
      return;
    }
    if (msg.type === "init_error") {
      clearTimeout(slot.timer);
      slot.worker?.terminate();
      slot.state = "dead";
      // an init that throws is deterministic (e.g. missing codes): fatal at once
      this.#fail(new WorkerInitError(workerId, msg.message));
      return;
    }
    if (msg.taskId !== slot.taskId || slot.job === null) return;
    clearTimeout(slot.timer);
    const job = slot.job;
    const busy = this.#opt.now() - slot.busySince;
    job.busyMs += busy;
    slot.stats.busyMs += busy;
    slot.stats.tasks++;
    slot.tasksThisChild++;
    this.#recordMemory(slot, msg.memory);
    slot.job = null;
    const wasCancelling = slot.state === "cancelling";
    if (slot.closing) {
      job.resolve({ status: "cancelled", attempts: job.attempts, workerId, busyMs: job.busyMs });
    } else if (wasCancelling) {
      this.#retryOrResolve(job, {
        status: "timeout",
        attempts: job.attempts,
        workerId,
        busyMs: job.busyMs,
      });
    } else if (msg.type === "result") {
      job.resolve({
        status: "ok",
        result: msg.result as R,
        attempts: job.attempts,
        workerId,
        busyMs: job.busyMs,
      });
    } else if (msg.type === "task_error") {
      slot.stats.crashes++;
      this.#retryOrResolve(job, {
        status: "crash",
        attempts: job.attempts,
        workerId,
        busyMs: job.busyMs,
        message: msg.message,
        stack: msg.stack,
      });
    } else {
      // "cancelled" without a cancel request: treat as a crash of the task
      this.#retryOrResolve(job, {
        status: "crash",
        attempts: job.attempts,
        workerId,
        busyMs: job.busyMs,
        message: "task returned cancelled without a cancel request",
      });
    }
    if (this.#closed) {
      slot.worker?.terminate();
      slot.state = "dead";
    } else if (
      slot.tasksThisChild >= this.#opt.maxTasksPerChild ||
      msg.memory.heapUsedBytes > this.#opt.maxHeapBytes
    ) {
      slot.worker?.terminate(); // idle: terminate() works
      this.#event(
        `recycling worker ${workerId} after ${slot.tasksThisChild} tasks (heap ${
          (msg.memory.heapUsedBytes / 2 ** 20).toFixed(0)
        } MiB)`,
        msg.memory.heapUsedBytes > this.#opt.maxHeapBytes ? "warn" : "debug",
      );
      this.#spawn(slot);
    } else {
      slot.state = "idle";
    }
    this.#pump();
  }

  #recordMemory(slot: Slot<T, R>, m: { rssBytes: number; heapUsedBytes: number }): void {
    const st = slot.stats;
    st.lastRssBytes = m.rssBytes;
    st.lastHeapUsedBytes = m.heapUsedBytes;
    if (m.rssBytes > st.peakRssBytes) st.peakRssBytes = m.rssBytes;
    if (m.heapUsedBytes > st.peakHeapUsedBytes) st.peakHeapUsedBytes = m.heapUsedBytes;
  }

  #retryOrResolve(job: Job<T, R>, outcome: PoolOutcome<R>): void {
    if (!this.#closed && !this.#fatal && job.attempts <= this.#opt.maxRetries) {
      this.#queue.unshift(job);
    } else {
      job.resolve(outcome);
    }
  }

  #onCrash(slot: Slot<T, R>, workerId: number, message: string): void {
    if (slot.workerId !== workerId) return;
    clearTimeout(slot.timer);
    slot.worker?.terminate();
    const job = slot.job;
    slot.job = null;
    if (slot.state === "starting") {
      slot.state = "dead";
      this.#initFailed(slot, workerId, message);
      return;
    }
    slot.stats.crashes++;
    if (job) {
      const busy = this.#opt.now() - slot.busySince;
      job.busyMs += busy;
      slot.stats.busyMs += busy;
      if (slot.closing) {
        job.resolve({ status: "cancelled", attempts: job.attempts, workerId, busyMs: job.busyMs });
      } else {
        this.#retryOrResolve(job, {
          status: "crash",
          attempts: job.attempts,
          workerId,
          busyMs: job.busyMs,
          message,
        });
      }
    }
    this.#event(`worker ${workerId} (slot ${slot.index}) crashed: ${message}; respawning`);
    this.#spawn(slot);
    this.#pump();
  }

  #onTimeout(slot: Slot<T, R>, workerId: number, taskId: number): void {
    if (slot.workerId !== workerId || slot.taskId !== taskId || slot.state !== "busy") return;
    slot.stats.timeouts++;
    slot.state = "cancelling";
    Atomics.store(slot.cancel, 0, 1);
    this.#event(
      `task on worker ${workerId} timed out after ${this.#opt.taskTimeoutMs} ms; cancelling`,
    );
    slot.timer = setTimeout(() => {
      if (slot.workerId !== workerId || slot.taskId !== taskId || slot.job === null) return;
      const job = slot.job;
      const busy = this.#opt.now() - slot.busySince;
      job.busyMs += busy;
      slot.stats.busyMs += busy;
      slot.job = null;
      this.#abandon(slot, `ignored cancellation for ${this.#opt.cancelGraceMs} ms`);
      this.#retryOrResolve(job, {
        status: "timeout",
        attempts: job.attempts,
        workerId,
        busyMs: job.busyMs,
      });
      this.#spawn(slot);
      this.#pump();
    }, this.#opt.cancelGraceMs);
  }

  /** Give up on the slot's worker: it may keep running; ignore everything it sends. */
  #abandon(slot: Slot<T, R>, reason: string): void {
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

  #pump(): void {
    if (this.#fatal) {
      for (const job of this.#queue.splice(0)) job.reject(this.#fatal);
      return;
    }
    for (const slot of this.#slots) {
      if (this.#queue.length === 0) return;
      if (slot.state !== "idle" || slot.worker === null) continue;
      const job = this.#queue.shift()!;
      job.attempts++;
      const taskId = this.#nextTaskId++;
      slot.job = job;
      slot.taskId = taskId;
      slot.state = "busy";
      slot.busySince = this.#opt.now();
      Atomics.store(slot.cancel, 0, 0);
      const workerId = slot.workerId;
      if (Number.isFinite(this.#opt.taskTimeoutMs)) {
        slot.timer = setTimeout(
          () => this.#onTimeout(slot, workerId, taskId),
          this.#opt.taskTimeoutMs,
        );
      }
      slot.worker.postMessage({ type: "task", taskId, task: job.task } satisfies ToWorker);
    }
  }

  /**
   * Stop: reject queued tasks, ask running tasks to stop (they resolve as `cancelled`), wait up to
   * `cancelGraceMs` for them, then terminate every worker (abandoning any still busy).
   * @returns the number of workers abandoned in total
   */
  async close(): Promise<number> {
    if (!this.#closed) {
      this.#closed = true;
      for (const job of this.#queue.splice(0)) {
        job.resolve({
          status: "cancelled",
          attempts: job.attempts,
          workerId: -1,
          busyMs: job.busyMs,
        });
      }
      const running = this.#slots.filter((s) => s.job !== null);
      for (const s of running) {
        s.closing = true;
        Atomics.store(s.cancel, 0, 1);
      }
      const deadline = this.#opt.now() + this.#opt.cancelGraceMs;
      while (this.#slots.some((s) => s.job !== null) && this.#opt.now() < deadline) {
        await new Promise((r) => setTimeout(r, 5));
      }
      for (const s of this.#slots) {
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
    return this.#abandoned;
  }
}
