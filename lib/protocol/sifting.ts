/**
 * Test selection and sifting of the OT protocol (docs/science.md §5 steps 5–9): the test set over all
 * rounds, the index sets I0/I1 from Bob's choice bit, and the strings X0, X1, Y. Also Caligo's
 * basis-split sifter for comparison [C].
 * @module
 */
import { InvalidArgumentError } from "../errors.ts";
import type { Rng } from "../kernels/rng.ts";

/**
 * Size of the test set |T| = max(minimum, ⌊τ·N⌋) for τ > 0, else 0 (docs/science.md §5 step 5),
 * capped at N.
 * @example
 * ```ts
 * import { testSetSize } from "./sifting.ts";
 * console.assert(testSetSize(1000, 0.1) === 100 && testSetSize(1000, 0.01, 50) === 50);
 * ```
 */
export function testSetSize(numRounds: number, testFraction: number, minimum = 1): number {
  if (!(testFraction > 0)) return 0;
  return Math.min(numRounds, Math.max(minimum, Math.floor(testFraction * numRounds)));
}

/**
 * Uniformly random test set of k rounds out of {0..n−1} by a partial Fisher–Yates shuffle of an
 * Int32Array (stream `test`; one nextBelow(n − i) per selected round, i = 0..k−1).
 * @param n number of rounds
 * @param k test-set size
 * @param rng stream `test`
 * @param isTest out: isTest[i] = 1 iff round i is a test round (length ≥ n, written)
 * @returns the k test rounds, in selection order (a fresh Int32Array)
 * @example
 * ```ts
 * import { selectTestRounds } from "./sifting.ts";
 * import { Xoshiro128StarStar } from "../kernels/rng.ts";
 * const mask = new Uint8Array(1000);
 * const t = selectTestRounds(1000, 100, new Xoshiro128StarStar(new Uint32Array([1, 2, 3, 4])), mask);
 * console.assert(t.length === 100 && mask.reduce((s, v) => s + v, 0) === 100);
 * ```
 */
export function selectTestRounds(n: number, k: number, rng: Rng, isTest: Uint8Array): Int32Array {
  if (!(Number.isInteger(k) && k >= 0 && k <= n)) {
    throw new InvalidArgumentError("k", k, `must be an integer in [0, ${n}]`);
  }
  isTest.fill(0, 0, n);
  if (k === 0) return new Int32Array(0);
  const perm = new Int32Array(n);
  for (let i = 0; i < n; i++) perm[i] = i;
  for (let i = 0; i < k; i++) {
    const j = i + rng.nextBelow(n - i);
    const t = perm[i];
    perm[i] = perm[j];
    perm[j] = t;
    isTest[perm[i]] = 1;
  }
  return perm.slice(0, k);
}

/**
 * Rounds where both parties used the same basis, in increasing order (docs/science.md §14.6 helper).
 * @example
 * ```ts
 * import { matchedRounds } from "./sifting.ts";
 * const m = matchedRounds(new Uint8Array([0, 1, 0, 1]), new Uint8Array([0, 0, 0, 1]));
 * console.assert(m.join() === "0,2,3");
 * ```
 */
export function matchedRounds(thetaA: Uint8Array, thetaB: Uint8Array): Int32Array {
  const n = thetaA.length;
  let count = 0;
  for (let i = 0; i < n; i++) if (thetaA[i] === thetaB[i]) count++;
  const out = new Int32Array(count);
  let c = 0;
  for (let i = 0; i < n; i++) if (thetaA[i] === thetaB[i]) out[c++] = i;
  return out;
}

/** Bob's index sets (docs/science.md §5 step 7). */
export interface IndexSets {
  /** I0 truncated to its m smallest indices, increasing. */
  i0: Int32Array;
  /** I1 truncated likewise. */
  i1: Int32Array;
  /** m = min(|I0|, |I1|). */
  m: number;
  /** |M|: matched non-test rounds. */
  matchedNonTest: number;
  /** |M̄|: mismatched non-test rounds. */
  mismatchedNonTest: number;
}

/**
 * I_C := M (matched non-test rounds), I_{1−C} := M̄ (mismatched non-test rounds), each truncated
 * to its m = min(|M|, |M̄|) smallest indices (docs/science.md §5 step 7).
 * @param isTest test mask from {@link selectTestRounds} (length n)
 * @param choice Bob's choice bit C
 * @example
 * ```ts
 * import { buildIndexSets } from "./sifting.ts";
 * const s = buildIndexSets(new Uint8Array([0, 1, 0, 1]), new Uint8Array([0, 0, 0, 1]), new Uint8Array(4), 1);
 * console.assert(s.m === 1 && s.i1[0] === 0 && s.i0[0] === 1);
 * ```
 */
export function buildIndexSets(
  thetaA: Uint8Array,
  thetaB: Uint8Array,
  isTest: Uint8Array,
  choice: 0 | 1,
): IndexSets {
  const n = thetaA.length;
  let matched = 0;
  let nonTest = 0;
  for (let i = 0; i < n; i++) {
    if (isTest[i] === 0) {
      nonTest++;
      if (thetaA[i] === thetaB[i]) matched++;
    }
  }
  const mismatched = nonTest - matched;
  const m = Math.min(matched, mismatched);
  const matchedSet = new Int32Array(m);
  const mismatchedSet = new Int32Array(m);
  let cm = 0;
  let cu = 0;
  for (let i = 0; i < n && (cm < m || cu < m); i++) {
    if (isTest[i] !== 0) continue;
    if (thetaA[i] === thetaB[i]) {
      if (cm < m) matchedSet[cm++] = i;
    } else if (cu < m) {
      mismatchedSet[cu++] = i;
    }
  }
  return {
    i0: choice === 0 ? matchedSet : mismatchedSet,
    i1: choice === 0 ? mismatchedSet : matchedSet,
    m,
    matchedNonTest: matched,
    mismatchedNonTest: mismatched,
  };
}

/**
 * Gather bits at the given indices: out[k] = bits[indices[k]] (docs/science.md §5 step 9).
 * @example
 * ```ts
 * import { gatherBits } from "./sifting.ts";
 * console.assert(gatherBits(new Uint8Array([1, 0, 1]), Int32Array.of(2, 1), new Uint8Array(2)).join() === "1,0");
 * ```
 */
export function gatherBits(bits: Uint8Array, indices: Int32Array, out: Uint8Array): Uint8Array {
  for (let k = 0; k < indices.length; k++) out[k] = bits[indices[k]];
  return out;
}

/**
 * Caligo's `Sifter` [C]: only matched rounds kept, split by basis (I0 both Z, I1 both X).
 * @example
 * ```ts
 * import { caligoSift } from "./sifting.ts";
 * const s = caligoSift(new Uint8Array([0, 1, 0, 1]), new Uint8Array([0, 1, 0, 1]));
 * console.assert(s.i0.join() === "0,2" && s.i1.join() === "1,3");
 * ```
 */
export function caligoSift(
  thetaA: Uint8Array,
  thetaB: Uint8Array,
): { i0: Int32Array; i1: Int32Array } {
  const matched = matchedRounds(thetaA, thetaB);
  const i0: number[] = [];
  const i1: number[] = [];
  for (const i of matched) (thetaA[i] === 0 ? i0 : i1).push(i);
  return { i0: Int32Array.from(i0), i1: Int32Array.from(i1) };
}

/**
 * Caligo's `select_test_subset(n, fraction)` [C]: ⌈n·fraction⌉ (at least 1) distinct indices of
 * {0..n−1}, uniformly (here from an explicit stream).
 * @example
 * ```ts
 * import { caligoSelectTestSubset } from "./sifting.ts";
 * import { Xoshiro128StarStar } from "../kernels/rng.ts";
 * const t = caligoSelectTestSubset(1000, 0.1, new Xoshiro128StarStar(new Uint32Array([1, 2, 3, 4])));
 * console.assert(t.length >= 100);
 * ```
 */
export function caligoSelectTestSubset(n: number, fraction: number, rng: Rng): Int32Array {
  const k = Math.min(n, Math.max(1, Math.ceil(n * fraction)));
  return selectTestRounds(n, k, rng, new Uint8Array(n)).sort();
}
