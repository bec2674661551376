/**
 * The sign invariant of docs/science.md §8.5 over seeded random points of every outcome: for every row
 * with a finite key_margin, key_margin > 0 ⇔ success, and cliff_margin has the same sign with
 * cliff_margin ≤ key_margin. Rows from the protocol (oracle reconciler, with failing and
 * corrupting knobs), from the pre-filter and from the `expected` simulator.
 */
import { assert, assertEquals } from "../../tests/assert.ts";
import { campaignRng } from "../kernels/rng.ts";
import { pointAnalyticMargins, prefilter } from "../science/prefilter.ts";
import { createOracleReconciler } from "./_test_oracle_reconciler.ts";
import { expectedModelOf, expectedSimulateSample } from "./expected_simulate_sample.ts";
import { runOtProtocol } from "./ot_protocol.ts";
import { createParameterPoint, type ParameterPoint } from "./parameter_point.ts";
import type { SampleRecord } from "./record.ts";
import { defaultSimulationOptions } from "./simulation_options.ts";

function randomPoint(u: () => number, strategy: "baseline" | "blind"): ParameterPoint {
  return createParameterPoint({
    storageNoiseR: u(),
    storageRateNu: 10 ** (-2 * u()),
    waitTimeNs: 1e6,
    channelFidelity: 0.8 + 0.2 * u(),
    detectionEfficiency: 10 ** (-u()),
    detectorError: 0.05 * u(),
    darkCountProb: 10 ** (-8 + 3 * u()),
    numPairs: Math.round(10 ** (4 + 0.6 * u())),
    strategy,
  });
}

function assertSignConsistent(r: SampleRecord, where: string): void {
  const key = r.key_margin, cliff = r.diagnostics.cliff_margin;
  if (!Number.isFinite(key)) return;
  const success = r.outcome === "success";
  assertEquals(key > 0, success, `${where}: key_margin ${key} vs ${r.outcome}`);
  assertEquals(cliff > 0, success, `${where}: cliff_margin ${cliff} vs ${r.outcome}`);
  assert(cliff <= key, `${where}: cliff_margin ${cliff} > key_margin ${key}`);
}

Deno.test("protocol rows: key_margin > 0 ⇔ success ⇔ cliff_margin > 0 over every outcome", () => {
  const rng = campaignRng(7, "sign-consistency");
  const u = () => rng.nextDouble();
  const knobs = [{}, { failAll: true }, { corruptBob: true }, { extraLeak: 2000 }];
  const seen = new Set<string>();
  for (let i = 0; i < 160; i++) {
    const sim = defaultSimulationOptions();
    sim.keyModel = i % 5 === 4 ? "caligo" : "project";
    const point = randomPoint(u, i % 2 === 0 ? "baseline" : "blind");
    const r = runOtProtocol(point, {
      seed: BigInt(1000 + i),
      simulation: sim,
      reconciler: createOracleReconciler(knobs[i % knobs.length]),
    });
    seen.add(r.outcome);
    assertSignConsistent(r, `sample ${i}`);
  }
  for (const o of ["success", "failure_qber", "failure_security", "failure_reconciliation"]) {
    assert(seen.has(o), `outcome ${o} not produced: ${[...seen].join(", ")}`);
  }
});

Deno.test("an abort at the QBER limit keeps key_margin ≤ 0 where the projection is positive", () => {
  const sim = defaultSimulationOptions();
  // N = 10 653 with a clean link: Q̂ ≈ 0 but μ pushes Q_adj over 0.22 (the minimum-N cliff).
  const point = createParameterPoint({
    storageNoiseR: 0.1,
    storageRateNu: 0.5,
    waitTimeNs: 1e6,
    channelFidelity: 0.999,
    detectionEfficiency: 0.9,
    detectorError: 0.005,
    darkCountProb: 1e-7,
    numPairs: 10653,
    strategy: "baseline",
  });
  const r = runOtProtocol(point, {
    seed: 3n,
    simulation: sim,
    reconciler: createOracleReconciler(),
  });
  assertEquals(r.outcome, "failure_qber");
  assert(r.diagnostics.l_raw > 0, "the projected key length is positive here");
  assertEquals(r.key_margin, 0);
  assert(r.diagnostics.cliff_margin < 0 && r.diagnostics.cliff_margin > -0.05);
});

Deno.test("pre-filtered and expected-simulator rows are sign-consistent too", () => {
  const rng = campaignRng(8, "sign-consistency");
  const u = () => rng.nextDouble();
  const sim = defaultSimulationOptions();
  const model = expectedModelOf(sim);
  let skipped = 0, successes = 0, failures = 0;
  for (let i = 0; i < 400; i++) {
    const point = randomPoint(u, i % 2 === 0 ? "baseline" : "blind");
    const options = { rule: "project" as const, ...sim };
    if (!prefilter(point, options).feasible) {
      const a = pointAnalyticMargins(point, options);
      assert(a.keyMargin <= 0 && a.cliffMargin <= a.keyMargin, `analytic ${i}`);
      skipped++;
    }
    const r = expectedSimulateSample(point, sim, model, BigInt(i), i % 3 === 0 ? 0.01 : 0);
    assertSignConsistent(r, `expected ${i}`);
    if (r.outcome === "success") successes++;
    else failures++;
  }
  assert(skipped > 20 && successes > 20 && failures > 20, `${skipped} ${successes} ${failures}`);
});
