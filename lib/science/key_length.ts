/**
 * The project's key-length rule (docs/science.md §8.1) and the analytic key margin of pre-filtered
 * samples.
 * @module
 */
import { EPSILON_SEC, keyPenaltyBits } from "./constants.ts";
import { binaryEntropy } from "./entropy.ts";

/**
 * Signed key length of one OT string (docs/science.md §8.1):
 * l_b = floor(m_v·h_bs(r_eff, ν) − leak_b − 2·log₂(1/ε_sec) − 1), in bits (may be ≤ 0).
 * @param verifiedBits m_v, payload bits per string that survived verification
 * @param entropyRate h_bs(r_eff, ν), bits per round
 * @param leakBits leak_b, all bits disclosed about the string
 * @example
 * ```ts
 * import { projectKeyLength } from "./key_length.ts";
 * import { hBoundedStorage } from "./bounds.ts";
 * console.assert(projectKeyLength(10000, hBoundedStorage(0.1, 1), 500) === 9006);
 * ```
 */
export function projectKeyLength(
  verifiedBits: number,
  entropyRate: number,
  leakBits: number,
  epsilonSec: number = EPSILON_SEC,
): number {
  return Math.floor(verifiedBits * entropyRate - leakBits - keyPenaltyBits(epsilonSec));
}

/**
 * Analytic key margin of a pre-filtered sample (docs/science.md §8.1, kind `analytic`):
 * l_raw/N = min(0, (1 − τ_S)/2·(h_bs − h(Q_exp)) − P/N), P = 2·log₂(1/ε) + 1.
 * @param entropyRate h_bs(r_eff, ν)
 * @param qExpected Q_exp of the configured link model
 * @param numPairs N
 * @param testFraction τ_S of the sample's strategy
 * @example
 * ```ts
 * import { analyticKeyMargin } from "./key_length.ts";
 * console.assert(analyticKeyMargin(0.5, 0.11, 1e6, 0.1) === 0);
 * console.assert(analyticKeyMargin(0.1, 0.11, 1e6, 0.1) < 0);
 * ```
 */
export function analyticKeyMargin(
  entropyRate: number,
  qExpected: number,
  numPairs: number,
  testFraction: number,
  epsilonSec: number = EPSILON_SEC,
): number {
  const perRound = (1 - testFraction) / 2 * (entropyRate - binaryEntropy(qExpected));
  return Math.min(0, perRound - keyPenaltyBits(epsilonSec) / numPairs);
}
