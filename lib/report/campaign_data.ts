/**
 * What post-processing reads of a campaign (docs/campaign.md §7.1, §12): the store's own
 * {@link CampaignData} (lib/io/store/schema.ts, read by lib/io/store/reader.ts), with the column
 * widths and labels of the parameter table (lib/science/parameter_space.ts) and lookups in its
 * record matrices by column name. Report code never opens the HDF5 file, so tests build a
 * {@link CampaignData} synthetically.
 * @module
 */
import { OUTPUT_COLUMNS } from "../protocol/record.ts";
import {
  CONTINUOUS_WIDTH as PARAMETER_COUNT,
  STORED_COLUMNS as PARAMETER_COLUMNS,
  STORED_LABELS as PARAMETER_LABELS,
  STORED_WIDTH,
} from "../science/parameter_space.ts";
import { STORE_GROUPS, type StoredMatrix } from "../io/store/schema.ts";

/** Row groups of a campaign, in store order. */
export const REPORT_GROUPS = STORE_GROUPS;
export type ReportGroup = typeof REPORT_GROUPS[number];

/** Number of stored input columns (docs/science.md §1.1). */
export const INPUT_WIDTH = STORED_WIDTH;
/** Number of continuous input columns (strategy dropped), the surrogate's inputs. */
export const CONTINUOUS_WIDTH = PARAMETER_COUNT;
/** Stored input column names (docs/science.md §1.1), in order: the parameter table's. */
export const STORED_COLUMNS = PARAMETER_COLUMNS;
/** Short axis labels of the stored columns, for figures: the parameter table's. */
export const STORED_LABELS = PARAMETER_LABELS;

/**
 * One column of a record matrix by name, or undefined if absent.
 * @example
 * ```ts
 * import { recordColumn } from "./campaign_data.ts";
 * const m = { n: 2, columns: ["a", "b"], rows: new Float64Array([1, 2, 3, 4]) };
 * console.assert(recordColumn(m, "b")![1] === 4);
 * ```
 */
export function recordColumn(m: StoredMatrix | undefined, name: string): Float64Array | undefined {
  if (!m) return undefined;
  const j = m.columns.indexOf(name);
  if (j < 0) return undefined;
  const w = m.columns.length;
  const out = new Float64Array(m.n);
  for (let i = 0; i < m.n; i++) out[i] = m.rows[i * w + j];
  return out;
}

/** Index of an output column (lib/protocol/record.ts order). */
export function outputIndex(name: typeof OUTPUT_COLUMNS[number]): number {
  return OUTPUT_COLUMNS.indexOf(name);
}
