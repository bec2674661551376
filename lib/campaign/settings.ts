/**
 * The campaign's settings, resolved once from the validated configuration (docs/campaign.md §11.4):
 * one typed, frozen object per phase, for the simulation and for the design. Only the top of a
 * run (lib/campaign/run/, the tasks) holds the raw {@link CampaignConfig}; every module below it
 * receives the section it needs. The YAML path and the task flags build the same settings: the
 * flags of `simulate` override single fields of {@link simulationOptionsOf}'s result, whose
 * defaults are the schema's.
 * @module
 */
import type { CampaignConfig } from "../io/config.ts";
import type { BoundsConfig } from "../io/config_schema.ts";
import type { LogLevel } from "../io/log.ts";
import type { SimulationOptions } from "../protocol/simulation_options.ts";
import type { DesignOptions } from "./design.ts";
import type { TrainingSelection } from "./surrogate_data.ts";

/** Worker pool and resources (`execution`, docs/campaign.md §11.3). */
export interface ExecutionSettings {
  readonly numWorkers: number;
  readonly taskTimeoutSeconds: number;
  readonly maxRetries: number;
  /** Per-worker memory budget, MiB (`execution.memory_budget_mb`). */
  readonly memoryBudgetMb: number;
  readonly logLevel: LogLevel;
  readonly maxTasksPerChild: number;
  readonly workerInitTimeoutSeconds: number;
  readonly blasLibrary: "auto" | "blis" | "openblas" | "none";
  readonly blasThreadsPerWorker: number;
}

/** The simulator and its options (`simulation`). */
export interface SimulationSettings {
  readonly simulator: "real" | "fake" | "expected";
  /** σ of the noise the `expected` simulator adds to its margin (cliff-bench). */
  readonly expectedNoise: number;
  /** Directory of the LDPC code and calibration cache. */
  readonly codesDir: string;
  readonly options: Readonly<SimulationOptions>;
}

/** Phase 1 (`phase1`, docs/campaign.md §5). */
export interface Phase1Settings {
  readonly numSamples: number;
  /** Rows per store commit: `phase1.batch_size` (which is also the design's LHS batch). */
  readonly commitBatchSize: number;
  /** Commits between checkpoints. */
  readonly checkpointInterval: number;
  /** Design points walked at most (0: 20 × numSamples). */
  readonly maxDesignPoints: number;
  /** The row pre-filter rule, or null when `phase1.prefilter.enabled` is false. */
  readonly prefilterRule: "project" | "caligo" | null;
}

/** The GP fit of Phase 2 and of the Phase-3 refits (`phase2.gp`, docs/campaign.md §9). */
export interface GpSettings {
  readonly restarts: number;
  readonly refitRestarts: number;
  readonly exactMaxN: number;
  readonly sodSize: number;
  readonly useLove: boolean;
  readonly lanczosIterations: number;
  /** Memory for all restarts together, MiB. */
  readonly memoryBudgetMb: number;
  readonly isotropic: boolean;
  /** The acquisition sees the predictive σ (latent + σ_n²) instead of the latent σ. */
  readonly predictiveNoise: boolean;
}

/** Phase 2 (`phase2`), also what refits and holdout scores read. */
export interface Phase2Settings {
  readonly seed: number;
  readonly bounds: Readonly<BoundsConfig>;
  readonly training: Readonly<TrainingSelection>;
  /** The cliff level t of the target (`phase3.acquisition.target_threshold`). */
  readonly threshold: number;
  readonly validationSplit: number;
  /** Folds of the cross-validation, 0 when it is disabled. */
  readonly crossValidationFolds: number;
  readonly gp: GpSettings;
}

/** The acquisition of Phase 3 (`phase3.acquisition`, docs/campaign.md §10.2). */
export interface AcquisitionSettings {
  /** `ucb` is resolved to its equivalent `lcb`. */
  readonly type: "straddle" | "ei" | "lcb";
  readonly kappa: number;
  readonly threshold: number;
  /** Candidates per iteration (0: max(1000, 100 q)). */
  readonly candidates: number;
  readonly useSobol: boolean;
  readonly xi: number;
  readonly prefilterCandidates: boolean;
  /** Candidates refined locally (0: 2 q). */
  readonly refineTop: number;
  readonly refineSamples: number;
  readonly refineRadius: number;
}

/** Phase 3 (`phase3`, docs/campaign.md §10). */
export interface Phase3Settings {
  readonly seed: number;
  readonly bounds: Readonly<BoundsConfig>;
  readonly numIterations: number;
  /** q, points per iteration. */
  readonly batchSize: number;
  readonly retrainInterval: number;
  readonly checkpointInterval: number;
  readonly acquisition: AcquisitionSettings;
  readonly batchMethod: "kriging_believer" | "local_penalization" | "caligo_diverse" | "timse";
  readonly diversityWeight: number;
  /** The boundary-stability stop, or null when `phase3.stopping.enabled` is false. */
  readonly stopping: {
    readonly f1Delta: number;
    readonly window: number;
    readonly minIterations: number;
  } | null;
  /** Reference points of the stability F1 (`phase3.stopping.reference_size`). */
  readonly referenceSize: number;
  readonly holdoutSize: number;
  /** Workers of the candidate scoring pools (`execution.num_workers`, at most the cores). */
  readonly scoringWorkers: number;
}

/** Post-processing (`report`, `tables`, `visualization`, docs/campaign.md §12). */
export interface PostprocessSettings {
  readonly report: Readonly<CampaignConfig["report"]>;
  readonly tables: Readonly<CampaignConfig["tables"]>;
  /** Without `colormaps` and `style`, accepted for Caligo's configs and ignored (§11.4). */
  readonly visualization: Readonly<Omit<CampaignConfig["visualization"], "colormaps" | "style">>;
  /** Whether any of the three is enabled. */
  readonly enabled: boolean;
}

/** Everything a campaign run reads from its configuration, resolved and frozen. */
export interface CampaignSettings {
  /** The campaign seed (`execution.random_seed`). */
  readonly seed: number;
  readonly bounds: Readonly<BoundsConfig>;
  readonly output: Readonly<CampaignConfig["output"]>;
  readonly execution: ExecutionSettings;
  readonly simulation: SimulationSettings;
  readonly design: Readonly<DesignOptions>;
  readonly phase1: Phase1Settings;
  readonly phase2: Phase2Settings;
  readonly phase3: Phase3Settings;
  readonly postprocess: PostprocessSettings;
}

/**
 * Resolve a validated configuration (lib/io/config.ts) into the run's settings. Pure; the result
 * and every object inside it are frozen.
 * @example
 * ```ts
 * import { parseConfig } from "../io/config.ts";
 * import { resolveCampaign } from "./settings.ts";
 * const s = resolveCampaign(parseConfig("phase1:\n  batch_size: 25\n", {}).config);
 * console.assert(s.phase1.commitBatchSize === 25 && s.design.batchSize === 25);
 * console.assert(Object.isFrozen(s.phase3.acquisition));
 * ```
 */
export function resolveCampaign(config: CampaignConfig): CampaignSettings {
  const c = structuredClone(config);
  return deepFreeze({
    seed: c.execution.random_seed,
    bounds: c.bounds,
    output: c.output,
    execution: executionSettingsOf(c.execution),
    simulation: simulationSettingsOf(c.simulation),
    design: designOptionsOf(c),
    phase1: phase1SettingsOf(c.phase1),
    phase2: phase2SettingsOf(c),
    phase3: phase3SettingsOf(c),
    postprocess: postprocessSettingsOf(c),
  });
}

function postprocessSettingsOf(c: CampaignConfig): PostprocessSettings {
  const { colormaps: _colormaps, style: _style, ...visualization } = c.visualization;
  return {
    report: c.report,
    tables: c.tables,
    visualization,
    enabled: c.report.enabled || c.tables.enabled || c.visualization.enabled,
  };
}

function executionSettingsOf(e: CampaignConfig["execution"]): ExecutionSettings {
  return {
    numWorkers: e.num_workers,
    taskTimeoutSeconds: e.timeout_seconds,
    maxRetries: e.max_retries,
    memoryBudgetMb: e.memory_budget_mb,
    logLevel: e.log_level,
    maxTasksPerChild: e.worker_pool.max_tasks_per_child,
    workerInitTimeoutSeconds: e.worker_pool.worker_init_timeout,
    blasLibrary: e.blas.library,
    blasThreadsPerWorker: e.blas.threads_per_worker,
  };
}

function simulationSettingsOf(s: CampaignConfig["simulation"]): SimulationSettings {
  return {
    simulator: s.simulator,
    expectedNoise: s.expected_noise,
    codesDir: s.reconciliation.codes_dir,
    options: simulationOptionsOf(s),
  };
}

/** The Phase-1 design stream of a configuration (the holdout uses it with its own stream). */
function designOptionsOf(c: CampaignConfig): DesignOptions {
  return {
    campaignSeed: c.execution.random_seed,
    bounds: c.bounds,
    method: c.phase1.design.method,
    strategy: c.phase1.design.strategy,
    fidelityMarginal: c.phase1.design.fidelity_marginal,
    strategyRatio: c.phase1.strategy_ratio,
    batchSize: c.phase1.batch_size,
  };
}

function phase1SettingsOf(p: CampaignConfig["phase1"]): Phase1Settings {
  return {
    numSamples: p.num_samples,
    commitBatchSize: p.batch_size,
    checkpointInterval: p.checkpoint_interval,
    maxDesignPoints: p.design.max_design_points,
    prefilterRule: p.prefilter.enabled ? p.prefilter.rule : null,
  };
}

function phase2SettingsOf(c: CampaignConfig): Phase2Settings {
  const p = c.phase2, gp = p.gp;
  return {
    seed: c.execution.random_seed,
    bounds: c.bounds,
    training: {
      target: p.target,
      trainOnSkipped: p.train_on_skipped,
      skippedRatio: p.skipped_ratio,
    },
    threshold: c.phase3.acquisition.target_threshold,
    validationSplit: p.validation_split,
    crossValidationFolds: p.cross_validation.enabled ? p.cross_validation.n_folds : 0,
    gp: {
      restarts: gp.n_restarts_optimizer,
      refitRestarts: gp.refit_restarts,
      exactMaxN: gp.exact_max_n,
      sodSize: gp.sod_size,
      useLove: gp.use_love,
      lanczosIterations: gp.lanczos_iterations,
      memoryBudgetMb: gp.memory_budget_mb,
      isotropic: gp.isotropic,
      predictiveNoise: gp.predictive_noise,
    },
  };
}

function phase3SettingsOf(c: CampaignConfig): Phase3Settings {
  const p = c.phase3, a = p.acquisition, s = p.stopping;
  return {
    seed: c.execution.random_seed,
    bounds: c.bounds,
    numIterations: p.num_iterations,
    batchSize: p.batch_size,
    retrainInterval: p.retrain_interval,
    checkpointInterval: p.checkpoint_interval,
    acquisition: {
      type: a.type === "ucb" ? "lcb" : a.type,
      kappa: a.kappa,
      threshold: a.target_threshold,
      candidates: a.n_candidates,
      useSobol: a.use_sobol,
      xi: a.xi,
      prefilterCandidates: a.prefilter_candidates,
      refineTop: a.refine_top,
      refineSamples: a.refine_samples,
      refineRadius: a.refine_radius,
    },
    batchMethod: p.batch.method,
    diversityWeight: p.batch.diversity_weight,
    stopping: s.enabled
      ? { f1Delta: s.f1_delta, window: s.window, minIterations: s.min_iterations }
      : null,
    referenceSize: s.reference_size,
    holdoutSize: p.holdout.size,
    scoringWorkers: c.execution.num_workers,
  };
}

/**
 * The simulator's options from the `simulation` section (docs/campaign.md §11.3); the leakage
 * accounting of reconciliation follows `simulation.leakage`. The task flags of `simulate`
 * override single fields of this result.
 * @example
 * ```ts
 * import { parseConfig } from "../io/config.ts";
 * import { defaultSimulationOptions } from "../protocol/simulation_options.ts";
 * import { simulationOptionsOf } from "./settings.ts";
 * const fromYaml = simulationOptionsOf(parseConfig("", {}).config.simulation);
 * console.assert(fromYaml.storageDecoherence.t1Ns === defaultSimulationOptions().storageDecoherence.t1Ns);
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

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === "object" && !Object.isFrozen(value)) {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}
