import { assert, assertClose, assertEquals } from "../../tests/assert.ts";
import {
  chooseBaselineRate,
  chooseBlindCode,
  frameRate,
  modulationSize,
} from "./rate_adaptation.ts";
import { binaryEntropy } from "./entropy.ts";

const RATES = [0.5, 0.55, 0.6, 0.65, 0.7, 0.75, 0.8, 0.85, 0.9];

Deno.test("frameRate() follows R = (R0 − s/n)/(1 − d/n) at the ends of the range", () => {
  // All punctured: R0/(1 − δ); all shortened: (R0 − δ)/(1 − δ).
  assertClose(frameRate(0.5, 4096, 410, 0), 0.5 / (1 - 410 / 4096), 1e-15);
  assertClose(frameRate(0.5, 4096, 410, 410), (0.5 - 410 / 4096) / (1 - 410 / 4096), 1e-15);
  assertEquals(modulationSize(16384, 0.1), 1638);
});

Deno.test("chooseBaselineRate() hits R* = 1 − f·h(q) with σ closest to δ/2", () => {
  const n = 16384, d = 1638;
  for (const q of [0.02, 0.04, 0.06, 0.08]) {
    const plan = chooseBaselineRate(RATES, n, d, q, 1.1);
    const target = 1 - 1.1 * binaryEntropy(q);
    assertEquals(plan.punctured + plan.shortened, d);
    assertClose(plan.rate, target, 1 / n, `q ${q}`);
    // σ of the chosen code is the closest to δ/2 among codes covering R*.
    const sigma = (r0: number) => r0 - target * (1 - d / n);
    for (const r0 of RATES) {
      const s = sigma(r0);
      if (s >= 0 && s <= d / n) {
        assert(
          Math.abs(sigma(plan.motherRate) - d / n / 2) <= Math.abs(s - d / n / 2) + 1e-12,
          `q ${q} r0 ${r0}`,
        );
      }
    }
  }
});

Deno.test("chooseBaselineRate() clamps R* to the family's range above QBER ≈ 10 %", () => {
  const plan = chooseBaselineRate(RATES, 16384, 1638, 0.2, 1.16);
  assertEquals(plan.motherRate, 0.5);
  assertEquals(plan.punctured, 0);
  assertClose(plan.rate, (0.5 - 1638 / 16384) / (1 - 1638 / 16384), 1e-12);
});

Deno.test("chooseBlindCode() takes the largest R0 whose range contains 1 − 1.1·h(q0) and punctures all of D", () => {
  const n = 16384, d = 1638, delta = d / n;
  const q0 = 0.05;
  const target = 1 - 1.1 * binaryEntropy(q0); // 0.6855
  const plan = chooseBlindCode(RATES, n, d, q0);
  assertEquals(plan.motherRate, 0.7);
  assert((0.7 - delta) / (1 - delta) <= target && target <= 0.7 / (1 - delta));
  assertEquals([plan.punctured, plan.shortened], [d, 0]);
});
