/**
 * Adapter from the YAML `simulation` section (snake_case, docs/campaign.md §11.3) to the simulator's
 * {@link SimulationOptions}. Stands in for `toSimulationOptions` of lib/io/config.ts until that
 * exists; swap the call in sim_worker.ts then.
 * @module
 */
import type { CampaignConfig } from "../io/config.ts";
import type { SimulationOptions } from "../protocol/simulation_options.ts";

/**
 * Map `config.simulation` to simulator options (reconciliation.leakage follows `leakage`).
 * @example
 * ```ts ignore
 * const sim = simulationOptionsOf(config.simulation);
 * ```
 */
export function simulationOptionsOf(s: CampaignConfig["simulation"]): SimulationOptions {
  const r = s.reconciliation;
  return {
    linkModel: s.link_model,
    bellCorrectionFailure: s.bell_correction_failure,
    detectorError: s.detector_error,
    keyModel: s.key_model,
    sourceMeanPairs: s.source_mean_pairs,
    leakage: s.leakage,
    epsilonSec: s.epsilon_sec,
    qberHardLimit: s.qber_hard_limit,
    qberWarnLimit: s.qber_warn_limit,
    testFraction: s.test_fraction,
    blindTestFraction: s.blind_test_fraction,
    storageDecoherence: {
      enabled: s.storage_decoherence.enabled,
      t1Ns: s.storage_decoherence.t1_ns,
      t2Ns: s.storage_decoherence.t2_ns,
    },
    requireCapacityCondition: s.require_capacity_condition,
    maxPairs: s.max_pairs,
    privacyAmplification: s.privacy_amplification,
    qberForRate: r.qber_for_rate,
    blindPrior: r.blind_prior,
    blindPriorValue: r.blind_prior_value,
    reconciliation: {
      codeLength: r.code_length,
      calibrationFrames: r.calibration_frames,
      motherRates: r.mother_rates,
      codeFamily: r.code_family,
      modulationFraction: r.modulation_fraction,
      hashBits: r.hash_bits,
      fSelect: r.f_select,
      blindMaxRounds: r.blind_max_rounds,
      decoder: r.decoder,
      nmsAlpha: r.nms_alpha,
      maxIterations: r.max_iterations,
      tail: r.tail,
      failedBlocks: r.failed_blocks,
      leakage: s.leakage,
    },
  };
}
