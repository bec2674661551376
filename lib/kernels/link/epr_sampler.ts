/**
 * Direct Monte-Carlo sampling of the N EPR rounds (docs/science.md §3.1, §3.5) into caller buffers:
 * bases θA, θB and outcomes a, b, one Uint8Array(N) each (values 0/1; basis 0 = Z, 1 = X).
 * @module
 */
import type { Rng } from "../rng.ts";
import { bernoulliThreshold } from "./bernoulli.ts";

/**
 * Sample N rounds from stream `quantum` (docs/science.md §3.1). Consumption order, per block of 32
 * rounds: one word each for θA, θB, a and the uniform b of mismatched rounds (bit j = round
 * base + j); then, in round order, one error draw per matched round (a Bernoulli of the
 * basis's matched error probability, via an integer threshold; a double only on a tie).
 *
 * The heralded link's branch (§3.3) is drawn and marginalised in that single inverse-CDF draw:
 * the err = 1 parts of every branch are laid side by side at the bottom of [0, 2³²), so the
 * draw has exactly the law of "branch, then err given branch"; the branch itself is never
 * observable.
 * @param n number of rounds N
 * @param errorZ matched error probability in Z
 * @param errorX matched error probability in X
 * @param rng stream `quantum`
 * @param thetaA out: Alice's bases, length ≥ n
 * @param a out: Alice's outcomes
 * @param thetaB out: Bob's bases
 * @param b out: Bob's outcomes (before the detector stage)
 * @example
 * ```ts
 * import { sampleEprRounds } from "./epr_sampler.ts";
 * import { Xoshiro128StarStar } from "../rng.ts";
 * const n = 64, ta = new Uint8Array(n), a = new Uint8Array(n), tb = new Uint8Array(n), b = new Uint8Array(n);
 * sampleEprRounds(n, 0, 0, new Xoshiro128StarStar(new Uint32Array([1, 2, 3, 4])), ta, a, tb, b);
 * for (let i = 0; i < n; i++) if (ta[i] === tb[i]) console.assert(a[i] === b[i]);
 * ```
 */
export function sampleEprRounds(
  n: number,
  errorZ: number,
  errorX: number,
  rng: Rng,
  thetaA: Uint8Array,
  a: Uint8Array,
  thetaB: Uint8Array,
  b: Uint8Array,
): void {
  const tz = bernoulliThreshold(errorZ);
  const tx = bernoulliThreshold(errorX);
  const kz = tz.integer;
  const fz = tz.fraction;
  const kx = tx.integer;
  const fx = tx.fraction;
  for (let base = 0; base < n; base += 32) {
    const wThetaA = rng.nextUint32();
    const wThetaB = rng.nextUint32();
    const wA = rng.nextUint32();
    const wB = rng.nextUint32();
    const len = Math.min(32, n - base);
    for (let j = 0; j < len; j++) {
      const i = base + j;
      const ta = (wThetaA >>> j) & 1;
      const tb = (wThetaB >>> j) & 1;
      const x = (wA >>> j) & 1;
      thetaA[i] = ta;
      thetaB[i] = tb;
      a[i] = x;
      if (ta === tb) {
        const k = ta === 0 ? kz : kx;
        const u = rng.nextUint32();
        let err = u < k ? 1 : 0;
        if (u === k) {
          const frac = ta === 0 ? fz : fx;
          if (frac > 0 && rng.nextDouble() < frac) err = 1;
        }
        b[i] = x ^ err;
      } else {
        b[i] = (wB >>> j) & 1;
      }
    }
  }
}

/**
 * Detector-error stage (docs/science.md §3.5): every one of Bob's n outcomes flips independently
 * with probability e, drawn from stream `detector` by geometric skipping (one uniform double
 * per flip, plus one that ends the pass): gap = ⌊ln(1 − U)/ln(1 − e)⌋.
 * @param b Bob's outcomes, flipped in place
 * @param n number of rounds
 * @param flipProb e_det ∈ [0, 1); 0 draws nothing
 * @param rng stream `detector`
 * @returns number of flips
 * @example
 * ```ts
 * import { applyDetectorError } from "./epr_sampler.ts";
 * import { Xoshiro128StarStar } from "../rng.ts";
 * const b = new Uint8Array(10);
 * console.assert(applyDetectorError(b, 10, 0, new Xoshiro128StarStar(new Uint32Array([1, 2, 3, 4]))) === 0);
 * ```
 */
export function applyDetectorError(b: Uint8Array, n: number, flipProb: number, rng: Rng): number {
  if (!(flipProb > 0)) return 0;
  const logQ = Math.log1p(-flipProb);
  let flips = 0;
  let i = -1;
  for (;;) {
    const gap = Math.floor(Math.log1p(-rng.nextDouble()) / logQ);
    i += 1 + gap;
    if (!(i < n)) break;
    b[i] ^= 1;
    flips++;
  }
  return flips;
}
