import { assert, assertEquals } from "../../tests/assert.ts";
import { Xoshiro128StarStar } from "../kernels/rng.ts";
import {
  buildIndexSets,
  caligoSelectTestSubset,
  caligoSift,
  gatherBits,
  matchedRounds,
  selectTestRounds,
  testSetSize,
} from "./sifting.ts";

const rng = (s: number) => new Xoshiro128StarStar(new Uint32Array([s, 3, 5, 7]));

Deno.test("matchedRounds() matches the §14.6 cases", () => {
  assertEquals(matchedRounds(Uint8Array.of(0, 1, 1, 0), Uint8Array.of(0, 1, 1, 0)).length, 4);
  assertEquals(matchedRounds(Uint8Array.of(0, 1, 1, 0), Uint8Array.of(1, 0, 0, 1)).length, 0);
  assertEquals([...matchedRounds(Uint8Array.of(0, 1, 0, 1), Uint8Array.of(0, 0, 0, 1))], [0, 2, 3]);
  // Expected matches of 10 000 uniform rounds = 5000 (4σ = 200).
  const r = rng(1);
  const a = new Uint8Array(10000).map(() => r.nextUint32() & 1);
  const b = new Uint8Array(10000).map(() => r.nextUint32() & 1);
  assert(Math.abs(matchedRounds(a, b).length - 5000) <= 200);
});

Deno.test("selectTestRounds() picks exactly |T| distinct rounds, disjoint from the rest", () => {
  const mask = new Uint8Array(1000);
  const t = selectTestRounds(1000, testSetSize(1000, 0.1), rng(2), mask);
  assertEquals(t.length, 100);
  assertEquals(new Set(t).size, 100);
  let inMask = 0;
  for (let i = 0; i < 1000; i++) inMask += mask[i];
  assertEquals(inMask, 100);
  for (const i of t) assertEquals(mask[i], 1);
  assertEquals(inMask + (1000 - inMask), 1000);
  assertEquals(testSetSize(1000, 0.01, 50), 50);
  assertEquals(selectTestRounds(1000, testSetSize(1000, 0.01, 50), rng(2), mask).length, 50);
  assertEquals(testSetSize(1000, 0), 0);
  assertEquals(testSetSize(5, 0.1), 1);
});

Deno.test("selectTestRounds() is uniform: each round's inclusion rate is k/n (4σ)", () => {
  const n = 50, k = 10, trials = 2000;
  const hits = new Float64Array(n);
  const r = rng(3);
  const mask = new Uint8Array(n);
  for (let s = 0; s < trials; s++) for (const i of selectTestRounds(n, k, r, mask)) hits[i]++;
  const p = k / n;
  const sigma = Math.sqrt(trials * p * (1 - p));
  for (let i = 0; i < n; i++) {
    assert(Math.abs(hits[i] - trials * p) <= 4 * sigma, `round ${i}: ${hits[i]}`);
  }
});

Deno.test("buildIndexSets() puts matched non-test rounds at I_C and truncates to m", () => {
  // Rounds:      0  1  2  3  4  5  6
  const ta = Uint8Array.of(0, 1, 0, 1, 0, 1, 0);
  const tb = Uint8Array.of(0, 0, 0, 1, 1, 1, 1);
  const test = Uint8Array.of(0, 0, 1, 0, 0, 0, 0);
  // Non-test matched: 0, 3, 5; mismatched: 1, 4, 6 → m = 3.
  for (const c of [0, 1] as const) {
    const s = buildIndexSets(ta, tb, test, c);
    assertEquals(s.m, 3);
    assertEquals([...(c === 0 ? s.i0 : s.i1)], [0, 3, 5]);
    assertEquals([...(c === 0 ? s.i1 : s.i0)], [1, 4, 6]);
  }
  const fewer = buildIndexSets(ta, tb, Uint8Array.of(0, 0, 1, 1, 0, 0, 0), 0);
  assertEquals([fewer.m, [...fewer.i0], [...fewer.i1]], [2, [0, 5], [1, 4]]);
  assertEquals(
    gatherBits(Uint8Array.of(1, 0, 1, 1), Int32Array.of(3, 1), new Uint8Array(2)).join(),
    "1,0",
  );
});

Deno.test("caligoSift() and caligoSelectTestSubset() match §14.6 [C]", () => {
  const s = caligoSift(Uint8Array.of(0, 1, 0, 1), Uint8Array.of(0, 1, 0, 1));
  assertEquals([[...s.i0], [...s.i1]], [[0, 2], [1, 3]]);
  const t = caligoSelectTestSubset(1000, 0.1, rng(4));
  assert(t.length >= 100);
  assertEquals(new Set(t).size, t.length);
});
