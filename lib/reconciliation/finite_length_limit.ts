/**
 * The finite-length limit of one-way reconciliation on the BSC (docs/science.md §9.12): the least
 * leakage that ANY code and decoder can have when Bob must recover n bits of Alice's with error
 * probability at most ε, from a message of Alice's and his own copy through a BSC(q). It is the
 * yardstick for the efficiency f of the LDPC family: f·h(q) can never fall below limit/n.
 *
 * Exact converse: for any message of k bits and any y, Bob's guesses {φ(m, y)} are at most 2^k
 * strings, so his success probability is at most the mass of the 2^k most likely error patterns.
 * For q < ½ those are the lightest ones, so the least k with P(2^k lightest patterns) ≥ 1 − ε
 * is a lower bound on the leakage (and linear codes with ML decoding come within O(log n) bits of
 * it). Its expansion is n·h(q) + √(n·V(q))·Φ⁻¹(1 − ε) − ½·log₂ n + O(1) with the varentropy
 * V(q) = q(1 − q)·log₂²((1 − q)/q) (Strassen 1962; Kontoyiannis & Verdú 2014, fixed-length
 * source coding; Tomamichel, Martinez-Mateo, Pacher & Elkouss 2017 for reconciliation).
 * Pure.
 * @module
 */
import { InvalidArgumentError } from "../errors.ts";
import { standardNormalQuantile } from "../kernels/normal_quantile.ts";
import { binaryEntropy } from "./entropy.ts";
import { modulationSize } from "./rate_adaptation.ts";

function checkArguments(n: number, qber: number, fer: number): void {
  if (!(Number.isInteger(n) && n >= 1 && n <= 1e8)) {
    throw new InvalidArgumentError("n", n, "must be an integer in [1, 1e8]");
  }
  if (!(qber > 0 && qber < 0.5)) throw new InvalidArgumentError("qber", qber, "must be in (0, ½)");
  if (!(fer > 0 && fer < 1)) throw new InvalidArgumentError("fer", fer, "must be in (0, 1)");
}

/** log₂(2^a + 2^b), stable for large arguments. */
function log2Sum(a: number, b: number): number {
  if (a === -Infinity) return b;
  const hi = Math.max(a, b), lo = Math.min(a, b);
  return hi + Math.log2(1 + 2 ** (lo - hi));
}

/** log₂ of the number of patterns of probability e^lnPattern that carry `needed` (rounded up). */
function log2PatternsFor(needed: number, lnPattern: number): number {
  const log2Ratio = Math.log2(needed) - lnPattern / Math.LN2;
  if (log2Ratio > 40) return log2Ratio; // rounding up changes it by < 1e-12 bits
  return Math.log2(Math.max(1, Math.ceil(2 ** log2Ratio - 1e-9)));
}

/**
 * Least leakage, in bits, of any one-way reconciliation of n bits through a BSC(q) with frame-error
 * probability ≤ ε: log₂ of the number of lightest error patterns whose total probability reaches
 * 1 − ε (patterns of the boundary weight counted one by one, so the value is not rounded up to a
 * whole bit). Exact for the converse above; O(n) work in the log domain.
 * @param n bits to reconcile (the frame's payload)
 * @param qber crossover probability q ∈ (0, ½)
 * @param fer allowed frame-error probability ε ∈ (0, 1)
 * @example
 * ```ts
 * import { minimumLeakageBits } from "./finite_length_limit.ts";
 * // n = 3, q = 0.1: weight 0 and 1 carry 0.729 + 0.243 = 0.972 ≥ 0.97 → 4 patterns, 2 bits
 * console.assert(Math.abs(minimumLeakageBits(3, 0.1, 0.03) - 2) < 1e-12);
 * ```
 */
export function minimumLeakageBits(n: number, qber: number, fer: number): number {
  checkArguments(n, qber, fer);
  const lnOdds = Math.log(qber / (1 - qber));
  let lnChoose = 0; // ln C(n, w)
  let lnPattern = n * Math.log1p(-qber); // ln q^w (1 − q)^(n − w)
  let mass = 0, log2Count = -Infinity;
  for (let w = 0; w <= n; w++) {
    const weightMass = Math.exp(lnChoose + lnPattern);
    const needed = 1 - fer - mass;
    if (weightMass >= needed) {
      return log2Sum(log2Count, log2PatternsFor(needed, lnPattern));
    }
    mass += weightMass;
    log2Count = log2Sum(log2Count, lnChoose / Math.LN2);
    lnChoose += Math.log((n - w) / (w + 1));
    lnPattern += lnOdds;
  }
  return n; // unreachable for ε > 0: all 2^n patterns carry mass 1
}

/**
 * The normal approximation of {@link minimumLeakageBits}:
 * n·h(q) + √(n·V(q))·Φ⁻¹(1 − ε) − ½·log₂ n, V(q) = q(1 − q)·log₂²((1 − q)/q).
 * @example
 * ```ts
 * import { minimumLeakageBits, normalApproximationLeakageBits } from "./finite_length_limit.ts";
 * const exact = minimumLeakageBits(16384, 0.04, 0.01);
 * console.assert(Math.abs(normalApproximationLeakageBits(16384, 0.04, 0.01) - exact) < 5);
 * ```
 */
export function normalApproximationLeakageBits(n: number, qber: number, fer: number): number {
  checkArguments(n, qber, fer);
  const varentropy = qber * (1 - qber) * Math.log2((1 - qber) / qber) ** 2;
  return n * binaryEntropy(qber) + Math.sqrt(n * varentropy) * standardNormalQuantile(1 - fer) -
    0.5 * Math.log2(n);
}

/**
 * The efficiency limit f_lim = {@link minimumLeakageBits} / (n·h(q)): no reconciliation of n-bit
 * frames reaches a smaller f at frame-error rate ε (1.098 at n = 16384, q = 2 %, ε = 1e-2).
 * @example
 * ```ts
 * import { efficiencyLimit } from "./finite_length_limit.ts";
 * console.assert(efficiencyLimit(16384, 0.02, 0.01) > 1.09);
 * ```
 */
export function efficiencyLimit(n: number, qber: number, fer: number): number {
  return minimumLeakageBits(n, qber, fer) / (n * binaryEntropy(qber));
}

/**
 * {@link efficiencyLimit} of one frame of a code of length n with modulation fraction δ, i.e. of
 * its K = n − round(δ·n) payload bits (the f that `calibrate` reports is per payload bit);
 * `null` for q outside (0, ½).
 * @example
 * ```ts
 * import { efficiencyLimit, frameEfficiencyLimit } from "./finite_length_limit.ts";
 * console.assert(frameEfficiencyLimit(4096, 0.1, 0.02, 0.01) === efficiencyLimit(3686, 0.02, 0.01));
 * ```
 */
export function frameEfficiencyLimit(
  n: number,
  modulationFraction: number,
  qber: number,
  fer: number,
): number | null {
  if (!(qber > 0 && qber < 0.5)) return null;
  return efficiencyLimit(n - modulationSize(n, modulationFraction), qber, fer);
}
