/**
 * A fitted GP (docs/campaign.md §9.2–9.5): prediction of mean and variance in chunks, exact variances
 * σ² = σ_f² − ‖L⁻¹k*‖² or LOVE variances σ² ≈ σ_f² − ‖Rᵀk*‖², and posterior sampling. The
 * model is pure data ({@link GpState}) plus a linear-algebra backend; `lib/io/surrogate_store.ts`
 * saves and loads the state.
 * Units: inputs in the unit box (row-major m×d); outputs in target units, μ·s_y + m_y and
 * σ²·s_y² (latent, without σ_n² unless `includeNoise`).
 * @module
 */
import type { Linalg } from "../kernels/linalg/linalg.ts";
import type { Rng } from "../kernels/rng.ts";
import {
  MATERN_SIMD_MAX_D,
  MaternSimdWorkspace,
  workspaceBytes,
} from "../kernels/gp/matern_simd.ts";
import {
  fillCovariance,
  fillCrossCovariance,
  fillCrossCovarianceGemm,
  rowSquaredNorms,
  scaleRows,
} from "./matern52.ts";
import { NotPositiveDefiniteError } from "./surrogate_errors.ts";
import { nearestNeighbourVariance, neighbourWorkspace } from "./local_variance.ts";
import { type GpHyperparameters, unpackLogTheta } from "./hyperparameters.ts";
import { DimensionMismatchError } from "./surrogate_errors.ts";
import { InvalidArgumentError } from "../errors.ts";
import type { GpFitReport } from "./fit_gp.ts";

/** How the posterior was conditioned on the training data. */
export type GpPath = "exact" | "iterative";
/** Which predictive variance to compute. */
/**
 * "exact": σ² = σ_f² − ‖L⁻¹k*‖² in double precision; "exact-single": the same with the
 * triangular solve in single precision (L and k* rounded to float, sums in double; half the time
 * of the BLAS-bound solve; needs a backend with strsm); "love": the LOVE cache; "local": the
 * smaller of LOVE's σ² (when the model has the cache) and the σ² conditioned on the nearest
 * training points (`lib/surrogate/local_variance.ts`): both bound the exact σ² from above;
 * "none".
 */
export type VarianceMode = "exact" | "exact-single" | "love" | "local" | "none";

/** Everything that defines a fitted GP (what `surrogate_store.ts` writes). */
export interface GpState {
  /** Input dimension. */
  d: number;
  /** Training points. */
  n: number;
  /** Training inputs, n×d row-major, unit box. */
  x: Float64Array;
  /** Standardised targets (y − yMean)/yStd, length n. */
  y: Float64Array;
  /** Target mean m_y (target units). */
  yMean: number;
  /** Target scale s_y (target units; 1 when the targets are constant). */
  yStd: number;
  /** θ = (log ℓ_1..d, log σ_f², log σ_n²). */
  logTheta: Float64Array;
  /** α = K̂⁻¹y (standardised units), length n. */
  alpha: Float64Array;
  /** Absolute jitter that was added to the diagonal of K̂. */
  jitter: number;
  /** "exact" (dense Cholesky) or "iterative" (PCG + LOVE). */
  path: GpPath;
  /** Lower Cholesky factor of K̂ (n×n column-major; upper triangle ignored), or null. */
  cholesky: Float64Array | null;
  /** LOVE cache R (n×loveRank column-major), or null. */
  loveR: Float64Array | null;
  /** Columns of `loveR` (0 when absent). */
  loveRank: number;
}

/** Options of {@link GpModel.predict}. */
export interface PredictOptions {
  /** "exact" or "exact-single" (need the Cholesky factor), "love" (needs the LOVE cache),
   * "none". Default: exact when the factor exists, else love. */
  variance?: VarianceMode;
  /** Candidate rows per chunk (default 5000; reduced so a chunk's n×m block stays ≤ 256 MB). */
  chunkSize?: number;
  /** Add σ_n² to the variance (Caligo's σ included the noise); default false. */
  includeNoise?: boolean;
  /** Training points the "local" variance conditions on (default {@link LOCAL_NEIGHBOURS}). */
  neighbours?: number;
}

/** Default neighbours of the "local" variance (median error 0.10 on the N = 10,000 benchmark). */
export const LOCAL_NEIGHBOURS = 128;

/** Mean and variance of m candidates, in target units. */
export interface GpPrediction {
  mean: Float64Array;
  variance: Float64Array;
}

/** Prediction buffers inside one WebAssembly memory (for the SIMD cross-covariance kernel). */
interface PredictSpace {
  ws: MaternSimdWorkspace;
  chunk: number;
  ks: Float64Array;
  qs: Float64Array;
  qn: Float64Array;
  xn: Float64Array;
  alpha: Float64Array;
  mean: Float64Array;
}

/**
 * A fitted zero-mean Matérn-5/2 ARD GP on standardised targets.
 * @example
 * ```ts
 * import { fitGp } from "./fit_gp.ts";
 * const x = new Float64Array([0, 0.25, 0.5, 0.75, 1]);
 * const y = x.map((v) => Math.sin(3 * v));
 * const gp = await fitGp({ x, y, d: 1 });
 * const { mean, variance } = gp.predict(new Float64Array([0.5, 3]));
 * console.assert(Math.abs(mean[0] - Math.sin(1.5)) < 0.05 && variance[1] > variance[0]);
 * ```
 */
export class GpModel {
  readonly state: GpState;
  readonly la: Linalg;
  readonly hyperparameters: GpHyperparameters;
  /** Training inputs divided by ℓ (n×d row-major). */
  readonly scaledX: Float64Array;
  /** ‖scaledX_i‖², length n. */
  readonly scaledXNorms: Float64Array;

  /** What the fit did (absent for a loaded model). */
  readonly fitReport?: GpFitReport;
  /** Kept between predict calls; replaced when a call needs larger chunks. */
  #space: PredictSpace | null = null;
  /** The Cholesky factor rounded to float, made on the first "exact-single" call (4n² bytes). */
  #choleskySingle: Float32Array | null = null;

  constructor(state: GpState, la: Linalg, fitReport?: GpFitReport) {
    this.state = state;
    this.fitReport = fitReport;
    this.la = la;
    this.hyperparameters = unpackLogTheta(state.logTheta, state.d);
    this.scaledX = scaleRows(
      state.x,
      state.n,
      state.d,
      this.hyperparameters.lengthScales,
      new Float64Array(state.n * state.d),
    );
    this.scaledXNorms = rowSquaredNorms(this.scaledX, state.n, state.d, new Float64Array(state.n));
  }

  /**
   * The Cholesky factor rounded to float (n×n, lower triangle read) that "exact-single" solves
   * with: made on first use, or handed in here (e.g. one copy in a SharedArrayBuffer for all the
   * workers of a prediction pool).
   */
  singleFactor(shared?: Float32Array): Float32Array {
    const { cholesky, n } = this.state;
    if (!cholesky) {
      throw new InvalidArgumentError("variance", "exact-single", "needs the Cholesky factor");
    }
    if (shared) {
      if (shared.length !== n * n) {
        throw new DimensionMismatchError("singleFactor", shared.length, `n² = ${n * n}`);
      }
      this.#choleskySingle = shared;
    }
    return this.#choleskySingle ??= Float32Array.from(cholesky);
  }

  /** Number of training points. */
  get n(): number {
    return this.state.n;
  }

  /** Input dimension. */
  get d(): number {
    return this.state.d;
  }

  /** Candidate rows per chunk for m candidates (n×chunk doubles ≤ 256 MB). */
  chunkRows(m: number, chunkSize = 5000): number {
    return Math.max(1, Math.min(chunkSize, m, Math.floor(32e6 / Math.max(1, this.state.n))));
  }

  /** Scale candidate rows (m×d, unit box) by 1/ℓ into `out`. */
  scaleCandidates(xq: Float64Array, m: number, out: Float64Array): Float64Array {
    return scaleRows(xq, m, this.state.d, this.hyperparameters.lengthScales, out);
  }

  /** Prediction buffers for chunks of `chunk` rows in a WebAssembly memory (null when d is too large). */
  #predictSpace(chunk: number): PredictSpace | null {
    const { n, d } = this.state;
    if (d > MATERN_SIMD_MAX_D) return null;
    if (this.#space && this.#space.chunk >= chunk) return this.#space;
    const ws = MaternSimdWorkspace.create(
      workspaceBytes([n * chunk, chunk * d, chunk, n, n, chunk]),
    );
    const space = {
      ws,
      chunk,
      ks: ws.alloc(n * chunk),
      qs: ws.alloc(chunk * d),
      qn: ws.alloc(chunk),
      xn: ws.alloc(n),
      alpha: ws.alloc(n),
      mean: ws.alloc(chunk),
    };
    space.xn.set(this.scaledXNorms);
    space.alpha.set(this.state.alpha);
    this.#space = space;
    return space;
  }

  /**
   * Mean and variance at the rows of `xq` (m×d row-major, unit box), in target units.
   * Memory: one n×chunk block plus O(m). The covariance block and the mean come from the SIMD
   * kernel of `lib/kernels/gp/matern_simd.ts` (block in a WebAssembly memory, kept between
   * calls); the TypeScript form is the fallback for d > 256.
   */
  predict(xq: Float64Array, options: PredictOptions = {}): GpPrediction {
    const { d, n, alpha, cholesky, loveR, loveRank, yMean, yStd } = this.state;
    if (xq.length % d !== 0) {
      throw new DimensionMismatchError("xq", xq.length, `a multiple of d = ${d}`);
    }
    const m = xq.length / d;
    const mode = options.variance ?? (cholesky ? "exact" : "love");
    if ((mode === "exact" || mode === "exact-single") && !cholesky) {
      throw new InvalidArgumentError("variance", mode, "needs the Cholesky factor (exact path)");
    }
    if (mode === "exact-single" && !this.la.strsm) {
      throw new InvalidArgumentError(
        "variance",
        mode,
        `needs a backend with single-precision strsm (${this.la.name} has none)`,
      );
    }
    if (mode === "love" && !loveR) {
      throw new InvalidArgumentError("variance", mode, "needs a LOVE cache (fit with love: true)");
    }
    const la = this.la, sf2 = this.hyperparameters.signalVariance;
    const noise = options.includeNoise ? this.hyperparameters.noiseVariance : 0;
    const mean = new Float64Array(m), variance = new Float64Array(m);
    const chunk = this.chunkRows(m, options.chunkSize);
    const space = m > 0 ? this.#predictSpace(chunk) : null;
    const ks = space?.ks ?? new Float64Array(n * chunk);
    const qs = space?.qs ?? new Float64Array(chunk * d);
    const qn = space?.qn ?? new Float64Array(chunk);
    const neighbours = options.neighbours ?? LOCAL_NEIGHBOURS;
    if (mode === "local" && !(Number.isInteger(neighbours) && neighbours >= 1)) {
      throw new InvalidArgumentError("neighbours", neighbours, "must be an integer ≥ 1");
    }
    const useLove = mode === "love" || (mode === "local" && loveR !== null);
    const proj = useLove ? new Float64Array(loveRank * chunk) : null;
    const nws = mode === "local" ? neighbourWorkspace(Math.min(neighbours, n)) : null;
    const single = mode === "exact-single" ? new Float32Array(n * chunk) : null;
    const factor = single ? this.singleFactor() : null;
    for (let c0 = 0; c0 < m; c0 += chunk) {
      const mc = Math.min(chunk, m - c0);
      this.scaleCandidates(xq.subarray(c0 * d, (c0 + mc) * d), mc, qs);
      rowSquaredNorms(qs, mc, d, qn);
      const mu = mean.subarray(c0, c0 + mc);
      if (space) {
        // xs row-major n×d is column-major d×n: ks = −2·Xsᵀ·Qs, then k and μ = K*ᵀα in one pass.
        la.gemm("T", "N", n, mc, d, -2, this.scaledX, d, qs, d, 0, ks, n);
        space.ws.cross(ks, space.xn, n, qn, mc, sf2, space.alpha, space.mean);
        mu.set(space.mean.subarray(0, mc));
      } else {
        fillCrossCovarianceGemm(la, this.scaledX, this.scaledXNorms, n, qs, qn, mc, d, sf2, ks);
        la.gemv("T", n, mc, 1, ks, n, alpha, 0, mu); // μ = K*ᵀα
      }
      if (mode === "none") continue;
      if (single) {
        for (let i = 0; i < n * mc; i++) single[i] = ks[i];
        la.strsm!("L", "N", "N", n, mc, 1, factor!, n, single, n); // V = L⁻¹K*
        for (let c = 0; c < mc; c++) {
          let q = 0;
          for (let i = c * n; i < (c + 1) * n; i++) q += single[i] * single[i];
          variance[c0 + c] = Math.max(0, sf2 - q);
        }
        continue;
      }
      if (nws) {
        if (proj) la.gemm("T", "N", loveRank, mc, n, 1, loveR!, n, ks, n, 0, proj, loveRank);
        const c = this.hyperparameters.noiseVariance + this.state.jitter;
        for (let j = 0; j < mc; j++) {
          const kj = ks.subarray(j * n, (j + 1) * n);
          const near = nearestNeighbourVariance(la, kj, this.scaledX, n, d, sf2, c, nws);
          let v = Number.isNaN(near) ? sf2 : near;
          if (proj) {
            const col = proj.subarray(j * loveRank, (j + 1) * loveRank);
            v = Math.min(v, sf2 - la.dot(loveRank, col, col));
          }
          variance[c0 + j] = Math.max(0, v);
        }
        continue;
      }
      let src: Float64Array, rows: number;
      if (mode === "exact") {
        la.trsm("L", "N", "N", n, mc, 1, cholesky!, n, ks, n); // V = L⁻¹K*
        src = ks;
        rows = n;
      } else {
        la.gemm("T", "N", loveRank, mc, n, 1, loveR!, n, ks, n, 0, proj!, loveRank); // Rᵀk*
        src = proj!;
        rows = loveRank;
      }
      for (let c = 0; c < mc; c++) {
        const col = src.subarray(c * rows, (c + 1) * rows);
        variance[c0 + c] = Math.max(0, sf2 - la.dot(rows, col, col));
      }
    }
    const s2 = yStd * yStd;
    for (let i = 0; i < m; i++) {
      mean[i] = mean[i] * yStd + yMean;
      variance[i] = (variance[i] + noise) * s2;
    }
    return { mean, variance };
  }

  /**
   * Draw `samples` joint posterior samples of the latent function at the m rows of `xq` (few
   * points: builds the m×m posterior covariance; exact path only). Returns samples×m row-major,
   * target units. A relative jitter of 1e-10·σ_f² stabilises the m×m Cholesky.
   */
  samplePosterior(xq: Float64Array, samples: number, rng: Rng): Float64Array {
    const { d, n, cholesky, yStd } = this.state;
    if (!cholesky) {
      throw new InvalidArgumentError("model.path", "iterative", "sampling needs the exact path");
    }
    const m = xq.length / d, la = this.la, sf2 = this.hyperparameters.signalVariance;
    const { mean } = this.predict(xq, { variance: "none" });
    const qs = this.scaleCandidates(xq, m, new Float64Array(m * d));
    const v = fillCrossCovariance(this.scaledX, n, qs, m, d, sf2, new Float64Array(n * m));
    la.trsm("L", "N", "N", n, m, 1, cholesky, n, v, n);
    const cov = fillCrossCovariance(qs, m, qs, m, d, sf2, new Float64Array(m * m));
    la.gemm("T", "N", m, m, n, -1, v, n, v, n, 1, cov, m); // K** − VᵀV
    for (let i = 0; i < m; i++) cov[i + i * m] += 1e-10 * sf2;
    if (la.potrf(m, cov, m) !== 0) {
      throw new InvalidArgumentError("xq", m, "posterior covariance not PD (duplicate rows?)");
    }
    const out = new Float64Array(samples * m), z = new Float64Array(m);
    for (let s = 0; s < samples; s++) {
      for (let i = 0; i < m; i++) z[i] = standardNormal(rng);
      for (let i = 0; i < m; i++) {
        let acc = 0;
        for (let k = 0; k <= i; k++) acc += cov[i + k * m] * z[k];
        out[s * m + i] = mean[i] + acc * yStd;
      }
    }
    return out;
  }
}

/** Standard normal draw by Box–Muller (one of the pair; 2 uniforms per call). */
export function standardNormal(rng: Rng): number {
  const u1 = 1 - rng.nextDouble(), u2 = rng.nextDouble();
  return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
}

/**
 * Recompute the Cholesky factor of a loaded state (θ and the stored jitter fixed), for model
 * files saved without `<s>.L.f64`. Same backend and inputs give the same factor bit for bit.
 */
export function restoreCholesky(state: GpState, la: Linalg): Float64Array {
  const { n, d, x, logTheta, jitter } = state;
  const hp = unpackLogTheta(logTheta, d);
  const xs = scaleRows(x, n, d, hp.lengthScales, new Float64Array(n * d));
  const l = fillCovariance(
    xs,
    n,
    d,
    hp.signalVariance,
    hp.noiseVariance + jitter,
    new Float64Array(n * n),
    "lower",
    la, // as in factorCovariance, so the factor is the fit's bit for bit
  );
  const info = la.potrf(n, l, n);
  if (info !== 0) throw new NotPositiveDefiniteError(n, info, jitter);
  return l;
}
