import { assert, assertClose, assertEquals } from "../../tests/assert.ts";
import { plannedLeakage, reconcileOtStrings } from "./ot_reconcile.ts";
import { blockPayloads, planRate, shortFrameFactor, spreadSlots } from "./_block_engine.ts";
import {
  chooseBaselineRate,
  chooseShortFrameRate,
  frameRate,
  payloadFrame,
} from "./rate_adaptation.ts";
import { binaryEntropy } from "./entropy.ts";
import { noisyPair, seededRng, testFamily, testOptions } from "./_test_family.ts";
import type { OtReconciliationInput } from "./types.ts";

const family = testFamily(); // n = 512, rates 0.5/0.6/0.7, d = 51, K = 461

function input(seed: number, m: number, q: number, prior: number): OtReconciliationInput {
  const { x, y } = noisyPair(m, q, seed);
  return {
    x0: x,
    x1: noisyPair(m, 0.5, seed + 1000).x,
    y,
    choice: 0,
    strategy: "baseline",
    qberPrior: prior,
    padding0: seededRng(seed, 1),
    padding1: seededRng(seed, 2),
    hashKey: new Uint8Array(16).fill(seed),
  };
}

Deno.test("blockPayloads() spreads m bits over ⌈m/K⌉ blocks differing by at most one bit", () => {
  for (const m of [1, 460, 461, 462, 700, 922, 1000, 5000]) {
    const spread = blockPayloads(m, 461, "spread");
    const shorten = blockPayloads(m, 461, "shorten");
    assertEquals(spread.length, shorten.length, `m ${m}`);
    assertEquals(spread.reduce((a, b) => a + b, 0), m, `m ${m}`);
    assert(Math.max(...spread) - Math.min(...spread) <= 1 && Math.max(...spread) <= 461);
  }
  assertEquals(Array.from(blockPayloads(1000, 461, "spread")), [334, 333, 333]);
  assertEquals(Array.from(blockPayloads(1000, 461, "shorten")), [461, 461, 78]);
});

Deno.test("spreadSlots() is a permutation of the payload with the known zeros evenly spaced", () => {
  const payload = Int32Array.from({ length: 461 }, (_, k) => 2 * k + 1);
  const slots = spreadSlots(payload, 350);
  assertEquals(Array.from(slots).sort((a, b) => a - b), Array.from(payload));
  // Key slots stay in increasing order; the 111 known ones are never two payload steps apart
  // by less than ⌊461/111⌋ = 4.
  const key = Array.from(slots.subarray(0, 350)), known = Array.from(slots.subarray(350));
  assert(key.every((v, i) => i === 0 || v > key[i - 1]));
  assert(known.every((v, i) => i === 0 || (v - known[i - 1]) / 2 >= 4));
});

Deno.test("spread tail: the leakage of a 700-bit string, by hand (elkouss, no calibration)", () => {
  // m = 700 over K = 461 → 2 blocks of L = 350; e = 111 known zeros, effective length 401.
  // f' = 1 + 0.16·√(512/401) = 1.18079; R* = 1 − f'·h(0.06) = 0.61335. Code 0.7 acts as rate
  // (358.4 − 111)/401 = 0.61696 with δ' = 51/401: σ = 0.61696 − 0.61335·(1 − δ') = 0.08161,
  // s = round(32.73) = 33, p = 18; m_c = 154 → 136 syndrome bits per block (f = 1.187 on L).
  const options = testOptions({ tail: "spread" });
  assertClose(shortFrameFactor(1.16, 512, 401), 1.1807935, 1e-6);
  assertClose(payloadFrame([0.7], 512, 51, 350).rates[0], 247.4 / 401, 1e-12);
  const plan = planRate(family, "baseline", 0.06, options, 350);
  assertEquals([plan.motherRate, plan.punctured, plan.shortened], [0.7, 18, 33]);
  assertEquals(family.codes[2].matrix.m, 154);
  assertEquals(plannedLeakage(family, 700, 0.06, "baseline", options), 2 * 136 + 2 * 64);
  // The same string under `shorten`: one full block on code 0.6 (p = 30, m_c = 205 → 175) and a
  // 239-bit tail charged min(175, 239) = 175: 478 bits.
  assertEquals(plannedLeakage(family, 700, 0.06, "baseline", testOptions()), 2 * 175 + 2 * 64);
  assertClose(136 / (350 * binaryEntropy(0.06)), 1.1867, 1e-4);
});

Deno.test("spread tail: every block decodes, X_C comes back bit for bit and the charge is the plan's", () => {
  for (const [m, q] of [[700, 0.04], [1000, 0.02], [1500, 0.03]] as const) {
    const inp = input(90 + m, m, q, q + 0.01);
    // f_sel 1.6: the n = 512 test codes need it for FER ≪ 1 on blocks this short.
    const options = testOptions({ tail: "spread", fSelect: 1.6 });
    const r = reconcileOtStrings(family, inp, options);
    assertEquals([r.status, r.blocksVerified, r.m, r.mv], ["ok", r.blocks, m, m], `m ${m}`);
    assertEquals(r.yCorrected, inp.x0, `m ${m}`);
    assertEquals(r.x0Verified, inp.x0, `m ${m}`);
    const planned = plannedLeakage(family, m, inp.qberPrior, "baseline", options);
    assertEquals(r.leak, planned, `m ${m}`);
    assertEquals(r.leakHash, 64 * Math.ceil(m / 461));
  }
});

Deno.test("spread tail: blind reveals on spread blocks are charged bit for bit", () => {
  const options = testOptions({ tail: "spread" });
  const inp = { ...input(44, 1200, 0.05, 0.04), strategy: "blind" as const };
  const r = reconcileOtStrings(family, inp, options);
  assert(r.revealedBits > 0, "expected reveals when the prior is below the QBER");
  assertEquals(r.leak, plannedLeakage(family, 1200, 0.04, "blind", options) + r.revealedBits);
});

Deno.test("chooseShortFrameRate() takes the lowest mother rate that reaches R*, at R* exactly", () => {
  // R* = 1 − 1.16·h(0.055) = 0.6435 is in the ranges of 0.60 and 0.65 (δ = 0.1).
  const rates = [0.55, 0.6, 0.65];
  const plan = chooseShortFrameRate(rates, 4096, 410, 0.055, 1.16);
  assertEquals(plan.motherRate, 0.6);
  assertEquals(chooseBaselineRate(rates, 4096, 410, 0.055, 1.16).motherRate, 0.65);
  assertClose(frameRate(0.6, 4096, 410, plan.shortened), 1 - 1.16 * binaryEntropy(0.055), 2e-4);
  assert(plan.punctured > plan.shortened, `p ${plan.punctured} s ${plan.shortened}`);
});

Deno.test("spread equals shorten bit for bit when m is a whole number of blocks (calibration frames)", () => {
  for (const strategy of ["baseline", "blind"] as const) {
    const inp = () => ({ ...input(12, 3 * 461, 0.04, 0.045), strategy });
    const a = reconcileOtStrings(family, inp(), testOptions());
    const b = reconcileOtStrings(family, inp(), testOptions({ tail: "spread" }));
    assertEquals(b.verified, a.verified, strategy);
    assertEquals(b.yCorrected, a.yCorrected, strategy);
    assertEquals([b.leak, b.decoderIterations, b.motherRate], [
      a.leak,
      a.decoderIterations,
      a.motherRate,
    ], strategy);
  }
});

Deno.test("spread tail: a short frame's blind ladder ends at or below the baseline's leakage f'·h(q)·L", () => {
  // Last blind round: every modulation position shortened, leakage m_c. It must cover what a
  // baseline short frame is charged, else the ladder cannot reach the needed rate. f_sel 1.5
  // against the blind default start factor 1.1: placing the ladder by 1.1 would miss.
  const options = testOptions({ tail: "spread", fSelect: 1.5 });
  for (const q of [0.02, 0.03, 0.045]) {
    for (const L of [250, 350, 450]) {
      const plan = planRate(family, "blind", q, options, L);
      const fPrime = shortFrameFactor(options.fSelect, 512, L + 51);
      const mc = family.codes[plan.codeIndex].matrix.m;
      assert(mc >= fPrime * binaryEntropy(q) * L - 1, `q ${q} L ${L}: m_c ${mc}`);
      assertEquals(plan.punctured, 51); // round 1 punctures every modulation position
    }
  }
});
