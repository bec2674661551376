/**
 * Column layouts of Phase 3's two float64 matrices in `/active_learning` (docs/campaign.md §10.5,
 * §10.6): `plan` (one row per selected point) and `iterations` (one row per iteration).
 * @module
 */
import { INPUT_COLUMNS } from "../../io/store/schema.ts";

/** Ids of Phase 3 samples: 2^40 + iteration·2^20 + position in the batch (docs/campaign.md §7.2). */
export function phase3SampleId(iteration: number, position: number): number {
  return 2 ** 40 + iteration * 2 ** 20 + position;
}

/** Ids of holdout samples: 2^41 + j. */
export function holdoutSampleId(j: number): number {
  return 2 ** 41 + j;
}

/** `plan` columns: id, iteration, the 9 stored inputs, acquisition, μ and σ at selection, GP. */
export const PLAN_COLUMNS = [
  "sample_id",
  "iteration",
  ...INPUT_COLUMNS,
  "acquisition",
  "mu",
  "sigma",
  "strategy_gp",
] as const;

/** Position of each `plan` column by name, e.g. `PLAN_INDEX.acquisition`. */
export const PLAN_INDEX = Object.freeze(
  Object.fromEntries(PLAN_COLUMNS.map((c, i) => [c, i])),
) as Readonly<Record<typeof PLAN_COLUMNS[number], number>>;

/** The stored inputs of a `plan` row (a view of its {@link INPUT_COLUMNS} span). */
export function planRowInputs(planRow: Float64Array): Float64Array {
  const start = PLAN_INDEX[INPUT_COLUMNS[0]];
  return planRow.subarray(start, start + INPUT_COLUMNS.length);
}

const THETA = (s: string) => Array.from({ length: 10 }, (_, i) => `theta_${s}_${i}`);

/** `iterations` columns (docs/campaign.md §10.5). θ = (log ℓ_1..8, log σ_f², log σ_n²) per GP. */
export const ITERATION_COLUMNS = [
  "iteration",
  "n_train_baseline",
  "n_train_blind",
  "refit",
  ...THETA("baseline"),
  ...THETA("blind"),
  "mll_baseline",
  "mll_blind",
  "pool_size",
  "prefilter_dropped",
  "refined",
  "acq_max",
  "acq_mean",
  "acq_min",
  "f1_holdout",
  "f1_stability",
  "uncertain_fraction",
  "secure_fraction",
  "batch_size",
  "batch_successes",
  "t_fit",
  "t_predict",
  "t_select",
  "t_simulate",
  "t_write",
  "t_total",
  "stop",
] as const;
export type IterationColumn = typeof ITERATION_COLUMNS[number];

/** One iteration record by column name. */
export type IterationRecord = Record<IterationColumn, number>;

/** A record with every column NaN. */
export function emptyIterationRecord(): IterationRecord {
  const r = {} as IterationRecord;
  for (const c of ITERATION_COLUMNS) r[c] = NaN;
  return r;
}

/** The record as a row in {@link ITERATION_COLUMNS} order. */
export function iterationRow(r: IterationRecord): Float64Array {
  return Float64Array.from(ITERATION_COLUMNS, (c) => r[c]);
}

/** The θ of one GP from an iteration row, or undefined when absent (NaN). */
export function thetaFromRow(
  row: ArrayLike<number>,
  strategy: "baseline" | "blind",
): Float64Array | undefined {
  const start = ITERATION_COLUMNS.indexOf(`theta_${strategy}_0` as IterationColumn);
  const theta = Float64Array.from({ length: 10 }, (_, i) => row[start + i]);
  return theta.every(Number.isFinite) ? theta : undefined;
}
