/**
 * The loss-aware key model `erven2014` (docs/science.md §8.6): Erven et al. (2014) Eq. 8 with the
 * syndrome term replaced by the leakage the simulated reconciliation actually disclosed. Here
 * `num_pairs` N counts the pairs sent (rounds in which Alice registered one click, as n in
 * docs/erven2014.md §3); the detected rounds are Binomial(N, 1 − P^h_{B,no click}).
 * @module
 */
import { storageCapacity } from "./bounds.ts";
import { finiteSizeBb84Constant, strongConverseExponentAlpha } from "./erven2014.ts";
import { pdcClickProbabilities, type PdcSourceParams } from "./pdc_source.ts";

/** μ of Erven et al. (2014) Table I, the default `simulation.source_mean_pairs`. */
export const ERVEN2014_SOURCE_MEAN_PAIRS = 3.145e-5;

/** The per-point quantities a loss-aware key model needs (docs/science.md §8.6). */
export interface KeyModelPoint {
  /** N, `num_pairs` in the key model's convention (pairs sent for erven2014). */
  numPairs: number;
  /**
   * Share of the detected rounds outside the test set, 1 − t/m_det: the bound is evaluated at
   * n = N·keyShare pairs sent, as if the test rounds had never been sent (docs/key-models.md).
   */
  keyShare: number;
  /** m, bits of each of Alice's strings before verification. */
  stringBits: number;
  /** ε of the bound (`simulation.epsilon_sec`). */
  epsilonSec: number;
  /** PDC source and detectors: μ, η, e_det, p_d (per time slot). */
  source: PdcSourceParams;
}

/**
 * Probability that one pair sent gives a detected round: 1 − P^h_{B,no click} (Wehner et al.
 * 2010 Eqs. C9, C10, C23), Bob's click probability per round in which Alice clicked.
 * @example
 * ```ts
 * import { erven2014DetectionProb } from "./erven2014_key_model.ts";
 * const p = erven2014DetectionProb({ mu: 3.145e-5, eta: 0.015, eDet: 0.0093, pDark: 1.5e-8 });
 * console.assert(Math.abs(p - 0.014104) < 1e-6);
 * ```
 */
export function erven2014DetectionProb(source: PdcSourceParams): number {
  return 1 - pdcClickProbabilities(source).pNoClickHonest;
}

/**
 * Bob's min-entropy about one of Alice's strings, in bits (Erven Eq. 8's first term):
 * ½·ν·N·γ^{N_r}(R/ν) with n = N·keyShare pairs sent, m₁ = (P_sent^{1|1} − P^h_{B,no click} +
 * P^d_{B,no click} − 3ζ)·n, ζ = sqrt(ln(2/ε)/(2n)), R = [C_BB84·m₁/2 − 1 − log₂(1/(2ε))]/N and a
 * memory of ν·N qubits (the test rounds shrink m₁, never the memory). 0 where Erven Eqs. 5, 7
 * fail (m₁ ≤ 0 or R/ν ≤ C_N(r)). α unbounded and ζ with ln(2/ε), as `erven2014KeyLength`.
 * @param rEff storage noise r (after decoherence)
 * @param nu ν, the stored fraction of the pairs sent
 * @example
 * ```ts
 * import { erven2014EntropyBits } from "./erven2014_key_model.ts";
 * const bits = erven2014EntropyBits(0.75, 0.002, {
 *   numPairs: 8e7, keyShare: 1, stringBits: 564154, epsilonSec: 2.5e-7,
 *   source: { mu: 3.145e-5, eta: 0.015, eDet: 0.0093, pDark: 1.5e-8 },
 * });
 * console.assert(Math.abs(bits - 65855) < 2);
 * ```
 */
export function erven2014EntropyBits(rEff: number, nu: number, point: KeyModelPoint): number {
  const { numPairs, epsilonSec } = point;
  const n = numPairs * point.keyShare;
  if (!(n >= 1)) return 0;
  const src = pdcClickProbabilities(point.source);
  const zeta = Math.sqrt(Math.log(2 / epsilonSec) / (2 * n));
  const m1 = (src.pSentSingle - src.pNoClickHonest + src.pNoClickDishonest - 3 * zeta) * n;
  if (!(m1 > 0)) return 0;
  const cBB84 = finiteSizeBb84Constant(m1, epsilonSec);
  const budgetBits = cBB84 * m1 / 2 - 1 - Math.log2(1 / (2 * epsilonSec));
  const memoryQubits = nu * numPairs;
  const rOverNu = budgetBits / memoryQubits;
  if (!(rOverNu > storageCapacity(rEff))) return 0;
  return 0.5 * memoryQubits * strongConverseExponentAlpha(rEff, rOverNu, Infinity);
}

/**
 * Secure bits per string bit under erven2014: {@link erven2014EntropyBits}/m (0 when m = 0), so
 * that m_v verified bits carry m_v/m of the string's min-entropy.
 */
export function erven2014EntropyRate(rEff: number, nu: number, point: KeyModelPoint): number {
  if (!(point.stringBits > 0)) return 0;
  return erven2014EntropyBits(rEff, nu, point) / point.stringBits;
}

/**
 * Signed per-string key length under erven2014 (Erven Eq. 8 with the measured leakage):
 * l_b = floor(m_v·rate − leak_b − log₂(1/(2ε))).
 * @example
 * ```ts
 * import { erven2014StringLength } from "./erven2014_key_model.ts";
 * console.assert(erven2014StringLength(1000, 100, 0.5, 2.5e-7) === 379);
 * ```
 */
export function erven2014StringLength(
  verifiedBits: number,
  leakPerString: number,
  entropyRate: number,
  epsilonSec: number,
): number {
  return Math.floor(verifiedBits * entropyRate - leakPerString - erven2014PenaltyBits(epsilonSec));
}

/** The privacy-amplification safety term log₂(1/(2ε)) of Erven Eq. 8, bits. */
export function erven2014PenaltyBits(epsilonSec: number): number {
  return Math.log2(1 / (2 * epsilonSec));
}
