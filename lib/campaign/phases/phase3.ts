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
 * uninterrupted one. The plan of an iteration is phase3_plan.ts, the model between iterations
 * phase3_model.ts, the rows phase3_row_book.ts.
 * @module
 */
import { campaignRng } from "../../kernels/rng.ts";
import { sobolPoints } from "../../kernels/sobol.ts";
import type { Linalg } from "../../kernels/linalg/linalg.ts";
import type { GroupData, StoreRow } from "../../io/store/schema.ts";
import type { Logger } from "../../io/log.ts";
import type { TwinLandscape } from "../../surrogate/twin_landscape.ts";
import type { ColumnBounds } from "../../surrogate/unit_box.ts";
import { f1Score, isBoundaryStable } from "../../active/level_set_metrics.ts";
import type { RowPrefilter } from "../prefilter_adapter.ts";
import { ScoringPools } from "../workers/scoring_pools.ts";
import type { Phase2Settings, Phase3Settings } from "../settings.ts";
import { GP_INPUT_DIMENSION, storedBounds } from "../surrogate_data.ts";
import { executeTasks, type TaskGuards } from "../task_executor.ts";
import { type HoldoutScores, holdoutScores } from "./holdout_scores.ts";
import type { SimulationRunner, StopToken } from "./phase1.ts";
import {
  conditionTwin,
  fillModelColumns,
  referenceLabels,
  thetaOf,
  thetaOfTwin,
  uncertainFraction,
} from "./phase3_model.ts";
import { planIteration, tasksFromPlan } from "./phase3_plan.ts";
import {
  emptyIterationRecord,
  ITERATION_COLUMNS,
  iterationRow,
  PLAN_COLUMNS,
  PLAN_INDEX,
} from "./phase3_records.ts";
import { RowBook } from "./phase3_row_book.ts";

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

/** The loop's state between iterations. */
interface LoopState {
  twin: TwinLandscape;
  book: RowBook;
  bounds: ColumnBounds;
  /** Reference points of the stability F1 and the uncertain fraction (stream `phase3/reference`). */
  reference: Float64Array;
  previousLabels: Uint8Array;
  f1History: number[];
  samples: number;
  scorers: ScoringPools | null;
  now: () => number;
}

type IterationRecord = ReturnType<typeof emptyIterationRecord>;

/** Run or resume Phase 3. */
export async function runPhase3(o: Phase3Options): Promise<Phase3Summary> {
  const now = o.now ?? (() => performance.now());
  const t0 = now();
  const { lastRecorded, lastPlanned, f1History } = resumePosition(o);
  const state = await initialState(o, lastRecorded, f1History, now);
  try {
    await refreshScorers(state, o.log);
    state.previousLabels = referenceLabels(
      state.twin,
      state.reference,
      o.settings.acquisition.threshold,
    );
    let status: Phase3Summary["status"] = "complete";
    let k = lastRecorded + 1;
    let pendingPlan = lastPlanned === k ? unfinishedPlan(o, state.book, k) : null;
    for (; k < o.settings.numIterations; k++) {
      if (o.stop.reason !== null) {
        status = "stopped";
        break;
      }
      const outcome = await runIteration(o, state, k, pendingPlan);
      pendingPlan = null;
      if (outcome !== "continue") {
        status = outcome;
        if (outcome === "converged") k++;
        break;
      }
    }
    const { samples, twin } = state;
    const iterations = k - (lastRecorded + 1);
    return {
      status,
      iterations,
      samples,
      lastIteration: k - 1,
      f1History,
      twin,
      wallSeconds: (now() - t0) / 1000,
    };
  } finally {
    state.scorers?.close();
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

/** The last recorded and planned iterations and the stopping F1 so far (docs/campaign.md §10.6). */
function resumePosition(o: Phase3Options) {
  const cols = ITERATION_COLUMNS.length;
  const lastRecorded = o.iterations.n > 0 ? o.iterations.rows[(o.iterations.n - 1) * cols] : -1;
  let lastPlanned = -1;
  for (let i = 0; i < o.plan.n; i++) {
    lastPlanned = Math.max(
      lastPlanned,
      o.plan.rows[i * PLAN_COLUMNS.length + PLAN_INDEX.iteration],
    );
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
  return { lastRecorded, lastPlanned, f1History };
}

/** The rows and the model to start from: on a resume, conditioned with the last record's θ. */
async function initialState(
  o: Phase3Options,
  lastRecorded: number,
  f1History: number[],
  now: () => number,
): Promise<LoopState> {
  const p3 = o.settings;
  const book = new RowBook([o.phase1, o.active]);
  const reference = sobolPoints(D, p3.referenceSize, 0, campaignRng(p3.seed, "phase3/reference"));
  let twin = o.initialTwin;
  if (lastRecorded >= 0) {
    const cols = ITERATION_COLUMNS.length;
    const last = o.iterations.rows.subarray((o.iterations.n - 1) * cols, o.iterations.n * cols);
    twin = await conditionTwin(o, book.upTo(lastRecorded), thetaOf(last), false, lastRecorded);
    o.log.info(`phase 3: resuming after iteration ${lastRecorded} (${book.total} rows)`);
  }
  const workers = Math.min(p3.scoringWorkers, navigator.hardwareConcurrency ?? 1);
  const scorers = ScoringPools.forLinalg(o.linalg, workers, o.log);
  o.log.info(
    scorers
      ? `phase 3: candidates scored on ${scorers.workers} worker(s) per strategy`
      : "phase 3: candidates scored on the main thread (no FFI BLAS that workers can share)",
  );
  const bounds = storedBounds(p3.bounds);
  return {
    twin,
    book,
    bounds,
    reference,
    previousLabels: new Uint8Array(0),
    f1History,
    samples: 0,
    scorers,
    now,
  };
}

/** Hand the scoring pools the current models; if they fail, score on the main thread. */
async function refreshScorers(state: LoopState, log: Logger): Promise<void> {
  try {
    await state.scorers?.update(state.twin);
  } catch (e) {
    log.warn(`phase 3: scoring workers failed (${e}); scoring on the main thread from now on`);
    state.scorers?.close();
    state.scorers = null;
  }
}

/** An iteration planned but not recorded: its plan rows not yet simulated, to finish it. */
function unfinishedPlan(o: Phase3Options, book: RowBook, k: number): Float64Array {
  const rows: number[] = [];
  for (let i = 0; i < o.plan.n; i++) {
    const r = o.plan.rows.subarray(i * PLAN_COLUMNS.length, (i + 1) * PLAN_COLUMNS.length);
    if (r[PLAN_INDEX.iteration] === k && !book.hasId(r[PLAN_INDEX.sample_id])) rows.push(...r);
  }
  o.log.info(
    `phase 3: iteration ${k} was planned; running its ${
      rows.length / PLAN_COLUMNS.length
    } missing samples`,
  );
  return Float64Array.from(rows);
}

/** Iteration k: plan (or finish a plan), simulate, update the model, measure, record. */
async function runIteration(
  o: Phase3Options,
  state: LoopState,
  k: number,
  pendingPlan: Float64Array | null,
): Promise<"continue" | "stopped" | "converged"> {
  const { now } = state;
  const tk = now();
  const record = emptyIterationRecord();
  record.iteration = k;
  const planRows = pendingPlan ?? await planAndCommit(o, state, k, record);
  const rows = await simulatePlan(o, state, planRows, record);
  if (rows === null) return "stopped"; // the rest of this iteration is finished on resume
  const refit = await updateModel(o, state, k, record);
  const { f1, stable } = await measureBoundary(o, state, record);
  record.t_total = (now() - tk) / 1000;
  o.store.appendIteration(iterationRow(record));
  o.log.info(
    `phase 3: iteration ${k}: ${rows.length} samples (${record.batch_successes} successes), ` +
      `F1 ${Number.isFinite(record.f1_holdout) ? "holdout" : "stability"} ${f1.toFixed(4)}, ` +
      `uncertain ${(100 * record.uncertain_fraction).toFixed(1)} %, ${
        record.t_total.toFixed(1)
      } s` +
      (refit ? " (refit)" : ""),
  );
  await o.onIteration?.(k, record);
  if (!stable) return "continue";
  const { f1Delta, window } = o.settings.stopping!;
  o.log.info(`phase 3: boundary stable (ΔF1 < ${f1Delta} over ${window} iterations)`);
  return "converged";
}

/** Plan iteration k and commit its plan rows before anything is simulated. */
async function planAndCommit(
  o: Phase3Options,
  state: LoopState,
  k: number,
  record: IterationRecord,
) {
  const { now } = state;
  const tPredict = now();
  const plan = await planIteration(o, state.twin, state.book, k, state.bounds, state.scorers);
  record.pool_size = plan.poolSize;
  record.prefilter_dropped = plan.prefilterDropped;
  record.refined = plan.refined;
  record.t_predict = (plan.selectStart - tPredict) / 1000;
  record.t_select = (now() - plan.selectStart) / 1000;
  const acq = plan.picks.map((p) => p.acquisition);
  record.acq_max = acq.length ? Math.max(...acq) : NaN;
  record.acq_min = acq.length ? Math.min(...acq) : NaN;
  record.acq_mean = acq.length ? acq.reduce((a, b) => a + b, 0) / acq.length : NaN;
  const tw = now();
  o.store.appendPlan(plan.rows);
  record.t_write = (now() - tw) / 1000;
  return plan.rows;
}

/** Simulate the plan and commit its rows; null when a stop left some of them undone. */
async function simulatePlan(
  o: Phase3Options,
  state: LoopState,
  planRows: Float64Array,
  record: IterationRecord,
): Promise<StoreRow[] | null> {
  const { now } = state;
  const tSim = now();
  const tasks = tasksFromPlan(planRows, o.settings.seed);
  record.batch_size = tasks.length;
  const rows = await executeTasks(tasks, o.pool, o.guards, o.log);
  record.t_simulate = (now() - tSim) / 1000;
  const tw = now();
  if (rows.length > 0) o.store.appendRows("active_learning", rows);
  state.book.add(rows);
  record.t_write = (Number.isFinite(record.t_write) ? record.t_write : 0) + (now() - tw) / 1000;
  state.samples += rows.length;
  record.batch_successes = rows.filter((r) => r.outcome === "success").length;
  return rows.length < tasks.length || o.stop.reason !== null ? null : rows;
}

/** Condition the GPs with fixed θ, or re-fit them warm-started every `retrainInterval`. */
async function updateModel(
  o: Phase3Options,
  state: LoopState,
  k: number,
  record: IterationRecord,
): Promise<boolean> {
  const tFit = state.now();
  const refit = (k + 1) % o.settings.retrainInterval === 0;
  state.twin = await conditionTwin(o, state.book.upTo(k), thetaOfTwin(state.twin), refit, k);
  await refreshScorers(state, o.log);
  record.refit = refit ? 1 : 0;
  record.t_fit = (state.now() - tFit) / 1000;
  fillModelColumns(record, state.twin, state.book, o.surrogate);
  return refit;
}

/** The boundary metrics of the new model and the stopping test (docs/campaign.md §10.4). */
async function measureBoundary(o: Phase3Options, state: LoopState, record: IterationRecord) {
  const p3 = o.settings, twin = state.twin;
  const labels = referenceLabels(twin, state.reference, p3.acquisition.threshold);
  record.f1_stability = f1Score(labels, state.previousLabels).f1;
  state.previousLabels = labels;
  record.f1_holdout = holdoutScores(twin, o.holdout, o.surrogate).pooled.f1;
  const reference = state.reference.subarray(0, 2048 * D);
  record.uncertain_fraction = await uncertainFraction(
    twin,
    reference,
    p3.acquisition,
    state.scorers,
  );
  record.secure_fraction = labels.reduce((a, b) => a + b, 0) / labels.length;
  const f1 = Number.isFinite(record.f1_holdout) ? record.f1_holdout : record.f1_stability;
  state.f1History.push(stoppingF1(record.f1_holdout, record.f1_stability, record.secure_fraction));
  const stable = p3.stopping !== null && isBoundaryStable(state.f1History, {
    f1Delta: p3.stopping.f1Delta,
    window: p3.stopping.window,
    minIterations: p3.stopping.minIterations,
  });
  record.stop = stable ? 1 : 0;
  return { f1, stable };
}
