/**
 * Exact log marginal likelihood of the zero-mean Matérn-5/2 ARD GP and its analytic gradient
 * with respect to log θ (docs/campaign.md §9.3; Rasmussen & Williams 2006, eqs. 2.30 and 5.9):
 *   log p(y|θ) = −½·yᵀα − Σ log L_ii − (n/2)·ln 2π,  K̂ = L·Lᵀ, α = K̂⁻¹y,
 *   ∂/∂θ_j = ½·Σ_ik (α_iα_k − (K̂⁻¹)_ik)·(∂K̂/∂θ_j)_ik.
 * One factorisation per evaluation: potrf, potrs for α, potri for K̂⁻¹ in place (or spotri on a
 * single-precision copy, below). While K̂ is
 * filled, the factor q_ij = (1 + √5 r)e^(−√5 r) of every pair is parked in the strict upper
 * triangle (which potrf/potri never touch); one pass over the lower triangle then regenerates the
 * per-dimension (Δ_m/ℓ_m)² on the fly and accumulates the length-scale trace terms without any
 * transcendental call, so no n×n×(d+2) tensor is ever stored (sklearn builds one). The σ_f² and
 * σ_n² terms are closed forms: with c = σ_n² + jitter, K_f = K̂ − c·I and K̂α = y,
 * tr(W·K_f) = αᵀy − c·αᵀα − n + c·tr(K̂⁻¹), tr(W) = αᵀα − tr(K̂⁻¹).
 * Memory: one n×n workspace (8n² bytes; 12n² with the single-precision inverse, see
 * {@link mllEvaluatorBytes}) plus O(n·d). The workspace lives in a WebAssembly
 * memory when it fits one (n ≤ 23 000): the fill's per-pair sqrt/exp and the length-scale sums
 * then run in the SIMD kernels of `lib/kernels/gp/matern_simd.ts` (1.3–2.2× faster than the
 * TypeScript loops, which remain the path for larger n and the reference in tests).
 *
 * Mixed precision (default where the backend has spotri + ssymv and the SIMD workspace is used):
 * the value, α and L stay double; only K̂⁻¹ of the gradient's trace terms is formed in single
 * precision (L rounded to float, spotri: half the time of dpotri, which was 60 % of an
 * evaluation at n = 4000). Each such inverse is checked against the double α = K̂⁻¹y:
 * ‖W_f·y − α‖₂ / ‖α‖₂ ≤ {@link SINGLE_INVERSE_TOLERANCE}, else the evaluation falls back to
 * dpotri (L is still intact). Measured on the 9-D cliff benchmark (n = 2000 and 4000): check
 * 4e-7…2.5e-6, gradient error ≤ 1e-4 absolute along the whole optimisation (|g| ≥ 0.2 there) and
 * ≤ 3e-9 relative even at σ_n² = 1e-8 with ℓ = 10 (condition ≈ 1e12); the optimiser takes the
 * same path (same evaluations, same θ to 3 decimals).
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

/**
 * Largest ‖W_f·y − α‖₂ / ‖α‖₂ accepted for a single-precision K̂⁻¹ (measured values are ≤ 3e-6;
 * 1e-4 keeps the gradient's trace terms accurate to ≈ 1e-4 relative).
 */
export const SINGLE_INVERSE_TOLERANCE = 1e-4;

/**
 * Bytes of the n×n matrices of one {@link createMllEvaluator}: 8n² for K̂ / L / K̂⁻¹, plus 4n² for
 * the single-precision inverse of the mixed-precision gradient (an upper bound either way).
 */
export function mllEvaluatorBytes(n: number): number {
  return 12 * n * n;
}

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
  /** Gradient evaluations whose K̂⁻¹ was single (checked) or double precision so far. */
  readonly inverseCounts: { single: number; double: number };
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
  options: {
    /** false: TypeScript loops instead of the SIMD kernels (the reference in tests). */
    simd?: boolean;
    /** "double": always dpotri for the gradient; "mixed" (default): see the module notes. */
    inverse?: "mixed" | "double";
    /** Acceptance bound of the single-precision inverse (default {@link SINGLE_INVERSE_TOLERANCE}). */
    singleTolerance?: number;
  } = {},
): MllEvaluator {
  const lengths = [n * n, n * d, n, n, n * d];
  const singleLengths = [...lengths, Math.ceil(n * n / 2), Math.ceil(n / 2), Math.ceil(n / 2)];
  const fits = (ls: number[]) => workspaceBytes(ls) + 2 ** 20 < MATERN_SIMD_MAX_BYTES;
  const simdOk = options.simd !== false && d <= MATERN_SIMD_MAX_D && n >= 2 && fits(lengths);
  const mixed = simdOk && options.inverse !== "double" && la.spotri !== undefined &&
    la.ssymv !== undefined && fits(singleLengths);
  const simd = simdOk
    ? MaternSimdWorkspace.create(workspaceBytes(mixed ? singleLengths : lengths))
    : null;
  const alloc = (len: number) => simd ? simd.alloc(len) : new Float64Array(len);
  const work = alloc(n * n), xs = alloc(n * d), alpha = alloc(n);
  const norms = simd ? simd.alloc(n) : null, xt = simd ? simd.alloc(n * d) : null;
  const w32 = mixed ? simd!.allocF32(n * n) : null;
  const y32 = mixed ? simd!.allocF32(n) : null, v32 = mixed ? simd!.allocF32(n) : null;
  y32?.set(y);
  const lengthScales = new Float64Array(d);
  const acc = new Float64Array(d);
  const inverseCounts = { single: 0, double: 0 };
  const tolerance = options.singleTolerance ?? SINGLE_INVERSE_TOLERANCE;
  /** K̂⁻¹ in single precision from the factor in `work` into w32, if it passes the α check. */
  const singleInverse = (): boolean => {
    simd!.lowerToF32(work, n, w32!);
    if (la.spotri!(n, w32!, n) !== 0) return false;
    la.ssymv!(n, 1, w32!, n, y32!, 0, v32!);
    let e2 = 0, a2 = 0;
    for (let i = 0; i < n; i++) {
      e2 += (v32![i] - alpha[i]) ** 2;
      a2 += alpha[i] ** 2;
    }
    return e2 <= tolerance ** 2 * a2;
  };
  return {
    n,
    d,
    inverseCounts,
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
      const inverse = w32 && singleInverse() ? w32 : work;
      if (inverse === work) {
        if (la.potri(n, work, n) !== 0) {
          gradient.fill(NaN);
          return { mll: -Infinity, jitter: chol.jitter };
        }
        inverseCounts.double++;
      } else {
        inverseCounts.single++;
      }
      // W = ααᵀ − K̂⁻¹ (R&W eq. 5.9).
      let traceInv = 0;
      for (let i = 0; i < n; i++) traceInv += inverse[i + i * n];
      const alphaAlpha = la.dot(n, alpha, alpha), c = sn2 + chol.jitter;
      // Length scales: off-diagonal pairs (i > j) count twice, cancelling the ½.
      if (simd) {
        for (let i = 0; i < n; i++) {
          for (let m = 0; m < d; m++) xt![m * n + i] = xs[i * d + m];
        }
        simd.gradient(work, n, alpha, xt!, d, acc, inverse === w32 ? w32 : undefined);
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
