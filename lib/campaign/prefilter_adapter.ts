/**
 * Adapter between the design rows and the science pre-filter (docs/campaign.md §4,
 * lib/science/prefilter.ts), decoding rows with `decodeRow` of lib/protocol/parameter_point.ts.
 * @module
 */
import {
  pointAnalyticMargins,
  pointSimulatedRounds,
  prefilter,
  type PrefilterOptions,
  type PrefilterPoint,
} from "../science/prefilter.ts";
import { decodeRow } from "../protocol/parameter_point.ts";
import type { SimulationOptions } from "../protocol/simulation_options.ts";
import { ERVEN2014_SOURCE_MEAN_PAIRS } from "../science/erven2014_key_model.ts";
import type { PrefilterVerdict } from "./sample_rows.ts";
import type { CampaignSettings } from "./settings.ts";
import type { TaskGuards } from "./task_executor.ts";

/**
 * Decode stored columns (docs/science.md §1.1) with the protocol's `decodeRow`; the memory guard on N
 * is the simulator's business (failure_error), so the pre-filter decodes without it.
 */
export function decodeStoredRow(row: ArrayLike<number>, numPairs: number): PrefilterPoint {
  return decodeRow(row, numPairs, { maxPairs: Infinity });
}

/** The `simulation` keys the pre-filter needs (a `CampaignConfig["simulation"]` satisfies it). */
export interface PrefilterSimulationConfig {
  key_model: NonNullable<PrefilterOptions["keyModel"]>;
  source_mean_pairs?: number;
  link_model: PrefilterOptions["linkModel"];
  bell_correction_failure: number;
  detector_error: "physical" | "caligo";
  qber_hard_limit: number;
  test_fraction: number;
  blind_test_fraction: number;
  epsilon_sec: number;
  storage_decoherence: { enabled: boolean; t1_ns: number; t2_ns: number };
}

/** A pre-filter function of a stored row. */
export type RowPrefilter = (row: ArrayLike<number>, numPairs: number) => PrefilterVerdict;

/** The simulator options the pre-filter reads (docs/campaign.md §4). */
export type PrefilterSimulation = Pick<
  SimulationOptions,
  | "keyModel"
  | "sourceMeanPairs"
  | "linkModel"
  | "bellCorrectionFailure"
  | "detectorError"
  | "qberHardLimit"
  | "testFraction"
  | "blindTestFraction"
  | "epsilonSec"
  | "storageDecoherence"
>;

/** Build the row pre-filter for `rule` from the YAML `simulation` keys (the report's view). */
export function createRowPrefilter(
  rule: "project" | "caligo",
  sim: PrefilterSimulationConfig,
): RowPrefilter {
  return rowPrefilterOf(rule, {
    keyModel: sim.key_model,
    sourceMeanPairs: sim.source_mean_pairs ?? ERVEN2014_SOURCE_MEAN_PAIRS,
    linkModel: sim.link_model,
    bellCorrectionFailure: sim.bell_correction_failure,
    detectorError: sim.detector_error,
    qberHardLimit: sim.qber_hard_limit,
    testFraction: sim.test_fraction,
    blindTestFraction: sim.blind_test_fraction,
    epsilonSec: sim.epsilon_sec,
    storageDecoherence: {
      enabled: sim.storage_decoherence.enabled,
      t1Ns: sim.storage_decoherence.t1_ns,
      t2Ns: sim.storage_decoherence.t2_ns,
    },
  });
}

/** Build the row pre-filter for `rule` and the campaign's simulator options. */
export function rowPrefilterOf(
  rule: "project" | "caligo",
  sim: PrefilterSimulation,
): RowPrefilter {
  const options: PrefilterOptions = {
    rule,
    keyModel: sim.keyModel,
    sourceMeanPairs: sim.sourceMeanPairs,
    epsilonSec: sim.epsilonSec,
    linkModel: sim.linkModel,
    bellCorrectionFailure: sim.bellCorrectionFailure,
    detectorError: sim.detectorError,
    qberHardLimit: sim.qberHardLimit,
    storageDecoherence: { ...sim.storageDecoherence },
  };
  return (row, numPairs) => {
    const point = decodeStoredRow(row, numPairs);
    const res = prefilter(point, options);
    const analytic = res.feasible
      ? { keyMargin: NaN, cliffMargin: NaN }
      : pointAnalyticMargins(point, {
        ...options,
        testFraction: sim.testFraction,
        blindTestFraction: sim.blindTestFraction,
      });
    return {
      isFeasible: res.feasible,
      margin: res.margin,
      qExpected: res.qExpected,
      analyticKeyMargin: analytic.keyMargin,
      analyticCliffMargin: analytic.cliffMargin,
    };
  };
}

/**
 * The rounds a stored row simulates, the quantity `simulation.max_pairs` and the memory budget
 * guard (docs/science.md §8.6): N, or the expected detected rounds when the key model's N counts
 * pairs sent (erven2014).
 */
export function createRowRounds(
  sim: Pick<SimulationOptions, "keyModel" | "sourceMeanPairs">,
): (row: ArrayLike<number>, numPairs: number) => number {
  return (row, numPairs) =>
    pointSimulatedRounds(decodeStoredRow(row, numPairs), sim.keyModel, sim.sourceMeanPairs);
}

/** The campaign's row pre-filter (`phase1.prefilter`), or null when it is disabled. */
export function campaignPrefilter(
  settings: Pick<CampaignSettings, "phase1" | "simulation">,
): RowPrefilter | null {
  const rule = settings.phase1.prefilterRule;
  return rule === null ? null : rowPrefilterOf(rule, settings.simulation.options);
}

/** The guards every simulated task passes (memory budget, `simulation.max_pairs`). */
export function campaignTaskGuards(
  settings: Pick<CampaignSettings, "execution" | "simulation">,
): TaskGuards {
  return {
    memoryBudgetBytes: settings.execution.memoryBudgetMb * 2 ** 20,
    maxPairs: settings.simulation.options.maxPairs,
    simulatedRounds: createRowRounds(settings.simulation.options),
  };
}
