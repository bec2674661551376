/**
 * Exact log marginal likelihood of the zero-mean Matérn-5/2 ARD GP and its analytic gradient
 * with respect to log θ (campaign.md §9.3; Rasmussen & Williams 2006, eqs. 2.30 and 5.9):
 *   log p(y|θ) = −½·yᵀα − Σ log L_ii − (n/2)·ln 2π,  K̂ = L·Lᵀ, α = K̂⁻¹y,
 *   ∂/∂θ_j = ½·Σ_ik (α_iα_k − (K̂⁻¹)_ik)·(∂K̂/∂θ_j)_ik.
 * One factorisation per evaluation: potrf, potrs for α, potri for K̂⁻¹ in place. While K̂ is
 * filled, the factor q_ij = (1 + √5 r)e^(−√5 r) of every pair is parked in the strict upper
 * triangle (which potrf/potri never touch); one pass over the lower triangle then regenerates the
 * per-dimension (Δ_m/ℓ_m)² on the fly and accumulates the length-scale trace terms without any
 * transcendental call, so no n×n×(d+2) tensor is ever stored (sklearn builds one). The σ_f² and
 * σ_n² terms are closed forms: with c = σ_n² + jitter, K_f = K̂ − c·I and K̂α = y,
 * tr(W·K_f) = αᵀy − c·αᵀα − n + c·tr(K̂⁻¹), tr(W) = αᵀα − tr(K̂⁻¹).
 * Memory: one n×n workspace (8n² bytes) plus O(n·d). The workspace lives in a WebAssembly
 * memory when it fits one (n ≤ 23 000): the fill's per-pair sqrt/exp and the length-scale sums
 * then run in the SIMD kernels of `lib/kernels/gp/matern_simd.ts` (1.3–2.2× faster than the
 * TypeScript loops, which remain the path for larger n and the reference in tests).
 * @module
 */
import type { Linalg } from "../kernels/linalg/linalg.ts";
import {
  MATERN_SIMD_MAX_BYTES,
  MATERN_SIMD_MAX_D,
  MaternSimdWorkspace,
  workspaceBytes,
} from "../kernels/gp/matern_simd.ts";
import { factorCovariance, factorWithJitter } from "./cholesky_jitter.ts";
import { rowSquaredNorms, scaleRows } from "./matern52.ts";

const HALF_LOG_2PI = 0.5 * Math.log(2 * Math.PI);

/** Result of one evaluation; `mll` is −Infinity when K̂ was not PD even after jitter. */
export interface MllValue {
  /** log p(y | θ) in nats. */
  mll: number;
  /** Absolute jitter added to the diagonal (0 normally). */
  jitter: number;
}

/** Evaluates the MLL and gradient for one data set; owns its n×n workspace. */
export interface MllEvaluator {
  readonly n: number;
  readonly d: number;
  /**
   * log p(y | θ) and, when `gradient` is given, ∂ log p / ∂ log θ written into it (length d+2).
   */
  evaluate(logTheta: Float64Array, gradient?: Float64Array): MllValue;
}

/**
 * Create an evaluator for inputs `x` (n×d row-major, unit box) and standardised targets `y`.
 * @example
 * ```ts
 * import { createMllEvaluator } from "./marginal_likelihood.ts";
 * import { tsLinalg } from "../kernels/linalg/ts_linalg.ts";
 * const ev = createMllEvaluator(new Float64Array([0, 0.5, 1]), new Float64Array([1, 0, -1]), 3, 1, tsLinalg);
 * const g = new Float64Array(3);
 * const { mll } = ev.evaluate(new Float64Array([Math.log(0.5), 0, Math.log(0.01)]), g);
 * console.assert(Number.isFinite(mll) && g.every(Number.isFinite));
 * ```
 */
export function createMllEvaluator(
  x: Float64Array,
  y: Float64Array,
  n: number,
  d: number,
  la: Linalg,
  options: { simd?: boolean } = {},
): MllEvaluator {
  const lengths = [n * n, n * d, n, n, n * d];
  const simd = options.simd !== false && d <= MATERN_SIMD_MAX_D && n >= 2 &&
      workspaceBytes(lengths) + 2 ** 20 < MATERN_SIMD_MAX_BYTES
    ? MaternSimdWorkspace.create(workspaceBytes(lengths))
    : null;
  const alloc = (len: number) => simd ? simd.alloc(len) : new Float64Array(len);
  const work = alloc(n * n), xs = alloc(n * d), alpha = alloc(n);
  const norms = simd ? simd.alloc(n) : null, xt = simd ? simd.alloc(n * d) : null;
  const lengthScales = new Float64Array(d);
  const acc = new Float64Array(d);
  return {
    n,
    d,
    evaluate(logTheta: Float64Array, gradient?: Float64Array): MllValue {
      for (let m = 0; m < d; m++) lengthScales[m] = Math.exp(logTheta[m]);
      const sf2 = Math.exp(logTheta[d]), sn2 = Math.exp(logTheta[d + 1]);
      scaleRows(x, n, d, lengthScales, xs);
      let chol;
      if (simd) {
        rowSquaredNorms(xs, n, d, norms!);
        chol = factorWithJitter(la, n, work, sf2 + sn2, (jitter) => {
          la.syrk("T", n, d, -2, xs, d, 0, work, n); // lower(work) = −2·XsᵀXs
          simd.symmetric(work, norms!, n, sf2, sn2 + jitter, "gradient-cache");
        });
      } else {
        chol = factorCovariance(la, xs, n, d, sf2, sn2, work, "gradient-cache");
      }
      if (!chol.ok) {
        gradient?.fill(NaN);
        return { mll: -Infinity, jitter: chol.jitter };
      }
      let logDet = 0;
      for (let i = 0; i < n; i++) logDet += Math.log(work[i + i * n]);
      alpha.set(y);
      la.potrs(n, 1, work, n, alpha, n); // R&W Alg. 2.1 line 3: α = Lᵀ\(L\y)
      const yAlpha = la.dot(n, y, alpha);
      const mll = -0.5 * yAlpha - logDet - n * HALF_LOG_2PI;
      if (!gradient) return { mll, jitter: chol.jitter };
      if (la.potri(n, work, n) !== 0) {
        gradient.fill(NaN);
        return { mll: -Infinity, jitter: chol.jitter };
      }
      // W = ααᵀ − K̂⁻¹ (R&W eq. 5.9).
      let traceInv = 0;
      for (let i = 0; i < n; i++) traceInv += work[i + i * n];
      const alphaAlpha = la.dot(n, alpha, alpha), c = sn2 + chol.jitter;
      // Length scales: off-diagonal pairs (i > j) count twice, cancelling the ½.
      if (simd) {
        for (let i = 0; i < n; i++) {
          for (let m = 0; m < d; m++) xt![m * n + i] = xs[i * d + m];
        }
        simd.gradient(work, n, alpha, xt!, d, acc);
      } else {
        lengthScaleSums(work, n, alpha, xs, d, acc);
      }
      for (let m = 0; m < d; m++) gradient[m] = sf2 * (5 / 3) * acc[m];
      gradient[d] = 0.5 * (yAlpha - c * alphaAlpha - n + c * traceInv);
      gradient[d + 1] = 0.5 * sn2 * (alphaAlpha - traceInv);
      return { mll, jitter: chol.jitter };
    },
  };
}

/**
 * acc[m] = Σ_{i>j} (αᵢαⱼ − Wᵢⱼ)·q(i, j)·(xs_im − xs_jm)² with W = K̂⁻¹ in the lower triangle of
 * `work` and q packed in its strict upper triangle (the TypeScript form of the SIMD kernel).
 */
function lengthScaleSums(
  work: Float64Array,
  n: number,
  alpha: Float64Array,
  xs: Float64Array,
  d: number,
  acc: Float64Array,
): void {
  acc.fill(0);
  for (let j = 0; j < n; j++) {
    const jd = j * d, col = j * n, aj = alpha[j];
    const cache = (n - 1 - j) * n - j - 1;
    for (let i = j + 1; i < n; i++) {
      const id = i * d;
      // ∂k/∂log ℓ_m = σ_f²·(5/3)·(1 + √5 r)·e^(−√5 r)·(Δ_m/ℓ_m)²
      const f = (alpha[i] * aj - work[col + i]) * work[cache + i];
      for (let m = 0; m < d; m++) {
        const t = xs[id + m] - xs[jd + m];
        acc[m] += f * t * t;
      }
    }
  }
}
