/**
 * Cliff maps: 2-D slices of each strategy GP's mean over a pair of columns (others at the
 * reference point), with the key_margin = t contour and the sampled points of that strategy
 * projected onto the slice (successes filled, failures as crosses).
 * @module
 */
import { INPUT_WIDTH, STORED_COLUMNS, STORED_LABELS } from "./campaign_data.ts";
import { CLIFF_MAP_PAIRS, type FigureContext, referencePoint } from "./figure_context.ts";
import {
  figure,
  type FigureSpec,
  PANEL,
  placeholderFigure,
  sig,
  thinIndices,
} from "./figure_spec.ts";
import { contourSegments, gridCells, sliceGrid } from "./slice_grid.ts";
import { STRATEGIES } from "./surrogate_predictor.ts";
import type { VegaLiteSpec } from "./vega_render.ts";

const SHORT = ["r", "nu", "dt", "F", "eta", "edet", "pd", "N"];

/** File stem of the cliff map of a column pair. */
export function cliffMapName(colX: number, colY: number): string {
  return `cliff_map_${SHORT[colX]}_${SHORT[colY]}`;
}

/** One cliff-map figure per column pair (placeholder without a surrogate). */
export function cliffMapFigures(
  ctx: FigureContext,
  pairs: readonly [number, number][] = ctx.cliffMapPairs ?? CLIFF_MAP_PAIRS,
  gridSize = 25,
): FigureSpec[] {
  return pairs.map(([cx, cy]) => {
    const name = cliffMapName(cx, cy);
    const title = `Cliff map: ${STORED_LABELS[cx]} × ${STORED_LABELS[cy]}`;
    if (!ctx.predictor) {
      return placeholderFigure(name, title, "No surrogate model in this campaign");
    }
    const ref = referencePoint(ctx);
    const t = ctx.threshold;
    const panels: VegaLiteSpec[] = STRATEGIES.map((s, code) => {
      const g = sliceGrid(ctx.predictor!, s, cx, cy, ref, gridSize, gridSize);
      const cells = gridCells(g.xs, g.ys, g.mean, (x) => sig(x));
      const segs = contourSegments(g.mean, g.xs, g.ys, t).map((p) => ({
        x: sig(p.x),
        y: sig(p.y),
        x2: sig(p.x2),
        y2: sig(p.y2),
      }));
      const points = thinIndices(ctx.rows.n, 2000)
        .filter((i) => ctx.rows.isBlind[i] === code)
        .map((i) => ({
          x: sig(ctx.rows.inputs[i * INPUT_WIDTH + cx]),
          y: sig(ctx.rows.inputs[i * INPUT_WIDTH + cy]),
          result: ctx.rows.isSuccess[i] ? "success" : "failure",
        }));
      const xEnc = {
        field: "x",
        type: "quantitative",
        title: STORED_LABELS[cx],
        scale: { zero: false, nice: false },
      };
      const yEnc = {
        field: "y",
        type: "quantitative",
        title: STORED_LABELS[cy],
        scale: { zero: false, nice: false },
      };
      const layers: VegaLiteSpec[] = [
        {
          data: { values: cells },
          mark: { type: "rect" },
          encoding: {
            x: xEnc,
            x2: { field: "x2" },
            y: yEnc,
            y2: { field: "y2" },
            color: {
              field: "v",
              type: "quantitative",
              title: `μ ${ctx.predictor!.target ?? "key_margin"}`,
              scale: { scheme: "redblue", domainMid: t },
            },
          },
        },
      ];
      if (segs.length > 0) {
        layers.push({
          data: { values: segs },
          mark: { type: "rule", color: "black", strokeWidth: 2 },
          encoding: {
            x: { field: "x", type: "quantitative" },
            y: { field: "y", type: "quantitative" },
            x2: { field: "x2" },
            y2: { field: "y2" },
          },
        });
      }
      if (points.length > 0) {
        layers.push({
          data: { values: points },
          mark: { type: "point", size: 18, filled: true, opacity: 0.7 },
          encoding: {
            x: { field: "x", type: "quantitative" },
            y: { field: "y", type: "quantitative" },
            shape: {
              field: "result",
              type: "nominal",
              scale: { domain: ["success", "failure"], range: ["circle", "cross"] },
              title: "sample",
            },
            color: { value: "#222" },
          },
        });
      }
      return { title: s, width: PANEL.width, height: PANEL.height, layer: layers };
    });
    const refText = STORED_COLUMNS.slice(0, 8)
      .map((_c, k) => (k === cx || k === cy ? "" : `${STORED_LABELS[k]}=${sig(ref[k], 3)}`))
      .filter((x) => x)
      .join(", ");
    return figure(
      name,
      title,
      { hconcat: panels, resolve: { scale: { color: "shared" } } },
      false,
      `contour: ${ctx.predictor.target ?? "key_margin"} = ${t}; others at ${refText}`,
    );
  });
}
