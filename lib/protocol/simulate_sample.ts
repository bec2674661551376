/**
 * Front door of the protocol simulator: one parameter point + one per-sample seed → one
 * complete, honest per-sample record (docs/science.md §5, §12), with reconciliation by the LDPC
 * library (lib/reconciliation/ot_reconcile.ts). Pure and synchronous (the commitment uses the
 * synchronous SHA-256 kernel); the clock is injected.
 * @module
 */
import type { ToeplitzFftWorkspace } from "../kernels/toeplitz_fft.ts";
import type { CodeFamily } from "../reconciliation/code_family.ts";
import { plannedLeakage, reconcileOtStrings } from "../reconciliation/ot_reconcile.ts";
import type { ReconciliationOptions } from "../reconciliation/types.ts";
import { runOtProtocol } from "./ot_protocol.ts";
import type { ParameterPoint } from "./parameter_point.ts";
import type { OtReconciler } from "./reconciler.ts";
import type { SampleRecord } from "./record.ts";
import type { SimulationOptions } from "./simulation_options.ts";

/** Options of {@link simulateSample}. */
export interface SimulateSampleOptions {
  /** Per-sample seed from `sampleSeed()` (docs/science.md §2). */
  seed: bigint;
  /** Mother codes matching `simulation.reconciliation` (built or loaded once per worker). */
  family: CodeFamily;
  simulation: SimulationOptions;
  /** Cooperative cancel flag (SharedArrayBuffer): element 0 non-zero → stage `timeout`. */
  cancel?: Int32Array;
  /** Clock in milliseconds (e.g. `performance.now`); without it every timing is NaN. */
  now?: () => number;
  /**
   * Privacy-amplification FFT plan and buffers kept across samples (create one per worker);
   * without it each sample builds its own. Records are the same either way.
   */
  hashWorkspace?: ToeplitzFftWorkspace;
}

/**
 * The reconciler of a code family: `simulation.leakage` overrides `reconciliation.leakage`.
 * @example
 * ```ts
 * import { familyReconciler } from "./simulate_sample.ts";
 * import { defaultSimulationOptions } from "./simulation_options.ts";
 * import { buildCodeFamily } from "../reconciliation/code_family.ts";
 * const sim = defaultSimulationOptions();
 * const family = buildCodeFamily({ codeLength: 256, motherRates: [0.5] }, 1);
 * const rec = familyReconciler(family, { ...sim, reconciliation: { ...sim.reconciliation, codeLength: 256, motherRates: [0.5] } });
 * console.assert(rec.plannedLeakage(230, 0.05, "baseline") > 0);
 * ```
 */
export function familyReconciler(family: CodeFamily, simulation: SimulationOptions): OtReconciler {
  const options: ReconciliationOptions = {
    ...simulation.reconciliation,
    leakage: simulation.leakage,
  };
  return {
    options,
    reconcile: (input) => reconcileOtStrings(family, input, options),
    plannedLeakage: (m, qberPrior, strategy) =>
      plannedLeakage(family, m, qberPrior, strategy, options),
  };
}

/**
 * Simulate the whole 1-out-of-2 randomized OT protocol at one point (docs/science.md §5) and return
 * its record (§12): outcome by typed abort stage, the six outputs, key_margin and every
 * diagnostic (NaN where not reached). Same point + seed + options → identical record (timings
 * aside).
 * @param point validated parameter point (`createParameterPoint` / `decodeRow`)
 * @example
 * ```ts
 * import { simulateSample } from "./simulate_sample.ts";
 * import { createParameterPoint } from "./parameter_point.ts";
 * import { defaultSimulationOptions } from "./simulation_options.ts";
 * import { buildCodeFamily } from "../reconciliation/code_family.ts";
 * const sim = defaultSimulationOptions();
 * sim.reconciliation = { ...sim.reconciliation, codeLength: 256, motherRates: [0.5] };
 * const point = createParameterPoint({
 *   storageNoiseR: 1, storageRateNu: 1, waitTimeNs: 1e6, channelFidelity: 0.99,
 *   detectionEfficiency: 1, detectorError: 0, darkCountProb: 1e-9, numPairs: 10000, strategy: "baseline",
 * });
 * const family = buildCodeFamily({ codeLength: 256, motherRates: [0.5] }, 1);
 * const record = simulateSample(point, { seed: 1n, family, simulation: sim });
 * console.assert(record.outcome === "failure_qber" || record.outcome === "failure_security");
 * ```
 */
export function simulateSample(
  point: ParameterPoint,
  options: SimulateSampleOptions,
): SampleRecord {
  return runOtProtocol(point, {
    seed: options.seed,
    simulation: options.simulation,
    reconciler: familyReconciler(options.family, options.simulation),
    cancel: options.cancel,
    now: options.now,
    hashWorkspace: options.hashWorkspace,
  });
}
