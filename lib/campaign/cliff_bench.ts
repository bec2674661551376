/**
 * The ground-truth cliff benchmark (docs/campaign.md §10.8): the campaign's own Phase 1 → 2 → 3 code
 * run against the `expected` simulator, whose answer is the exact expected margin of the full
 * model (lib/science/expected_margin.ts), then scored on scrambled-Sobol test points that never
 * enter training. The score is taken on what the report's maps show: the pre-filter's verdict
 * where it rules a point out, the sign of the posterior mean elsewhere.
 * @module
 */
import { stringify } from "yaml";
import { matthewsCorrelation } from "../active/level_set_metrics.ts";
import { f1Score } from "../active/level_set_metrics.ts";
import { campaignRng } from "../kernels/rng.ts";
import { sobolPoints } from "../kernels/sobol.ts";
import type { Linalg } from "../kernels/linalg/linalg.ts";
import { type CampaignConfig, parseConfig } from "../io/config.ts";
import type { Logger } from "../io/log.ts";
import { loadSurrogate } from "../io/surrogate_store.ts";
import {
  calibratedEfficiency,
  type EfficiencyCurve,
  exactMargin,
  expectedModelOf,
} from "../protocol/expected_simulate_sample.ts";
import { cachedCalibration } from "./workers/calibration_builds.ts";
import { decodeRow } from "../protocol/parameter_point.ts";
import { STRATEGIES, type Strategy, type TwinLandscape } from "../surrogate/twin_landscape.ts";
import { campaignPrefilter } from "./prefilter_adapter.ts";
import { type CampaignSettings, resolveCampaign } from "./settings.ts";
import { GP_INPUT_DIMENSION, storedBounds } from "./surrogate_data.ts";
import { PARAM_INDEX, STORED_WIDTH as W } from "../science/parameter_space.ts";

/** How a method changes the benchmark's campaign config. */
type MethodSetup = (config: CampaignConfig, phase3Budget: number) => void;

/** Phase-3 settings of Caligo's method: straddle at 0 on net_efficiency, isotropic, random. */
const caligoMethod: MethodSetup = (c) => {
  c.phase2.target = "net_efficiency";
  c.phase2.train_on_skipped = false;
  c.phase2.gp.isotropic = true;
  c.phase3.acquisition.type = "straddle";
  c.phase3.acquisition.target_threshold = 0;
  c.phase3.acquisition.use_sobol = false;
  c.phase3.batch.method = "caligo_diverse";
};

/** The benchmark's methods by config name. */
export const CLIFF_BENCH_METHODS: Readonly<Record<string, MethodSetup>> = {
  /** What `explore` runs, with the config's Phase-3 settings. */
  default: () => {},
  /** Phase 1 only: the whole budget as a space-filling design. */
  sobol: () => {},
  caligo: caligoMethod,
  /** The default with pre-filtered rows and their analytic targets in training. */
  with_skipped: (c) => {
    c.phase2.train_on_skipped = true;
  },
  /** tIMSE batches (targeted variance reduction) instead of Kriging-believer straddle. */
  timse: (c) => {
    c.phase3.batch.method = "timse";
  },
};

/** Options of {@link runCliffBench}. */
export interface CliffBenchOptions {
  /** The campaign config whose bounds and settings the benchmark uses. */
  configText: string;
  configSource: string;
  env: Record<string, string | undefined>;
  /** Simulator samples per run (Phase 1 + Phase 3; pre-filter evaluations not counted). */
  budget: number;
  seeds: number[];
  testPoints: number;
  /** σ of the Gaussian noise on the simulated margin. */
  noise: number;
  methods: string[];
  /** Share of the budget spent in Phase 1 (0.5). */
  phase1Fraction: number;
  /** GP restarts (default: the config's `phase2.gp.n_restarts_optimizer`). */
  restarts?: number;
  /** Phase-3 batch size q (default: the config's, at most a tenth of the Phase-3 budget). */
  batch?: number;
  /** Simulation workers per run (default: the config's, at most the cores). */
  workers?: number;
  /** Directory for the runs' campaign directories and configs. */
  workDir: string;
  linalg: Linalg;
  log: Logger;
  /** Run one campaign on a config file into a directory; returns executed samples. */
  runCampaign(configPath: string, outputDir: string): Promise<RunCounts>;
  now?: () => number;
}

/** Samples of one campaign run. */
export interface RunCounts {
  /** Simulator samples (Phase 1 + Phase 3). */
  samples: number;
  /** Design points the pre-filter ruled out (no simulator call). */
  prefiltered: number;
}

/** Score of one run. */
export interface RunScore {
  seed: number;
  /** F1 of the secure class per strategy and their mean. */
  f1: Record<Strategy, number>;
  meanF1: number;
  /** Secure fraction p of the test points, F1 of the constant "all secure" predictor, MCC. */
  secureFraction: number;
  allSecureF1: number;
  mcc: number;
  samples: number;
  prefiltered: number;
  seconds: number;
}

/** Result of one method over all seeds. */
export interface MethodScore {
  meanF1: number;
  minF1: number;
  samples: number;
  seconds: number;
  runs: RunScore[];
}

/** The benchmark's JSON result. */
export interface CliffBenchResult {
  budget: number;
  seeds: number[];
  testPoints: number;
  noise: number;
  phase1Fraction: number;
  restarts: number;
  /** Phase-3 batch size of the first method's first run. */
  batch: number;
  config: string;
  methods: Record<string, MethodScore>;
}

/**
 * The benchmark config of one run: the `expected` simulator with the given noise, the seed, the
 * budget split into Phase 1 and whole Phase-3 batches, no holdout (the test points score), no
 * stopping rule, no post-processing; then the method's own settings.
 */
export function benchConfig(
  base: CampaignConfig,
  method: string,
  seed: number,
  o: Pick<
    CliffBenchOptions,
    "budget" | "noise" | "phase1Fraction" | "restarts" | "batch" | "workers"
  >,
): CampaignConfig {
  const c = structuredClone(base);
  c.simulation.simulator = "expected";
  c.simulation.expected_noise = o.noise;
  c.execution.random_seed = seed;
  const phase1 = method === "sobol" ? o.budget : Math.round(o.budget * o.phase1Fraction);
  c.phase1.num_samples = phase1;
  const phase3 = o.budget - phase1;
  const batch = Math.max(1, o.batch ?? Math.min(c.phase3.batch_size, Math.ceil(phase3 / 10)));
  c.phase3.batch_size = batch;
  c.phase3.num_iterations = Math.floor(phase3 / batch);
  if (o.workers !== undefined) c.execution.num_workers = o.workers;
  c.phase3.holdout.size = 0;
  c.phase3.stopping.enabled = false;
  c.phase2.cross_validation.enabled = false;
  if (o.restarts !== undefined) c.phase2.gp.n_restarts_optimizer = o.restarts;
  c.visualization.enabled = false;
  c.tables.enabled = false;
  c.report.enabled = false;
  c.output.timestamped = false;
  CLIFF_BENCH_METHODS[method](c, phase3);
  return c;
}

/** Test points in stored units (n × STORED_WIDTH, strategy column 0), from stream `cliff-bench/test`. */
export function cliffTestPoints(
  settings: Pick<CampaignSettings, "bounds">,
  n: number,
  seed: number,
): Float64Array {
  const d = GP_INPUT_DIMENSION;
  const u = sobolPoints(d, n, 0, campaignRng(seed, "cliff-bench/test"));
  const { lo, hi } = storedBounds(settings.bounds);
  const out = new Float64Array(n * W);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < d; j++) out[i * W + j] = lo[j] + (hi[j] - lo[j]) * u[i * d + j];
  }
  return out;
}

/**
 * Exact secure labels (expected cliff_margin > 0) of the test points for a strategy, with the
 * efficiency curve the `expected` simulator used (default: f_select).
 */
export function exactLabels(
  settings: Pick<CampaignSettings, "simulation">,
  points: Float64Array,
  strategy: Strategy,
  efficiency?: EfficiencyCurve,
): Uint8Array {
  const sim = settings.simulation.options;
  const model = expectedModelOf(sim, efficiency);
  const n = points.length / W, out = new Uint8Array(n);
  const row = new Float64Array(W);
  for (let i = 0; i < n; i++) {
    row.set(points.subarray(i * W, (i + 1) * W));
    row[PARAM_INDEX.strategy] = strategy === "blind" ? 1 : 0;
    const p = decodeRow(row, undefined, { maxPairs: Infinity });
    out[i] = exactMargin(p, sim, model).cliffMargin > 0 ? 1 : 0;
  }
  return out;
}

/**
 * What the maps show at the test points for a strategy: insecure where the pre-filter rules the
 * point out, else the sign of the posterior mean (μ > t).
 */
export function mapLabels(
  settings: CampaignSettings,
  twin: TwinLandscape,
  points: Float64Array,
  strategy: Strategy,
): Uint8Array {
  const n = points.length / W, d = GP_INPUT_DIMENSION;
  const out = new Uint8Array(n);
  if (!twin.isFitted(strategy)) return out;
  const prefilter = campaignPrefilter(settings);
  const { lo, hi } = storedBounds(settings.bounds);
  const x = new Float64Array(n * d);
  const feasible = new Uint8Array(n);
  const row = new Float64Array(W);
  for (let i = 0; i < n; i++) {
    row.set(points.subarray(i * W, (i + 1) * W));
    row[PARAM_INDEX.strategy] = strategy === "blind" ? 1 : 0;
    const numPairs = Math.round(10 ** row[PARAM_INDEX.num_pairs]);
    feasible[i] = prefilter === null || prefilter(row, numPairs).isFeasible ? 1 : 0;
    for (let j = 0; j < d; j++) x[i * d + j] = (row[j] - lo[j]) / (hi[j] - lo[j]);
  }
  const { mean } = twin.model(strategy).predict(x, { variance: "none" });
  const t = settings.phase3.acquisition.threshold;
  for (let i = 0; i < n; i++) out[i] = feasible[i] && mean[i] > t ? 1 : 0;
  return out;
}

/** Score a fitted twin against the exact labels of the test points. */
export function scoreTwin(
  settings: CampaignSettings,
  twin: TwinLandscape,
  points: Float64Array,
  truth: Record<Strategy, Uint8Array>,
): Omit<RunScore, "seed" | "samples" | "prefiltered" | "seconds"> {
  const f1 = {} as Record<Strategy, number>;
  const predictedAll: number[] = [], truthAll: number[] = [];
  for (const s of STRATEGIES) {
    const predicted = mapLabels(settings, twin, points, s);
    const r = f1Score(predicted, truth[s]);
    f1[s] = Number.isFinite(r.f1) ? r.f1 : 0;
    predictedAll.push(...predicted);
    truthAll.push(...truth[s]);
  }
  const p = truthAll.reduce((a, b) => a + b, 0) / truthAll.length;
  return {
    f1,
    meanF1: (f1.baseline + f1.blind) / 2,
    secureFraction: p,
    allSecureF1: (2 * p) / (1 + p),
    mcc: matthewsCorrelation(predictedAll, truthAll),
  };
}

/** Run every method on every seed and score it. */
export async function runCliffBench(o: CliffBenchOptions): Promise<CliffBenchResult> {
  const now = o.now ?? (() => performance.now());
  const base = parseConfig(o.configText, o.env, o.configSource).config;
  const restarts = o.restarts ?? base.phase2.gp.n_restarts_optimizer;
  const methods: Record<string, MethodScore> = {};
  let batch = 0;
  for (const method of o.methods) {
    const runs: RunScore[] = [];
    for (const seed of o.seeds) {
      const config = benchConfig(base, method, seed, { ...o, restarts });
      const settings = resolveCampaign(config);
      if (batch === 0) batch = settings.phase3.batchSize;
      const tag = `${method}-seed${seed}`;
      const configPath = `${o.workDir}/${tag}.yaml`;
      await Deno.writeTextFile(configPath, stringify(config, { lineWidth: 0 }));
      const t0 = now();
      const counts = await o.runCampaign(configPath, `${o.workDir}/${tag}`);
      const twin = await loadFinalTwin(`${o.workDir}/${tag}`, o.linalg);
      const points = cliffTestPoints(settings, o.testPoints, seed);
      const sim = settings.simulation.options;
      const cal = await cachedCalibration(sim.reconciliation, settings.simulation.codesDir);
      const efficiency = cal ? calibratedEfficiency(cal, sim.reconciliation.fSelect) : undefined;
      const truth = {
        baseline: exactLabels(settings, points, "baseline", efficiency),
        blind: exactLabels(settings, points, "blind", efficiency),
      };
      const score = scoreTwin(settings, twin, points, truth);
      const seconds = (now() - t0) / 1000;
      runs.push({ seed, ...score, ...counts, seconds });
      o.log.info(
        `cliff-bench ${tag}: F1 baseline ${score.f1.baseline.toFixed(3)}, blind ${
          score.f1.blind.toFixed(3)
        } (p = ${score.secureFraction.toFixed(3)}, MCC ${
          score.mcc.toFixed(3)
        }), ${counts.samples} ` +
          `samples, ${counts.prefiltered} pre-filtered, ${seconds.toFixed(1)} s`,
      );
    }
    const f1s = runs.map((r) => r.meanF1);
    methods[method] = {
      meanF1: f1s.reduce((a, b) => a + b, 0) / f1s.length,
      minF1: Math.min(...f1s),
      samples: runs.reduce((a, r) => a + r.samples, 0) / runs.length,
      seconds: runs.reduce((a, r) => a + r.seconds, 0),
      runs,
    };
  }
  return {
    budget: o.budget,
    seeds: o.seeds,
    testPoints: o.testPoints,
    noise: o.noise,
    phase1Fraction: o.phase1Fraction,
    restarts,
    batch,
    config: o.configSource,
    methods,
  };
}

/** The final model of a campaign (`surrogate_final/`, else the Phase-2 `surrogate/`). */
async function loadFinalTwin(dir: string, la: Linalg): Promise<TwinLandscape> {
  try {
    return (await loadSurrogate(`${dir}/surrogate_final`, la)).twin;
  } catch {
    return (await loadSurrogate(`${dir}/surrogate`, la)).twin;
  }
}
