/**
 * Options of the protocol simulator (`simulation` group of the config, docs/campaign.md §11.3), in
 * camelCase, with the documented defaults.
 * @module
 */
import type { DetectorErrorMode, LinkModelName } from "../kernels/link/link_model.ts";
import { ERVEN2014_SOURCE_MEAN_PAIRS } from "../science/erven2014_key_model.ts";
import type { LeakageAccounting, ReconciliationOptions } from "../reconciliation/types.ts";

/**
 * Key-length rule (docs/science.md §8): the project's, Caligo's K1, or the loss-aware bound of
 * Erven et al. 2014 (§8.6, where `num_pairs` counts pairs sent).
 */
export type KeyModel = "project" | "caligo" | "erven2014";
/** QBER used to choose the baseline rate (docs/science.md §9.6). */
export type QberForRate = "qhat_plus_sigma" | "qhat" | "qadj";
/** Blind decoder prior (docs/science.md §9.7). */
export type BlindPrior = "model" | "fixed" | "caligo";

/** Optional storage-decoherence model (docs/science.md §4); T1, T2 in ns. */
export interface StorageDecoherenceOptions {
  enabled: boolean;
  t1Ns: number;
  t2Ns: number;
}

/** Everything the simulator needs besides the parameter point and the seed. */
export interface SimulationOptions {
  linkModel: LinkModelName;
  /** β of the heralded link (docs/science.md §3.3). */
  bellCorrectionFailure: number;
  detectorError: DetectorErrorMode;
  keyModel: KeyModel;
  /**
   * μ, mean photon-pair number per time slot of the PDC source (docs/science.md §8.6); read only by
   * `keyModel: erven2014`. Default Erven et al. 2014 Table I, 3.145·10⁻⁵.
   */
  sourceMeanPairs: number;
  /** Leakage accounting (docs/science.md §9.5); overrides `reconciliation.leakage`. */
  leakage: LeakageAccounting;
  epsilonSec: number;
  /** q_hard: abort at parameter estimation when Q_adj exceeds it. */
  qberHardLimit: number;
  /** q_warn: warn when Q_adj exceeds it. */
  qberWarnLimit: number;
  /** τ of baseline samples. */
  testFraction: number;
  /** τ of blind samples (0: no test set, no parameter estimation). */
  blindTestFraction: number;
  storageDecoherence: StorageDecoherenceOptions;
  /** Abort with stage `nsm_condition` when ½ − ν·C_N(r_eff) ≤ 0. */
  requireCapacityCondition: boolean;
  /** Memory guard on the rounds simulated: N, or the detected rounds when N counts pairs sent. */
  maxPairs: number;
  /** `lengths_only` skips the Toeplitz hashing (only lengths are recorded). */
  privacyAmplification: "full" | "lengths_only";
  qberForRate: QberForRate;
  blindPrior: BlindPrior;
  /** Prior of `blindPrior: fixed`. */
  blindPriorValue: number;
  reconciliation: ReconciliationOptions;
}

/**
 * Default reconciliation options (docs/campaign.md §11.3 `simulation.reconciliation`).
 * @example
 * ```ts
 * import { defaultReconciliationOptions } from "./simulation_options.ts";
 * console.assert(defaultReconciliationOptions().codeLength === 16384);
 * ```
 */
export function defaultReconciliationOptions(): ReconciliationOptions {
  return {
    codeLength: 16384,
    motherRates: [0.5, 0.55, 0.6, 0.65, 0.7, 0.75, 0.8, 0.85, 0.9],
    modulationFraction: 0.1,
    hashBits: 64,
    fSelect: 1.16,
    blindMaxRounds: 6,
    decoder: "spa-simd",
    nmsAlpha: 0.8,
    maxIterations: 50,
    tail: "spread",
    failedBlocks: "discard",
    leakage: "elkouss",
  };
}

/**
 * Default simulation options: the schema's defaults of the `simulation` section (docs/campaign.md
 * §11.3; lib/campaign/settings_test.ts checks they agree). Decoherence is off; its times default to
 * Caligo's T1 = T2 = 10⁹ ns (1 s, docs/science.md §4), used only once it is enabled.
 * @example
 * ```ts
 * import { defaultSimulationOptions } from "./simulation_options.ts";
 * const o = defaultSimulationOptions();
 * console.assert(o.linkModel === "heralded-double-click" && o.testFraction === 0.1);
 * ```
 */
export function defaultSimulationOptions(): SimulationOptions {
  return {
    linkModel: "heralded-double-click",
    bellCorrectionFailure: 0,
    detectorError: "physical",
    keyModel: "project",
    sourceMeanPairs: ERVEN2014_SOURCE_MEAN_PAIRS,
    leakage: "elkouss",
    epsilonSec: 1e-10,
    qberHardLimit: 0.22,
    qberWarnLimit: 0.11,
    testFraction: 0.1,
    blindTestFraction: 0,
    storageDecoherence: { enabled: false, t1Ns: 1e9, t2Ns: 1e9 },
    requireCapacityCondition: false,
    maxPairs: 1e7,
    privacyAmplification: "full",
    qberForRate: "qhat_plus_sigma",
    blindPrior: "model",
    blindPriorValue: 0.05,
    reconciliation: defaultReconciliationOptions(),
  };
}

/**
 * The memory guard to apply to N when a point is built (`createParameterPoint`, `decodeRow`):
 * `maxPairs` when N counts detected pairs; none (Infinity) for `erven2014`, whose N counts pairs
 * sent, since the simulator guards the detected rounds it draws instead (docs/science.md §8.6).
 * @example
 * ```ts
 * import { defaultSimulationOptions, pointMaxPairs } from "./simulation_options.ts";
 * const o = defaultSimulationOptions();
 * console.assert(pointMaxPairs(o) === 1e7);
 * console.assert(pointMaxPairs({ ...o, keyModel: "erven2014" }) === Infinity);
 * ```
 */
export function pointMaxPairs(sim: Pick<SimulationOptions, "keyModel" | "maxPairs">): number {
  return sim.keyModel === "erven2014" ? Infinity : sim.maxPairs;
}
