/**
 * Phase 2 (docs/campaign.md §9): twin GP surrogates (baseline, blind) on the committed rows of
 * `/lhs_warmup` and `/active_learning`. Per strategy: a seeded train/validation split, a fit on
 * the training part scored on the validation part with that strategy's own GP (R², RMSE, mean
 * negative log predictive density, boundary F1 of sign(μ − t) vs sign(y − t)), then the final fit
 * on all rows; divergence diagnostics between the two GPs on a fixed reference set (reported,
 * never a failure); the model is saved as `surrogate/` (docs/campaign.md §9.8).
 * @module
 */
import type { Linalg } from "../../kernels/linalg/linalg.ts";
import { campaignRng } from "../../kernels/rng.ts";
import type { Phase2Settings } from "../settings.ts";
import type { Logger } from "../../io/log.ts";
import { saveSurrogate } from "../../io/surrogate_store.ts";
import { fitGpSync } from "../../surrogate/fit_gp.ts";
import type { GpModel } from "../../surrogate/gp_model.ts";
import { STRATEGIES, type Strategy, TwinLandscape } from "../../surrogate/twin_landscape.ts";
import type { ColumnBounds } from "../../surrogate/unit_box.ts";
import { aboveThreshold, f1Score } from "../../active/level_set_metrics.ts";
import { sobolPoints } from "../../kernels/sobol.ts";
import { fitGpWithRestartWorkers } from "../workers/gp_parallel_fit.ts";
import {
  GP_INPUT_COLUMNS,
  GP_INPUT_DIMENSION,
  storedBounds,
  type TrainingRows,
  type TrainingSet,
  trainingSet,
} from "../surrogate_data.ts";

/** Validation metrics of one strategy's GP (NaN where there is no validation row). */
export interface StrategyMetrics {
  nRows: number;
  nTrain: number;
  nValidation: number;
  r2: number;
  rmse: number;
  /** Mean negative log predictive density of the validation targets (noise included). */
  nlpd: number;
  /** F1 of μ > t against y > t on the validation rows. */
  boundaryF1: number;
  /** Log marginal likelihood of the final fit (standardised units). */
  mll: number;
  path: "exact" | "iterative";
  /** ARD length scales of the final fit (unit-box units), one per input column. */
  lengthScales: number[];
  fitSeconds: number;
  /** Seeded k-fold cross-validation (`phase2.cross_validation`), pooled over the folds. */
  crossValidation?: { folds: number; r2: number; rmse: number; nlpd: number; boundaryF1: number };
}

/** Divergence diagnostics of the two GPs on the reference set (docs/campaign.md §9.1). */
export interface DivergenceDiagnostics {
  referenceSize: number;
  meanRange: Partial<Record<Strategy, [number, number]>>;
  meanStd: Partial<Record<Strategy, number>>;
  meanAbsDifference: number;
  maxAbsDifference: number;
  nonFinite: boolean;
}

/** Result of {@link fitTwinSurrogate}. */
export interface TwinFit {
  twin: TwinLandscape;
  metrics: Partial<Record<Strategy, StrategyMetrics>>;
  divergence: DivergenceDiagnostics;
  training: Record<Strategy, TrainingSet>;
}

/** Options of {@link fitTwinSurrogate}. */
export interface TwinFitOptions {
  settings: Phase2Settings;
  /** Groups that train the model (`/lhs_warmup`, `/active_learning`). */
  groups: readonly TrainingRows[];
  linalg: Linalg;
  log: Logger;
  /** Fit index k: the restart streams are `gp/<strategy>/<k>/...` (Phase 2 uses 0). */
  fitIndex: number;
  /** Start θ per strategy (warm start, Phase 3 refits). */
  initialLogTheta?: Partial<Record<Strategy, Float64Array>>;
  /** Restarts besides the warm start (default `settings.gp.restarts`). */
  restarts?: number;
  /** Skip the validation fit (Phase 3 refits). */
  validate?: boolean;
  /** false: keep `initialLogTheta` and only condition on the data (Phase 3, fixed θ). */
  optimize?: boolean;
  /** Workers for parallel restarts (default 2). */
  workers?: number;
  /** Monotonic clock, ms. */
  now?: () => number;
}

const REFERENCE_SIZE = 4096;

/** Fit both GPs with validation metrics and divergence diagnostics. */
export async function fitTwinSurrogate(o: TwinFitOptions): Promise<TwinFit> {
  const now = o.now ?? (() => performance.now());
  const bounds = storedBounds(o.settings.bounds);
  const models: Partial<Record<Strategy, GpModel>> = {};
  const metrics: Partial<Record<Strategy, StrategyMetrics>> = {};
  const training = {} as Record<Strategy, TrainingSet>;
  for (const strategy of STRATEGIES) {
    const set = trainingSet(o.groups, strategy, bounds, o.settings.training);
    training[strategy] = set;
    warnNonFiniteInputs(set, strategy, o.log);
    if (set.n === 0) {
      o.log.warn(`no training rows for the ${strategy} GP; it stays unfitted`);
      continue;
    }
    const fitted = await fitWithMetrics(set, o, strategy, now);
    models[strategy] = fitted.gp;
    metrics[strategy] = fitted.metrics;
  }
  const twin = new TwinLandscape(models.baseline ?? null, models.blind ?? null);
  // Divergence needs predictions with variances on 4096 reference points (seconds at a few
  // thousand rows): computed for Phase 2, skipped for the Phase 3 conditionings.
  const divergence = o.validate === false
    ? emptyDivergence()
    : divergenceDiagnostics(twin, o.settings.seed);
  return { twin, metrics, divergence, training };
}

function warnNonFiniteInputs(set: TrainingSet, strategy: Strategy, log: Logger): void {
  const ids = set.nonFiniteInputIds;
  if (ids.length === 0) return;
  log.warn(
    `${strategy} GP: ${ids.length} stored rows with a NaN or infinite input left out ` +
      `(sample ids ${ids.slice(0, 10).join(", ")}${ids.length > 10 ? ", …" : ""}); ` +
      "the store was edited or damaged after it was written",
  );
}

/** Validate, cross-validate and fit one strategy's GP; log its checks. */
async function fitWithMetrics(
  set: TrainingSet,
  o: TwinFitOptions,
  strategy: Strategy,
  now: () => number,
): Promise<{ gp: GpModel; metrics: StrategyMetrics }> {
  const t0 = now();
  const threshold = o.settings.threshold;
  let validation = emptyValidation();
  if (o.validate !== false && o.settings.validationSplit > 0) {
    validation = await validate(set, o, strategy, threshold);
  }
  const cv = o.validate !== false && o.settings.crossValidationFolds > 0
    ? await crossValidate(set, o, strategy, threshold)
    : undefined;
  const gp = await fitStrategy(set, o, strategy, o.fitIndex * 2 + 1, o.restarts);
  logLoveCheck(gp, strategy, o.log);
  const metrics: StrategyMetrics = {
    nRows: set.n,
    ...validation,
    mll: gp.fitReport?.restarts[gp.fitReport.bestRestart]?.mll ?? NaN,
    path: gp.state.path,
    lengthScales: Array.from(gp.hyperparameters.lengthScales),
    fitSeconds: (now() - t0) / 1000,
    crossValidation: cv,
  };
  if (cv) {
    o.log.info(
      `${strategy} GP ${cv.folds}-fold cross-validation: R² ${fmt(cv.r2)}, RMSE ${
        fmt(cv.rmse)
      }, NLPD ${fmt(cv.nlpd)}, boundary F1 ${fmt(cv.boundaryF1)}`,
    );
  }
  (o.validate === false ? o.log.debug : o.log.info)(
    `${strategy} GP on ${set.n} rows (${gp.state.path}), validation R² ${
      fmt(validation.r2)
    }, RMSE ${fmt(validation.rmse)}, boundary F1 ${fmt(validation.boundaryF1)}`,
  );
  return { gp, metrics };
}

/** LOVE's σ² against the exact σ² at a few probes (docs/campaign.md §9), when it was checked. */
function logLoveCheck(gp: GpModel, strategy: Strategy, log: Logger): void {
  const love = gp.fitReport?.loveCheck;
  if (!love) return;
  const poor = love.medianRelativeError > 0.1;
  (poor ? log.warn : log.info)(
    `${strategy} GP: LOVE σ² vs exact at ${love.probes} probes: median relative error ${
      fmt(love.medianRelativeError)
    }, max ${fmt(love.maxRelativeError)}` +
      (poor
        ? " (LOVE overestimates σ; Phase 3 scores with the smaller of LOVE's and the " +
          "nearest-neighbour σ²; raise phase2.gp.exact_max_n if memory allows)"
        : ""),
  );
}

/** Fit one strategy's GP on `set` with the configured GP settings. */
async function fitStrategy(
  set: TrainingSet,
  o: TwinFitOptions,
  strategy: Strategy,
  stream: number | string,
  restarts?: number,
): Promise<GpModel> {
  const gp = o.settings.gp;
  const options = {
    linalg: o.linalg,
    restarts: restarts ?? gp.restarts,
    seed: o.settings.seed,
    stream: `gp/${strategy}/${stream}`,
    initialLogTheta: o.initialLogTheta?.[strategy],
    optimize: o.initialLogTheta?.[strategy] ? o.optimize ?? true : true,
    exactMaxN: gp.exactMaxN,
    sodSize: gp.sodSize,
    // LOVE only on the iterative path: with small noise 100 Lanczos steps overestimate σ² badly
    // (measured median relative error ≈ 10 at σ_n² = 1e-3), so exact variances are used wherever
    // the Cholesky factor exists.
    loveIterations: set.n > gp.exactMaxN && gp.useLove ? gp.lanczosIterations : 0,
    memoryBudgetBytes: gp.memoryBudgetMb * 2 ** 20,
    isotropic: gp.isotropic,
  };
  const data = { x: set.x, y: set.y, d: GP_INPUT_DIMENSION };
  if (options.restarts > 0 && set.n >= 500) {
    return await fitGpWithRestartWorkers(data, {
      ...options,
      workers: o.workers ?? 2,
      restartMemoryBudgetBytes: options.memoryBudgetBytes,
    }, o.log);
  }
  return fitGpSync(data, options);
}

function emptyValidation() {
  return { nTrain: 0, nValidation: 0, r2: NaN, rmse: NaN, nlpd: NaN, boundaryF1: NaN };
}

/**
 * Seeded split of the simulated rows (pre-filtered rows always train), fit on the training part,
 * score on the validation part.
 */
async function validate(set: TrainingSet, o: TwinFitOptions, strategy: Strategy, t: number) {
  const n = set.n, split = o.settings.validationSplit;
  const simulated = Int32Array.from(set.simulated.keys()).filter((i) => set.simulated[i] === 1);
  const nValidation = Math.round(split * simulated.length);
  if (nValidation < 1 || n - nValidation < 2) return { ...emptyValidation(), nTrain: n };
  const rng = campaignRng(o.settings.seed, `phase2/split/${strategy}/${o.fitIndex}`);
  const order = simulated;
  for (let i = order.length - 1; i > 0; i--) {
    const j = rng.nextBelow(i + 1);
    [order[i], order[j]] = [order[j], order[i]];
  }
  const trainRows = Int32Array.from([
    ...order.subarray(nValidation),
    ...Int32Array.from(set.simulated.keys()).filter((i) => set.simulated[i] === 0),
  ]).sort();
  const d = GP_INPUT_DIMENSION;
  const pick = (rows: Int32Array) => {
    const x = new Float64Array(rows.length * d), y = new Float64Array(rows.length);
    rows.forEach((r, k) => {
      x.set(set.x.subarray(r * d, r * d + d), k * d);
      y[k] = set.y[r];
    });
    return { x, y };
  };
  const val = pick(order.subarray(0, nValidation)), train = pick(trainRows);
  const gp = await fitStrategy(
    { ...set, x: train.x, y: train.y, n: train.y.length },
    o,
    strategy,
    o.fitIndex * 2,
  );
  const p = gp.predict(val.x, {
    variance: gp.state.cholesky ? "exact" : "love",
    includeNoise: true,
  });
  return { nTrain: train.y.length, ...regressionMetrics(val.y, p.mean, p.variance, t) };
}

/**
 * Seeded k-fold cross-validation (stream `phase2/cv/<strategy>/<fit>`): each fold is predicted
 * by a GP fitted on the others (restart streams `gp/<strategy>/cv<fold>`), and the metrics are
 * pooled over all held-out predictions. Folds with fewer than 2 training rows are skipped.
 */
async function crossValidate(set: TrainingSet, o: TwinFitOptions, strategy: Strategy, t: number) {
  const n = set.n, d = GP_INPUT_DIMENSION;
  const k = Math.min(o.settings.crossValidationFolds, n);
  if (k < 2 || n < 3) return undefined;
  const rng = campaignRng(o.settings.seed, `phase2/cv/${strategy}/${o.fitIndex}`);
  const order = Int32Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = rng.nextBelow(i + 1);
    [order[i], order[j]] = [order[j], order[i]];
  }
  const ys: number[] = [], means: number[] = [], variances: number[] = [];
  let folds = 0;
  for (let f = 0; f < k; f++) {
    const lo = Math.floor((f * n) / k), hi = Math.floor(((f + 1) * n) / k);
    const held = order.subarray(lo, hi);
    const rest = Int32Array.from([...order.subarray(0, lo), ...order.subarray(hi)]);
    if (held.length === 0 || rest.length < 2) continue;
    const take = (rows: Int32Array) => {
      const x = new Float64Array(rows.length * d), y = new Float64Array(rows.length);
      rows.forEach((r, i) => {
        x.set(set.x.subarray(r * d, r * d + d), i * d);
        y[i] = set.y[r];
      });
      return { x, y };
    };
    const train = take(rest), test = take(held);
    const gp = await fitStrategy(
      { ...set, x: train.x, y: train.y, n: train.y.length },
      o,
      strategy,
      `cv${f}`,
    );
    const p = gp.predict(test.x, {
      variance: gp.state.cholesky ? "exact" : "love",
      includeNoise: true,
    });
    ys.push(...test.y);
    means.push(...p.mean);
    variances.push(...p.variance);
    folds++;
  }
  if (folds === 0) return undefined;
  const m = regressionMetrics(
    Float64Array.from(ys),
    Float64Array.from(means),
    Float64Array.from(variances),
    t,
  );
  return { folds, r2: m.r2, rmse: m.rmse, nlpd: m.nlpd, boundaryF1: m.boundaryF1 };
}

/** R², RMSE, NLPD and boundary F1 of predictions against targets. */
export function regressionMetrics(
  y: Float64Array,
  mean: Float64Array,
  variance: Float64Array,
  threshold: number,
): { nValidation: number; r2: number; rmse: number; nlpd: number; boundaryF1: number } {
  const n = y.length;
  let ybar = 0;
  for (let i = 0; i < n; i++) ybar += y[i] / n;
  let ssRes = 0, ssTot = 0, nlpd = 0;
  for (let i = 0; i < n; i++) {
    const r = y[i] - mean[i];
    ssRes += r * r;
    ssTot += (y[i] - ybar) ** 2;
    const v = Math.max(variance[i], 1e-300);
    nlpd += 0.5 * Math.log(2 * Math.PI * v) + (r * r) / (2 * v);
  }
  const f1 = f1Score(
    aboveThreshold(mean, threshold, new Uint8Array(n)),
    aboveThreshold(y, threshold, new Uint8Array(n)),
  ).f1;
  return {
    nValidation: n,
    r2: ssTot > 0 ? 1 - ssRes / ssTot : NaN,
    rmse: Math.sqrt(ssRes / n),
    nlpd: nlpd / n,
    boundaryF1: f1,
  };
}

function emptyDivergence(): DivergenceDiagnostics {
  return {
    referenceSize: 0,
    meanRange: {},
    meanStd: {},
    meanAbsDifference: NaN,
    maxAbsDifference: NaN,
    nonFinite: false,
  };
}

/** Mean ranges, mean σ and |μ_blind − μ_baseline| on a fixed Sobol reference set. */
export function divergenceDiagnostics(twin: TwinLandscape, seed: number): DivergenceDiagnostics {
  const x = sobolPoints(
    GP_INPUT_DIMENSION,
    REFERENCE_SIZE,
    0,
    campaignRng(seed, "phase2/reference"),
  );
  const out: DivergenceDiagnostics = {
    referenceSize: REFERENCE_SIZE,
    meanRange: {},
    meanStd: {},
    meanAbsDifference: NaN,
    maxAbsDifference: NaN,
    nonFinite: false,
  };
  const means: Partial<Record<Strategy, Float64Array>> = {};
  for (const s of STRATEGIES) {
    if (!twin.isFitted(s)) continue;
    const gp = twin.model(s);
    const p = gp.predict(x, { variance: gp.state.cholesky ? "exact" : "love" });
    means[s] = p.mean;
    let lo = Infinity, hi = -Infinity, sd = 0;
    for (let i = 0; i < p.mean.length; i++) {
      if (!Number.isFinite(p.mean[i]) || !Number.isFinite(p.variance[i])) out.nonFinite = true;
      lo = Math.min(lo, p.mean[i]);
      hi = Math.max(hi, p.mean[i]);
      sd += Math.sqrt(p.variance[i]) / p.mean.length;
    }
    out.meanRange[s] = [lo, hi];
    out.meanStd[s] = sd;
  }
  if (means.baseline && means.blind) {
    let sum = 0, max = 0;
    for (let i = 0; i < REFERENCE_SIZE; i++) {
      const dlt = Math.abs(means.blind[i] - means.baseline[i]);
      sum += dlt;
      max = Math.max(max, dlt);
    }
    out.meanAbsDifference = sum / REFERENCE_SIZE;
    out.maxAbsDifference = max;
  }
  return out;
}

/** Save a twin model with its campaign metadata (docs/campaign.md §9.8). */
export async function saveTwinSurrogate(
  dir: string,
  fit: TwinFit,
  settings: Phase2Settings,
  meta: { softwareVersion: string; configSha256: string },
): Promise<void> {
  const bounds: ColumnBounds = storedBounds(settings.bounds);
  const metrics: Partial<Record<Strategy, Record<string, number>>> = {};
  const trainIds: Partial<Record<Strategy, BigInt64Array>> = {};
  for (const s of STRATEGIES) {
    const m = fit.metrics[s];
    if (m) {
      metrics[s] = {
        n_rows: m.nRows,
        n_train: m.nTrain,
        n_validation: m.nValidation,
        r2: m.r2,
        rmse: m.rmse,
        nlpd: m.nlpd,
        boundary_f1: m.boundaryF1,
        mll: m.mll,
        fit_seconds: m.fitSeconds,
      };
    }
    if (fit.twin.isFitted(s)) {
      trainIds[s] = BigInt64Array.from(fit.training[s].ids, (v) => BigInt(v));
    }
  }
  await saveSurrogate(dir, fit.twin, {
    softwareVersion: meta.softwareVersion,
    configSha256: meta.configSha256,
    target: settings.training.target,
    threshold: settings.threshold,
    bounds: { lo: Array.from(bounds.lo), hi: Array.from(bounds.hi) },
    columns: [...GP_INPUT_COLUMNS],
    metrics,
    trainIds,
  });
}

function fmt(v: number): string {
  return Number.isFinite(v) ? v.toFixed(3) : "n/a";
}
