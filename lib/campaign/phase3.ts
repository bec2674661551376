/**
 * Phase 3 (docs/campaign.md §10): batch active learning of the security cliff key_margin = t.
 * Iteration k: candidate pool (scrambled Sobol, pre-filtered, refined) → each candidate scored
 * by its own strategy's GP (a true categorical) → batch of q by Kriging believer (or local
 * penalisation / Caligo's diversity rule) → plan committed to `/active_learning/plan` → samples
 * executed on the worker pool and committed to `/active_learning` → GPs conditioned on all data
 * with fixed θ, re-optimised every `retrain_interval` iterations (warm start + restarts) →
 * iteration record (`/active_learning/iterations`) with boundary F1 on the holdout or between
 * successive models → checkpoint → stopping test. Every stream is keyed on k, and resume
 * rebuilds the model from the file with the θ of the last record, so a resumed run reproduces an
 * uninterrupted one.
 * @module
 */
import type { Linalg } from "../kernels/linalg/linalg.ts";
import { campaignRng, sampleSeed } from "../kernels/rng.ts";
import { sobolPoints } from "../kernels/sobol.ts";
import type { Phase2Settings, Phase3Settings } from "./settings.ts";
import type { GroupData, StoreRow } from "../io/hdf5_store.ts";
import type { Logger } from "../io/log.ts";
import { KrigingBeliever } from "../surrogate/kriging_believer.ts";
import { STRATEGIES, type Strategy, type TwinLandscape } from "../surrogate/twin_landscape.ts";
import { closestToThreshold, scoreAcquisition } from "../active/acquisition.ts";
import { type BatchPick, type CandidatePool, selectBatch } from "../active/batch_selection.ts";
import { selectBatchTimse } from "../active/targeted_variance_reduction.ts";
import { aboveThreshold, f1Score, isBoundaryStable } from "../active/level_set_metrics.ts";
import { type HoldoutScores, holdoutScores } from "./holdout_scores.ts";
import { fitTwinSurrogate } from "./phase2.ts";
import type { SimulationRunner, StopToken } from "./phase1.ts";
import type { RowPrefilter } from "./prefilter_adapter.ts";
import {
  type CandidateScorer,
  drawCandidatePool,
  excludeNearTraining,
  predictMeanStd,
  refineCandidates,
  storedRowOf,
} from "./phase3_candidates.ts";
import {
  emptyIterationRecord,
  ITERATION_COLUMNS,
  iterationRow,
  phase3SampleId,
  PLAN_COLUMNS,
  thetaFromRow,
} from "./phase3_records.ts";
import type { SimulateTask } from "./sample_rows.ts";
import {
  filterRows,
  GP_INPUT_DIMENSION,
  storedBounds,
  storeRowsAsTrainingRows,
  type TrainingRows,
  trainingSet,
} from "./surrogate_data.ts";
import { executeTasks, type TaskGuards } from "./task_executor.ts";
import { ScoringPools } from "./scoring_pools.ts";

const D = GP_INPUT_DIMENSION;

/** What Phase 3 writes: rows, plan rows and iteration records, each one commit. */
export interface Phase3Store {
  appendRows(group: "active_learning", rows: StoreRow[]): void;
  appendPlan(rows: Float64Array): void;
  appendIteration(row: Float64Array): void;
}

/** A float64 matrix read from the store. */
export interface StoredMatrix {
  n: number;
  rows: Float64Array;
}

/** Options of {@link runPhase3}. */
export interface Phase3Options {
  settings: Phase3Settings;
  /** The GP fit of the refits and conditionings, and the holdout scores. */
  surrogate: Phase2Settings;
  /** Committed rows of `/lhs_warmup` and `/active_learning` (the latter grows in memory). */
  phase1: GroupData;
  active: GroupData;
  /** Committed `/holdout` rows (labels for F1_holdout), or null. */
  holdout: GroupData | null;
  /** Committed plan and iteration rows (resume). */
  plan: StoredMatrix;
  iterations: StoredMatrix;
  /** The model before iteration 0 (the Phase 2 fit). */
  initialTwin: TwinLandscape;
  store: Phase3Store;
  pool: SimulationRunner;
  prefilter: RowPrefilter | null;
  guards: TaskGuards;
  linalg: Linalg;
  log: Logger;
  stop: StopToken;
  /** Called after every iteration record (checkpoint JSON, backup copy). */
  onIteration?: (k: number, record: Record<string, number>) => Promise<void> | void;
  now?: () => number;
}

/** How Phase 3 ended. */
export interface Phase3Summary {
  status: "complete" | "converged" | "stopped";
  iterations: number;
  samples: number;
  lastIteration: number;
  f1History: number[];
  twin: TwinLandscape;
  wallSeconds: number;
  /** The final model's boundary check on the holdout (set by the Phase 3 stage). */
  holdout?: HoldoutScores;
}

/** Run or resume Phase 3. */
export async function runPhase3(o: Phase3Options): Promise<Phase3Summary> {
  const now = o.now ?? (() => performance.now());
  const t0 = now();
  const { settings: p3, log } = o;
  const seed = p3.seed;
  const bounds = storedBounds(p3.bounds);
  const book = new RowBook([o.phase1, o.active]);
  const reference = sobolPoints(
    D,
    p3.referenceSize,
    0,
    campaignRng(seed, "phase3/reference"),
  );
  const cols = ITERATION_COLUMNS.length;

  // Resume position (docs/campaign.md §10.6).
  const lastRecorded = o.iterations.n > 0 ? o.iterations.rows[(o.iterations.n - 1) * cols] : -1;
  let lastPlanned = -1;
  for (let i = 0; i < o.plan.n; i++) {
    lastPlanned = Math.max(lastPlanned, o.plan.rows[i * PLAN_COLUMNS.length + 1]);
  }
  const f1History: number[] = [];
  const column = (r: Float64Array, name: (typeof ITERATION_COLUMNS)[number]) =>
    r[ITERATION_COLUMNS.indexOf(name)];
  for (let i = 0; i < o.iterations.n; i++) {
    const r = o.iterations.rows.subarray(i * cols, (i + 1) * cols);
    f1History.push(
      stoppingF1(column(r, "f1_holdout"), column(r, "f1_stability"), column(r, "secure_fraction")),
    );
  }
  let twin = o.initialTwin;
  if (lastRecorded >= 0) {
    const last = o.iterations.rows.subarray((o.iterations.n - 1) * cols, o.iterations.n * cols);
    twin = await conditionTwin(o, book.upTo(lastRecorded), thetaOf(last), false, lastRecorded);
    log.info(`phase 3: resuming after iteration ${lastRecorded} (${book.total} rows)`);
  }
  let scorers = ScoringPools.forLinalg(
    o.linalg,
    Math.min(p3.scoringWorkers, navigator.hardwareConcurrency ?? 1),
    log,
  );
  log.info(
    scorers
      ? `phase 3: candidates scored on ${scorers.workers} worker(s) per strategy`
      : "phase 3: candidates scored on the main thread (no FFI BLAS that workers can share)",
  );
  /** Hand the scoring pools the current models; if they fail, score on the main thread. */
  const refreshScorers = async () => {
    try {
      await scorers?.update(twin);
    } catch (e) {
      log.warn(`phase 3: scoring workers failed (${e}); scoring on the main thread from now on`);
      scorers?.close();
      scorers = null;
    }
  };
  try {
    await refreshScorers();
    let previousLabels = referenceLabels(twin, reference, p3.acquisition.threshold);
    let samples = 0;
    let status: Phase3Summary["status"] = "complete";
    let k = lastRecorded + 1;

    // An iteration planned but not recorded: execute its missing samples and finish it.
    let pendingPlan: Float64Array | null = null;
    if (lastPlanned === k) {
      const rows: number[] = [];
      for (let i = 0; i < o.plan.n; i++) {
        const r = o.plan.rows.subarray(i * PLAN_COLUMNS.length, (i + 1) * PLAN_COLUMNS.length);
        if (r[1] === k && !book.hasId(r[0])) rows.push(...r);
      }
      pendingPlan = Float64Array.from(rows);
      log.info(
        `phase 3: iteration ${k} was planned; running its ${
          rows.length / PLAN_COLUMNS.length
        } missing samples`,
      );
    }

    for (; k < p3.numIterations; k++) {
      if (o.stop.reason !== null) {
        status = "stopped";
        break;
      }
      const tk = now();
      const record = emptyIterationRecord();
      record.iteration = k;
      let planRows: Float64Array;
      if (pendingPlan) {
        planRows = pendingPlan;
        pendingPlan = null;
      } else {
        const tPredict = now();
        const plan = await planIteration(o, twin, book, k, bounds, scorers);
        record.pool_size = plan.poolSize;
        record.prefilter_dropped = plan.prefilterDropped;
        record.refined = plan.refined;
        record.t_predict = (plan.selectStart - tPredict) / 1000;
        record.t_select = (now() - plan.selectStart) / 1000;
        const acq = plan.picks.map((p) => p.acquisition);
        record.acq_max = acq.length ? Math.max(...acq) : NaN;
        record.acq_min = acq.length ? Math.min(...acq) : NaN;
        record.acq_mean = acq.length ? acq.reduce((a, b) => a + b, 0) / acq.length : NaN;
        planRows = plan.rows;
        const tw = now();
        o.store.appendPlan(planRows);
        record.t_write = (now() - tw) / 1000;
      }
      // Execute.
      const tSim = now();
      const tasks = tasksFromPlan(planRows, seed);
      record.batch_size = tasks.length;
      const rows = await executeTasks(tasks, o.pool, o.guards, log);
      record.t_simulate = (now() - tSim) / 1000;
      const tw = now();
      if (rows.length > 0) o.store.appendRows("active_learning", rows);
      book.add(rows);
      record.t_write = (Number.isFinite(record.t_write) ? record.t_write : 0) + (now() - tw) / 1000;
      samples += rows.length;
      record.batch_successes = rows.filter((r) => r.outcome === "success").length;
      if (rows.length < tasks.length || o.stop.reason !== null) {
        status = "stopped"; // the rest of this iteration is finished on resume
        break;
      }
      // Update the model: fixed θ, or a warm-started refit every retrain_interval iterations.
      const tFit = now();
      const refit = (k + 1) % p3.retrainInterval === 0;
      twin = await conditionTwin(o, book.upTo(k), thetaOfTwin(twin), refit, k);
      await refreshScorers();
      record.refit = refit ? 1 : 0;
      record.t_fit = (now() - tFit) / 1000;
      fillModelColumns(record, twin, book, o.surrogate);
      // Boundary metrics.
      const labels = referenceLabels(twin, reference, p3.acquisition.threshold);
      record.f1_stability = f1Score(labels, previousLabels).f1;
      previousLabels = labels;
      record.f1_holdout = holdoutScores(twin, o.holdout, o.surrogate).pooled.f1;
      record.uncertain_fraction = await uncertainFraction(
        twin,
        reference.subarray(0, 2048 * D),
        p3.acquisition,
        scorers,
      );
      record.secure_fraction = labels.reduce((a, b) => a + b, 0) / labels.length;
      const f1 = Number.isFinite(record.f1_holdout) ? record.f1_holdout : record.f1_stability;
      f1History.push(stoppingF1(record.f1_holdout, record.f1_stability, record.secure_fraction));
      const stable = p3.stopping !== null && isBoundaryStable(f1History, {
        f1Delta: p3.stopping.f1Delta,
        window: p3.stopping.window,
        minIterations: p3.stopping.minIterations,
      });
      record.stop = stable ? 1 : 0;
      record.t_total = (now() - tk) / 1000;
      o.store.appendIteration(iterationRow(record));
      log.info(
        `phase 3: iteration ${k}: ${rows.length} samples (${record.batch_successes} successes), ` +
          `F1 ${Number.isFinite(record.f1_holdout) ? "holdout" : "stability"} ${f1.toFixed(4)}, ` +
          `uncertain ${(100 * record.uncertain_fraction).toFixed(1)} %, ${
            record.t_total.toFixed(1)
          } s` +
          (refit ? " (refit)" : ""),
      );
      await o.onIteration?.(k, record);
      if (stable) {
        status = "converged";
        log.info(
          `phase 3: boundary stable (ΔF1 < ${p3.stopping!.f1Delta} over ${
            p3.stopping!.window
          } iterations)`,
        );
        k++;
        break;
      }
    }
    return {
      status,
      iterations: k - (lastRecorded + 1),
      samples,
      lastIteration: k - 1,
      f1History,
      twin,
      wallSeconds: (now() - t0) / 1000,
    };
  } finally {
    scorers?.close();
  }
}

/**
 * The F1 the stopping rule reads (docs/campaign.md §10.4): the holdout F1 where it exists, else the
 * stability F1; NaN (never stable) when the model predicts nothing secure on the reference set.
 */
export function stoppingF1(holdout: number, stability: number, secureFraction: number): number {
  if (!(secureFraction > 0)) return NaN;
  return Number.isFinite(holdout) ? holdout : stability;
}

/** The candidates, the picks and the plan rows of iteration k (scored on `scorers` if given). */
async function planIteration(
  o: Phase3Options,
  twin: TwinLandscape,
  book: RowBook,
  k: number,
  bounds: ReturnType<typeof storedBounds>,
  scorers: ScoringPools | null,
) {
  const p3 = o.settings, acq = p3.acquisition, seed = p3.seed;
  const q = p3.batchSize;
  const size = acq.candidates > 0 ? acq.candidates : Math.max(1000, 100 * q);
  const drawn = drawCandidatePool(
    seed,
    k,
    size,
    acq.useSobol,
    bounds,
    acq.prefilterCandidates ? o.prefilter : null,
  );
  const threshold = acq.threshold;
  const pools: CandidatePool[] = [];
  const poolStrategy: Strategy[] = [];
  let refined = 0;
  for (const strategy of STRATEGIES) {
    if (!twin.isFitted(strategy)) continue;
    const gp = twin.model(strategy);
    const training = book.training(strategy, o.surrogate);
    // The acquisition sees the latent σ, or with `phase2.gp.predictive_noise` the predictive σ
    // (latent + σ_n², Caligo's convention); the Kriging-believer updates stay on the latent σ.
    const noiseVariance = o.surrogate.gp.predictiveNoise
      ? gp.hyperparameters.noiseVariance * gp.state.yStd ** 2
      : 0;
    const incumbent = closestToThreshold(training.y, threshold);
    const score: CandidateScorer = (m, s, out) =>
      scoreAcquisition(
        acq.type,
        m,
        noiseVariance > 0 ? s.map((v) => Math.sqrt(v * v + noiseVariance)) : s,
        { kappa: acq.kappa, threshold, xi: acq.xi, incumbent },
        out,
      );
    const x = drawn.x.slice();
    const excluded = excludeNearTraining(x, training.x);
    const scorer = scorers?.get(strategy) ?? null;
    refined += await refineCandidates(x, gp, score, {
      scorer,
      top: acq.refineTop > 0 ? acq.refineTop : 2 * q,
      samples: acq.refineSamples,
      radius: acq.refineRadius,
      rng: campaignRng(seed, `phase3/${k}/refine/${strategy}`),
      bounds,
      blind: strategy === "blind",
      prefilter: acq.prefilterCandidates ? o.prefilter : null,
      excluded,
    });
    const { mean, std } = await predictMeanStd(gp, x, scorer);
    const pool: CandidatePool = {
      x,
      d: D,
      mean,
      std,
      excluded,
      lengthScales: gp.hyperparameters.lengthScales,
      storedScale: Float64Array.from({ length: D }, (_, j) => bounds.hi[j] - bounds.lo[j]),
    };
    if (p3.batchMethod === "kriging_believer" && gp.state.cholesky) {
      const kb = new KrigingBeliever(gp, x);
      const s2 = gp.state.yStd ** 2;
      pool.condition = (index) => {
        kb.conditionOnPick(index);
        for (let i = 0; i < std.length; i++) std[i] = Math.sqrt(kb.latentVariance[i] * s2);
      };
    }
    pool.score = score;
    pools.push(pool);
    poolStrategy.push(strategy);
  }
  const selectStart = performance.now();
  let method = p3.batchMethod;
  const exact = pools.every((_, i) => twin.model(poolStrategy[i]).state.cholesky !== null);
  if ((method === "kriging_believer" || method === "timse") && !exact) {
    o.log.warn(`phase 3: ${method} needs the exact GP path; using local penalisation`);
    method = "local_penalization";
  }
  let picks: BatchPick[];
  if (method === "timse") {
    picks = selectTimseAcrossStrategies(o, twin, pools, poolStrategy, k, q, threshold);
  } else {
    // Each pool carries its own scorer (EI's incumbent is per strategy); the shared one is unused.
    picks = selectBatch(pools, (_m, _s, out) => out, {
      method,
      q,
      diversityWeight: p3.diversityWeight,
    });
  }
  const rows = new Float64Array(picks.length * PLAN_COLUMNS.length);
  picks.forEach((pick, j) => {
    const strategy = poolStrategy[pick.pool];
    const u = pools[pick.pool].x.subarray(pick.index * D, pick.index * D + D);
    const { row } = storedRowOf(u, strategy === "blind", bounds);
    const r = rows.subarray(j * PLAN_COLUMNS.length, (j + 1) * PLAN_COLUMNS.length);
    r[0] = phase3SampleId(k, j);
    r[1] = k;
    r.set(row, 2);
    r[11] = pick.acquisition;
    r[12] = pick.mean;
    r[13] = pick.std;
    r[14] = strategy === "blind" ? 1 : 0;
  });
  return {
    picks,
    rows,
    poolSize: drawn.stats.drawn,
    prefilterDropped: drawn.stats.prefilterDropped,
    refined,
    selectStart,
  };
}

/**
 * tIMSE batches (lib/active/targeted_variance_reduction.ts) for each strategy's GP over a shared
 * reference set (stream `phase3/<k>/reference`), merged greedily by score: the strategies are
 * separate GPs, so a pick of one leaves the other's scores unchanged and the merged sequence is
 * the sequential greedy choice over both.
 */
function selectTimseAcrossStrategies(
  o: Phase3Options,
  twin: TwinLandscape,
  pools: CandidatePool[],
  poolStrategy: Strategy[],
  k: number,
  q: number,
  threshold: number,
): BatchPick[] {
  const reference = sobolPoints(
    D,
    TIMSE_REFERENCE_SIZE,
    0,
    campaignRng(o.settings.seed, `phase3/${k}/reference`),
  );
  const perPool = pools.map((pool, i) =>
    selectBatchTimse(twin.model(poolStrategy[i]), pool.x, reference, {
      q,
      threshold,
      excluded: pool.excluded,
      widthFactor: 1.5,
    })
  );
  const next = perPool.map(() => 0);
  const picks: BatchPick[] = [];
  while (picks.length < q) {
    let best = -1;
    for (let p = 0; p < perPool.length; p++) {
      const cand = perPool[p][next[p]];
      if (cand && (best < 0 || cand.score > perPool[best][next[best]].score)) best = p;
    }
    if (best < 0) break;
    const pick = perPool[best][next[best]++];
    picks.push({
      pool: best,
      index: pick.index,
      acquisition: pick.score,
      mean: pick.mean,
      std: pick.std,
    });
  }
  return picks;
}

/** Reference points of the tIMSE criterion per iteration. */
const TIMSE_REFERENCE_SIZE = 2048;

/** Simulation tasks of plan rows (ids, stored inputs, exact N = round(10^col7)). */
function tasksFromPlan(plan: Float64Array, seed: number): SimulateTask[] {
  const c = PLAN_COLUMNS.length, tasks: SimulateTask[] = [];
  for (let i = 0; i < plan.length / c; i++) {
    const r = plan.subarray(i * c, (i + 1) * c);
    const row = Float64Array.from(r.subarray(2, 11));
    tasks.push({
      sampleId: r[0],
      phase: "phase3",
      iteration: r[1],
      row,
      numPairs: Math.round(10 ** row[7]),
      seed: sampleSeed(seed, "phase3", r[0]),
    });
  }
  return tasks;
}

/** Condition (or re-fit, warm-started) both GPs on `rows`. */
async function conditionTwin(
  o: Phase3Options,
  rows: TrainingRows[],
  theta: Partial<Record<Strategy, Float64Array>>,
  refit: boolean,
  k: number,
): Promise<TwinLandscape> {
  const fit = await fitTwinSurrogate({
    settings: o.surrogate,
    groups: rows,
    linalg: o.linalg,
    log: o.log,
    fitIndex: k + 1,
    initialLogTheta: theta,
    restarts: refit ? o.surrogate.gp.refitRestarts : 0,
    optimize: refit,
    validate: false,
  });
  return fit.twin;
}

function thetaOf(row: ArrayLike<number>): Partial<Record<Strategy, Float64Array>> {
  return { baseline: thetaFromRow(row, "baseline"), blind: thetaFromRow(row, "blind") };
}

function thetaOfTwin(twin: TwinLandscape): Partial<Record<Strategy, Float64Array>> {
  const out: Partial<Record<Strategy, Float64Array>> = {};
  for (const s of STRATEGIES) if (twin.isFitted(s)) out[s] = twin.model(s).state.logTheta.slice();
  return out;
}

function fillModelColumns(
  record: ReturnType<typeof emptyIterationRecord>,
  twin: TwinLandscape,
  book: RowBook,
  surrogate: Phase2Settings,
): void {
  for (const s of STRATEGIES) {
    record[`n_train_${s}`] = book.training(s, surrogate).n;
    if (!twin.isFitted(s)) continue;
    const gp = twin.model(s);
    gp.state.logTheta.forEach((v, i) => (record[`theta_${s}_${i}` as keyof typeof record] = v));
    const report = gp.fitReport;
    record[`mll_${s}`] = report ? report.restarts[report.bestRestart]?.mll ?? NaN : NaN;
  }
}

/** Labels μ > t of both GPs on the reference set (baseline rows first). */
function referenceLabels(twin: TwinLandscape, reference: Float64Array, t: number): Uint8Array {
  const m = reference.length / D;
  const out = new Uint8Array(2 * m);
  STRATEGIES.forEach((s, i) => {
    if (!twin.isFitted(s)) return;
    const { mean } = twin.model(s).predict(reference, { variance: "none" });
    aboveThreshold(mean, t, out.subarray(i * m, (i + 1) * m));
  });
  return out;
}

/** Fraction of reference points (both GPs) with |μ − t| < κσ. */
async function uncertainFraction(
  twin: TwinLandscape,
  reference: Float64Array,
  acquisition: Phase3Settings["acquisition"],
  scorers: ScoringPools | null,
): Promise<number> {
  const { kappa, threshold: t } = acquisition;
  let uncertain = 0, total = 0;
  for (const s of STRATEGIES) {
    if (!twin.isFitted(s)) continue;
    const { mean, std } = await predictMeanStd(twin.model(s), reference, scorers?.get(s));
    for (let i = 0; i < mean.length; i++) if (Math.abs(mean[i] - t) < kappa * std[i]) uncertain++;
    total += mean.length;
  }
  return total ? uncertain / total : NaN;
}

/** The training rows seen so far: Phase 1 rows plus the Phase 3 rows appended in memory. */
class RowBook {
  readonly #groups: TrainingRows[];
  readonly #extra: StoreRow[] = [];
  readonly #ids = new Set<number>();

  constructor(groups: TrainingRows[]) {
    this.#groups = groups;
    for (const g of groups) for (let i = 0; i < g.n; i++) this.#ids.add(g.sampleId[i]);
  }

  get total(): number {
    return this.#ids.size;
  }

  hasId(id: number): boolean {
    return this.#ids.has(id);
  }

  add(rows: StoreRow[]): void {
    for (const r of rows) {
      this.#extra.push(r);
      this.#ids.add(r.sampleId);
    }
  }

  /** Rows of Phase 1 and of Phase 3 iterations ≤ k. */
  upTo(k: number): TrainingRows[] {
    return [
      ...this.#groups.map((g) => filterRows(g, k)),
      storeRowsAsTrainingRows(this.#extra.filter((r) => r.iteration <= k)),
    ];
  }

  training(strategy: Strategy, surrogate: Pick<Phase2Settings, "bounds" | "training">) {
    const bounds = storedBounds(surrogate.bounds);
    return trainingSet(this.upTo(Infinity), strategy, bounds, surrogate.training);
  }
}
