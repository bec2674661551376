import { assert, assertEquals } from "../../tests/assert.ts";
import { buildCodeFamily, type CodeFamily } from "../reconciliation/code_family.ts";
import { createParameterPoint, type ParameterPoint } from "./parameter_point.ts";
import { simulateSample } from "./simulate_sample.ts";
import { defaultSimulationOptions, type SimulationOptions } from "./simulation_options.ts";

// A small family (n = 1024) keeps the test fast; rates cover the QBER ≈ 0.5–1 % of the point.
const RATES = [0.7, 0.8, 0.9];
let family: CodeFamily | undefined;
function smallFamily(): CodeFamily {
  family ??= buildCodeFamily({ codeLength: 1024, motherRates: RATES }, 1);
  return family;
}

function simulation(over: Partial<SimulationOptions> = {}): SimulationOptions {
  const sim = defaultSimulationOptions();
  sim.reconciliation = { ...sim.reconciliation, codeLength: 1024, motherRates: RATES };
  return { ...sim, ...over };
}

const point: ParameterPoint = createParameterPoint({
  storageNoiseR: 0.1,
  storageRateNu: 1,
  waitTimeNs: 1e6,
  channelFidelity: 0.995,
  detectionEfficiency: 1,
  detectorError: 0,
  darkCountProb: 1e-9,
  numPairs: 20_000,
  strategy: "baseline",
});

Deno.test("simulateSample() with LDPC reconciliation: Bob's S_C equals Alice's (ot_correct)", () => {
  for (const strategy of ["baseline", "blind"] as const) {
    const record = simulateSample({ ...point, strategy }, {
      seed: 11n,
      family: smallFamily(),
      simulation: simulation(),
    });
    const d = record.diagnostics;
    assertEquals(record.outcome, "success", `${strategy}: ${record.error_message}`);
    assertEquals(d.ot_correct, 1);
    assert(d.blocks_verified > 0 && d.blocks_verified <= d.blocks);
    assert(d.m_v > 0 && d.m_v <= d.m);
    assert(record.final_key_length > 0 && record.final_key_length === d.l_raw);
    assertEquals(d.leak_ec + d.leak_hash, record.leakage_bits);
  }
});

Deno.test("simulateSample() is deterministic for a seed (timings aside)", () => {
  const a = simulateSample(point, { seed: 5n, family: smallFamily(), simulation: simulation() });
  const b = simulateSample(point, { seed: 5n, family: smallFamily(), simulation: simulation() });
  assertEquals(a, b);
});
