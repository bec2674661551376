/**
 * The in-memory view of a campaign that post-processing consumes (docs/campaign.md §7.1, §12): the
 * committed rows of each group, root attributes, optional Phase 3 iteration records and
 * run-performance records. Report code reads only this type, never the HDF5 file, so tests can
 * build it synthetically and other stores can be adapted to it.
 * @module
 */
import { DIAGNOSTIC_COLUMNS, OUTPUT_COLUMNS } from "../protocol/record.ts";
import { INPUT_COLUMNS } from "../io/store/writer.ts";

/** Row groups of a campaign, in store order. */
export const REPORT_GROUPS = ["lhs_warmup", "active_learning", "holdout"] as const;
export type ReportGroup = typeof REPORT_GROUPS[number];

/** Number of stored input columns (docs/science.md §1.1). */
export const INPUT_WIDTH = 9;
/** Number of continuous input columns (strategy dropped), the surrogate's inputs. */
export const CONTINUOUS_WIDTH = 8;
/** Stored input column names (docs/science.md §1.1), in order: the store's own list. */
export const STORED_COLUMNS = INPUT_COLUMNS;
/** Short axis labels of the stored columns, for figures. */
export const STORED_LABELS = [
  "r",
  "log10 ν",
  "log10 Δt (ns)",
  "F",
  "log10 η",
  "e_det",
  "log10 p_d",
  "log10 N",
  "strategy",
] as const;

/** Committed rows of one group, column-wise. */
export interface GroupRows {
  /** Number of rows. */
  n: number;
  sampleId: Float64Array;
  /** −1 for Phase 1 and holdout, else the Phase 3 iteration. */
  iteration: Int32Array;
  /** n×9 row-major, stored units (docs/science.md §1.1). */
  inputs: Float64Array;
  /** Exact N per row. */
  numPairs: Float64Array;
  /** n×6 row-major in {@link OUTPUT_COLUMNS} order. */
  outputs: Float64Array;
  outcomes: string[];
  keyMargin: Float64Array;
  /** n×D row-major, D = `diagnosticColumns.length`. */
  diagnostics: Float64Array;
  diagnosticColumns: readonly string[];
}

/** A float64 record matrix with named columns (iteration records, run performance). */
export interface RecordMatrix {
  columns: readonly string[];
  /** rows×columns row-major. */
  values: Float64Array;
}

/** Everything post-processing reads from a campaign. */
export interface CampaignData {
  groups: Record<ReportGroup, GroupRows>;
  /** Root attributes of the store (docs/campaign.md §7.1). */
  attributes: Record<string, string | number>;
  /** `/active_learning/iterations` (docs/campaign.md §10.5), if any. */
  iterations?: RecordMatrix;
  /** Per-commit timings (`/run_record/batches`), if any. */
  runPerformance?: RecordMatrix;
  /** Per-phase summaries (wall time, counts) as stored by the campaign, if any. */
  phases?: Record<string, unknown>;
}

/** An empty group (no rows). */
export function emptyGroupRows(): GroupRows {
  return {
    n: 0,
    sampleId: new Float64Array(0),
    iteration: new Int32Array(0),
    inputs: new Float64Array(0),
    numPairs: new Float64Array(0),
    outputs: new Float64Array(0),
    outcomes: [],
    keyMargin: new Float64Array(0),
    diagnostics: new Float64Array(0),
    diagnosticColumns: DIAGNOSTIC_COLUMNS,
  };
}

/** Number of rows of a record matrix. */
export function recordRows(m: RecordMatrix | undefined): number {
  return m && m.columns.length > 0 ? m.values.length / m.columns.length : 0;
}

/**
 * One column of a record matrix by name, or undefined if absent.
 * @example
 * ```ts
 * import { recordColumn } from "./campaign_data.ts";
 * const m = { columns: ["a", "b"], values: new Float64Array([1, 2, 3, 4]) };
 * console.assert(recordColumn(m, "b")![1] === 4);
 * ```
 */
export function recordColumn(m: RecordMatrix | undefined, name: string): Float64Array | undefined {
  if (!m) return undefined;
  const j = m.columns.indexOf(name);
  if (j < 0) return undefined;
  const w = m.columns.length;
  const n = m.values.length / w;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = m.values[i * w + j];
  return out;
}

/** Index of an output column (lib/protocol/record.ts order). */
export function outputIndex(name: typeof OUTPUT_COLUMNS[number]): number {
  return OUTPUT_COLUMNS.indexOf(name);
}
