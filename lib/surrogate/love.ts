/**
 * LOVE predictive-variance cache (Pleiss et al. 2018, "Constant-time predictive distributions
 * for Gaussian processes"; docs/campaign.md §9.5): k Lanczos steps on K̂ with full
 * reorthogonalisation give Q (n×k) and the tridiagonal T = Qᵀ·K̂·Q; with T = L_T·L_Tᵀ,
 * R = Q·L_T⁻ᵀ (n×k) so that k*ᵀ·K̂⁻¹·k* ≈ ‖Rᵀ·k*‖² and σ²(u*) ≈ σ_f² − ‖Rᵀ·k*‖² (clamped ≥ 0):
 * O(n·k) per candidate instead of O(n²).
 * @module
 */
import type { Linalg } from "../kernels/linalg/linalg.ts";

/** y ← K̂·v for the n×n kernel matrix (however it is stored or generated). */
export type SymmetricMatvec = (v: Float64Array, out: Float64Array) => void;

/** Result of {@link buildLoveCache}: `r` is n×rank column-major. */
export interface LoveCache {
  r: Float64Array;
  rank: number;
}

/**
 * Run `iterations` Lanczos steps from `start` (any non-zero n-vector, e.g. the mean of
 * k(X, x) over reference candidates) and return R = Q·L_T⁻ᵀ. Stops early when the Krylov space
 * is exhausted (β < 1e-12·|α|), in which case `rank` < iterations.
 */
export function buildLoveCache(
  la: Linalg,
  matvec: SymmetricMatvec,
  n: number,
  start: Float64Array,
  iterations: number,
): LoveCache {
  const k = Math.min(iterations, n);
  const q = new Float64Array(n * k);
  const alpha = new Float64Array(k), beta = new Float64Array(k);
  const w = new Float64Array(n), h = new Float64Array(k);
  let norm = Math.sqrt(la.dot(n, start, start));
  if (!(norm > 0)) throw new RangeError("buildLoveCache: start vector is zero or not finite");
  for (let i = 0; i < n; i++) q[i] = start[i] / norm;
  let rank = k;
  for (let j = 0; j < k; j++) {
    const qj = q.subarray(j * n, (j + 1) * n);
    matvec(qj, w);
    alpha[j] = la.dot(n, qj, w);
    // Full reorthogonalisation, twice ("twice is enough", Parlett): w ← w − Q·(Qᵀ·w).
    for (let pass = 0; pass < 2; pass++) {
      la.gemv("T", n, j + 1, 1, q, n, w, 0, h);
      la.gemv("N", n, j + 1, -1, q, n, h, 1, w);
    }
    if (j + 1 === k) break;
    norm = Math.sqrt(la.dot(n, w, w));
    beta[j] = norm;
    if (!(norm > 1e-12 * Math.abs(alpha[j]))) {
      rank = j + 1;
      break;
    }
    const next = q.subarray((j + 1) * n, (j + 2) * n);
    for (let i = 0; i < n; i++) next[i] = w[i] / norm;
  }
  // T = L_T·L_Tᵀ (bidiagonal: diagonal dg, sub-diagonal e); R(:, j) = (Q(:, j) − e_{j−1}·R(:, j−1)) / dg_j
  const r = q.subarray(0, n * rank);
  let dPrev = 1;
  for (let j = 0; j < rank; j++) {
    const e = j === 0 ? 0 : beta[j - 1] / dPrev;
    const d2 = alpha[j] - e * e;
    if (!(d2 > 0)) {
      rank = j; // T lost definiteness through round-off: keep the stable leading part
      break;
    }
    const dj = Math.sqrt(d2);
    const rj = j * n, rp = (j - 1) * n;
    for (let i = 0; i < n; i++) r[rj + i] = (r[rj + i] - (j === 0 ? 0 : e * r[rp + i])) / dj;
    dPrev = dj;
  }
  return { r: q.slice(0, n * rank), rank };
}
