/**
 * From store rows to GP training data (campaign.md §9.1): per strategy, the rows of
 * `/lhs_warmup` and `/active_learning` (never `/holdout`) whose outcome is not a timeout or an
 * error and whose target is finite; skipped rows only with `train_on_skipped`. Inputs are the 8
 * continuous stored columns scaled to the unit box of the campaign bounds.
 * @module
 */
import type { CampaignConfig } from "../io/config.ts";
import { type GroupData, INPUT_COLUMNS, type StoreRow } from "../io/hdf5_store.ts";
import type { ColumnBounds } from "../surrogate/unit_box.ts";
import type { Strategy } from "../surrogate/twin_landscape.ts";

/** Number of continuous input columns of the GP (the strategy column is dropped). */
export const GP_INPUT_DIMENSION = 8;

/** GP input column names, in stored units: the stored inputs without `strategy`. */
export const GP_INPUT_COLUMNS = INPUT_COLUMNS.slice(0, GP_INPUT_DIMENSION);

/** The campaign box in stored units (linear or log10 per column), the GP's unit-box scaling. */
export function storedBounds(bounds: CampaignConfig["bounds"]): ColumnBounds {
  return {
    lo: [
      bounds.storage_noise_r.min,
      Math.log10(bounds.storage_rate_nu.min),
      bounds.wait_time_ns.min_log,
      bounds.channel_fidelity.min,
      bounds.detection_efficiency.min_log,
      bounds.detector_error.min,
      bounds.dark_count_prob.min_log,
      bounds.num_pairs.min_log,
    ],
    hi: [
      bounds.storage_noise_r.max,
      Math.log10(bounds.storage_rate_nu.max),
      bounds.wait_time_ns.max_log,
      bounds.channel_fidelity.max,
      bounds.detection_efficiency.max_log,
      bounds.detector_error.max,
      bounds.dark_count_prob.max_log,
      bounds.num_pairs.max_log,
    ],
  };
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
  n: number;
}

/** Which rows train the GP and on what target. */
export interface TrainingSelection {
  target: "key_margin" | "net_efficiency";
  trainOnSkipped: boolean;
}

const EXCLUDED = new Set(["failure_timeout", "failure_error"]);

/** The columns of committed rows that training needs (a {@link GroupData} satisfies it). */
export type TrainingRows = Pick<
  GroupData,
  "n" | "sampleId" | "inputs" | "outputs" | "outcomes" | "keyMargin" | "iteration"
>;

/**
 * Collect one strategy's training rows from the given groups, sorted by sample id so that the
 * model does not depend on the completion order of the samples (reproducibility, resume).
 */
export function trainingSet(
  groups: readonly TrainingRows[],
  strategy: Strategy,
  bounds: ColumnBounds,
  selection: TrainingSelection,
): TrainingSet {
  const picked: { g: TrainingRows; i: number; target: number }[] = [];
  const blind = strategy === "blind";
  for (const g of groups) {
    for (let i = 0; i < g.n; i++) {
      if ((g.inputs[i * 9 + 8] >= 0.5) !== blind) continue;
      const outcome = g.outcomes[i];
      if (EXCLUDED.has(outcome)) continue;
      if (outcome.startsWith("skipped") && !selection.trainOnSkipped) continue;
      const target = selection.target === "key_margin" ? g.keyMargin[i] : g.outputs[i * 6];
      if (!Number.isFinite(target)) continue;
      picked.push({ g, i, target });
    }
  }
  picked.sort((a, b) => a.g.sampleId[a.i] - b.g.sampleId[b.i]);
  const n = picked.length, d = GP_INPUT_DIMENSION;
  const x = new Float64Array(n * d), y = new Float64Array(n), ids = new Float64Array(n);
  picked.forEach(({ g, i, target }, k) => {
    for (let j = 0; j < d; j++) {
      x[k * d + j] = (g.inputs[i * 9 + j] - bounds.lo[j]) / (bounds.hi[j] - bounds.lo[j]);
    }
    y[k] = target;
    ids[k] = g.sampleId[i];
  });
  return { strategy, x, y, ids, n };
}

/** The rows of `g` with iteration ≤ `maxIteration` (Phase 1 rows have iteration −1). */
export function filterRows(g: TrainingRows, maxIteration: number): TrainingRows {
  const keep: number[] = [];
  for (let i = 0; i < g.n; i++) if (g.iteration[i] <= maxIteration) keep.push(i);
  if (keep.length === g.n) return g;
  return {
    n: keep.length,
    sampleId: Float64Array.from(keep, (i) => g.sampleId[i]),
    inputs: Float64Array.from(keep.flatMap((i) => Array.from(g.inputs.subarray(i * 9, i * 9 + 9)))),
    outputs: Float64Array.from(
      keep.flatMap((i) => Array.from(g.outputs.subarray(i * 6, i * 6 + 6))),
    ),
    outcomes: keep.map((i) => g.outcomes[i]),
    keyMargin: Float64Array.from(keep, (i) => g.keyMargin[i]),
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
    iteration: Int32Array.from(rows, (r) => r.iteration),
  };
}
