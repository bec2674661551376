/**
 * Parallel GP prediction (docs/campaign.md §9.5: "prediction in chunks … distributed over workers";
 * §6 task `gp_score_chunk`; §6 SharedArrayBuffer: "candidate scoring copies nothing"): a
 * {@link WorkerPool} of `./gp_predict_worker.ts` workers over one fitted model whose large arrays (inputs, α, the
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
import type { BackendHello } from "./backend_hello.ts";
import type { PredictInit, PredictTask, SharedModel } from "./gp_predict_worker.ts";
import { runAll } from "./run_all.ts";
import { WorkerPool } from "./worker_pool.ts";
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
  /** Optional routines that every worker has (negotiated at start from their handshakes). */
  readonly routines: ReadonlySet<OptionalRoutine>;
  readonly #pool: WorkerPool<PredictTask, true, BackendHello>;
  #model: SharedModel;
  /** The shared float factor of "exact-single", made on the first such call. */
  #singleFactor: Float32Array | null = null;
  #closed = false;
  #busy = false;

  private constructor(model: SharedModel, pool: WorkerPool<PredictTask, true, BackendHello>) {
    this.#model = model;
    this.#pool = pool;
    const hellos = pool.hellos();
    this.backends = hellos.map((h) => h.backend);
    this.routines = new Set(
      hellos.reduce<OptionalRoutine[]>(
        (all, h) => all.filter((x) => h.routines.includes(x)),
        hellos[0]?.routines ?? [],
      ),
    );
  }

  /** Input dimension of the current model. */
  get d(): number {
    return this.#model.state.d;
  }

  /** Variance when a call names none: exact when the workers hold the factor, else LOVE. */
  get defaultVariance(): VarianceMode {
    return this.#model.state.cholesky ? "exact" : "love";
  }

  /**
   * Start the workers (each reports its backend in its handshake) and share `model`'s state.
   * @throws PredictBackendMismatchError if `sameBackendAs` is set and a worker loaded another
   * backend; PredictPoolError if a worker fails to start
   */
  static async create(model: GpModel, options: PredictPoolOptions = {}): Promise<GpPredictPool> {
    const count = Math.max(1, Math.floor(options.workers ?? navigator.hardwareConcurrency ?? 1));
    const withCholesky = options.withCholesky ?? model.state.loveR === null;
    const main = options.sameBackendAs;
    const init: PredictInit = {
      blasCandidates: options.blasCandidates,
      library: main ? workerLibraryOf(main) : undefined,
    };
    const pool = await WorkerPool.create<PredictTask, true, BackendHello>({
      workerUrl: campaignWorkerUrl("gp_predict_worker"),
      name: "gp-predict",
      size: count,
      initPayload: init,
      cancelGraceMs: 0,
      checkHello: main ? (hello) => checkSameBackend(main, hello) : undefined,
      initErrorAs: (e) => new PredictPoolError(e.message, { cause: e }),
    });
    return new GpPredictPool({ version: 0, state: sharedState(model.state, withCholesky) }, pool);
  }

  /**
   * Hand the workers another model (e.g. after conditioning on new rows): its arrays are shared
   * like the first one's; same options. Not during a predict call.
   */
  setModel(model: GpModel, options: Pick<PredictPoolOptions, "withCholesky"> = {}): Promise<void> {
    if (this.#closed) return Promise.reject(new PredictPoolError("setModel after close()"));
    if (this.#busy) {
      return Promise.reject(new PredictPoolError("setModel while a predict call is running"));
    }
    const state = sharedState(model.state, options.withCholesky ?? model.state.loveR === null);
    this.#model = { version: this.#model.version + 1, state };
    this.#singleFactor = null;
    return Promise.resolve();
  }

  /** Number of workers. */
  get size(): number {
    return this.#pool.size;
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
    const mode = options.variance ?? this.defaultVariance;
    const task: PredictTask = {
      model: this.#model,
      xq: new SharedArrayBuffer(8 * m * d),
      mean: new SharedArrayBuffer(8 * m),
      variance: new SharedArrayBuffer(8 * m),
      m,
      chunkRows,
      counter: new SharedArrayBuffer(4),
      mode,
      includeNoise: options.includeNoise,
      neighbours: options.neighbours,
      singleFactor: this.#singleFactorFor(mode),
    };
    new Float64Array(task.xq).set(xq);
    const parts = Math.min(this.size, Math.ceil(m / chunkRows));
    await runAll(
      this.#pool,
      Array.from({ length: parts }, () => task),
      () => {},
      (_, reason) => new PredictPoolError(reason),
    );
    return {
      mean: new Float64Array(task.mean).slice(),
      variance: new Float64Array(task.variance).slice(),
    };
  }

  /** The shared float factor for "exact-single" (made once per model), else undefined. */
  #singleFactorFor(mode: VarianceMode): Float32Array | undefined {
    if (mode !== "exact-single") return undefined;
    if (!this.routines.has("strsm")) {
      throw new PredictPoolError(
        `variance "exact-single" needs single-precision strsm, which the workers (${
          [...new Set(this.backends)].join("; ")
        }) lack; ask for "exact"`,
      );
    }
    const cholesky = this.#model.state.cholesky;
    if (cholesky && !this.#singleFactor) {
      this.#singleFactor = new Float32Array(new SharedArrayBuffer(4 * cholesky.length));
      this.#singleFactor.set(cholesky);
    }
    return this.#singleFactor ?? undefined;
  }

  /** Terminate the workers. */
  close(): void {
    this.#closed = true;
    void this.#pool.close();
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

/** Refuse a worker that did not load `main`'s library with at least its optional routines. */
function checkSameBackend(main: Linalg, hello: BackendHello): void {
  const expected = linalgIdentity(main);
  if (hello.identity !== expected) {
    throw new PredictBackendMismatchError(
      expected,
      [hello.identity],
      `a worker could not load this thread's library (${hello.backend})`,
    );
  }
  const missing = optionalRoutines(main).filter((r) => !hello.routines.includes(r));
  if (missing.length > 0) {
    throw new PredictBackendMismatchError(
      expected,
      [hello.identity],
      `workers lack ${missing.join(", ")}`,
    );
  }
}
