/**
 * Cliff maps: 2-D slices of each strategy GP's mean over a pair of columns (others at the
 * reference point), with the target = t contour and the sampled points of that strategy
 * projected onto the slice (successes filled, failures as crosses). Each cell shows where the map
 * comes from (docs/science.md §8.5): the surrogate where it is sure of the sign (|μ − t| > σ), faded
 * where it extrapolates (σ ≥ |μ − t|), and grey where the analytic pre-filter rules the point out.
 * @module
 */
import { CONTINUOUS_WIDTH, INPUT_WIDTH, STORED_COLUMNS, STORED_LABELS } from "./campaign_data.ts";
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
import { provenance, provenanceOpacity, ruledOutCells, ruledOutLayer } from "./map_provenance.ts";
import { parameterAxis } from "./parameter_axis.ts";
import { CONTINUOUS_PARAMETERS, toPhysical } from "../science/parameter_space.ts";
import { marginColourLimit } from "./figure_context.ts";
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
    const limit = ctx.marginColourLimit ?? marginColourLimit(ctx);
    const panels: VegaLiteSpec[] = STRATEGIES.map((s, code) => {
      const g = sliceGrid(ctx.predictor!, s, cx, cy, ref, gridSize, gridSize);
      const cells = gridCells(g.xs, g.ys, g.mean, (x) => sig(x)).map((c, k) => ({
        ...c,
        source: provenance(g.mean[k], g.std[k], t),
      }));
      const ruledOut = ruledOutCells(ctx, g.xs, g.ys, cx, cy, ref);
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
      const box = ctx.predictor!.bounds;
      const xEnc = parameterAxis("x", cx, box.lo[cx], box.hi[cx]);
      const yEnc = parameterAxis("y", cy, box.lo[cy], box.hi[cy]);
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
              title: `key margin μ (${ctx.predictor!.target ?? "key_margin"}, bits per pair)`,
              legend: { titleLimit: 420 }, // Vega estimates ≈ 0.8 em per character
              // one scale for every map: t ± L, t at the diverging midpoint
              scale: {
                scheme: "redblue",
                domain: [t - limit, t + limit],
                domainMid: t,
                clamp: true,
              },
            },
            opacity: provenanceOpacity(),
          },
        },
      ];
      const grey = ruledOutLayer(cells, ruledOut);
      if (grey) layers.push(grey);
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
    const refText = STORED_COLUMNS.slice(0, CONTINUOUS_WIDTH)
      .map((_c, k) => {
        const q = CONTINUOUS_PARAMETERS[k];
        return k === cx || k === cy
          ? ""
          : `${q.symbol} = ${sig(toPhysical(q, ref[k]), 3)}${q.unit ? ` ${q.unit}` : ""}`;
      })
      .filter((x) => x)
      .join(", ");
    return figure(
      name,
      title,
      { hconcat: panels, resolve: { scale: { color: "shared" } } },
      false,
      [
        `contour: ${ctx.predictor.target ?? "key_margin"} = ${t}; faded: σ ≥ |μ − t| ` +
        `(extrapolated); grey: ruled out by the analytic pre-filter`,
        `others at ${refText}`,
      ],
    );
  });
}
