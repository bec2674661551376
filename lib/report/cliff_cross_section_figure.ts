/**
 * `cliff_cross_section` figure (docs/campaign.md §12.3 item 7): from the success with the largest
 * key_margin, sweep one column (default r) over its bounds in stored units; both GPs' μ ± 1.96σ
 * and the threshold. The mean line is faded where σ ≥ |μ − t| (extrapolated) and the stretches
 * the analytic pre-filter rules out are grey (lib/report/map_provenance.ts).
 * @module
 */
import { CONTINUOUS_WIDTH, INPUT_WIDTH, STORED_LABELS } from "./campaign_data.ts";
import { bestSuccess, type FigureContext } from "./figure_context.ts";
import { figure, type FigureSpec, PANEL, placeholderFigure, sig } from "./figure_spec.ts";
import { linspace } from "./slice_grid.ts";
import {
  EXTRAPOLATED,
  provenance,
  provenanceOpacity,
  ruledOutLayer,
  ruledOutLine,
} from "./map_provenance.ts";
import { STRATEGIES } from "./surrogate_predictor.ts";

/** The cross-section figure (placeholder without a surrogate or without successes). */
export function cliffCrossSectionFigure(ctx: FigureContext, column = 0, points = 101): FigureSpec {
  const name = "cliff_cross_section";
  const title = `Cliff cross-section along ${STORED_LABELS[column]}`;
  if (!ctx.predictor) return placeholderFigure(name, title, "No surrogate model in this campaign");
  const best = bestSuccess(ctx.rows);
  if (best < 0) return placeholderFigure(name, title, "No successful sample to start from");
  const p = ctx.predictor;
  const start = ctx.rows.inputs.subarray(best * INPUT_WIDTH, best * INPUT_WIDTH + CONTINUOUS_WIDTH);
  const xs = linspace(p.bounds.lo[column], p.bounds.hi[column], points);
  const x = new Float64Array(points * CONTINUOUS_WIDTH);
  for (let i = 0; i < points; i++) {
    x.set(start, i * CONTINUOUS_WIDTH);
    x[i * CONTINUOUS_WIDTH + column] = xs[i];
  }
  const t = ctx.threshold;
  const values: Record<string, unknown>[] = [];
  // the mean as segments i → i + 1, each with the provenance of its ends (extrapolated if either)
  const segments: Record<string, unknown>[] = [];
  for (const s of STRATEGIES) {
    const { mean, std } = p.predict(s, x);
    for (let i = 0; i + 1 < points; i++) {
      const a = provenance(mean[i], std[i], t), b = provenance(mean[i + 1], std[i + 1], t);
      segments.push({
        x: sig(xs[i]),
        x2: sig(xs[i + 1]),
        y: sig(mean[i]),
        y2: sig(mean[i + 1]),
        strategy: s,
        source: a === b ? a : EXTRAPOLATED,
      });
    }
    for (let i = 0; i < points; i++) {
      values.push({
        x: sig(xs[i]),
        mu: sig(mean[i]),
        lo: sig(mean[i] - 1.96 * std[i]),
        hi: sig(mean[i] + 1.96 * std[i]),
        strategy: s,
      });
    }
  }
  const xEnc = { field: "x", type: "quantitative", title: STORED_LABELS[column] };
  // grey: the stretch around each ruled-out point (half-way to its neighbours)
  const stretches = Array.from(xs, (v, i) => ({
    x: sig(i > 0 ? (xs[i - 1] + v) / 2 : v),
    x2: sig(i + 1 < points ? (v + xs[i + 1]) / 2 : v),
  }));
  const grey = ruledOutLayer(stretches, ruledOutLine(ctx, xs, column, start));
  return figure(
    name,
    title,
    {
      width: 1.5 * PANEL.width,
      height: PANEL.height,
      layer: [
        ...(grey ? [grey] : []),
        {
          data: { values },
          mark: { type: "area", opacity: 0.25 },
          encoding: {
            x: xEnc,
            y: {
              field: "lo",
              type: "quantitative",
              title: `${p.target ?? "key_margin"} (μ ± 1.96σ)`,
            },
            y2: { field: "hi" },
            color: { field: "strategy", type: "nominal" },
          },
        },
        {
          data: { values: segments },
          mark: { type: "rule", strokeWidth: 2 },
          encoding: {
            x: { field: "x", type: "quantitative" },
            x2: { field: "x2" },
            y: { field: "y", type: "quantitative" },
            y2: { field: "y2" },
            color: { field: "strategy", type: "nominal" },
            opacity: provenanceOpacity("mean"),
          },
        },
        {
          data: { values: [{ t }] },
          mark: { type: "rule", color: "black", strokeDash: [4, 3] },
          encoding: { y: { field: "t", type: "quantitative" } },
        },
        {
          data: { values: [{ x: sig(start[column]), y: sig(ctx.rows.keyMargin[best]) }] },
          mark: { type: "point", shape: "diamond", size: 80, color: "black", filled: true },
          encoding: {
            x: { field: "x", type: "quantitative" },
            y: { field: "y", type: "quantitative" },
          },
        },
      ],
    },
    false,
    `start: sample ${ctx.rows.sampleId[best]} (largest key_margin); dashed: threshold ${t}; ` +
      `faded: σ ≥ |μ − t| (extrapolated); grey: ruled out by the analytic pre-filter`,
  );
}
