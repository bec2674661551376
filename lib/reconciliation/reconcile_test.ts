import { assert, assertEquals } from "../../tests/assert.ts";
import { reconcileBaseline, reconcileBlind } from "./reconcile.ts";
import { noisyPair, seededRng, testFamily, testOptions } from "./_test_family.ts";
import { chooseBaselineRate } from "./rate_adaptation.ts";

const family = testFamily();

Deno.test("reconcileBaseline() decodes punctured and shortened frames to the right payload at QBER 2 %", () => {
  // f_select 2.5 puts R* = 0.646 inside the rate-0.6 code's range with both p and s > 0.
  const seed = 3, q = 0.02;
  const options = testOptions({ fSelect: 2.5, decoder: "nms-layered" });
  const plan = chooseBaselineRate([0.5, 0.6, 0.7], 512, 51, q, options.fSelect);
  assert(plan.punctured > 0 && plan.shortened > 0, `plan p ${plan.punctured} s ${plan.shortened}`);
  const { x, y } = noisyPair(461 * 5, q, seed);
  const r = reconcileBaseline(family, {
    alice: x,
    bob: y,
    qberPrior: q,
    padding: seededRng(seed),
    hashKey: new Uint8Array(16),
  }, options);
  assertEquals(Array.from(r.verified), [1, 1, 1, 1, 1], `seed ${seed}`);
  assertEquals(r.corrected, x);
  // Leakage split: 5 blocks × (m_c − p) + 5 × 64.
  const mc = family.codes[plan.codeIndex].matrix.m;
  assertEquals(r.leakage.syndromeBits, 5 * mc);
  assertEquals(r.leakage.puncturedDiscount, 5 * plan.punctured);
  assertEquals(r.leakage.total, 5 * (mc - plan.punctured) + 5 * 64);
});

// Prior 5 % starts on the rate-0.7 code at R0/(1 − δ) = 0.78, above the capacity 0.76 of QBER 4 %,
// so round 1 mostly fails; reveals lower the rate to 0.72, then 0.67 (f = 1.4) and blocks verify.
Deno.test("reconcileBlind() reveals reduce the frame-error rate", () => {
  const seed = 8, q = 0.04;
  const { x, y } = noisyPair(461 * 12, q, seed);
  const run = (rounds: number) =>
    reconcileBlind(family, {
      alice: x,
      bob: y,
      qberPrior: 0.05,
      padding: seededRng(seed),
      hashKey: new Uint8Array(16),
    }, testOptions({ blindMaxRounds: rounds, decoder: "spa-layered" }));
  const one = run(1), three = run(3);
  const count = (v: Uint8Array) => v.reduce((a, b) => a + b, 0);
  assert(
    count(three.verified) > count(one.verified) + 3,
    `seed ${seed}: ${count(one.verified)} → ${count(three.verified)}`,
  );
  assert(three.leakage.revealedBits > 0);
  assertEquals(one.leakage.revealedBits, 0);
});
