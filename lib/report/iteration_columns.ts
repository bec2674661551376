/**
 * Column lookup in the Phase 3 iteration records (docs/campaign.md §10.5) by name pattern, so the
 * report tolerates the exact names chosen by the writer: F1 columns contain "f1", acquisition
 * statistics contain "acq", θ columns are "theta_<strategy>_<k>" (k = 0..9, θ = (log ℓ_1..8,
 * log σ_f², log σ_n²)) or "<strategy>_theta_<k>" / "log_ls_<strategy>_<k>".
 * @module
 */
import type { StoredMatrix } from "../io/store/schema.ts";
import { recordColumn } from "./campaign_data.ts";

/** Columns whose lower-cased name contains `needle`, with their values. */
export function columnsContaining(
  m: StoredMatrix | undefined,
  needle: string,
): [string, Float64Array][] {
  if (!m) return [];
  return m.columns
    .filter((c) => c.toLowerCase().includes(needle))
    .map((c) => [c, recordColumn(m, c)!]);
}

/**
 * The log-length-scale column of `strategy` and input column k (0..7), or undefined.
 * @example
 * ```ts
 * import { logLengthScaleColumn } from "./iteration_columns.ts";
 * const m = { n: 1, columns: ["iteration", "theta_blind_2"], rows: new Float64Array([0, -1.5]) };
 * console.assert(logLengthScaleColumn(m, "blind", 2)![0] === -1.5);
 * ```
 */
export function logLengthScaleColumn(
  m: StoredMatrix | undefined,
  strategy: string,
  k: number,
): Float64Array | undefined {
  if (!m) return undefined;
  const re = new RegExp(
    `^(?:(?:log_?)?theta_${strategy}_${k}|${strategy}_(?:log_?)?theta_${k}|log_?(?:ls|lengthscale|length_scale)_${strategy}_${k})$`,
    "i",
  );
  const name = m.columns.find((c) => re.test(c));
  return name ? recordColumn(m, name) : undefined;
}
