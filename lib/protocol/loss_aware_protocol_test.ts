import { assert, assertEquals, assertThrows } from "../../tests/assert.ts";
import { InvalidArgumentError } from "../errors.ts";
import { sampleBinomial } from "../kernels/binomial.ts";
import { stageRng } from "../kernels/rng.ts";
import { erven2014DetectionProb, erven2014EntropyBits } from "../science/erven2014_key_model.ts";
import { createOracleReconciler } from "./_test_oracle_reconciler.ts";
import { runOtProtocol } from "./ot_protocol.ts";
import { createParameterPoint, type ParameterPoint } from "./parameter_point.ts";
import { defaultSimulationOptions, type SimulationOptions } from "./simulation_options.ts";
import { testSetSize } from "./sifting.ts";

/** A point near Erven et al. (2014) Table I, with N = 2·10⁷ pairs sent and η = 0.05. */
const point: ParameterPoint = createParameterPoint({
  storageNoiseR: 0.75,
  storageRateNu: 0.002,
  waitTimeNs: 1e9,
  channelFidelity: 1,
  detectionEfficiency: 0.05,
  detectorError: 0.0093,
  darkCountProb: 1.5e-8,
  numPairs: 2e7,
  strategy: "baseline",
}, { maxPairs: Infinity });

const sim: SimulationOptions = {
  ...defaultSimulationOptions(),
  keyModel: "erven2014",
  epsilonSec: 2.5e-7,
  maxPairs: 2e6,
};

function run(p: ParameterPoint = point, s: SimulationOptions = sim, seed = 11n) {
  return runOtProtocol(p, { seed, simulation: s, reconciler: createOracleReconciler() });
}

const source = { mu: 3.145e-5, eta: 0.05, eDet: 0.0093, pDark: 1.5e-8 };

Deno.test("erven2014 simulator: N counts pairs sent, the detected rounds are drawn binomially", () => {
  const record = run();
  const d = record.diagnostics;
  const pDet = erven2014DetectionProb(source);
  const detected = sampleBinomial(2e7, pDet, stageRng(11n, "detection"));
  const sd = Math.sqrt(2e7 * pDet * (1 - pDet));
  assert(Math.abs(detected - 2e7 * pDet) < 5 * sd, `detected ${detected}`);
  // 2·10⁷ sent > max_pairs = 2·10⁶ is accepted: the guard is on the ≈ 9.8·10⁵ detected rounds
  assertEquals(d.test_rounds, testSetSize(detected, 0.1));
  assertEquals(d.m, Math.min(d.matched_nontest, detected - d.test_rounds - d.matched_nontest));
  // the key length is Erven Eq. 8 with the measured leakage of the string
  const bits = erven2014EntropyBits(0.75, 0.002, {
    numPairs: 2e7,
    keyShare: 1 - d.test_rounds / detected,
    stringBits: d.m,
    epsilonSec: 2.5e-7,
    source,
  });
  const expected = Math.floor(d.m_v * (bits / d.m) - record.leakage_bits - Math.log2(1 / 5e-7));
  assertEquals(d.l_raw, expected);
  assert(d.l_raw > 0 && record.outcome === "success", `${record.outcome}: ${record.error_message}`);
  assertEquals(record.key_margin, d.l_raw / 2e7);
});

Deno.test("erven2014 simulator: the memory guard applies to the detected rounds", () => {
  const big = createParameterPoint({ ...point, detectionEfficiency: 0.5, numPairs: 1e7 }, {
    maxPairs: Infinity,
  });
  assertThrows(() => run(big), InvalidArgumentError, "detected rounds of N = 10000000 sent");
});

Deno.test("erven2014 simulator: ℓ falls with e_det and rises with η on the same seed", () => {
  const at = (over: Partial<ParameterPoint>) =>
    run(createParameterPoint({ ...point, ...over }, { maxPairs: Infinity })).diagnostics.l_raw;
  const base = at({});
  assert(at({ detectorError: 0.012 }) < base, "e_det");
  assert(at({ detectionEfficiency: 0.06 }) > base, "η");
});
