/**
 * From store rows to GP training data (docs/campaign.md §9.1): per strategy, the rows of
 * `/lhs_warmup` and `/active_learning` (never `/holdout`) whose outcome is not a timeout or an
 * error and whose target is finite; pre-filtered rows, with their analytic target, only with
 * `train_on_skipped` and up to `skipped_ratio` times the simulated rows. Inputs are the 8
 * continuous stored columns scaled to the unit box of the campaign bounds. A row with a
 * non-finite input (a hand-edited store, issue #18) never reaches the GP: it is left out and its
 * id reported in `nonFiniteInputIds`, which the caller logs.
 * @module
 */
import type { CampaignConfig } from "../io/config.ts";
import { DIAGNOSTIC_COLUMNS } from "../protocol/record.ts";
import { type GroupData, INPUT_COLUMNS, type StoreRow } from "../io/store/schema.ts";
import type { ColumnBounds } from "../surrogate/unit_box.ts";
import type { Strategy } from "../surrogate/twin_landscape.ts";
import {
  CONTINUOUS_WIDTH,
  PARAM_INDEX,
  STORED_WIDTH,
  storedBox,
} from "../science/parameter_space.ts";

/** Number of continuous input columns of the GP (the strategy column is dropped). */
export const GP_INPUT_DIMENSION = CONTINUOUS_WIDTH;

/** GP input column names, in stored units: the stored inputs without `strategy`. */
export const GP_INPUT_COLUMNS = INPUT_COLUMNS.slice(0, GP_INPUT_DIMENSION);

/**
 * The campaign box in stored units (linear or log10 per column), the GP's unit-box scaling: the
 * parameter table's {@link storedBox}.
 */
export function storedBounds(bounds: CampaignConfig["bounds"]): ColumnBounds {
  return storedBox(bounds);
}

/** Training rows of one strategy. */
export interface TrainingSet {
  strategy: Strategy;
  /** n×8 row-major, unit box. */
  x: Float64Array;
  /** Target values (target units). */
  y: Float64Array;
  /** Sample ids, for the model file. */
  ids: Float64Array;
  /** 1 where the row was simulated, 0 where it is a pre-filtered row with an analytic target. */
  simulated: Uint8Array;
  n: number;
  /** Sample ids of this strategy's rows left out because an input is NaN or ±∞. */
  nonFiniteInputIds: number[];
}

/** Which rows train the GP and on what target. */
export interface TrainingSelection {
  target: "cliff_margin" | "key_margin" | "net_efficiency";
  trainOnSkipped: boolean;
  /**
   * Budget of pre-filtered rows per strategy as a multiple of the simulated rows (default 1):
   * the skipped rows with the smallest sample ids are taken, a prefix of the scrambled-Sobol
   * design and therefore spread over the infeasible region (docs/science.md §8.5, docs/campaign.md §9.1).
   */
  skippedRatio?: number;
}

const CLIFF_COLUMN = DIAGNOSTIC_COLUMNS.indexOf("cliff_margin");
/** Width of a stored input row. */
const W = STORED_WIDTH;
const EXCLUDED = new Set(["failure_timeout", "failure_error"]);

/** The columns of committed rows that training needs (a {@link GroupData} satisfies it). */
export type TrainingRows = Pick<
  GroupData,
  "n" | "sampleId" | "inputs" | "outputs" | "outcomes" | "keyMargin" | "cliffMargin" | "iteration"
>;

interface PickedRow {
  g: TrainingRows;
  i: number;
  target: number;
}

/**
 * Collect one strategy's training rows from the given groups, sorted by sample id so that the
 * model does not depend on the completion order of the samples (reproducibility, resume).
 * Pre-filtered rows enter with their analytic target when `trainOnSkipped`, up to the budget.
 */
export function trainingSet(
  groups: readonly TrainingRows[],
  strategy: Strategy,
  bounds: ColumnBounds,
  selection: TrainingSelection,
): TrainingSet {
  const simulated: PickedRow[] = [], skipped: PickedRow[] = [];
  const nonFiniteInputIds: number[] = [];
  const blind = strategy === "blind";
  for (const g of groups) {
    for (let i = 0; i < g.n; i++) {
      const strategyColumn = g.inputs[i * W + PARAM_INDEX.strategy];
      if (Number.isFinite(strategyColumn) && (strategyColumn >= 0.5) !== blind) continue;
      if (!g.inputs.subarray(i * W, (i + 1) * W).every(Number.isFinite)) {
        nonFiniteInputIds.push(g.sampleId[i]);
        continue;
      }
      const outcome = g.outcomes[i];
      if (EXCLUDED.has(outcome)) continue;
      const isSkipped = outcome.startsWith("skipped");
      if (isSkipped && !selection.trainOnSkipped) continue;
      const target = targetValue(g, i, selection.target);
      if (!Number.isFinite(target)) continue;
      (isSkipped ? skipped : simulated).push({ g, i, target });
    }
  }
  const byId = (a: PickedRow, b: PickedRow) => a.g.sampleId[a.i] - b.g.sampleId[b.i];
  skipped.sort(byId);
  const budget = Math.floor((selection.skippedRatio ?? 1) * simulated.length);
  const picked = [...simulated, ...skipped.slice(0, budget)].sort(byId);
  const n = picked.length, d = GP_INPUT_DIMENSION;
  const x = new Float64Array(n * d), y = new Float64Array(n), ids = new Float64Array(n);
  const isSimulated = new Uint8Array(n);
  picked.forEach(({ g, i, target }, k) => {
    for (let j = 0; j < d; j++) {
      x[k * d + j] = (g.inputs[i * W + j] - bounds.lo[j]) / (bounds.hi[j] - bounds.lo[j]);
    }
    y[k] = target;
    ids[k] = g.sampleId[i];
    isSimulated[k] = g.outcomes[i].startsWith("skipped") ? 0 : 1;
  });
  return { strategy, x, y, ids, simulated: isSimulated, n, nonFiniteInputIds };
}

/** The training target of row i. */
export function targetValue(
  g: TrainingRows,
  i: number,
  target: TrainingSelection["target"],
): number {
  if (target === "cliff_margin") return g.cliffMargin[i];
  return target === "key_margin" ? g.keyMargin[i] : g.outputs[i * 6];
}

/** The rows of `g` with iteration ≤ `maxIteration` (Phase 1 rows have iteration −1). */
export function filterRows(g: TrainingRows, maxIteration: number): TrainingRows {
  const keep: number[] = [];
  for (let i = 0; i < g.n; i++) if (g.iteration[i] <= maxIteration) keep.push(i);
  if (keep.length === g.n) return g;
  return {
    n: keep.length,
    sampleId: Float64Array.from(keep, (i) => g.sampleId[i]),
    inputs: Float64Array.from(
      keep.flatMap((i) => Array.from(g.inputs.subarray(i * W, (i + 1) * W))),
    ),
    outputs: Float64Array.from(
      keep.flatMap((i) => Array.from(g.outputs.subarray(i * 6, i * 6 + 6))),
    ),
    outcomes: keep.map((i) => g.outcomes[i]),
    keyMargin: Float64Array.from(keep, (i) => g.keyMargin[i]),
    cliffMargin: Float64Array.from(keep, (i) => g.cliffMargin[i]),
    iteration: Int32Array.from(keep, (i) => g.iteration[i]),
  };
}

/** Rows just written (not yet read back) in the column layout of {@link TrainingRows}. */
export function storeRowsAsTrainingRows(rows: readonly StoreRow[]): TrainingRows {
  return {
    n: rows.length,
    sampleId: Float64Array.from(rows, (r) => r.sampleId),
    inputs: Float64Array.from(rows.flatMap((r) => Array.from(r.inputs))),
    outputs: Float64Array.from(rows.flatMap((r) => Array.from(r.outputs))),
    outcomes: rows.map((r) => r.outcome),
    keyMargin: Float64Array.from(rows, (r) => r.keyMargin),
    cliffMargin: Float64Array.from(rows, (r) => r.diagnostics[CLIFF_COLUMN]),
    iteration: Int32Array.from(rows, (r) => r.iteration),
  };
}
