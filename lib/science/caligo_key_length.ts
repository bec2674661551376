/**
 * Caligo's key-length formulas (docs/science.md §8.2–§8.3): K1 (the `caligo` key model), its
 * "Death Valley" check and safety caps [C], K2–K4 and the secure-length calculator [H], plus
 * Caligo's baseline rate choice and blind initial shortening (§9.11) [C].
 * @module
 */
import { hBoundedStorage } from "./bounds.ts";
import { CALIGO_RECONCILIATION_EFFICIENCY, EPSILON_COR, EPSILON_SEC } from "./constants.ts";
import { binaryEntropy } from "./entropy.ts";
import { statisticalFluctuation } from "./finite_size.ts";

/** Caligo's K1 penalty 2·log₂(1/ε) − 2 = 64.438562 bits at ε = 1e-10. */
export function caligoPenaltyBits(epsilonSec: number = EPSILON_SEC): number {
  return 2 * Math.log2(1 / epsilonSec) - 2;
}

/** Result of Caligo's K1 rule. */
export interface CaligoKeyLength {
  /** ℓ_total = floor(n_rec·h_min − leak − (2·log₂(1/ε) − 2)), signed. */
  total: number;
  /** Per-string ℓ = min(floor(ℓ_total/2), |I0_v|, |I1_v|), signed. */
  perString: number;
  /** ℓ_total > 0 and ℓ > 0. */
  isViable: boolean;
}

/**
 * Caligo's K1 (docs/science.md §8.2): ℓ_total = floor(n_rec·h_min(r) − leak − 64.438562), per-string
 * ℓ = min(floor(ℓ_total/2), |I0_v|, |I1_v|); abort if either is ≤ 0.
 * @param reconciledBits n_rec (verified bits over both strings)
 * @param leakBits Σ over verified blocks of (2048 + 64 + revealed)
 * @param minEntropyRate h_min(r)
 * @param i0Verified |I0_v|
 * @param i1Verified |I1_v|
 * @example
 * ```ts
 * import { caligoKeyLength } from "./caligo_key_length.ts";
 * const k = caligoKeyLength(450000, 232320, 0.836501, 450000, 450000);
 * console.assert(k.total === 144041 && k.perString === 72020);
 * ```
 */
export function caligoKeyLength(
  reconciledBits: number,
  leakBits: number,
  minEntropyRate: number,
  i0Verified: number,
  i1Verified: number,
  epsilonSec: number = EPSILON_SEC,
): CaligoKeyLength {
  const total = Math.floor(
    reconciledBits * minEntropyRate - leakBits - caligoPenaltyBits(epsilonSec),
  );
  const perString = Math.min(Math.floor(total / 2), i0Verified, i1Verified);
  return { total, perString, isViable: total > 0 && perString > 0 };
}

/**
 * Caligo's `SecureKeyLengthCalculator`: max(0, floor(n·h − leak − 64.438562)).
 * @example
 * ```ts
 * import { secureKeyLength } from "./caligo_key_length.ts";
 * console.assert(secureKeyLength(100, 0.5, 50) === 0);
 * ```
 */
export function secureKeyLength(
  reconciledBits: number,
  minEntropyRate: number,
  leakBits: number,
  epsilonSec: number = EPSILON_SEC,
): number {
  return Math.max(
    0,
    Math.floor(reconciledBits * minEntropyRate - leakBits - caligoPenaltyBits(epsilonSec)),
  );
}

/** Caligo's pre-reconciliation "Death Valley" check. */
export interface DeathValley {
  /** B = max(1, ⌈n/4096⌉). */
  blocks: number;
  /** L_est = ⌊n/2⌋ + 64·B, bits. */
  leakEstimate: number;
  /** L_cap = max(0, int(n·h_min − 1 − 2·log₂(1/ε))), bits. */
  leakCap: number;
  /** L_cap < L_est. */
  aborts: boolean;
}

/**
 * Caligo's "Death Valley" check (docs/science.md §8.2 [C]).
 * @param keyBits n (key bits per Caligo)
 * @param minEntropyRate h_min(r)
 * @example
 * ```ts
 * import { deathValley } from "./caligo_key_length.ts";
 * const dv = deathValley(450000, 0.836501);
 * console.assert(dv.leakCap === 376358 && dv.leakEstimate === 232040 && !dv.aborts);
 * ```
 */
export function deathValley(
  keyBits: number,
  minEntropyRate: number,
  epsilonSec: number = EPSILON_SEC,
): DeathValley {
  const blocks = Math.max(1, Math.ceil(keyBits / 4096));
  const leakEstimate = Math.floor(keyBits / 2) + 64 * blocks;
  const leakCap = Math.max(
    0,
    Math.trunc(keyBits * minEntropyRate - 1 - 2 * Math.log2(1 / epsilonSec)),
  );
  return { blocks, leakEstimate, leakCap, aborts: leakCap < leakEstimate };
}

/**
 * Caligo's simple safety cap max(0, int(n·(1 − h(Q) − margin))) (docs/science.md §8.2 [C]).
 * @example
 * ```ts
 * import { safetyCapSimple } from "./caligo_key_length.ts";
 * console.assert(safetyCapSimple(10000, 0.05) === 7136);
 * ```
 */
export function safetyCapSimple(keyBits: number, qber: number, margin = 0): number {
  return Math.max(0, Math.trunc(keyBits * (1 - binaryEntropy(qber) - margin)));
}

/**
 * Caligo's detailed safety cap max(0, int(n·h − target − 2·log₂(1/ε))) (docs/science.md §8.2 [C]).
 * @example
 * ```ts
 * import { safetyCapDetailed } from "./caligo_key_length.ts";
 * console.assert(safetyCapDetailed(45000, 0.7, 1) === 31432);
 * ```
 */
export function safetyCapDetailed(
  keyBits: number,
  entropyRate: number,
  targetBits: number,
  epsilonSec: number = EPSILON_SEC,
): number {
  return Math.max(
    0,
    Math.trunc(keyBits * entropyRate - targetBits - 2 * Math.log2(1 / epsilonSec)),
  );
}

/**
 * K2 `compute_finite_key_length(n, Q, r, ν)` (docs/science.md §8.3 [H]): k = ⌈0.05·n⌉ test bits,
 * n_key = n − k, μ = fluct(n_key, k, ε/4), Q' = min(0.5, Q + μ),
 * ℓ = max(0, floor(n_key·[h_bs(r, ν) − f·h(Q')] − log₂(1/ε_sec) − log₂(1/ε_cor))).
 * @example
 * ```ts
 * import { caligoFiniteKeyLength } from "./caligo_key_length.ts";
 * console.assert(caligoFiniteKeyLength(1e5, 0.02, 0.75, 0.002) === 0);
 * ```
 */
export function caligoFiniteKeyLength(
  n: number,
  qber: number,
  r: number,
  nu: number,
  efficiency: number = CALIGO_RECONCILIATION_EFFICIENCY,
  epsilonSec: number = EPSILON_SEC,
  epsilonCor: number = EPSILON_COR,
): number {
  const k = Math.ceil(0.05 * n);
  const nKey = n - k;
  if (nKey <= 0 || k <= 0) return 0;
  const mu = statisticalFluctuation(nKey, k, epsilonSec / 4);
  const q = Math.min(0.5, qber + mu);
  const l = nKey * (hBoundedStorage(r, nu) - efficiency * binaryEntropy(q)) -
    Math.log2(1 / epsilonSec) - Math.log2(1 / epsilonCor);
  return Math.max(0, Math.floor(l));
}

/**
 * K3 `key_length_bound` (docs/science.md §8.3 [H]): floor(n·(γ − h(Q)) − leak − 2·log₂(1/ε)) with
 * γ = 1 − log₂(1 + 3r²), replaced by 1 − h(Q) when γ ≤ 0.
 * @example
 * ```ts
 * import { caligoKeyLengthBound } from "./caligo_key_length.ts";
 * console.assert(caligoKeyLengthBound(1000, 0, 0, 0) === Math.floor(1000 - 2 * Math.log2(1e10)));
 * ```
 */
export function caligoKeyLengthBound(
  n: number,
  qber: number,
  r: number,
  leakBits: number,
  epsilonSec: number = EPSILON_SEC,
): number {
  let gamma = 1 - Math.log2(1 + 3 * r * r);
  if (gamma <= 0) gamma = 1 - binaryEntropy(qber);
  return Math.floor(n * (gamma - binaryEntropy(qber)) - leakBits - 2 * Math.log2(1 / epsilonSec));
}

/**
 * K4 asymptotic rate λ = h_bs(r, ν) − f·h(Q) (docs/science.md §8.3 [H]), bits per round.
 * @example
 * ```ts
 * import { caligoAsymptoticRate } from "./caligo_key_length.ts";
 * console.assert(Math.abs(caligoAsymptoticRate(0.75, 0.002, 0.02) - 0.335429) < 1e-6);
 * ```
 */
export function caligoAsymptoticRate(
  r: number,
  nu: number,
  qber: number,
  efficiency: number = CALIGO_RECONCILIATION_EFFICIENCY,
): number {
  return hBoundedStorage(r, nu) - efficiency * binaryEntropy(qber);
}

/**
 * Caligo's baseline code-rate choice (docs/science.md §9.11 [C]): clamp(1 − f·h(Q_adj), 0.51, 0.60),
 * 0.5 if Q_adj ∉ (0, 0.5).
 * @example
 * ```ts
 * import { caligoBaselineRate } from "./caligo_key_length.ts";
 * console.assert(caligoBaselineRate(0.11, 1.1) === 0.51);
 * ```
 */
export function caligoBaselineRate(
  qAdj: number,
  efficiency: number = CALIGO_RECONCILIATION_EFFICIENCY,
): number {
  if (!(qAdj > 0 && qAdj < 0.5)) return 0.5;
  return Math.min(0.6, Math.max(0.51, 1 - efficiency * binaryEntropy(qAdj)));
}

/**
 * Caligo's blind initial shortening (docs/science.md §14.4 [C]): 20 revealed bits when the prior
 * exceeds 0.05, else 0.
 * @example
 * ```ts
 * import { caligoBlindInitialShortening } from "./caligo_key_length.ts";
 * console.assert(caligoBlindInitialShortening(0.06) === 20);
 * ```
 */
export function caligoBlindInitialShortening(prior: number): number {
  return prior > 0.05 ? 20 : 0;
}
