/**
 * Phase 3 candidate scoring on workers (docs/campaign.md §6 task `gp_score_chunk`): one
 * {@link GpPredictPool} per strategy, made for the first model and handed every later one
 * (arrays shared, workers kept). The pools compute fixed chunks with one BLAS thread each, so the
 * scores equal those of this thread with the same library and do not depend on the number of
 * workers.
 *
 * Negotiated, never assumed: the workers are asked for this thread's exact library, and each
 * reports in its `ready` reply what it loaded and which optional routines (strsm, …) it has; a
 * pool starts only if every worker has this thread's library and routines, so the variance mode
 * this thread picks ({@link scoringVariance}) works on every party and gives the same bits. No
 * pools at all for the TypeScript kernels or a libflame shim (workers never load libflame, which
 * crashes under concurrent calls).
 *
 * The pools are an optional accelerator: any failure — at start, when a model is handed over, or
 * during a prediction — logs one warning, closes them, and the call and every later one run on
 * this thread with the same model and options, hence the same rows.
 * @module
 */
import type { Linalg } from "../../kernels/linalg/linalg.ts";
import { type FfiLinalg, isFlameShim } from "../../io/blas_loader.ts";
import type { Logger } from "../../io/log.ts";
import type { GpModel, GpPrediction, PredictOptions } from "../../surrogate/gp_model.ts";
import { STRATEGIES, type Strategy, type TwinLandscape } from "../../surrogate/twin_landscape.ts";
import { GpPredictPool } from "./gp_predict_pool.ts";

/** Most workers per strategy (a scoring call is a few thousand candidates). */
export const MAX_SCORING_WORKERS = 16;

/** What candidate scoring needs of a pool: `GpModel.predict`, asynchronously. */
export interface PooledPredictor {
  predict(xq: Float64Array, options: PredictOptions): Promise<GpPrediction>;
}

/** The scoring pools of the strategies of a twin landscape. */
export class ScoringPools {
  readonly #pools = new Map<Strategy, GpPredictPool>();
  readonly #models = new Map<Strategy, GpModel>();
  /** Workers per strategy. */
  readonly workers: number;
  readonly #la: Linalg;
  readonly #log: Pick<Logger, "warn">;
  #failed = false;

  private constructor(workers: number, la: Linalg, log: Pick<Logger, "warn">) {
    this.workers = workers;
    this.#la = la;
    this.#log = log;
  }

  /**
   * Pools of `workers` workers (capped at {@link MAX_SCORING_WORKERS}) on the library of `la`, or
   * null when `la` is the TypeScript fallback or a libflame shim (scoring then stays on this
   * thread). `log.warn` receives the one warning of a failure.
   */
  static forLinalg(la: Linalg, workers: number, log: Pick<Logger, "warn">): ScoringPools | null {
    const path = (la as Partial<FfiLinalg>).path;
    if (!path || isFlameShim(path)) return null;
    return new ScoringPools(Math.max(1, Math.min(MAX_SCORING_WORKERS, workers)), la, log);
  }

  /** False once the pools failed (everything then runs on this thread). */
  get isActive(): boolean {
    return !this.#failed;
  }

  /**
   * Hand every fitted strategy's model to its pool (starting the pool on first use). Never
   * throws: a failure is the one warning and the switch to this thread.
   */
  async update(twin: TwinLandscape): Promise<void> {
    if (this.#failed) return;
    try {
      for (const strategy of STRATEGIES) {
        if (!twin.isFitted(strategy)) continue;
        const model = twin.model(strategy);
        const withCholesky = model.state.cholesky !== null;
        this.#models.delete(strategy); // no stale model if the hand-over fails
        const pool = this.#pools.get(strategy);
        if (pool) {
          await pool.setModel(model, { withCholesky });
        } else {
          this.#pools.set(
            strategy,
            await GpPredictPool.create(model, {
              workers: this.workers,
              sameBackendAs: this.#la,
              withCholesky,
            }),
          );
        }
        this.#models.set(strategy, model);
      }
    } catch (e) {
      this.#fail(e);
    }
  }

  /**
   * The predictor of `strategy`'s current model: its pool, falling back to the model on this
   * thread (same options) if the pool fails; null when the pools are off or hold no model.
   */
  get(strategy: Strategy): PooledPredictor | null {
    const pool = this.#pools.get(strategy), model = this.#models.get(strategy);
    if (this.#failed || !pool || !model) return null;
    return {
      predict: async (xq, options) => {
        if (!this.#failed) {
          try {
            return await pool.predict(xq, options);
          } catch (e) {
            this.#fail(e);
          }
        }
        return model.predict(xq, options);
      },
    };
  }

  /** The pool of `strategy` (diagnostics and tests), or null. */
  poolOf(strategy: Strategy): GpPredictPool | null {
    return this.#pools.get(strategy) ?? null;
  }

  /** Terminate every pool's workers. */
  close(): void {
    for (const pool of this.#pools.values()) pool.close();
    this.#pools.clear();
    this.#models.clear();
  }

  #fail(e: unknown): void {
    if (this.#failed) return;
    this.#failed = true;
    this.close();
    this.#log.warn(
      `phase 3: scoring workers failed (${e}); scoring on the main thread from now on`,
    );
  }
}
