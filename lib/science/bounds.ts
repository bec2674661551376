/**
 * Min-entropy bounds of the noisy-storage model, storage capacity and decoherence
 * (docs/science.md §4, §6.1–§6.3). r is the probability that the adversary's stored qubit survives
 * (depolarising storage N_r(ρ) = r·ρ + (1 − r)·I/2), ν the fraction of qubits she can store.
 * @module
 */
import { binaryEntropy, gammaFn } from "./entropy.ts";

/**
 * Collision-entropy rate of the storage h₂(r) = 1 − log₂(1 + 3r²) (docs/science.md §6.1).
 * @example
 * ```ts
 * import { h2 } from "./bounds.ts";
 * console.assert(Math.abs(h2(0.5) - 0.192645) < 1e-6);
 * ```
 */
export function h2(r: number): number {
  return 1 - Math.log2(1 + 3 * r * r);
}

/**
 * Dupuis–König bound DK(r) = Γ(h₂(r)) (docs/science.md §6.1), bits per round.
 * @example
 * ```ts
 * import { dupuisKonig } from "./bounds.ts";
 * console.assert(Math.abs(dupuisKonig(0.4) - 0.443601) < 1e-6);
 * ```
 */
export function dupuisKonig(r: number): number {
  return gammaFn(h2(r));
}

/**
 * Lupo's bound 1 − r (docs/science.md §6.1), bits per round.
 * @example
 * ```ts
 * import { lupo } from "./bounds.ts";
 * console.assert(lupo(0.75) === 0.25);
 * ```
 */
export function lupo(r: number): number {
  return 1 - r;
}

/**
 * Min-entropy rate h_min(r) = max{Γ[1 − log₂(1 + 3r²)], 1 − r} (docs/science.md §6.1), bits per
 * round; DK wins for r ≲ 0.2502, Lupo above.
 * @example
 * ```ts
 * import { hMin } from "./bounds.ts";
 * console.assert(Math.abs(hMin(0.1) - 0.957356) < 1e-6 && hMin(0.9) === 1 - 0.9);
 * ```
 */
export function hMin(r: number): number {
  return Math.max(dupuisKonig(r), lupo(r));
}

/** Which bound attains h_min(r): "dupuis_konig" on ties (Caligo's `NSMEntropyCalculator`). */
export type DominantBound = "dupuis_konig" | "lupo";

/**
 * The bound that attains h_min(r) (docs/science.md §14.1 `NSMEntropyCalculator`); ties go to
 * Dupuis–König.
 * @example
 * ```ts
 * import { dominantBound } from "./bounds.ts";
 * console.assert(dominantBound(0.5) === "lupo" && dominantBound(0) === "dupuis_konig");
 * ```
 */
export function dominantBound(r: number): DominantBound {
  return dupuisKonig(r) >= lupo(r) ? "dupuis_konig" : "lupo";
}

/**
 * Rational-adversary rate min{½, h_min(r)} (docs/science.md §6.1, helper [H]).
 * @example
 * ```ts
 * import { rationalAdversaryRate } from "./bounds.ts";
 * console.assert(rationalAdversaryRate(0) === 0.5);
 * ```
 */
export function rationalAdversaryRate(r: number): number {
  return Math.min(0.5, hMin(r));
}

/**
 * Bounded-storage entropy rate h_bs(r, ν) = (1 − ν)/2 + ν·h_min(r) (docs/science.md §6.2), bits per
 * round. ν = 1 gives h_min(r); ν → 0 gives ½.
 * @param r storage noise (use r_eff when decoherence is on)
 * @param nu storage rate ν ∈ [0, 1]
 * @example
 * ```ts
 * import { hBoundedStorage } from "./bounds.ts";
 * console.assert(Math.abs(hBoundedStorage(0.75, 0.5) - 0.375) < 1e-12);
 * ```
 */
export function hBoundedStorage(r: number, nu: number): number {
  return (1 - nu) / 2 + nu * hMin(r);
}

/**
 * Classical capacity of the depolarising storage channel, C_N(r) = 1 − h((1 + r)/2)
 * (docs/science.md §6.3), bits per channel use.
 * @example
 * ```ts
 * import { storageCapacity } from "./bounds.ts";
 * console.assert(Math.abs(storageCapacity(0.5) - 0.188722) < 1e-6);
 * ```
 */
export function storageCapacity(r: number): number {
  return 1 - binaryEntropy((1 + r) / 2);
}

/**
 * Capacity margin ½ − ν·C_N(r) of the König–Wehner–Wullschleger storage condition
 * (docs/science.md §4, §6.3); the condition holds iff the margin is > 0.
 * @example
 * ```ts
 * import { capacityMargin } from "./bounds.ts";
 * console.assert(capacityMargin(0.99, 0.6) < 0);
 * ```
 */
export function capacityMargin(r: number, nu: number): number {
  return 0.5 - nu * storageCapacity(r);
}

/**
 * Effective storage noise under the optional decoherence model (docs/science.md §4):
 * r_eff = r·exp(−Γ·Δt) with Γ = (1/T1 + 1/T2)/2; T1, T2 and Δt in ns. Infinite T1 and T2 give r.
 * @example
 * ```ts
 * import { effectiveStorageNoise } from "./bounds.ts";
 * console.assert(effectiveStorageNoise(0.8, 1e6, 2e6, 2e6) === 0.8 * Math.exp(-0.5));
 * ```
 */
export function effectiveStorageNoise(
  r: number,
  waitTimeNs: number,
  t1Ns: number,
  t2Ns: number,
): number {
  const rate = (1 / t1Ns + 1 / t2Ns) / 2;
  return rate === 0 ? r : r * Math.exp(-rate * waitTimeNs);
}

/**
 * "Strictly less" margin h_min(r) − h(Q) (docs/science.md §6.3, helper [H]); FAILED iff ≤ 0.
 * @example
 * ```ts
 * import { strictlyLessMargin } from "./bounds.ts";
 * console.assert(strictlyLessMargin(0.9, 0.03) < 0);
 * ```
 */
export function strictlyLessMargin(r: number, qber: number): number {
  return hMin(r) - binaryEntropy(qber);
}

/**
 * Strong-converse exponent of the depolarising storage channel (docs/science.md §6.4, helper [H]):
 * γ_r(R) = 1 + max over α ∈ [1.0001, 100] of [(α−1)(R−1) − log₂((1+r)^α + (1−r)^α)]/α, and 0 when
 * R ≤ C_N(r). The maximisation scans a log grid, then refines by golden section.
 * @param r storage noise
 * @param rate R, storage rate in bits per channel use
 * @example
 * ```ts
 * import { strongConverseExponent } from "./bounds.ts";
 * console.assert(Math.abs(strongConverseExponent(0.5, 0.5) - 0.0894) < 1e-4);
 * ```
 */
export function strongConverseExponent(r: number, rate: number): number {
  if (rate <= storageCapacity(r)) return 0;
  const objective = (alpha: number) =>
    ((alpha - 1) * (rate - 1) - Math.log2((1 + r) ** alpha + (1 - r) ** alpha)) / alpha;
  const lo = Math.log(1.0001);
  const hi = Math.log(100);
  const steps = 400;
  let best = 0;
  let bestValue = -Infinity;
  for (let i = 0; i <= steps; i++) {
    const v = objective(Math.exp(lo + (hi - lo) * i / steps));
    if (v > bestValue) {
      bestValue = v;
      best = i;
    }
  }
  let a = lo + (hi - lo) * Math.max(0, best - 1) / steps;
  let b = lo + (hi - lo) * Math.min(steps, best + 1) / steps;
  const phi = (Math.sqrt(5) - 1) / 2;
  for (let i = 0; i < 100 && b - a > 1e-12; i++) {
    const c = b - phi * (b - a);
    const d = a + phi * (b - a);
    if (objective(Math.exp(c)) >= objective(Math.exp(d))) b = d;
    else a = c;
  }
  return 1 + Math.max(bestValue, objective(Math.exp(0.5 * (a + b))));
}

/** Caligo's `NSMEntropyCalculator` result (helper [H]). */
export interface NsmEntropy {
  /** h_min(r), bits per round. */
  rate: number;
  /** n·h_min(r), bits. */
  entropyBits: number;
  dominant: DominantBound;
}

/**
 * Caligo's `NSMEntropyCalculator(r)` applied to n bits (docs/science.md §14.1 [H]).
 * @example
 * ```ts
 * import { nsmEntropy } from "./bounds.ts";
 * const e = nsmEntropy(0.5, 1000);
 * console.assert(e.entropyBits === 500 && e.dominant === "lupo");
 * ```
 */
export function nsmEntropy(r: number, bits: number): NsmEntropy {
  const rate = hMin(r);
  return { rate, entropyBits: bits * rate, dominant: dominantBound(r) };
}
