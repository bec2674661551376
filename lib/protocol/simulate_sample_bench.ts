/**
 * Throughput of one OT sample (docs/science.md §13 targets: N = 1e6 heralded baseline at QBER ≈ 3 %
 * in ≤ 0.5 s on one core; EPR sampling ≥ 2×10⁷ rounds/s, see epr_sampler_bench.ts).
 * Two groups: the protocol with a perfect-decoding stand-in (`_test_oracle_reconciler.ts`: isolates
 * sampling, commitment, test selection, sifting, estimation and Toeplitz PA), and the full
 * sample with LDPC reconciliation on a small in-process family (n = 4096, R0 0.7–0.8; the
 * production family is n = 16384 from the code cache).
 * Run: ./deno bench -P lib/protocol/simulate_sample_bench.ts
 */
import { ToeplitzFftWorkspace } from "../kernels/toeplitz_fft.ts";
import { buildCodeFamily } from "../reconciliation/code_family.ts";
import { createOracleReconciler } from "./_test_oracle_reconciler.ts";
import { runOtProtocol } from "./ot_protocol.ts";
import { createParameterPoint } from "./parameter_point.ts";
import { simulateSample } from "./simulate_sample.ts";
import { defaultSimulationOptions } from "./simulation_options.ts";

// Heralded link, F = 0.985, e_det = 0.01, η = 1: Q_exp = 0.0294.
const point = (numPairs: number) =>
  createParameterPoint({
    storageNoiseR: 0.1,
    storageRateNu: 1,
    waitTimeNs: 1e6,
    channelFidelity: 0.985,
    detectionEfficiency: 1,
    detectorError: 0.01,
    darkCountProb: 1e-9,
    numPairs,
    strategy: "baseline",
  }, { maxPairs: 1e7 });

const hashWorkspace = new ToeplitzFftWorkspace();
for (const n of [1e5, 1e6, 1e7]) {
  const p = point(n);
  const iterations = n >= 1e7 ? { n: 2, warmup: 1 } : {};
  for (const privacyAmplification of ["full", "lengths_only"] as const) {
    const simulation = { ...defaultSimulationOptions(), privacyAmplification };
    Deno.bench(
      `protocol (oracle reconciliation), PA ${privacyAmplification}, N = ${n}`,
      { group: `oracle ${n}`, ...iterations },
      () => {
        runOtProtocol(p, {
          seed: 1n,
          simulation,
          reconciler: createOracleReconciler(),
          hashWorkspace,
        });
      },
    );
  }
}

const RATES = [0.7, 0.75, 0.8];
const family = buildCodeFamily({ codeLength: 4096, motherRates: RATES }, 1);
const ldpcSimulation = defaultSimulationOptions();
ldpcSimulation.reconciliation = {
  ...ldpcSimulation.reconciliation,
  codeLength: 4096,
  motherRates: RATES,
};
for (const n of [1e5, 1e6]) {
  const p = point(n);
  Deno.bench(`simulateSample() with LDPC n = 4096, N = ${n}`, { group: `ldpc ${n}` }, () => {
    simulateSample(p, { seed: 1n, family, simulation: ldpcSimulation, hashWorkspace });
  });
}
