/**
 * Security constants of the noisy-storage OT protocol (docs/science.md §0, §6.3, §14.1).
 * @module
 */

/** Default security parameter ε_sec (docs/science.md §0). */
export const EPSILON_SEC = 1e-10;
/** Caligo's correctness parameter ε_cor (docs/science.md §8.3). */
export const EPSILON_COR = 1e-6;
/** Schaffner's QBER warning limit q_warn (docs/science.md §6.3). */
export const QBER_WARNING_THRESHOLD = 0.11;
/** Lupo's hard QBER limit q_hard (docs/science.md §6.3). */
export const QBER_HARD_LIMIT = 0.22;
/** Caligo's constant R̃ ≈ 1 − 2·h⁻¹(½) (docs/science.md §6.3). */
export const R_TILDE = 0.7798;
/** Storage-noise crossover between the Dupuis–König and Lupo bounds (docs/science.md §6.1). */
export const R_CROSSOVER = 0.25;
/** Caligo's reconciliation efficiency f used by K2, K4 and the feasibility checker (§6.5, §8.3). */
export const CALIGO_RECONCILIATION_EFFICIENCY = 1.16;

/**
 * Penalty P(ε) = 2·log₂(1/ε) + 1 of the project key length (docs/science.md §0, §8.1), in bits.
 * P(1e-10) = 67.438562.
 * @example
 * ```ts
 * import { keyPenaltyBits } from "./constants.ts";
 * console.assert(Math.abs(keyPenaltyBits(1e-10) - 67.438562) < 1e-6);
 * ```
 */
export function keyPenaltyBits(epsilonSec: number = EPSILON_SEC): number {
  return 2 * Math.log2(1 / epsilonSec) + 1;
}
