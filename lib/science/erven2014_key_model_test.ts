import { assert, assertClose, assertEquals, assertThrows } from "../../tests/assert.ts";
import { InvalidArgumentError } from "../errors.ts";
import { campaignRng } from "../kernels/rng.ts";
import { binaryEntropy } from "./entropy.ts";
import { ERVEN2014_TABLE_I, erven2014KeyLength } from "./erven2014.ts";
import {
  erven2014DetectionProb,
  erven2014EntropyBits,
  type KeyModelPoint,
} from "./erven2014_key_model.ts";
import { expectedMargin, type ExpectedMarginModel } from "./expected_margin.ts";
import { KEY_MODEL_NAMES, keyModelOf } from "./key_model.ts";
import { pdcClickProbabilities } from "./pdc_source.ts";
import { pointAnalyticMargins, pointExpectedQber, prefilter } from "./prefilter.ts";

const TABLE_I = ERVEN2014_TABLE_I;

function tablePoint(over: Partial<KeyModelPoint> = {}): KeyModelPoint {
  const source = { mu: TABLE_I.mu, eta: TABLE_I.eta, eDet: TABLE_I.eDet, pDark: TABLE_I.pDark };
  const m = erven2014DetectionProb(source) * TABLE_I.n;
  return {
    numPairs: TABLE_I.n,
    keyShare: 1,
    stringBits: m / 2,
    epsilonSec: TABLE_I.epsilon,
    source,
    ...over,
  };
}

Deno.test("erven2014 key model reproduces erven2014KeyLength at Table I with the paper's leakage", () => {
  const ref = erven2014KeyLength(TABLE_I);
  const point = tablePoint();
  assertClose(point.stringBits * 2, ref.m, 1e-6);
  const model = keyModelOf("erven2014");
  const rate = model.entropyRate(TABLE_I.r, TABLE_I.nu, point);
  const pErr = pdcClickProbabilities(point.source).pErr;
  const leak = ref.m / 2 * TABLE_I.f * binaryEntropy(pErr);
  const l = model.keyLength(point.stringBits, leak, rate, TABLE_I.epsilon);
  assertEquals(l, Math.floor(ref.ell));
  assertClose(model.penaltyBits(TABLE_I.epsilon), Math.log2(1 / (2 * TABLE_I.epsilon)), 1e-12);
  assertClose(erven2014EntropyBits(TABLE_I.r, TABLE_I.nu, point), 65855, 1);
});

Deno.test("erven2014 entropy: the test share lowers m₁ (not the memory); 0 where Eq. 5 or 7 fails", () => {
  const full = erven2014EntropyBits(0.75, 0.002, tablePoint());
  const tested = erven2014EntropyBits(0.75, 0.002, tablePoint({ keyShare: 0.9 }));
  assert(tested < full, `${tested} ≥ ${full}`);
  // ν = 0.005: R/ν ≈ 0.65 > C_N(0.75) still; ν = 0.01: R/ν ≈ 0.33 < 0.456, Eq. 7 fails
  assert(erven2014EntropyBits(0.75, 0.005, tablePoint()) > 0);
  assertEquals(erven2014EntropyBits(0.75, 0.01, tablePoint()), 0);
  // m₁ ≤ 0 at n = 6.65·10⁴ (docs/erven2014.md §6)
  assertEquals(erven2014EntropyBits(0.75, 0.002, tablePoint({ numPairs: 6.65e4 })), 0);
});

Deno.test("key models: conventions, detection probability, erven2014 needs the point", () => {
  assertEquals([...KEY_MODEL_NAMES], ["project", "caligo", "erven2014"]);
  const src = { mu: 3.145e-5, eta: 0.015, eDet: 0.0093, pDark: 1.5e-8 };
  for (const name of ["project", "caligo"] as const) {
    const m = keyModelOf(name);
    assertEquals(m.numPairsConvention, "pairs detected");
    assertEquals(m.detectionProb(src), 1);
    assertEquals(m.entropyRate(0.3, 0.5, tablePoint()), m.entropyRate(0.3, 0.5));
  }
  const e = keyModelOf("erven2014");
  assertEquals(e.numPairsConvention, "pairs sent");
  assertClose(e.detectionProb(src), 0.014104, 1e-6);
  assertThrows(() => e.entropyRate(0.75, 0.002), InvalidArgumentError, "KeyModelPoint");
});

const MODEL: ExpectedMarginModel = {
  keyModel: keyModelOf("erven2014"),
  testFraction: 0.1,
  blindTestFraction: 0,
  epsilonSec: 2.5e-7,
  qberHardLimit: 0.22,
  efficiency: () => 1.16,
  codeLength: 16384,
  hashBits: 64,
};

interface Pt {
  r: number;
  nu: number;
  F: number;
  eta: number;
  eDet: number;
  pDark: number;
  n: number;
}

/** Expected ℓ (bits per string) of the erven2014 model at a point, heralded link. */
function expectedEll(p: Pt, strategy: "baseline" | "blind" = "baseline"): number {
  const point = {
    storageNoiseR: p.r,
    storageRateNu: p.nu,
    waitTimeNs: 1e9,
    channelFidelity: p.F,
    detectionEfficiency: p.eta,
    detectorError: p.eDet,
    darkCountProb: p.pDark,
    numPairs: p.n,
    strategy,
  };
  const qExpected = pointExpectedQber(point, { linkModel: "heralded-double-click" });
  const out = expectedMargin({
    qExpected,
    rEff: p.r,
    nu: p.nu,
    numPairs: p.n,
    strategy,
    source: { mu: 3.145e-5, eta: p.eta, eDet: p.eDet, pDark: p.pDark },
  }, MODEL);
  return out.keyMargin * p.n;
}

Deno.test("erven2014 expected margin: the detected rounds are N·(1 − P^h_{B,no click})", () => {
  const out = expectedMargin({
    qExpected: 0.0093,
    rEff: 0.75,
    nu: 0.002,
    numPairs: 8e7,
    strategy: "baseline",
    source: { mu: 3.145e-5, eta: 0.015, eDet: 0.0093, pDark: 1.5e-8 },
  }, MODEL);
  assertClose(out.detectedRounds, 1.1283e6, 100);
  assert(Math.abs(out.m - 0.9 * 1.1283e6 / 2) < 1000, `m = ${out.m}`);
});

Deno.test("erven2014 (property, seeded): where ℓ > 0, ℓ rises with η and falls with e_det, p_d and ν", () => {
  const rng = campaignRng(2014, "erven2014-key-model/monotonicity");
  const u = (lo: number, hi: number) => lo + (hi - lo) * rng.nextDouble();
  let positive = 0;
  for (let i = 0; i < 400; i++) {
    const p: Pt = {
      r: u(0.3, 0.95),
      nu: 10 ** u(-3, -1.5),
      F: u(0.995, 1),
      eta: 10 ** u(-2.2, -0.5),
      eDet: u(0, 0.02),
      pDark: 10 ** u(-9, -6),
      n: 10 ** u(6.5, 8.5),
    };
    const ell = expectedEll(p);
    if (!(ell > 0)) continue;
    positive++;
    const at = (over: Partial<Pt>) => expectedEll({ ...p, ...over });
    const ctx = JSON.stringify(p);
    assert(at({ eta: p.eta * 1.05 }) > ell, `η ↑ at ${ctx}`);
    assert(at({ eDet: p.eDet + 0.001 }) < ell, `e_det ↑ at ${ctx}`);
    assert(at({ pDark: p.pDark * 3 }) < ell, `p_d ↑ at ${ctx}`);
    assert(at({ nu: p.nu * 1.05 }) < ell, `ν ↑ at ${ctx}`);
  }
  assert(positive >= 40, `only ${positive} of 400 points have ℓ > 0`);
});

Deno.test("prefilter and analytic margins follow the erven2014 model (N counts pairs sent)", () => {
  const point = {
    storageNoiseR: 0.75,
    storageRateNu: 0.002,
    waitTimeNs: 1e9,
    channelFidelity: 1,
    detectionEfficiency: 0.02,
    detectorError: 0.0093,
    darkCountProb: 1.5e-8,
    numPairs: 8e7,
    strategy: "baseline" as const,
  };
  const opts = {
    rule: "project" as const,
    linkModel: "heralded-double-click" as const,
    keyModel: "erven2014" as const,
    epsilonSec: 2.5e-7,
  };
  assert(prefilter(point, opts).feasible);
  // ν = 0.01 fails Erven Eq. 7: rate 0, infeasible, analytic margin −h(Q)·share − P/N < 0
  const bad = { ...point, storageRateNu: 0.01 };
  const res = prefilter(bad, opts);
  assert(!res.feasible && res.margin < 0, `margin ${res.margin}`);
  const a = pointAnalyticMargins(bad, { ...opts, testFraction: 0.1, blindTestFraction: 0 });
  const share = keyModelOf("erven2014").detectionProb({
    mu: 3.145e-5,
    eta: 0.02,
    eDet: 0.0093,
    pDark: 1.5e-8,
  }) * 0.45;
  assertClose(a.keyMargin, -share * binaryEntropy(res.qExpected) - 20.93 / 8e7, 1e-8);
  // project: unchanged by the new options (N counts detected pairs)
  const project = prefilter(point, { ...opts, keyModel: "project" });
  assertEquals(
    project.margin,
    prefilter(point, { rule: "project", linkModel: "heralded-double-click" }).margin,
  );
});
