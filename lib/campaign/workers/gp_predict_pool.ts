/**
 * Parallel GP prediction (docs/campaign.md §9.5: "prediction in chunks … distributed over workers";
 * §6 task `gp_score_chunk`; §6 SharedArrayBuffer: "candidate scoring copies nothing"): a pool of
 * Web Workers (`./gp_predict_worker.ts`) over one fitted model whose large arrays (inputs, α, the
 * Cholesky factor or the LOVE cache, and the float factor of "exact-single") sit once in
 * SharedArrayBuffers, read in place by every worker and its own single-threaded BLAS. A call cuts
 * the candidates into fixed chunks of `chunkSize` rows (default {@link POOL_CHUNK_ROWS}) that the
 * workers take from a shared counter; each chunk is computed by the code of `GpModel.predict`
 * with that chunk size, so the results equal `model.predict(xq, { chunkSize })` on one thread of
 * the same BLAS bit for bit, whatever the number of workers.
 * Measured at N = 10 000, 10⁵ candidates, LOVE rank 100, 2 cores: see README (bench:gp --big).
 * @module
 */
import type {
  GpModel,
  GpPrediction,
  GpState,
  PredictOptions,
  VarianceMode,
} from "../../surrogate/gp_model.ts";
import { DimensionMismatchError } from "../../surrogate/surrogate_errors.ts";
import { CaligoError, InvalidArgumentError } from "../../errors.ts";
import type { Linalg } from "../../kernels/linalg/linalg.ts";
import {
  linalgIdentity,
  type OptionalRoutine,
  optionalRoutines,
  workerLibraryOf,
} from "../../io/blas_loader.ts";
import type {
  PredictInit,
  PredictModel,
  PredictReady,
  PredictTask,
  PredictWorkerMessage,
} from "./gp_predict_worker.ts";
import { campaignWorkerUrl } from "./worker_url.ts";

/** Candidate rows per work unit of a pool call (fixed: results do not depend on the workers). */
export const POOL_CHUNK_ROWS = 1024;

/** A prediction worker failed, or the workers cannot compute what was asked. */
export class PredictPoolError extends CaligoError {}

/**
 * The workers did not load the backend of the thread that uses the pool (e.g. they fell back to
 * the TypeScript kernels where that thread has OpenBLAS or a libflame shim): their results would
 * not be the same bits, and the variance modes that thread picks may be missing.
 */
export class PredictBackendMismatchError extends PredictPoolError {
  constructor(readonly expected: string, readonly loaded: string[], reason: string) {
    super(
      `prediction workers loaded ${JSON.stringify([...new Set(loaded)])}, this thread uses ` +
        `${JSON.stringify(expected)}: ${reason}`,
    );
  }
}

/** Options of {@link GpPredictPool.create}. */
export interface PredictPoolOptions {
  /** Workers (default: `navigator.hardwareConcurrency`). */
  workers?: number;
  /** Library files the workers try (default: OpenBLAS; never the libflame shim). */
  blasCandidates?: string[];
  /**
   * The backend of the thread that will use the pool: the workers load exactly its library (no
   * env override), and `create` rejects with a {@link PredictBackendMismatchError} unless every
   * worker reports the same library ({@link linalgIdentity}) with at least its optional routines
   * — so that the pool's results equal that thread's and every variance mode it may pick works.
   */
  sameBackendAs?: Linalg;
  /**
   * Share the n×n Cholesky factor too, so that exact variances can be asked for (one shared copy,
   * 8n² bytes). Default: only when the model has no LOVE cache.
   */
  withCholesky?: boolean;
}

/**
 * Workers holding one model; `close()` terminates them (they never outlive it).
 * @example
 * ```ts ignore
 * const pool = await GpPredictPool.create(gp, { workers: 2 });
 * try {
 *   const { mean, variance } = await pool.predict(candidates, { variance: "love" });
 * } finally {
 *   pool.close();
 * }
 * ```
 */
export class GpPredictPool {
  /** BLAS description of each worker. */
  readonly backends: string[];
  /** Optional routines that every worker has (negotiated at start from their `ready` replies). */
  readonly routines: ReadonlySet<OptionalRoutine>;
  readonly #workers: Worker[];
  #state: GpState;
  /** The shared float factor of "exact-single", made on the first such call. */
  #singleFactor: Float32Array | null = null;
  #nextId = 0;
  #closed = false;
  #busy = false;

  private constructor(state: GpState, workers: Worker[], replies: PredictReady[]) {
    this.#state = state;
    this.#workers = workers;
    this.backends = replies.map((r) => r.backend);
    this.routines = new Set(
      replies.reduce<OptionalRoutine[]>(
        (all, r) => all.filter((x) => r.routines.includes(x)),
        replies[0]?.routines ?? [],
      ),
    );
  }

  /** Input dimension of the current model. */
  get d(): number {
    return this.#state.d;
  }

  /** Variance when a call names none: exact when the workers hold the factor, else LOVE. */
  get defaultVariance(): VarianceMode {
    return this.#state.cholesky ? "exact" : "love";
  }

  /** Start the workers and share `model`'s state with them. */
  static async create(model: GpModel, options: PredictPoolOptions = {}): Promise<GpPredictPool> {
    const count = Math.max(1, Math.floor(options.workers ?? navigator.hardwareConcurrency ?? 1));
    const withCholesky = options.withCholesky ?? model.state.loveR === null;
    const state = sharedState(model.state, withCholesky);
    const main = options.sameBackendAs;
    const init: PredictInit = {
      type: "init",
      state,
      blasCandidates: options.blasCandidates,
      library: main ? workerLibraryOf(main) : undefined,
    };
    const workers = Array.from(
      { length: count },
      () => new Worker(campaignWorkerUrl("gp_predict_worker"), { type: "module" }),
    );
    try {
      const replies = await Promise.all(workers.map((w) => request(w, init, isReady)));
      if (main) checkSameBackend(main, replies);
      return new GpPredictPool(state, workers, replies);
    } catch (e) {
      for (const w of workers) w.terminate();
      throw e;
    }
  }

  /**
   * Hand the workers another model (e.g. after conditioning on new rows): its arrays are shared
   * like the first one's; same options. Not during a predict call.
   */
  async setModel(model: GpModel, options: Pick<PredictPoolOptions, "withCholesky"> = {}) {
    if (this.#closed) throw new PredictPoolError("setModel after close()");
    if (this.#busy) throw new PredictPoolError("setModel while a predict call is running");
    this.#busy = true;
    try {
      const state = sharedState(model.state, options.withCholesky ?? model.state.loveR === null);
      const message: PredictModel = { type: "model", state };
      await Promise.all(this.#workers.map((w) => request(w, message, isReady)));
      this.#state = state;
      this.#singleFactor = null;
    } finally {
      this.#busy = false;
    }
  }

  /** Number of workers. */
  get size(): number {
    return this.#workers.length;
  }

  /**
   * `GpModel.predict` for the rows of `xq` (m×d, unit box), spread over the workers in chunks of
   * `options.chunkSize` rows (default {@link POOL_CHUNK_ROWS}; equal to `model.predict` with that
   * chunk size). One call at a time per pool (a second concurrent call is rejected).
   */
  async predict(xq: Float64Array, options: PredictOptions = {}): Promise<GpPrediction> {
    if (this.#closed) throw new PredictPoolError("predict after close()");
    if (this.#busy) throw new PredictPoolError("predict while another predict call is running");
    this.#busy = true;
    try {
      return await this.#predict(xq, options);
    } finally {
      this.#busy = false;
    }
  }

  async #predict(xq: Float64Array, options: PredictOptions): Promise<GpPrediction> {
    const d = this.d;
    if (xq.length % d !== 0) {
      throw new DimensionMismatchError("xq", xq.length, `a multiple of d = ${d}`);
    }
    const m = xq.length / d;
    const chunkRows = options.chunkSize ?? POOL_CHUNK_ROWS;
    if (!(Number.isInteger(chunkRows) && chunkRows >= 1)) {
      throw new InvalidArgumentError("chunkSize", chunkRows, "must be an integer ≥ 1");
    }
    const xSab = new SharedArrayBuffer(8 * m * d);
    new Float64Array(xSab).set(xq);
    const meanSab = new SharedArrayBuffer(8 * m), varSab = new SharedArrayBuffer(8 * m);
    const counter = new SharedArrayBuffer(4);
    const mode = options.variance ?? this.defaultVariance;
    if (mode === "exact-single" && !this.routines.has("strsm")) {
      throw new PredictPoolError(
        `variance "exact-single" needs single-precision strsm, which the workers (${
          [...new Set(this.backends)].join("; ")
        }) lack; ask for "exact"`,
      );
    }
    const cholesky = this.#state.cholesky;
    if (mode === "exact-single" && cholesky && !this.#singleFactor) {
      this.#singleFactor = new Float32Array(new SharedArrayBuffer(4 * cholesky.length));
      this.#singleFactor.set(cholesky);
    }
    const parts = Math.min(this.#workers.length, Math.ceil(m / chunkRows));
    await Promise.all(Array.from({ length: parts }, (_, w) => {
      const task: PredictTask = {
        type: "task",
        id: this.#nextId++,
        xq: xSab,
        mean: meanSab,
        variance: varSab,
        m,
        chunkRows,
        counter,
        mode,
        includeNoise: options.includeNoise,
        neighbours: options.neighbours,
        singleFactor: mode === "exact-single" ? this.#singleFactor ?? undefined : undefined,
      };
      const isDone = (
        m: PredictWorkerMessage,
      ): m is Extract<PredictWorkerMessage, { type: "done" }> =>
        m.type === "done" && m.id === task.id;
      return request(this.#workers[w], task, isDone);
    }));
    return {
      mean: new Float64Array(meanSab).slice(),
      variance: new Float64Array(varSab).slice(),
    };
  }

  /** Terminate the workers. */
  close(): void {
    this.#closed = true;
    for (const w of this.#workers) w.terminate();
  }
}

/** `state` with its large arrays in SharedArrayBuffers (arrays already shared are kept). */
function sharedState(state: GpState, withCholesky: boolean): GpState {
  const share = (a: Float64Array): Float64Array => {
    if (a.buffer instanceof SharedArrayBuffer) return a;
    const out = new Float64Array(new SharedArrayBuffer(a.byteLength));
    out.set(a);
    return out;
  };
  return {
    ...state,
    x: share(state.x),
    y: share(state.y),
    alpha: share(state.alpha),
    logTheta: state.logTheta.slice(),
    cholesky: withCholesky && state.cholesky ? share(state.cholesky) : null,
    loveR: state.loveR ? share(state.loveR) : null,
  };
}

const isReady = (m: PredictWorkerMessage): m is PredictReady => m.type === "ready";

/** Reject unless every worker loaded `main`'s library with at least its optional routines. */
function checkSameBackend(main: Linalg, replies: PredictReady[]): void {
  const expected = linalgIdentity(main), loaded = replies.map((r) => r.identity);
  if (loaded.some((id) => id !== expected)) {
    throw new PredictBackendMismatchError(
      expected,
      loaded,
      `a worker could not load this thread's library (${
        replies.find((r) => r.identity !== expected)?.backend
      })`,
    );
  }
  const missing = optionalRoutines(main).filter((r) =>
    replies.some((w) => !w.routines.includes(r))
  );
  if (missing.length > 0) {
    throw new PredictBackendMismatchError(expected, loaded, `workers lack ${missing.join(", ")}`);
  }
}

/**
 * Post `message` to `worker` and resolve with its first reply that `isReply` accepts; an `error`
 * reply or a crash of the worker rejects with a {@link PredictPoolError}.
 */
function request<R extends PredictWorkerMessage>(
  worker: Worker,
  message: PredictInit | PredictModel | PredictTask,
  isReply: (m: PredictWorkerMessage) => m is R,
): Promise<R> {
  return new Promise((resolve, reject) => {
    worker.onerror = (e) => {
      e.preventDefault();
      reject(new PredictPoolError(`gp_predict worker crashed: ${e.message}`));
    };
    worker.onmessage = (ev: MessageEvent<PredictWorkerMessage>) => {
      const m = ev.data;
      if (isReply(m)) resolve(m);
      else if (m.type === "error") reject(new PredictPoolError(m.message));
    };
    worker.postMessage(message);
  });
}
