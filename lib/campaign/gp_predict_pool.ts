/**
 * Parallel GP prediction (campaign.md §9.5: "prediction in chunks … distributed over workers";
 * §6 task `gp_score_chunk`): a pool of Web Workers (`./gp_predict_worker.ts`) that each hold a
 * copy of one fitted model and their own single-threaded BLAS. A call splits the candidates into
 * one contiguous row range per worker; candidates and results travel through SharedArrayBuffers.
 * Every candidate is computed by the same code as `GpModel.predict`, so the results equal the
 * sequential ones (up to BLAS's blocking of the LOVE product, ≤ 1e-12 relative in the tests).
 * Measured at N = 10 000, 10⁵ candidates, LOVE rank 100, 2 cores: see README (bench:gp --big).
 * @module
 */
import type {
  GpModel,
  GpPrediction,
  GpState,
  PredictOptions,
  VarianceMode,
} from "../surrogate/gp_model.ts";
import { DimensionMismatchError } from "../surrogate/surrogate_errors.ts";
import { CaligoError } from "../errors.ts";
import type { PredictInit, PredictTask, PredictWorkerMessage } from "./gp_predict_worker.ts";
import { campaignWorkerUrl } from "./worker_url.ts";

/** A prediction worker failed. */
export class PredictPoolError extends CaligoError {}

/** Options of {@link GpPredictPool.create}. */
export interface PredictPoolOptions {
  /** Workers (default: `navigator.hardwareConcurrency`). */
  workers?: number;
  /** Library files the workers try (default: OpenBLAS; never the libflame shim). */
  blasCandidates?: string[];
  /**
   * Send the n×n Cholesky factor too, so that exact variances can be asked for (each worker holds
   * a copy: 8n² bytes per worker). Default: only when the model has no LOVE cache.
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
  readonly d: number;
  /** BLAS description of each worker. */
  readonly backends: string[];
  /** Variance when a call names none: exact when the workers hold the factor, else LOVE. */
  readonly defaultVariance: VarianceMode;
  readonly #workers: Worker[];
  #nextId = 0;
  #closed = false;
  #busy = false;

  private constructor(
    d: number,
    workers: Worker[],
    backends: string[],
    defaultVariance: VarianceMode,
  ) {
    this.d = d;
    this.defaultVariance = defaultVariance;
    this.#workers = workers;
    this.backends = backends;
  }

  /** Start the workers and hand each a copy of `model`'s state. */
  static async create(model: GpModel, options: PredictPoolOptions = {}): Promise<GpPredictPool> {
    const count = Math.max(1, Math.floor(options.workers ?? navigator.hardwareConcurrency ?? 1));
    const withCholesky = options.withCholesky ?? model.state.loveR === null;
    const state: GpState = { ...model.state, cholesky: withCholesky ? model.state.cholesky : null };
    const init: PredictInit = { type: "init", state, blasCandidates: options.blasCandidates };
    const workers: Worker[] = [];
    try {
      const backends = await Promise.all(
        Array.from({ length: count }, () =>
          new Promise<string>((resolve, reject) => {
            const w = new Worker(campaignWorkerUrl("gp_predict_worker"), { type: "module" });
            workers.push(w);
            w.onerror = (e) => {
              e.preventDefault();
              reject(new PredictPoolError(`gp_predict worker crashed: ${e.message}`));
            };
            w.onmessage = (ev: MessageEvent<PredictWorkerMessage>) => {
              const m = ev.data;
              if (m.type === "ready") resolve(m.backend);
              else if (m.type === "error") reject(new PredictPoolError(m.message));
            };
            w.postMessage(init);
          })),
      );
      return new GpPredictPool(model.d, workers, backends, state.cholesky ? "exact" : "love");
    } catch (e) {
      for (const w of workers) w.terminate();
      throw e;
    }
  }

  /** Number of workers. */
  get size(): number {
    return this.#workers.length;
  }

  /**
   * `GpModel.predict` for the rows of `xq` (m×d, unit box), spread over the workers. One call at a
   * time per pool (a second concurrent call is rejected).
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
    const xSab = new SharedArrayBuffer(8 * m * d);
    new Float64Array(xSab).set(xq);
    const meanSab = new SharedArrayBuffer(8 * m), varSab = new SharedArrayBuffer(8 * m);
    const parts = Math.min(this.#workers.length, m);
    const mode = options.variance ?? this.defaultVariance;
    await Promise.all(Array.from({ length: parts }, (_, w) => {
      const start = Math.floor((w * m) / parts), end = Math.floor(((w + 1) * m) / parts);
      const task: PredictTask = {
        type: "task",
        id: this.#nextId++,
        xq: xSab,
        mean: meanSab,
        variance: varSab,
        start,
        count: end - start,
        mode,
        chunkSize: options.chunkSize,
        includeNoise: options.includeNoise,
        neighbours: options.neighbours,
      };
      return this.#run(this.#workers[w], task);
    }));
    return {
      mean: new Float64Array(meanSab).slice(),
      variance: new Float64Array(varSab).slice(),
    };
  }

  #run(worker: Worker, task: PredictTask): Promise<void> {
    return new Promise((resolve, reject) => {
      worker.onerror = (e) => {
        e.preventDefault();
        reject(new PredictPoolError(`gp_predict worker crashed: ${e.message}`));
      };
      worker.onmessage = (ev: MessageEvent<PredictWorkerMessage>) => {
        const msg = ev.data;
        if (msg.type === "done" && msg.id === task.id) resolve();
        else if (msg.type === "error") reject(new PredictPoolError(msg.message));
      };
      worker.postMessage(task);
    });
  }

  /** Terminate the workers. */
  close(): void {
    this.#closed = true;
    for (const w of this.#workers) w.terminate();
  }
}
