/**
 * Cholesky of K̂ with the jitter escalation of docs/campaign.md §9.2: if potrf fails, add
 * 1e-8·mean(diag K̂) to the diagonal, ×10 per retry up to 1e-4·mean(diag K̂), rebuilding K̂ each
 * time (potrf has overwritten it).
 * @module
 */
import type { Linalg } from "../kernels/linalg/linalg.ts";
import { type CovarianceFill, fillCovariance } from "./matern52.ts";
import { NotPositiveDefiniteError } from "./surrogate_errors.ts";

/** First relative jitter and the largest one tried (× mean(diag K̂)). */
export const JITTER_START = 1e-8;
/** Largest relative jitter (docs/campaign.md §9.2). */
export const JITTER_MAX = 1e-4;

/** Outcome of {@link factorCovariance}: `jitter` is the absolute value added to the diagonal. */
export type CholeskyOutcome =
  | { ok: true; jitter: number }
  | { ok: false; column: number; jitter: number };

/**
 * Fill K̂ (σ_f²·M52 + σ_n²·I) of the scaled rows into `a` (n×n, column-major) and factor it in
 * place (lower L), escalating the jitter on failure. `fill` chooses what goes into the upper
 * triangle, which the factorisation leaves alone.
 */
export function factorCovariance(
  la: Linalg,
  xs: Float64Array,
  n: number,
  d: number,
  signalVariance: number,
  noiseVariance: number,
  a: Float64Array,
  fill: CovarianceFill | boolean = "lower",
): CholeskyOutcome {
  return factorWithJitter(
    la,
    n,
    a,
    signalVariance + noiseVariance,
    (jitter) => fillCovariance(xs, n, d, signalVariance, noiseVariance + jitter, a, fill, la),
  );
}

/**
 * The jitter escalation of {@link factorCovariance} for any way of filling K̂: `fill(jitter)`
 * writes K̂ + jitter·I into `a` (n×n), which potrf then factors in place.
 */
export function factorWithJitter(
  la: Linalg,
  n: number,
  a: Float64Array,
  meanDiagonal: number,
  fill: (jitter: number) => void,
): CholeskyOutcome {
  let jitter = 0, column = 0;
  for (let rel = 0; rel <= JITTER_MAX * 1.0001; rel = rel === 0 ? JITTER_START : rel * 10) {
    jitter = rel * meanDiagonal;
    fill(jitter);
    column = la.potrf(n, a, n);
    if (column === 0) return { ok: true, jitter };
  }
  return { ok: false, column, jitter };
}

/** {@link factorCovariance} that throws {@link NotPositiveDefiniteError} on failure. */
export function factorCovarianceOrThrow(
  la: Linalg,
  xs: Float64Array,
  n: number,
  d: number,
  signalVariance: number,
  noiseVariance: number,
  a: Float64Array,
  fill: CovarianceFill | boolean = "lower",
): number {
  const r = factorCovariance(la, xs, n, d, signalVariance, noiseVariance, a, fill);
  if (!r.ok) throw new NotPositiveDefiniteError(n, r.column, r.jitter);
  return r.jitter;
}
