/**
 * The campaign configuration schema (docs/campaign.md §11.3): every key Caligo shipped, with its name
 * and default, plus the project's keys. Objects are strict (unknown keys are errors); numbers and
 * booleans also accept fully parsable strings so `${VAR}` expansions such as
 * `num_workers: ${SLURM_CPUS_ON_NODE:-16}` work.
 * @module
 */
import { z } from "zod";
import { DECODER_NAMES } from "../kernels/ldpc/decoder_registry.ts";

const NUMERIC = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;

/** A finite number (optionally constrained); complete decimal strings are accepted. */
function num(constrain: (s: z.ZodNumber) => z.ZodNumber = (s) => s) {
  return z.preprocess(coerceNumber, constrain(z.number()));
}

/** An integer; a string is accepted when it is a complete decimal number. */
function int(constrain: (s: z.ZodNumber) => z.ZodNumber = (s) => s) {
  return z.preprocess(coerceNumber, constrain(z.number().int()));
}

function coerceNumber(v: unknown): unknown {
  return typeof v === "string" && NUMERIC.test(v.trim()) ? Number(v.trim()) : v;
}

/** A boolean; the strings "true"/"false" (any case) are accepted. */
function bool() {
  return z.preprocess((v) => {
    if (typeof v !== "string") return v;
    const s = v.trim().toLowerCase();
    return s === "true" ? true : s === "false" ? false : v;
  }, z.boolean());
}

/** A strict object whose missing keys take their defaults (and whose own default is `{}`). */
function section<T extends z.ZodRawShape>(shape: T) {
  return z.strictObject(shape).prefault({} as never);
}

const linearBound = (min: number, max: number) =>
  section({ min: num().default(min), max: num().default(max) });
const logBound = (minLog: number, maxLog: number) =>
  section({ min_log: num().default(minLog), max_log: num().default(maxLog) });

/** The eight continuous parameter ranges of the design and the candidate box (docs/campaign.md §2.1). */
export const boundsSchema = section({
  storage_noise_r: linearBound(0, 1),
  /** ν: stored fraction of the N pairs of `num_pairs` (detected, or sent under erven2014). */
  storage_rate_nu: linearBound(0.001, 1),
  wait_time_ns: logBound(5, 9),
  channel_fidelity: linearBound(0.501, 1),
  detection_efficiency: logBound(-3, 0),
  detector_error: linearBound(0, 0.1),
  dark_count_prob: logBound(-8, -3),
  /**
   * log₁₀ N: N counts pairs detected (key_model project, caligo) or pairs sent (erven2014,
   * docs/science.md §8.6); key_margin is l/N in the same convention.
   */
  num_pairs: logBound(4, 6),
});

const outputSchema = section({
  base_dir: z.string().default("exploration_results"),
  campaign_name: z.string().regex(/^[A-Za-z0-9._-]+$/, "letters, digits, '.', '_', '-' only")
    .default("campaign"),
  timestamped: bool().default(true),
});

const executionSchema = section({
  num_workers: int((s) => s.min(1).max(4096)).default(16),
  timeout_seconds: num((s) => s.positive()).default(300),
  random_seed: int((s) => s.min(0).max(Number.MAX_SAFE_INTEGER)).default(42),
  log_level: z.enum(["DEBUG", "INFO", "WARNING", "ERROR"]).default("INFO"),
  max_retries: int((s) => s.min(0).max(10)).default(1),
  memory_budget_mb: num((s) => s.positive()).default(1536),
  worker_pool: section({
    max_tasks_per_child: int((s) => s.min(1)).default(50),
    worker_init_timeout: num((s) => s.positive()).default(60),
    start_method: z.string().optional(),
  }),
  blas: section({
    library: z.enum(["auto", "blis", "openblas", "none"]).default("auto"),
    threads_per_worker: int((s) => s.min(1)).default(1),
  }),
});

/**
 * Allowed LDPC frame lengths: 4096 and 16384 built by ACE-PEG, 65536, 131072 and 262144 by local
 * PEG (1–3 min, 4–7 min and ≈ 37 min per code on one core; `deno task codes --jobs J` builds a
 * family's codes in parallel; cached in codes/). Longer codes reconcile closer to capacity: at
 * f = 1.15 the frame-error rate is ≤ 1e-2 at QBER 4–8 % from 65536 and at 2 % with 262144.
 */
const CODE_LENGTHS = [4096, 16384, 65536, 131072, 262144];

const reconciliationSchema = section({
  code_length: z.union(CODE_LENGTHS.map((n) => z.literal(n)), {
    error: `must be ${CODE_LENGTHS.join(", ")}`,
  }).or(int().refine((n) => CODE_LENGTHS.includes(n), `must be ${CODE_LENGTHS.join(", ")}`))
    .default(16384),
  mother_rates: z.array(num((s) => s.gt(0).lt(1))).min(1)
    .default([0.5, 0.55, 0.6, 0.65, 0.7, 0.75, 0.8, 0.85, 0.9]),
  // Degree-distribution table: caligo (rates 0.50…0.90) or de-bsc (0.35…0.90, docs/science.md §9.1).
  code_family: z.enum(["caligo", "de-bsc"]).default("caligo"),
  modulation_fraction: num((s) => s.min(0).lt(0.5)).default(0.1),
  hash_bits: int((s) => s.min(0).max(256)).default(64),
  qber_for_rate: z.enum(["qhat_plus_sigma", "qhat", "qadj"]).default("qhat_plus_sigma"),
  f_select: num((s) => s.min(1).max(3)).default(1.16),
  blind_prior: z.enum(["model", "fixed", "caligo"]).default("model"),
  blind_prior_value: num((s) => s.gt(0).lt(0.5)).default(0.05),
  // Blind ladder rounds t_max (docs/science.md §9.7): 6 reveals in steps of ⌈d/5⌉.
  blind_max_rounds: int((s) => s.min(1).max(20)).default(6),
  // Every registered decoder (lib/kernels/ldpc/decoder_registry.ts, docs/science.md §9.9).
  decoder: z.enum(DECODER_NAMES).default("spa-simd"),
  nms_alpha: num((s) => s.gt(0).max(1)).default(0.8),
  max_iterations: int((s) => s.min(1).max(10000)).default(50),
  // Framing of the last bits (docs/science.md §9.4): shorten | drop | spread (equal blocks).
  tail: z.enum(["shorten", "drop", "spread"]).default("spread"),
  failed_blocks: z.enum(["discard", "abort"]).default("discard"),
  codes_dir: z.string().default("codes"),
  /** Frames per calibration grid point (FER ≤ 1e-2 at 95 % confidence either way). */
  calibration_frames: int((s) => s.min(300)).default(1000),
});

const simulationSchema = section({
  simulator: z.enum(["real", "fake", "expected"]).default("real"),
  /** σ of the Gaussian noise the `expected` simulator adds to its margin (cliff-bench). */
  expected_noise: num((s) => s.min(0)).default(0),
  link_model: z.enum(["heralded-double-click", "depolarising", "analytic"])
    .default("heralded-double-click"),
  bell_correction_failure: num((s) => s.min(0).max(1)).default(0),
  detector_error: z.enum(["physical", "caligo"]).default("physical"),
  /** Key model (docs/science.md §8); `erven2014` makes `num_pairs` count pairs sent (§8.6). */
  key_model: z.enum(["project", "caligo", "erven2014"]).default("project"),
  /** μ of the PDC source, pairs per time slot (Erven et al. 2014 Table I); erven2014 only. */
  source_mean_pairs: num((s) => s.gt(0).max(1)).default(3.145e-5),
  leakage: z.enum(["elkouss", "conservative", "caligo"]).default("elkouss"),
  epsilon_sec: num((s) => s.gt(0).lt(1)).default(1e-10),
  qber_hard_limit: num((s) => s.gt(0).max(0.5)).default(0.22),
  qber_warn_limit: num((s) => s.gt(0).max(0.5)).default(0.11),
  test_fraction: num((s) => s.gt(0).lt(1)).default(0.1),
  blind_test_fraction: num((s) => s.min(0).lt(1)).default(0),
  storage_decoherence: section({
    enabled: bool().default(false),
    t1_ns: num((s) => s.positive()).default(1e9),
    t2_ns: num((s) => s.positive()).default(1e9),
  }),
  require_capacity_condition: bool().default(false),
  /** Memory guard on the rounds simulated: N, or the detected rounds of N sent (erven2014). */
  max_pairs: num((s) => s.min(1e4).max(1e9)).default(1e7),
  privacy_amplification: z.enum(["full", "lengths_only"]).default("full"),
  reconciliation: reconciliationSchema,
});

const phase1Schema = section({
  num_samples: int((s) => s.min(1)).default(2000),
  batch_size: int((s) => s.min(1)).default(50),
  checkpoint_interval: int((s) => s.min(1)).default(5),
  strategy_ratio: num((s) => s.min(0).max(1)).default(0.5),
  use_streaming: bool().optional(),
  design: section({
    method: z.enum(["sobol", "lhs_batch"]).default("sobol"),
    strategy: z.enum(["paired", "alternate"]).default("paired"),
    fidelity_marginal: z.enum(["beta21", "uniform"]).default("beta21"),
    max_design_points: int((s) => s.min(0)).default(0),
  }),
  prefilter: section({
    enabled: bool().default(true),
    rule: z.enum(["project", "caligo"]).default("project"),
  }),
});

const gpSchema = section({
  kernel_type: z.literal("matern52", { error: 'must be "matern52" (the only kernel)' })
    .default("matern52"),
  n_restarts_optimizer: int((s) => s.min(0).max(1000)).default(10),
  normalize_y: bool().default(true),
  /** One length scale for all inputs (Caligo's isotropic kernel), default false (ARD). */
  isotropic: bool().default(false),
  exact_max_n: int((s) => s.min(2)).default(10000),
  sod_size: int((s) => s.min(2)).default(4000),
  iterative_mll: bool().default(false),
  lanczos_iterations: int((s) => s.min(1)).default(100),
  use_love: bool().default(true),
  chunk_size: int((s) => s.min(1)).default(5000),
  memory_budget_mb: num((s) => s.positive()).default(8192),
  predictive_noise: bool().default(false),
  refit_restarts: int((s) => s.min(0)).default(2),
});

const phase2Schema = section({
  target: z.enum(["cliff_margin", "key_margin", "net_efficiency"]).default("cliff_margin"),
  train_on_skipped: bool().default(false),
  /** Pre-filtered training rows per strategy, as a multiple of the simulated rows. */
  skipped_ratio: num((s) => s.min(0)).default(1),
  validation_split: num((s) => s.min(0).lt(1)).default(0.2),
  cross_validation: section({
    enabled: bool().default(false),
    n_folds: int((s) => s.min(2)).default(5),
  }),
  gp: gpSchema,
  /** Caligo's CPU-surrogate block: aliases of `phase2.gp` keys (the project key wins). */
  cpu_surrogate: section({
    enabled: bool().optional(),
    max_cholesky_size: int((s) => s.min(2)).optional(),
    lanczos_iterations: int((s) => s.min(1)).optional(),
    use_love: bool().optional(),
    chunk_size: int((s) => s.min(1)).optional(),
    num_threads: int((s) => s.min(1)).optional(),
    training_iterations: int((s) => s.min(1)).optional(),
    learning_rate: num((s) => s.positive()).optional(),
  }),
});

const phase3Schema = section({
  num_iterations: int((s) => s.min(0)).default(100),
  batch_size: int((s) => s.min(1, "must be ≥ 1 (q < 1 selects nothing)")).default(16),
  retrain_interval: int((s) => s.min(1)).default(5),
  checkpoint_interval: int((s) => s.min(1)).default(5),
  acquisition: section({
    type: z.enum(["straddle", "ei", "lcb", "ucb"]).default("straddle"),
    kappa: num((s) => s.min(0)).default(1.96),
    target_threshold: num().default(0),
    n_candidates: int((s) => s.min(0)).default(0),
    use_sobol: bool().default(true),
    xi: num((s) => s.min(0)).default(0.01),
    prefilter_candidates: bool().default(true),
    refine_top: int((s) => s.min(0)).default(0),
    refine_samples: int((s) => s.min(0)).default(32),
    refine_radius: num((s) => s.gt(0).max(0.5)).default(0.05),
  }),
  batch: section({
    method: z.enum(["kriging_believer", "local_penalization", "caligo_diverse", "timse"])
      .default("kriging_believer"),
    diversity_weight: num((s) => s.min(0)).default(0.1),
  }),
  stopping: section({
    enabled: bool().default(true),
    f1_delta: num((s) => s.positive()).default(0.005),
    window: int((s) => s.min(1)).default(3),
    min_iterations: int((s) => s.min(0)).default(5),
    reference_size: int((s) => s.min(1)).default(20000),
  }),
  holdout: section({ size: int((s) => s.min(0)).default(500) }),
  guardrail: section({
    enabled: bool().default(false),
    threshold: num((s) => s.gt(0).max(1)).default(0.95),
  }),
});

/** Figure names of the project (docs/campaign.md §12.3). */
export const FIGURE_NAMES = [
  "death_valley",
  "strategy_duel",
  "security_volume",
  "sensitivity",
  "exploration_progress",
  "surrogate_trustworthiness",
  "cliff_cross_section",
  "acquisition_dynamics",
  "hyperparameters",
] as const;

/** Table names of the project (docs/campaign.md §12.2). */
export const TABLE_NAMES = [
  "summary_table",
  "death_valley_table",
  "feasibility_table",
  "strategy_table",
  "paired_comparison_table",
  "reconciliation_table",
] as const;

const visualizationSchema = section({
  enabled: bool().default(true),
  format: z.union([z.enum(["svg", "png"]), z.array(z.enum(["svg", "png"]))])
    .default(["svg", "png"]),
  dpi: int((s) => s.min(36).max(1200)).default(150),
  colormaps: section({
    efficiency: z.string().default("viridis"),
    divergence: z.string().default("RdBu"),
    sensitivity: z.string().default("plasma"),
  }),
  figures: z.array(z.string()).default([]),
  style: z.string().optional(),
});

const tablesSchema = section({
  enabled: bool().default(true),
  formats: z.array(z.enum(["csv", "markdown", "latex"])).default(["csv", "markdown"]),
  qber_levels: z.array(num((s) => s.min(0).max(0.5))).default([0.01, 0.03, 0.05, 0.08, 0.10]),
  storage_noise_levels: z.array(num((s) => s.min(0).max(1))).default([0.90, 0.85, 0.80, 0.75]),
  dark_count_levels: z.array(num((s) => s.gt(0).max(1))).default([1e-6, 1e-5, 1e-4]),
  qber_source: z.enum(["model", "erven"]).default("model"),
  low_latency_n: int((s) => s.min(1)).default(5000),
  tables: z.array(z.string()).default([]),
});

/** The whole campaign YAML. */
export const campaignConfigSchema = z.strictObject({
  output: outputSchema,
  execution: executionSchema,
  simulation: simulationSchema,
  phase1: phase1Schema,
  phase2: phase2Schema,
  phase3: phase3Schema,
  bounds: boundsSchema,
  visualization: visualizationSchema,
  tables: tablesSchema,
  report: section({ enabled: bool().default(true) }),
  store: section({ swmr: bool().default(false) }),
});

/** A validated campaign configuration: the YAML's keys (snake_case) with every default filled. */
export type CampaignConfig = z.output<typeof campaignConfigSchema>;
/** The parameter bounds section. */
export type BoundsConfig = CampaignConfig["bounds"];
