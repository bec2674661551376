/**
 * Exact Bernoulli draws from 32-bit words (docs/science.md §2): p is split into an integer threshold
 * k = ⌊p·2³²⌋ and a remainder; a draw u < k succeeds, u = k falls back on one uniform double.
 * One nextUint32 per draw except with probability 2⁻³².
 * @module
 */
import type { Rng } from "../rng.ts";

const TWO_POW_32 = 4294967296;

/** Threshold form of a probability p ∈ [0, 1] for {@link bernoulliDraw}. */
export interface BernoulliThreshold {
  /** ⌊p·2³²⌋ (2³² for p = 1). */
  readonly integer: number;
  /** p·2³² − ⌊p·2³²⌋ ∈ [0, 1). */
  readonly fraction: number;
}

/**
 * Precompute the threshold of probability p.
 * @example
 * ```ts
 * import { bernoulliThreshold } from "./bernoulli.ts";
 * console.assert(bernoulliThreshold(0.5).integer === 2147483648);
 * ```
 */
export function bernoulliThreshold(p: number): BernoulliThreshold {
  const scaled = Math.min(1, Math.max(0, p)) * TWO_POW_32;
  const integer = Math.floor(scaled);
  return { integer, fraction: scaled - integer };
}

/**
 * One Bernoulli(p) draw: 1 with probability p exactly (to double precision).
 * @example
 * ```ts
 * import { bernoulliDraw, bernoulliThreshold } from "./bernoulli.ts";
 * import { Xoshiro128StarStar } from "../rng.ts";
 * const rng = new Xoshiro128StarStar(new Uint32Array([1, 2, 3, 4]));
 * console.assert(bernoulliDraw(rng, bernoulliThreshold(1)) === 1);
 * ```
 */
export function bernoulliDraw(rng: Rng, threshold: BernoulliThreshold): 0 | 1 {
  const u = rng.nextUint32();
  if (u < threshold.integer) return 1;
  if (u === threshold.integer && threshold.fraction > 0) {
    return rng.nextDouble() < threshold.fraction ? 1 : 0;
  }
  return 0;
}
