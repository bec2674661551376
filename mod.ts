/**
 * caligo-ts public API for analysis scripts: science functions, one protocol sample, the
 * reconciliation library, the campaign store reader, the GP surrogate and the active-learning
 * pieces. One import serves a script:
 *
 * ```ts ignore
 * import { hBoundedStorage, openCampaignStore, fitGp } from "./mod.ts";
 * ```
 * @module
 */

// Errors and randomness
export * from "./lib/errors.ts";
export {
  campaignRng,
  type Rng,
  sampleSeed,
  seedHex,
  stageRng,
  Xoshiro128StarStar,
} from "./lib/kernels/rng.ts";
export { createSobolSequence, sobolPoints } from "./lib/kernels/sobol.ts";

// Configuration
export {
  type CampaignConfig,
  loadConfig,
  type LoadedConfig,
  parseConfig,
} from "./lib/io/config.ts";

// Science (docs/science.md §3–§8)
export { binaryEntropy, gammaFn } from "./lib/science/entropy.ts";
export {
  dupuisKonig,
  h2,
  hBoundedStorage,
  hMin,
  lupo,
  storageCapacity,
  strongConverseExponent,
} from "./lib/science/bounds.ts";
export { finiteSizeMu, hoeffdingInterval } from "./lib/science/finite_size.ts";
export {
  ERVEN2014_TABLE_I,
  type Erven2014KeyLength,
  erven2014KeyLength,
  type Erven2014Options,
  type Erven2014Params,
  type ZetaLogArgument,
} from "./lib/science/erven2014.ts";
export { analyticKeyMargin, projectKeyLength } from "./lib/science/key_length.ts";
export { checkFeasibility } from "./lib/science/feasibility.ts";
export {
  pointAnalyticKeyMargin,
  pointExpectedQber,
  prefilter,
  prefilterMargin,
} from "./lib/science/prefilter.ts";
export { createLinkModel, expectedQber, LINK_MODEL_NAMES } from "./lib/kernels/link/link_model.ts";

// One protocol sample
export {
  createParameterPoint,
  decodeRow,
  encodePoint,
  PARAMETER_COLUMNS,
  type ParameterPoint,
} from "./lib/protocol/parameter_point.ts";
export {
  familyReconciler,
  simulateSample,
  type SimulateSampleOptions,
} from "./lib/protocol/simulate_sample.ts";
export { fakeSimulateSample } from "./lib/protocol/fake_simulate_sample.ts";
export {
  defaultReconciliationOptions,
  defaultSimulationOptions,
  type SimulationOptions,
} from "./lib/protocol/simulation_options.ts";
export {
  DIAGNOSTIC_COLUMNS,
  OUTCOMES,
  OUTPUT_COLUMNS,
  type SampleRecord,
} from "./lib/protocol/record.ts";

// Reconciliation (docs/science.md §9)
export { plannedLeakage, reconcileOtStrings } from "./lib/reconciliation/ot_reconcile.ts";
export { reconcileBaseline, reconcileBlind } from "./lib/reconciliation/reconcile.ts";
export { buildCodeFamily, type CodeFamily } from "./lib/reconciliation/code_family.ts";
export {
  efficiencyLimit,
  minimumLeakageBits,
  normalApproximationLeakageBits,
} from "./lib/reconciliation/finite_length_limit.ts";
export { loadOrBuildCodeFamily } from "./lib/io/code_cache.ts";
export { readCsrTextFile } from "./lib/io/csr_text.ts";
export { createLayeredDecoder } from "./lib/kernels/ldpc/layered_decoder.ts";
export { createFloodingDecoder } from "./lib/kernels/ldpc/flooding_decoder.ts";

// Campaign store (docs/campaign.md §7)
export { openCampaignStore } from "./lib/io/store/reader.ts";
export {
  type CampaignData,
  type GroupData,
  INPUT_COLUMNS,
  SCHEMA_VERSION,
  STORE_GROUPS,
  type StoredMatrix,
  type StoreGroup,
  type StoreRow,
} from "./lib/io/store/schema.ts";
export { CampaignStore } from "./lib/io/store/writer.ts";
export { createPhase1Design } from "./lib/campaign/design.ts";
export { storedBounds, trainingSet } from "./lib/campaign/surrogate_data.ts";

// GP surrogate (docs/campaign.md §9)
export {
  fitGpSync,
  type GpFitOptions,
  type GpFitReport,
  type LengthScalePrior,
} from "./lib/surrogate/fit_gp.ts";
export { GpModel, type GpPrediction, type PredictOptions } from "./lib/surrogate/gp_model.ts";
export { NotFittedError, type Strategy, TwinLandscape } from "./lib/surrogate/twin_landscape.ts";
export { fromUnitBox, toUnitBox } from "./lib/surrogate/unit_box.ts";
export {
  DimensionMismatchError,
  InsufficientDataError,
  NonFiniteDataError,
  NotPositiveDefiniteError,
} from "./lib/surrogate/surrogate_errors.ts";
export {
  PredictPoolError,
  type PredictPoolOptions,
} from "./lib/campaign/workers/gp_predict_pool.ts";
export { KrigingBeliever } from "./lib/surrogate/kriging_believer.ts";
export { saveSurrogate } from "./lib/io/surrogate_store.ts";
export { type BlasLoadOptions, loadBlas, selectLinalg } from "./lib/io/blas_loader.ts";
export { chooseDefaultLinalg, type LinalgChoice } from "./lib/io/default_linalg.ts";
export { tsLinalg } from "./lib/kernels/linalg/ts_linalg.ts";

// Active learning (docs/campaign.md §10)
export {
  expectedImprovement,
  lowerConfidenceBound,
  scoreAcquisition,
  straddle,
} from "./lib/active/acquisition.ts";
export { selectBatch } from "./lib/active/batch_selection.ts";
export { selectBatchTimse } from "./lib/active/targeted_variance_reduction.ts";
export { f1Score, isBoundaryStable } from "./lib/active/level_set_metrics.ts";
export { runLevelSetSearch } from "./lib/active/level_set_search.ts";
export { branin, negHartmann6 } from "./lib/active/test_functions.ts";

// Reports (docs/campaign.md §12)
export { runPostprocess } from "./lib/report/postprocess.ts";
export { loadCampaignData } from "./lib/report/load_campaign_data.ts";
export type { SurrogatePredictor } from "./lib/report/surrogate_predictor.ts";
export {
  type CliffMap,
  type CliffMapPoint,
  type CliffMapResult,
  type CliffMapValue,
  OutsideCampaignBoxError,
} from "./lib/report/cliff_map_api.ts";
export {
  axisTitle,
  CONTINUOUS_PARAMETERS,
  NUM_PAIRS_CONVENTION,
  PARAM_INDEX,
  type ParameterSpec,
  STORED_COLUMNS,
  storedBox,
  toPhysical,
  toStored,
} from "./lib/science/parameter_space.ts";

// The fastest backend by default. fitGp, fitGpParallel, loadSurrogate and GpPredictPool as
// exported here use FFI BLAS/LAPACK when the script has FFI permission for an installed library
// (e.g. `--allow-ffi`), else the TypeScript kernels, and say which once on stderr
// ("linear algebra: …"). An explicit backend (`linalg` option or argument) is used as given and
// announces nothing; the fitted model records its backend in `model.la.name`. The pure
// lib/surrogate functions keep the TypeScript default.
import { fitGp as fitGpWith, type GpFitOptions as FitOptions } from "./lib/surrogate/fit_gp.ts";
import type { GpData } from "./lib/surrogate/gp_data.ts";
import type { GpModel as Model } from "./lib/surrogate/gp_model.ts";
import type { Linalg } from "./lib/kernels/linalg/linalg.ts";
import {
  fitGpParallel as fitGpParallelWith,
  type ParallelFitOptions,
} from "./lib/campaign/workers/gp_parallel_fit.ts";
import {
  GpPredictPool as PredictPool,
  type PredictPoolOptions as PoolOptions,
} from "./lib/campaign/workers/gp_predict_pool.ts";
import {
  type LoadedSurrogate,
  loadSurrogate as loadSurrogateWith,
} from "./lib/io/surrogate_store.ts";
import { DefaultLinalg, grantedBlasFiles } from "./lib/io/default_linalg.ts";
import {
  type CliffMap as Map,
  openCliffMap as openCliffMapWith,
} from "./lib/report/cliff_map_api.ts";

/** The script's default backend: chosen on first use, announced once on stderr. */
const defaultLinalg = new DefaultLinalg((line) => console.error(line));

/**
 * Fit a GP ({@link fitGpWith} of lib/surrogate) on the fastest backend available: FFI BLAS when
 * permitted and found, else the TypeScript kernels; `options.linalg` overrides the choice.
 * @example
 * ```ts ignore
 * const gp = await fitGp({ x, y, d: 9 });
 * console.log(gp.la.name); // "ffi: OpenBLAS …" or "ts"
 * ```
 */
export async function fitGp(data: GpData, options: FitOptions = {}): Promise<Model> {
  const linalg = options.linalg ?? (await defaultLinalg.get()).linalg;
  return fitGpWith(data, { ...options, linalg });
}

/** {@link fitGp} with the restarts spread over Web Workers (lib/campaign/gp_parallel_fit.ts). */
export async function fitGpParallel(
  data: GpData,
  options: ParallelFitOptions = {},
): Promise<{ model: Model; workerBackends: string[] }> {
  const linalg = options.linalg ?? (await defaultLinalg.get()).linalg;
  return fitGpParallelWith(data, { ...options, linalg });
}

/** Load a saved twin surrogate on the given backend, else on the default one. */
export async function loadSurrogate(dir: string, linalg?: Linalg): Promise<LoadedSurrogate> {
  return loadSurrogateWith(dir, linalg ?? (await defaultLinalg.get()).linalg);
}

/**
 * The cliff map of a campaign directory: `predict(points)` takes points in physical units with
 * the field names of `simulate --point` and returns per point { mean, sd, pSecure } of the key
 * margin (bits per detected pair) from the campaign's final surrogate, with the key model and the
 * num_pairs convention (lib/report/cliff_map_api.ts). The exact σ needs the Cholesky factor,
 * refactorised here on the fastest backend.
 * @example
 * ```ts ignore
 * const map = await openCliffMap("out/dev1");
 * const { values, keyModel, numPairs } = map.predict([{ storage_noise_r: 0.75,
 *   storage_rate_nu: 0.45, wait_time_ns: 3e7, channel_fidelity: 0.97, detection_efficiency: 0.3,
 *   detector_error: 0.015, dark_count_prob: 3e-7, num_pairs: 1e5, strategy: "blind" }]);
 * ```
 */
export async function openCliffMap(campaignDir: string, linalg?: Linalg): Promise<Map> {
  return openCliffMapWith(campaignDir, {
    linalg: linalg ?? (await defaultLinalg.get()).linalg,
  });
}

/** A prediction pool (lib/campaign/gp_predict_pool.ts). */
export type GpPredictPool = PredictPool;

/**
 * {@link PredictPool} whose workers load only BLAS libraries the script may load (never
 * prompting), and fall back to the TypeScript kernels otherwise; `pool.backends` says which.
 */
export const GpPredictPool = {
  /** Start `options.workers` workers holding `model` (see {@link PredictPool.create}). */
  create(model: Model, options: PoolOptions = {}): Promise<PredictPool> {
    return PredictPool.create(model, {
      ...options,
      blasCandidates: options.blasCandidates ?? grantedBlasFiles({ useEnv: false }),
    });
  },
};
