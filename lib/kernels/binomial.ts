/**
 * Exact binomial draws whose cost scales with the smaller of the two counts, so that sampling
 * the detected rounds of N = 10⁸ pairs sent costs what its ~10⁶ detections cost (docs/science.md
 * §8.6).
 * @module
 */
import type { Rng } from "./rng.ts";

/**
 * A draw of Binomial(n, p) by geometric skipping (Devroye 1986, §X.4.3, "second waiting time
 * method"): the gaps between successes are Geometric(p), so the draw takes about
 * min(n·p, n·(1 − p)) + 1 uniforms (for p > ½ it counts the failures instead). Exact up to
 * floating-point rounding of the logarithms; consumes uniforms from `rng` only.
 * @param n number of trials, a non-negative integer (≤ 2^53)
 * @param p success probability in [0, 1]
 * @example
 * ```ts
 * import { sampleBinomial } from "./binomial.ts";
 * import { Xoshiro128StarStar } from "./rng.ts";
 * const rng = new Xoshiro128StarStar(new Uint32Array([1, 2, 3, 4]));
 * const k = sampleBinomial(1e8, 0.0141, rng);
 * console.assert(Math.abs(k - 1.41e6) < 6 * Math.sqrt(1.41e6));
 * ```
 */
export function sampleBinomial(n: number, p: number, rng: Rng): number {
  if (!(p > 0) || n <= 0) return 0;
  if (p >= 1) return n;
  if (p > 0.5) return n - countSuccesses(n, 1 - p, rng);
  return countSuccesses(n, p, rng);
}

/** Successes among n trials of probability p ≤ ½, by Geometric(p) gaps. */
function countSuccesses(n: number, p: number, rng: Rng): number {
  const logQ = Math.log1p(-p);
  let position = 0; // trials used so far
  let successes = 0;
  for (;;) {
    // gap to the next success: 1 + floor(ln U / ln(1 − p)), U uniform in (0, 1]
    position += 1 + Math.floor(Math.log(1 - rng.nextDouble()) / logQ);
    if (position > n) return successes;
    successes++;
  }
}
