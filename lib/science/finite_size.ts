/**
 * Finite-size statistics of parameter estimation (docs/science.md §7): the sampling term μ and
 * Hoeffding intervals.
 * @module
 */
import { EPSILON_SEC, QBER_HARD_LIMIT } from "./constants.ts";

/**
 * Finite-size term μ(t, k, ε) = sqrt( (t + k)/(t·k) · (k + 1)/k · ln(4/ε) ) (docs/science.md §7).
 * Project: t = matched test rounds |T_m|, k = m. Q_adj = Q̂ + μ. Returns +∞ when t or k is 0.
 * @param t test sample size
 * @param k key (string) size
 * @param epsilon ε (ε_sec = 1e-10 by default)
 * @example
 * ```ts
 * import { finiteSizeMu } from "./finite_size.ts";
 * console.assert(Math.abs(finiteSizeMu(1000, 500) - 0.270893) < 5e-7);
 * ```
 */
export function finiteSizeMu(t: number, k: number, epsilon: number = EPSILON_SEC): number {
  if (!(t > 0 && k > 0)) return Infinity;
  return Math.sqrt((t + k) / (t * k) * ((k + 1) / k) * Math.log(4 / epsilon));
}

/**
 * Caligo's `compute_statistical_fluctuation(n, k, ε)` (docs/science.md §7, helper [H]): the same
 * expression as μ with n = key size and k = test size, i.e. sqrt((n+k)/(n·k)·(k+1)/k·ln(4/ε)).
 * @example
 * ```ts
 * import { statisticalFluctuation } from "./finite_size.ts";
 * console.assert(Math.abs(statisticalFluctuation(100000, 5000) - 0.071607) < 5e-7);
 * ```
 */
export function statisticalFluctuation(
  n: number,
  k: number,
  epsilon: number = EPSILON_SEC,
): number {
  if (!(n > 0 && k > 0)) return Infinity;
  return Math.sqrt((n + k) / (n * k) * ((k + 1) / k) * Math.log(4 / epsilon));
}

/**
 * Hoeffding half-width ζ = sqrt(ln(2/ε)/(2n)) (docs/science.md §7, helper [H]).
 * @example
 * ```ts
 * import { hoeffdingHalfWidth } from "./finite_size.ts";
 * console.assert(Math.abs(hoeffdingHalfWidth(10000) - 0.034438) < 1e-6);
 * ```
 */
export function hoeffdingHalfWidth(n: number, epsilon: number = EPSILON_SEC): number {
  return Math.sqrt(Math.log(2 / epsilon) / (2 * n));
}

/**
 * Hoeffding interval [p − ζ, p + ζ] clipped to [0, 1] (docs/science.md §7, helper [H]).
 * @returns [lower, upper]
 * @example
 * ```ts
 * import { hoeffdingInterval } from "./finite_size.ts";
 * const [lo, hi] = hoeffdingInterval(10000, 0.015);
 * console.assert(lo === 0 && Math.abs(hi - 0.049438) < 1e-6);
 * ```
 */
export function hoeffdingInterval(
  n: number,
  p: number,
  epsilon: number = EPSILON_SEC,
): [number, number] {
  const z = hoeffdingHalfWidth(n, epsilon);
  return [Math.max(0, p - z), Math.min(1, p + z)];
}

/**
 * Count version of the Hoeffding interval: [floor(n·lower), ceil(n·upper)] (helper [H]).
 * @example
 * ```ts
 * import { hoeffdingCountInterval } from "./finite_size.ts";
 * const [lo, hi] = hoeffdingCountInterval(10000, 0.5);
 * console.assert(lo === 4655 && hi === 5345);
 * ```
 */
export function hoeffdingCountInterval(
  n: number,
  p: number,
  epsilon: number = EPSILON_SEC,
): [number, number] {
  const [lo, hi] = hoeffdingInterval(n, p, epsilon);
  return [Math.floor(n * lo), Math.ceil(n * hi)];
}

/**
 * Expected matched-test and key sizes of a baseline sample of N rounds (docs/science.md §5 note 2):
 * |T| = max(1, ⌊τN⌋), t ≈ |T|/2, k ≈ (N − |T|)/2.
 */
export function expectedSizes(numPairs: number, testFraction: number): { t: number; k: number } {
  const testRounds = Math.max(1, Math.floor(testFraction * numPairs));
  return { t: testRounds / 2, k: (numPairs - testRounds) / 2 };
}

/**
 * Smallest N for which a baseline sample with expected sizes (t ≈ τN/2, k ≈ (1 − τ)N/2) and
 * estimated QBER q̂ passes parameter estimation, q̂ + μ(t, k) ≤ q_hard (docs/science.md §7, §14.2).
 * Integer bisection over N ∈ [2, 1e12]; +∞ if q̂ ≥ q_hard.
 * @example
 * ```ts
 * import { minPairsPassing } from "./finite_size.ts";
 * console.assert(Math.abs(minPairsPassing(0.05) - 18781) < 100);
 * ```
 */
export function minPairsPassing(
  qHat: number,
  testFraction = 0.1,
  qHard: number = QBER_HARD_LIMIT,
  epsilon: number = EPSILON_SEC,
): number {
  if (!(qHat < qHard)) return Infinity;
  const passes = (n: number) => {
    const { t, k } = expectedSizes(n, testFraction);
    return qHat + finiteSizeMu(t, k, epsilon) <= qHard;
  };
  let lo = 2;
  let hi = 1e12;
  if (!passes(hi)) return Infinity;
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (passes(mid)) hi = mid;
    else lo = mid;
  }
  return hi;
}
