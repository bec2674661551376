import { assert, assertEquals, assertThrows } from "../../tests/assert.ts";
import { CaligoError, InvalidArgumentError } from "../errors.ts";
import { plannedLeakage, reconcileOtStrings } from "./ot_reconcile.ts";
import { noisyPair, seededRng, testFamily, testOptions } from "./_test_family.ts";
import type { OtReconciliationInput, ReconciliationOptions } from "./types.ts";

const family = testFamily();

function input(
  seed: number,
  m: number,
  q: number,
  choice: 0 | 1,
  overrides: Partial<OtReconciliationInput> = {},
): OtReconciliationInput {
  const { x, y } = noisyPair(m, q, seed);
  const other = noisyPair(m, 0.5, seed + 1000).x;
  return {
    x0: choice === 0 ? x : other,
    x1: choice === 1 ? x : other,
    y,
    choice,
    strategy: "baseline",
    qberPrior: Math.max(q, 0.005),
    padding0: seededRng(seed, 1),
    padding1: seededRng(seed, 2),
    hashKey: new Uint8Array(16).fill(seed & 0xff),
    ...overrides,
  };
}

Deno.test("reconcileOtStrings() recovers X_C bit for bit on every verified block, for C = 0 and C = 1", () => {
  for (const choice of [0, 1] as const) {
    for (const strategy of ["baseline", "blind"] as const) {
      const seed = 10 + choice;
      const inp = input(seed, 2000, 0.02, choice, { strategy });
      const r = reconcileOtStrings(family, inp, testOptions());
      assertEquals(r.status, "ok", `seed ${seed} ${strategy}`);
      assert(
        r.blocksVerified >= r.blocks - 1,
        `seed ${seed} ${strategy}: ${r.blocksVerified}/${r.blocks}`,
      );
      const xc = choice === 0 ? r.x0Verified : r.x1Verified;
      assertEquals(r.yCorrected, xc, `seed ${seed} ${strategy}`);
      assertEquals(r.m, 2000);
      assertEquals(r.blocks, Math.ceil(2000 / (512 - 51)));
      assert(r.qberTrue > 0 && r.qberTrue < 0.05 && r.efficiency > 1, `f ${r.efficiency}`);
    }
  }
});

Deno.test("reconcileOtStrings() never lets Bob's side depend on X_{1−C}", () => {
  const seed = 21;
  const a = input(seed, 1500, 0.03, 1);
  const b = input(seed, 1500, 0.03, 1, { x0: noisyPair(1500, 0.5, 777).x });
  const ra = reconcileOtStrings(family, a, testOptions({ strategy: undefined } as never));
  const rb = reconcileOtStrings(family, b, testOptions());
  assertEquals(rb.verified, ra.verified);
  assertEquals(rb.yCorrected, ra.yCorrected);
  assertEquals(rb.decoderIterations, ra.decoderIterations);
  assertEquals(rb.leak, ra.leak);
  assertEquals(rb.x1Verified, ra.x1Verified);
});

Deno.test("reconcileOtStrings() charges every block once per string and matches plannedLeakage() for baseline", () => {
  for (const leakage of ["elkouss", "conservative"] as const) {
    const options: ReconciliationOptions = testOptions({ leakage });
    const inp = input(31, 2000, 0.02, 0);
    const r = reconcileOtStrings(family, inp, options);
    assertEquals(r.leakHash, 64 * r.blocks);
    assertEquals(r.leak, r.leakEc + r.leakHash);
    assertEquals(r.leak, plannedLeakage(family, 2000, inp.qberPrior, "baseline", options), leakage);
    assert(r.leakEcVerified <= r.leakEc);
  }
});

Deno.test("reconcileOtStrings() blind reveals add to the leakage exactly the revealed bits (elkouss)", () => {
  const options = testOptions({ decoder: "spa-layered" });
  const inp = input(41, 461 * 8, 0.055, 0, { strategy: "blind", qberPrior: 0.05 });
  const r = reconcileOtStrings(family, inp, options);
  const planned = plannedLeakage(family, inp.y.length, 0.05, "blind", options);
  assert(r.revealedBits > 0, "expected some reveals at QBER 5.5 % on the rate-0.78 start");
  assertEquals(r.leak, planned + r.revealedBits);
  assert(r.blindRoundsMax > 1);
});

Deno.test("reconcileOtStrings() drops or shortens the tail block", () => {
  const dropped = reconcileOtStrings(
    family,
    input(51, 1000, 0.01, 0),
    testOptions({ tail: "drop" }),
  );
  assertEquals([dropped.blocks, dropped.m], [2, 922]);
  const shortened = reconcileOtStrings(family, input(51, 1000, 0.01, 0), testOptions());
  assertEquals([shortened.blocks, shortened.m], [3, 1000]);
  assertEquals(shortened.mv, 1000);
});

Deno.test("reconcileOtStrings() aborts on a failed block under failedBlocks: abort and stops at the cancel flag", () => {
  const bad = input(61, 2000, 0.2, 0, { qberPrior: 0.01 });
  const r = reconcileOtStrings(family, bad, testOptions({ failedBlocks: "abort" }));
  assertEquals(r.status, "aborted-failed-block");
  const discarded = reconcileOtStrings(
    family,
    input(61, 2000, 0.2, 0, { qberPrior: 0.01 }),
    testOptions(),
  );
  assertEquals(discarded.status, "no-block-verified");
  assertEquals(discarded.mv, 0);
  const cancel = new Int32Array(1);
  cancel[0] = 1;
  assertEquals(
    reconcileOtStrings(family, input(62, 2000, 0.01, 0, { cancel }), testOptions()).status,
    "cancelled",
  );
});

Deno.test("reconcileOtStrings() rejects bad inputs with CaligoError subclasses", () => {
  const ok = input(71, 600, 0.02, 0);
  const cases: [Partial<OtReconciliationInput>, string][] = [
    [
      { x0: new Uint8Array(0), x1: new Uint8Array(0), y: new Uint8Array(0) },
      "key length must be ≥ 1",
    ],
    [{ qberPrior: 0 }, "QBER must be in (0, 0.5)"],
    [{ qberPrior: 0.5 }, "QBER must be in (0, 0.5)"],
    [{ x1: new Uint8Array(599) }, "input.x1.length"],
    [{ y: new Uint8Array(601) }, "input.y.length"],
  ];
  for (const [patch, message] of cases) {
    const e = assertThrows(
      () => reconcileOtStrings(family, { ...ok, ...patch }, testOptions()),
      InvalidArgumentError,
      message,
    );
    assert(e instanceof CaligoError);
  }
  assertThrows(
    () => reconcileOtStrings(family, ok, testOptions({ hashBits: 12 })),
    InvalidArgumentError,
    "options.hashBits",
  );
  assertThrows(
    () => plannedLeakage(family, 100, 0.7, "baseline", testOptions()),
    InvalidArgumentError,
    "QBER",
  );
});

Deno.test("reconcileOtStrings() under caligo accounting charges verified blocks only, at the full syndrome", () => {
  const inp = input(81, 2000, 0.02, 1);
  const r = reconcileOtStrings(family, inp, testOptions({ leakage: "caligo" }));
  const checks = family.codes.find((c) => c.rate === r.motherRate)!.matrix.m;
  assertEquals(r.leak, r.blocksVerified * (checks + 64));
  assertEquals(r.leakEcVerified, r.blocksVerified * checks);
});

Deno.test("reconcileOtStrings() with nms-simd (8 blocks per batch) equals nms-layered block by block, baseline and blind", () => {
  // 10,000 bits → 22 blocks of 461: groups of 8, 8 and 6 lanes; QBER near the codes' limit so
  // blocks fail, need blind reveals and stop at different rounds inside one group.
  for (const strategy of ["baseline", "blind"] as const) {
    for (const q of [0.03, 0.06]) {
      const inp = () => input(40, 10_000, q, 1, { strategy });
      const scalar = reconcileOtStrings(family, inp(), testOptions({ decoder: "nms-layered" }));
      const simd = reconcileOtStrings(family, inp(), testOptions({ decoder: "nms-simd" }));
      const what = `${strategy} q ${q}`;
      assertEquals(simd.blocks, 22, what);
      assertEquals(simd.verified, scalar.verified, what);
      assertEquals(simd.yCorrected, scalar.yCorrected, what);
      assertEquals(simd.decoderIterations, scalar.decoderIterations, what);
      assertEquals(simd.revealedBits, scalar.revealedBits, what);
      assertEquals(simd.leak, scalar.leak, what);
      if (strategy === "blind" && q === 0.06) {
        assert(simd.blindRoundsMax > 1, `${what}: some block needs a reveal`);
      }
    }
  }
});
