/**
 * Inputs shared by the figure builders: the campaign, its derived rows, the optional surrogate
 * and the reference point of slices.
 * @module
 */
import type { RuledOutTest } from "./prefilter_verdict.ts";
import type { CampaignData } from "../io/store/schema.ts";
import { CONTINUOUS_WIDTH, INPUT_WIDTH } from "./campaign_data.ts";
import type { DerivedRows } from "./derived_columns.ts";
import type { SensitivityResult } from "./sensitivity_figure.ts";
import { STRATEGIES, type SurrogatePredictor } from "./surrogate_predictor.ts";
/** Default column pairs of the cliff maps: r × F, log η × log p_d, F × log N, r × log ν. */
export const CLIFF_MAP_PAIRS: readonly [number, number][] = [[0, 3], [4, 6], [3, 7], [0, 1]];

/** What every figure builder receives. */
export interface FigureContext {
  data: CampaignData;
  /** Derived rows of Phase 1 and Phase 3 (holdout excluded). */
  rows: DerivedRows;
  /** Derived rows of the holdout group. */
  holdout: DerivedRows;
  /** The latest surrogate, if one exists. */
  predictor?: SurrogatePredictor;
  /** Decision threshold t on key_margin (default 0). */
  threshold: number;
  /** Campaign seed (for the Sobol-index sample stream). */
  campaignSeed: number;
  /** Base points of the Jansen estimator (docs/campaign.md §12.3: 2^13). */
  sobolBasePoints: number;
  /** Column pairs (stored-column indices) of the cliff maps; default {@link CLIFF_MAP_PAIRS}. */
  cliffMapPairs?: readonly [number, number][];
  /**
   * Whether the campaign's analytic pre-filter rules out a point (8 continuous stored columns):
   * there the maps rest on the pre-filter, not on simulations. Absent: no pre-filter.
   */
  ruledOut?: RuledOutTest;
  /** Sobol indices and ARD relevances, when computed once for the summary and the figure. */
  sensitivity?: SensitivityResult;
  /**
   * Half-width L of the key-margin colour scale: every map colours t − L … t + L on one
   * diverging scale with t at the midpoint (default {@link marginColourLimit}).
   */
  marginColourLimit?: number;
}

/**
 * Half-width of the shared key-margin colour scale: the 98th percentile of |y − t| over the
 * surrogate's training targets (both strategies), else over the rows' key_margin; ≥ 1e-3.
 */
export function marginColourLimit(
  ctx: Pick<FigureContext, "predictor" | "rows" | "threshold">,
): number {
  const t = ctx.threshold;
  const values: number[] = [];
  for (const s of STRATEGIES) {
    const gp = ctx.predictor?.gpModel?.(s);
    if (!gp) continue;
    const { y, yMean, yStd } = gp.state;
    for (let i = 0; i < y.length; i++) values.push(Math.abs(y[i] * yStd + yMean - t));
  }
  if (values.length === 0) {
    for (let i = 0; i < ctx.rows.n; i++) {
      const v = ctx.rows.keyMargin[i];
      if (Number.isFinite(v)) values.push(Math.abs(v - t));
    }
  }
  values.sort((a, b) => a - b);
  const q = values.length
    ? values[Math.min(values.length - 1, Math.floor(0.98 * values.length))]
    : 0;
  return Math.max(1e-3, q);
}

/**
 * Reference point of slices (8 continuous columns, stored units): the centre of the surrogate's
 * box (midpoint of each stored column, i.e. the geometric mean of log-scaled parameters), where a
 * slice crosses the cliff of a typical point; without a surrogate, the success with the largest
 * key_margin, else the column medians of the rows.
 */
export function referencePoint(ctx: FigureContext): Float64Array {
  const { rows } = ctx;
  const out = new Float64Array(CONTINUOUS_WIDTH);
  if (ctx.predictor) {
    for (let c = 0; c < CONTINUOUS_WIDTH; c++) {
      out[c] = (ctx.predictor.bounds.lo[c] + ctx.predictor.bounds.hi[c]) / 2;
    }
    return out;
  }
  const best = bestSuccess(rows);
  if (best >= 0) {
    return rows.inputs.slice(best * INPUT_WIDTH, best * INPUT_WIDTH + CONTINUOUS_WIDTH);
  }
  for (let c = 0; c < CONTINUOUS_WIDTH; c++) {
    const v = Array.from({ length: rows.n }, (_, i) => rows.inputs[i * INPUT_WIDTH + c]).sort((
      a,
      b,
    ) => a - b);
    out[c] = v.length ? v[v.length >> 1] : 0;
  }
  return out;
}

/** Row index of the success with the largest key_margin, or −1. */
export function bestSuccess(rows: DerivedRows): number {
  let best = -1;
  for (let i = 0; i < rows.n; i++) {
    if (rows.isSuccess[i] && Number.isFinite(rows.keyMargin[i])) {
      if (best < 0 || rows.keyMargin[i] > rows.keyMargin[best]) best = i;
    }
  }
  return best;
}

/**
 * The campaign box in stored units from the store attribute `bounds_json` (the YAML `bounds`
 * section, docs/campaign.md §2.1: linear min/max, ν linear → log10, min_log/max_log for the log
 * columns), or undefined if absent or malformed.
 * @example
 * ```ts
 * import { boundsFromJson } from "./figure_context.ts";
 * const b = boundsFromJson('{"storage_rate_nu":{"min":0.001,"max":1},"num_pairs":{"min_log":4,"max_log":6}}');
 * console.assert(b === undefined);
 * ```
 */
export function boundsFromJson(
  json: string | number | undefined,
): { lo: Float64Array; hi: Float64Array } | undefined {
  if (typeof json !== "string") return undefined;
  try {
    const b = JSON.parse(json);
    const lin = (k: string) => [b[k].min, b[k].max];
    const log = (k: string) => [b[k].min_log, b[k].max_log];
    const pairs = [
      lin("storage_noise_r"),
      lin("storage_rate_nu").map(Math.log10),
      log("wait_time_ns"),
      lin("channel_fidelity"),
      log("detection_efficiency"),
      lin("detector_error"),
      log("dark_count_prob"),
      log("num_pairs"),
    ];
    if (!pairs.every(([a, c]) => Number.isFinite(a) && Number.isFinite(c) && a < c)) {
      return undefined;
    }
    return {
      lo: Float64Array.from(pairs, (p) => p[0]),
      hi: Float64Array.from(pairs, (p) => p[1]),
    };
  } catch {
    return undefined;
  }
}

/**
 * The box of the 8 continuous columns (stored units): the surrogate's bounds, else the store's
 * `bounds_json`, else the range of the rows (widened by ±0.5 where degenerate), else the default
 * box of docs/campaign.md §2.1.
 */
export function boxBounds(ctx: FigureContext): { lo: Float64Array; hi: Float64Array } {
  if (ctx.predictor) return ctx.predictor.bounds;
  const stored = boundsFromJson(ctx.data.attributes["bounds_json"]);
  if (stored) return stored;
  const lo = new Float64Array([0, -3, 5, 0.501, -3, 0, -8, 4]);
  const hi = new Float64Array([1, 0, 9, 1, 0, 0.1, -3, 6]);
  if (ctx.rows.n === 0) return { lo, hi };
  for (let c = 0; c < CONTINUOUS_WIDTH; c++) {
    let a = Infinity;
    let b = -Infinity;
    for (let i = 0; i < ctx.rows.n; i++) {
      const v = ctx.rows.inputs[i * INPUT_WIDTH + c];
      if (v < a) a = v;
      if (v > b) b = v;
    }
    lo[c] = a < b ? a : a - 0.5;
    hi[c] = a < b ? b : b + 0.5;
  }
  return { lo, hi };
}
