import { assert, assertClose, assertEquals } from "../../tests/assert.ts";
import { hBoundedStorage } from "./bounds.ts";
import { keyPenaltyBits } from "./constants.ts";
import { binaryEntropy } from "./entropy.ts";
import {
  pointAnalyticKeyMargin,
  prefilter,
  prefilterMargin,
  type PrefilterPoint,
} from "./prefilter.ts";

Deno.test("prefilterMargin() matches the derived margins of §14.4", () => {
  const cases: [number, number, number, number][] = [
    [0.75, 0.002, 0.02, 0.358059],
    [0.3, 0.01, 0.05, 0.215603],
    [0.9, 0.1, 0.03, 0.265608],
    [0.75, 0.002, 0.10, 0.030504],
    [0.6, 1, 0.05, 0.113603],
    [0.2, 1, 0.02, 0.695061],
  ];
  for (const [r, nu, q, m] of cases) {
    assertClose(prefilterMargin(r, nu, q), m, 5e-7, `(${r}, ${nu}, ${q})`);
  }
});

const point = (over: Partial<PrefilterPoint>): PrefilterPoint => ({
  storageNoiseR: 0.3,
  storageRateNu: 1,
  waitTimeNs: 1e6,
  channelFidelity: 0.97,
  detectionEfficiency: 1,
  detectorError: 0,
  darkCountProb: 1e-9,
  numPairs: 1e6,
  strategy: "baseline",
  ...over,
});

Deno.test("prefilter() project rule uses Q_exp of the link model and r_eff", () => {
  // depolarising F = 0.97: Q_exp = 0.02 exactly.
  const res = prefilter(point({}), { rule: "project", linkModel: "depolarising" });
  assertClose(res.qExpected, 0.02, 1e-12);
  assertClose(res.margin, prefilterMargin(0.3, 1, 0.02), 1e-12);
  assert(res.feasible);
  const hot = prefilter(point({ storageNoiseR: 1 }), {
    rule: "project",
    linkModel: "depolarising",
  });
  assert(!hot.feasible && hot.margin < 0);
  // Decoherence lowers r_eff = r·e^(−Δt/T) and so raises the margin.
  const dec = prefilter(point({ storageNoiseR: 1, waitTimeNs: 1e6 }), {
    rule: "project",
    linkModel: "depolarising",
    storageDecoherence: { enabled: true, t1Ns: 1e6, t2Ns: 1e6 },
  });
  assertClose(dec.margin, prefilterMargin(Math.exp(-1), 1, 0.02), 1e-12);
  // Q_exp > q_hard is infeasible even with a positive margin at ν = 0.
  const noisy = prefilter(point({ channelFidelity: 0.6, storageRateNu: 1e-3 }), {
    rule: "project",
    linkModel: "depolarising",
  });
  assert(noisy.qExpected > 0.22 && !noisy.feasible);
});

Deno.test("prefilter() caligo rule is (1 − r)/2 − E5", () => {
  const res = prefilter(point({ channelFidelity: 0.95, storageNoiseR: 0.5 }), {
    rule: "caligo",
    linkModel: "heralded-double-click",
  });
  assertClose(res.qExpected, 0.025, 1e-7);
  assertClose(res.margin, 0.25 - 0.025, 1e-7);
  assert(res.feasible);
  const low = prefilter(
    point({ detectionEfficiency: 0.01, darkCountProb: 1e-4, channelFidelity: 0.9 }),
    {
      rule: "caligo",
      linkModel: "heralded-double-click",
    },
  );
  assertEquals(low.feasible, false);
});

Deno.test("pointAnalyticKeyMargin() uses the strategy's test fraction", () => {
  const p = point({ storageNoiseR: 0.9, storageRateNu: 1, numPairs: 1e5 });
  const opts = {
    rule: "project" as const,
    linkModel: "depolarising" as const,
    testFraction: 0.1,
    blindTestFraction: 0,
  };
  const expected = (0.9 / 2) * (hBoundedStorage(0.9, 1) - binaryEntropy(0.02)) -
    keyPenaltyBits() / 1e5;
  assertClose(pointAnalyticKeyMargin(p, opts), expected, 1e-12);
  const blind = pointAnalyticKeyMargin({ ...p, strategy: "blind" }, opts);
  assertClose(
    blind,
    0.5 * (hBoundedStorage(0.9, 1) - binaryEntropy(0.02)) - keyPenaltyBits() / 1e5,
    1e-12,
  );
});
