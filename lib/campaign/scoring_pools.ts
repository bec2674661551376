/**
 * Phase 3 candidate scoring on workers (campaign.md §6 task `gp_score_chunk`): one
 * {@link GpPredictPool} per strategy, made for the first model and handed every later one
 * (arrays shared, workers kept). The pools compute fixed chunks with one BLAS thread each, so the
 * scores equal those of this thread with the same library and do not depend on the number of
 * workers. Workers need the main thread's library without libflame (which crashes under
 * concurrent calls): pools exist only for an FFI backend that is not a libflame shim.
 * @module
 */
import type { Linalg } from "../kernels/linalg/linalg.ts";
import { AOCL_SHIM_PATH, BLIS_FLAME_SHIM_PATH, type FfiLinalg } from "../io/blas_loader.ts";
import { STRATEGIES, type Strategy, type TwinLandscape } from "../surrogate/twin_landscape.ts";
import { GpPredictPool } from "./gp_predict_pool.ts";

/** Most workers per strategy (a scoring call is a few thousand candidates). */
export const MAX_SCORING_WORKERS = 16;

/** The scoring pools of the strategies of a twin landscape. */
export class ScoringPools {
  readonly #pools = new Map<Strategy, GpPredictPool>();
  /** Workers per strategy. */
  readonly workers: number;
  readonly #library: string;

  private constructor(workers: number, library: string) {
    this.workers = workers;
    this.#library = library;
  }

  /**
   * Pools of `workers` workers (capped at {@link MAX_SCORING_WORKERS}) on the library of `la`, or
   * null when `la` is the TypeScript fallback or a libflame shim (scoring then stays on this
   * thread).
   */
  static forLinalg(la: Linalg, workers: number): ScoringPools | null {
    const path = (la as Partial<FfiLinalg>).path;
    if (!path || path === BLIS_FLAME_SHIM_PATH || path === AOCL_SHIM_PATH) return null;
    return new ScoringPools(Math.max(1, Math.min(MAX_SCORING_WORKERS, workers)), path);
  }

  /** Hand every fitted strategy's model to its pool (starting the pool on first use). */
  async update(twin: TwinLandscape): Promise<void> {
    for (const strategy of STRATEGIES) {
      if (!twin.isFitted(strategy)) continue;
      const model = twin.model(strategy);
      const withCholesky = model.state.cholesky !== null;
      const pool = this.#pools.get(strategy);
      if (pool) {
        await pool.setModel(model, { withCholesky });
      } else {
        this.#pools.set(
          strategy,
          await GpPredictPool.create(model, {
            workers: this.workers,
            blasCandidates: [this.#library],
            withCholesky,
          }),
        );
      }
    }
  }

  /** The pool holding `strategy`'s current model, or null. */
  get(strategy: Strategy): GpPredictPool | null {
    return this.#pools.get(strategy) ?? null;
  }

  /** Terminate every pool's workers. */
  close(): void {
    for (const pool of this.#pools.values()) pool.close();
    this.#pools.clear();
  }
}
