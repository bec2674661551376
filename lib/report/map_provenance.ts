/**
 * Where a GP-derived figure's value comes from (docs/science.md §8.5), shared by the cliff maps,
 * the cliff cross-section and the strategy duel: the surrogate where it is sure of the sign
 * (σ < |μ − t|), faded where it extrapolates (σ ≥ |μ − t|), and grey where the campaign's
 * analytic pre-filter rules the point out (`FigureContext.ruledOut`), so the value rests on the
 * pre-filter, not on simulations.
 * @module
 */
import type { FigureContext } from "./figure_context.ts";
import type { VegaLiteSpec } from "./vega_render.ts";

/** Legend label of a value the surrogate is sure of the sign of. */
export const SURE = "surrogate (σ < |μ − t|)";
/** Legend label of a value the surrogate extrapolates. */
export const EXTRAPOLATED = "extrapolated (σ ≥ |μ − t|)";
/** Fill of ruled-out cells (grey), shared with the page's explorer. */
export const RULED_OUT_COLOUR = "#b0b0b0";

/** Provenance label of a value. */
export type Provenance = typeof SURE | typeof EXTRAPOLATED;

/**
 * Where a value μ ± σ comes from: {@link EXTRAPOLATED} where σ ≥ |μ − t| (σ NaN counts as sure).
 * @example
 * ```ts
 * import { EXTRAPOLATED, provenance, SURE } from "./map_provenance.ts";
 * console.assert(provenance(0.1, 0.05, 0) === SURE);
 * console.assert(provenance(0.1, 0.2, 0) === EXTRAPOLATED);
 * ```
 */
export function provenance(mean: number, std: number, t: number): Provenance {
  return Number.isFinite(std) && std >= Math.abs(mean - t) ? EXTRAPOLATED : SURE;
}

/** Vega-Lite `opacity` encoding of the `source` field: 1 where sure, 0.3 where extrapolated. */
export function provenanceOpacity(title = "map"): VegaLiteSpec {
  return {
    field: "source",
    type: "ordinal",
    sort: [SURE, EXTRAPOLATED],
    title,
    scale: { domain: [SURE, EXTRAPOLATED], range: [1, 0.3] },
    legend: { labelLimit: 320 },
  };
}

/**
 * Per grid node of the slice xs × ys through `ref` over columns cx, cy (row-major, x fastest):
 * whether the pre-filter rules the point out; empty without a pre-filter.
 */
export function ruledOutCells(
  ctx: Pick<FigureContext, "ruledOut">,
  xs: Float64Array,
  ys: Float64Array,
  cx: number,
  cy: number,
  ref: Float64Array,
): boolean[] {
  if (!ctx.ruledOut) return [];
  const out: boolean[] = [];
  const p = Float64Array.from(ref);
  for (let j = 0; j < ys.length; j++) {
    for (let i = 0; i < xs.length; i++) {
      p[cx] = xs[i];
      p[cy] = ys[j];
      out.push(ctx.ruledOut(p));
    }
  }
  return out;
}

/**
 * Per point of the line through `start` along column `column` (values xs): whether the
 * pre-filter rules it out; empty without a pre-filter.
 */
export function ruledOutLine(
  ctx: Pick<FigureContext, "ruledOut">,
  xs: Float64Array,
  column: number,
  start: ArrayLike<number>,
): boolean[] {
  if (!ctx.ruledOut) return [];
  const p = Float64Array.from(start);
  return Array.from(xs, (x) => {
    p[column] = x;
    return ctx.ruledOut!(p);
  });
}

/**
 * Grey rect layer over the ruled-out `cells` (objects with x, x2, y, y2), or undefined when none
 * is ruled out. Without y fields in `cells` (a 1-D figure) the rects span the full height.
 */
export function ruledOutLayer(
  cells: Record<string, unknown>[],
  ruledOut: boolean[],
): VegaLiteSpec | undefined {
  const values = cells.filter((_c, k) => ruledOut[k]);
  if (values.length === 0) return undefined;
  const encoding: VegaLiteSpec = { x: { field: "x", type: "quantitative" }, x2: { field: "x2" } };
  if ("y" in values[0]) {
    encoding.y = { field: "y", type: "quantitative" };
    encoding.y2 = { field: "y2" };
  }
  return {
    data: { values },
    mark: { type: "rect", color: RULED_OUT_COLOUR, opacity: 0.9 },
    encoding,
  };
}
