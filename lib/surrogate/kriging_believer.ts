/**
 * Kriging-believer batch conditioning (docs/campaign.md §10.3): adding a fantasy observation at a
 * pick x_s with value μ(x_s) leaves μ unchanged and shrinks the posterior covariance, so a batch
 * is built by sequential rank-one updates of the pool's latent variances:
 *   c(x, x_s) = k(x, x_s) − k_xᵀ·K̂⁻¹·k_s − Σ_{j < s} c̃_j(x)·c̃_j(x_s),
 *   c̃(x) = c(x, x_s)/√(σ²(x_s) + σ_n²),   σ²(x) ← σ²(x) − c̃(x)².
 * Cost per pick: one solve with the Cholesky factor (O(n²)) and one O(P·n·d) pass over the pool
 * regenerating k_x in chunks; storage P×q for the c̃ columns. Exact path only (needs L).
 * @module
 */
import type { GpModel } from "./gp_model.ts";
import { fillCrossCovariance } from "./matern52.ts";
import { InvalidArgumentError } from "../errors.ts";

/**
 * Sequential conditioning of a candidate pool's posterior variances on fantasy picks.
 * @example
 * ```ts
 * import { fitGp } from "./fit_gp.ts";
 * import { KrigingBeliever } from "./kriging_believer.ts";
 * const x = new Float64Array([0, 0.3, 0.6, 1]), y = x.map((v) => v * v);
 * const gp = await fitGp({ x, y, d: 1 });
 * const kb = new KrigingBeliever(gp, new Float64Array([0.15, 0.45, 0.8]));
 * const before = kb.variance[0];
 * kb.conditionOnPick(0);                  // fantasy observation at pool row 0
 * console.assert(kb.variance[0] < before);
 * ```
 */
export class KrigingBeliever {
  readonly gp: GpModel;
  /** Pool rows, P×d row-major, unit box. */
  readonly pool: Float64Array;
  readonly poolSize: number;
  /** Current latent variances of the pool in standardised units (σ², without σ_n²). */
  readonly latentVariance: Float64Array;
  /** Pool indices picked so far, in order. */
  readonly picks: number[] = [];
  /** c̃ columns of earlier picks, each length P. */
  readonly #columns: Float64Array[] = [];
  readonly #scaledPool: Float64Array;
  readonly #chunk: number;
  readonly #block: Float64Array;

  constructor(gp: GpModel, pool: Float64Array) {
    if (!gp.state.cholesky) {
      throw new InvalidArgumentError(
        "gp.path",
        gp.state.path,
        "Kriging believer needs the exact path",
      );
    }
    const d = gp.d;
    if (pool.length % d !== 0) {
      throw new InvalidArgumentError("pool.length", pool.length, `not a multiple of d = ${d}`);
    }
    this.gp = gp;
    this.pool = pool;
    this.poolSize = pool.length / d;
    const s2 = gp.state.yStd ** 2;
    this.latentVariance = gp.predict(pool, { variance: "exact" }).variance.map((v) => v / s2);
    this.#scaledPool = gp.scaleCandidates(pool, this.poolSize, new Float64Array(pool.length));
    this.#chunk = gp.chunkRows(this.poolSize, 2048);
    this.#block = new Float64Array(gp.n * this.#chunk);
  }

  /** Current latent variances in target units (σ²·s_y²). */
  get variance(): Float64Array {
    const s2 = this.gp.state.yStd ** 2;
    return this.latentVariance.map((v) => v * s2);
  }

  /** Condition the pool on a fantasy observation at pool row `index` (θ fixed). */
  conditionOnPick(index: number): void {
    const { gp, poolSize } = this;
    if (!Number.isInteger(index) || index < 0 || index >= poolSize) {
      throw new InvalidArgumentError("index", index, `must be a pool row in [0, ${poolSize})`);
    }
    const { n, d } = gp, la = gp.la, L = gp.state.cholesky!;
    const sf2 = gp.hyperparameters.signalVariance, sn2 = gp.hyperparameters.noiseVariance;
    const qs = this.#scaledPool.subarray(index * d, index * d + d);
    // w = K̂⁻¹·k_s (one solve)
    const w = fillCrossCovariance(gp.scaledX, n, qs, 1, d, sf2, new Float64Array(n));
    la.potrs(n, 1, L, n, w, n);
    // c(x) = k(x, x_s) − k_xᵀ·w over the pool, chunk by chunk
    const c = new Float64Array(poolSize), kxs = new Float64Array(1);
    for (let c0 = 0; c0 < poolSize; c0 += this.#chunk) {
      const mc = Math.min(this.#chunk, poolSize - c0);
      fillCrossCovariance(
        gp.scaledX,
        n,
        this.#scaledPool.subarray(c0 * d, (c0 + mc) * d),
        mc,
        d,
        sf2,
        this.#block,
      );
      la.gemv("T", n, mc, -1, this.#block, n, w, 0, c.subarray(c0, c0 + mc));
      for (let i = 0; i < mc; i++) {
        fillCrossCovariance(
          this.#scaledPool.subarray((c0 + i) * d, (c0 + i + 1) * d),
          1,
          qs,
          1,
          d,
          sf2,
          kxs,
        );
        c[c0 + i] += kxs[0];
      }
    }
    // minus the earlier picks' contributions (incremental Cholesky of the fantasy block)
    for (const col of this.#columns) {
      const cs = col[index];
      for (let i = 0; i < poolSize; i++) c[i] -= col[i] * cs;
    }
    const scale = 1 / Math.sqrt(Math.max(this.latentVariance[index], 0) + sn2);
    for (let i = 0; i < poolSize; i++) {
      c[i] *= scale;
      this.latentVariance[i] = Math.max(0, this.latentVariance[i] - c[i] * c[i]);
    }
    this.#columns.push(c);
    this.picks.push(index);
  }
}
