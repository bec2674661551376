import { assert, assertClose, assertEquals } from "../../tests/assert.ts";
import { abortKeyMargin, CLIFF_QBER_SLOPE, cliffMargin } from "./cliff_margin.ts";
import { expectedMargin, type ExpectedMarginModel } from "./expected_margin.ts";
import { finiteSizeMu } from "./finite_size.ts";
import { keyModelOf } from "./key_model.ts";
import { minPairsPassing } from "./finite_size.ts";

const MODEL: ExpectedMarginModel = {
  keyModel: keyModelOf("project"),
  testFraction: 0.1,
  blindTestFraction: 0,
  epsilonSec: 1e-10,
  qberHardLimit: 0.22,
  efficiency: () => 1.2,
  codeLength: 16384,
  hashBits: 64,
};

Deno.test("cliffMargin() is the smaller of the margin and the wall term, ≤ 0 on aborts", () => {
  assertEquals(cliffMargin(0.1, 0.5, true), 0.1);
  assertEquals(cliffMargin(0.1, 0.02, true), 0.02 * CLIFF_QBER_SLOPE);
  assertEquals(cliffMargin(0.1, -0.01, false), -0.01 * CLIFF_QBER_SLOPE);
  assertEquals(cliffMargin(0.1, 0.3, false), 0); // e.g. every block failed after a good estimate
  assertEquals(cliffMargin(-0.02, Infinity, false), -0.02);
  assert(Number.isNaN(cliffMargin(NaN, 0.1, false)));
  assertEquals([abortKeyMargin(0.3), abortKeyMargin(-0.3)], [0, -0.3]);
});

/** The expected margins of a clean point at N pairs (baseline, Q = 2 %). */
function atPairs(n: number) {
  return expectedMargin(
    { qExpected: 0.02, rEff: 0.3, nu: 0.2, numPairs: n, strategy: "baseline" },
    MODEL,
  );
}

Deno.test("cliff_margin is continuous across the minimum-N threshold where key_margin jumps", () => {
  // Find the N where Q + μ(t, m) crosses q_hard for these expected sizes, by bisection.
  let lo = 1e3, hi = 1e6;
  for (let i = 0; i < 200; i++) {
    const mid = (lo + hi) / 2;
    if (atPairs(mid).qAdj > 0.22) lo = mid;
    else hi = mid;
  }
  const below = atPairs(lo * (1 - 1e-9)), above = atPairs(hi * (1 + 1e-9));
  assertEquals([below.success, above.success], [false, true]);
  assertEquals(below.keyMargin, 0); // the projected margin is positive: an abort clamps it
  assert(atPairs(hi * 1.5).keyMargin > 0.05, "key_margin jumps from 0 to ≈ 0.1 past the wall");
  // N is an integer count of rounds (|T| = ⌊τN⌋), so "continuous" means: no step larger than one
  // test round moves μ by (≈ 1e-5 here), against the 0 → 0.1 jump of key_margin
  assertClose(below.cliffMargin, 0, 1e-4);
  assertClose(above.cliffMargin, 0, 1e-4);
  // same place as the science helper for the minimum N (t ≈ |T|/2, k ≈ (N − |T|)/2 there)
  const nMin = minPairsPassing(0.02);
  assert(Math.abs(hi - nMin) / nMin < 0.02, `N* ${hi} vs minPairsPassing ${nMin}`);
  // slope on either side: bounded (Lipschitz in log N)
  const step = 1.001;
  assert(Math.abs(atPairs(lo / step).cliffMargin - below.cliffMargin) < 1e-3);
  assert(Math.abs(atPairs(hi * step).cliffMargin - above.cliffMargin) < 1e-3);
  // below the wall the target is the wall term itself: s_Q·(q_hard − Q_adj)
  const far = atPairs(lo / 2);
  assertClose(far.cliffMargin, CLIFF_QBER_SLOPE * (0.22 - far.qAdj), 1e-12);
  assertClose(far.qAdj, 0.02 + finiteSizeMu(Math.floor(0.1 * (lo / 2)) / 2, far.m), 1e-12);
});

Deno.test("cliff_margin is continuous across the key-length threshold (l_raw = 0) in r", () => {
  const at = (r: number) =>
    expectedMargin({ qExpected: 0.03, rEff: r, nu: 1, numPairs: 1e6, strategy: "blind" }, MODEL);
  let lo = 0, hi = 1;
  for (let i = 0; i < 200; i++) {
    const mid = (lo + hi) / 2;
    if (at(mid).success) lo = mid;
    else hi = mid;
  }
  assertEquals([at(lo).success, at(hi).success], [true, false]);
  assert(Math.abs(at(lo).cliffMargin - at(hi).cliffMargin) < 1e-5);
  assert(Math.abs(at(lo).keyMargin - at(hi).keyMargin) < 1e-5);
});
