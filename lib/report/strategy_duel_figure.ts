/**
 * `strategy_duel` figure (docs/campaign.md §12.3 item 2): blind − baseline key_margin over
 * (log η, log p_d). Left: the difference of the two GP means on a 2-D slice (others at the
 * reference point) with its zero contour. Right: observed paired Δkey_margin of the paired design,
 * averaged in 8 × 8 bins. Symmetric diverging scale; the labels state, from the data, where each
 * strategy is ahead (Caligo hard-coded them). The GP panel is faded where the sign of the
 * difference is unsure, σ_Δ ≥ |Δμ| with σ_Δ² = σ_baseline² + σ_blind² (the two GPs are fitted
 * independently), and grey where the analytic pre-filter rules the point out
 * (lib/report/map_provenance.ts).
 * @module
 */
import { INPUT_WIDTH } from "./campaign_data.ts";
import { PARAM_INDEX } from "../science/parameter_space.ts";
import { boxBounds, type FigureContext, referencePoint } from "./figure_context.ts";
import { figure, type FigureSpec, PANEL, placeholderPanel, sig } from "./figure_spec.ts";
import { strategyPairs } from "./paired_comparison_table.ts";
import { contourSegments, gridCells, sliceGrid } from "./slice_grid.ts";
import { provenance, provenanceOpacity, ruledOutCells, ruledOutLayer } from "./map_provenance.ts";
import type { VegaLiteSpec } from "./vega_render.ts";

const COL_ETA = PARAM_INDEX.detection_efficiency;
const COL_PD = PARAM_INDEX.dark_count_prob;

function colour(limit: number) {
  return {
    field: "v",
    type: "quantitative",
    title: "Δ key_margin (blind − baseline)",
    scale: { scheme: "redblue", domain: [-limit, limit] },
  };
}

function share(v: ArrayLike<number>): { blind: number; finite: number } {
  let blind = 0;
  let finite = 0;
  for (let i = 0; i < v.length; i++) {
    if (!Number.isFinite(v[i])) continue;
    finite++;
    if (v[i] > 0) blind++;
  }
  return { blind, finite };
}

/** The strategy-duel figure (each panel a placeholder when its data are missing). */
export function strategyDuelFigure(ctx: FigureContext, gridSize = 25): FigureSpec {
  const name = "strategy_duel";
  const title = "Strategy duel: blind − baseline key_margin";
  const subtitles: string[] = [];
  let limit = 1e-9;
  let gpPanel: VegaLiteSpec | undefined;
  let gp: { cells: Record<string, unknown>[]; segs: unknown[]; ruledOut: boolean[] } | undefined;
  if (ctx.predictor) {
    const ref = referencePoint(ctx);
    const a = sliceGrid(ctx.predictor, "baseline", COL_ETA, COL_PD, ref, gridSize, gridSize);
    const b = sliceGrid(ctx.predictor, "blind", COL_ETA, COL_PD, ref, gridSize, gridSize);
    const d = b.mean.map((v, i) => v - a.mean[i]);
    for (const v of d) if (Number.isFinite(v)) limit = Math.max(limit, Math.abs(v));
    const s = share(d);
    subtitles.push(
      `GP slice: blind ahead on ${
        (100 * s.blind / Math.max(1, s.finite)).toFixed(0)
      } % of the slice`,
    );
    gp = {
      // Δμ = blind − baseline against 0, σ_Δ of two independent posteriors
      cells: gridCells(a.xs, a.ys, d, (x) => sig(x)).map((c, k) => ({
        ...c,
        source: provenance(d[k], Math.hypot(a.std[k], b.std[k]), 0),
      })),
      ruledOut: ruledOutCells(ctx, a.xs, a.ys, COL_ETA, COL_PD, ref),
      segs: contourSegments(d, a.xs, a.ys, 0).map((p) => ({
        x: sig(p.x),
        y: sig(p.y),
        x2: sig(p.x2),
        y2: sig(p.y2),
      })),
    };
  }
  // observed pairs, binned
  const pairs = strategyPairs(ctx.rows);
  const { lo, hi } = boxBounds(ctx);
  const bins = new Map<string, { x: number; y: number; s: number; c: number }>();
  let nPaired = 0;
  let blindAhead = 0;
  for (const { baseline, blind } of pairs) {
    const dv = ctx.rows.keyMargin[blind] - ctx.rows.keyMargin[baseline];
    if (!Number.isFinite(dv)) continue;
    nPaired++;
    if (dv > 0) blindAhead++;
    const x = ctx.rows.inputs[baseline * INPUT_WIDTH + COL_ETA];
    const y = ctx.rows.inputs[baseline * INPUT_WIDTH + COL_PD];
    const bx = Math.min(
      7,
      Math.max(0, Math.floor(8 * (x - lo[COL_ETA]) / (hi[COL_ETA] - lo[COL_ETA]))),
    );
    const by = Math.min(
      7,
      Math.max(0, Math.floor(8 * (y - lo[COL_PD]) / (hi[COL_PD] - lo[COL_PD]))),
    );
    const key = `${bx},${by}`;
    const w = (hi[COL_ETA] - lo[COL_ETA]) / 8;
    const h = (hi[COL_PD] - lo[COL_PD]) / 8;
    const cell = bins.get(key) ?? { x: lo[COL_ETA] + bx * w, y: lo[COL_PD] + by * h, s: 0, c: 0 };
    cell.s += dv;
    cell.c++;
    bins.set(key, cell);
    limit = Math.max(limit, Math.abs(dv));
  }
  const xEnc = {
    field: "x",
    type: "quantitative",
    title: "log10 η",
    scale: { zero: false, nice: false },
  };
  const yEnc = {
    field: "y",
    type: "quantitative",
    title: "log10 p_d",
    scale: { zero: false, nice: false },
  };
  if (gp) {
    const layers: VegaLiteSpec[] = [{
      data: { values: gp.cells },
      mark: "rect",
      encoding: {
        x: xEnc,
        x2: { field: "x2" },
        y: yEnc,
        y2: { field: "y2" },
        color: colour(limit),
        opacity: provenanceOpacity(),
      },
    }];
    const grey = ruledOutLayer(gp.cells, gp.ruledOut);
    if (grey) layers.push(grey);
    if (gp.segs.length) {
      layers.push({
        data: { values: gp.segs },
        mark: { type: "rule", color: "black", strokeWidth: 2 },
        encoding: {
          x: { field: "x", type: "quantitative" },
          y: { field: "y", type: "quantitative" },
          x2: { field: "x2" },
          y2: { field: "y2" },
        },
      });
    }
    gpPanel = {
      title: "GP means (slice); faded: σ_Δ ≥ |Δμ|; grey: pre-filtered",
      width: PANEL.width,
      height: PANEL.height,
      layer: layers,
    };
  }
  let obsPanel: VegaLiteSpec;
  if (nPaired > 0) {
    const w = (hi[COL_ETA] - lo[COL_ETA]) / 8;
    const h = (hi[COL_PD] - lo[COL_PD]) / 8;
    const values = [...bins.values()].map((b) => ({
      x: sig(b.x),
      x2: sig(b.x + w),
      y: sig(b.y),
      y2: sig(b.y + h),
      v: sig(b.s / b.c),
      pairs: b.c,
    }));
    obsPanel = {
      title: `observed pairs (${nPaired}), mean per bin`,
      width: PANEL.width,
      height: PANEL.height,
      data: { values },
      mark: "rect",
      encoding: {
        x: { ...xEnc, scale: { domain: [lo[COL_ETA], hi[COL_ETA]], nice: false } },
        x2: { field: "x2" },
        y: { ...yEnc, scale: { domain: [lo[COL_PD], hi[COL_PD]], nice: false } },
        y2: { field: "y2" },
        color: colour(limit),
        tooltip: [{ field: "pairs", type: "quantitative" }],
      },
    };
    subtitles.push(`pairs: blind ahead in ${blindAhead} of ${nPaired}`);
  } else {
    obsPanel = placeholderPanel("No paired samples (both strategies at one point)");
  }
  const left = gpPanel ?? placeholderPanel("No surrogate model in this campaign");
  const placeholder = !gpPanel && nPaired === 0;
  return figure(
    name,
    title,
    { hconcat: [left, obsPanel], resolve: { scale: { color: "shared" } } },
    placeholder,
    subtitles.length ? subtitles.join("; ") : undefined,
  );
}
