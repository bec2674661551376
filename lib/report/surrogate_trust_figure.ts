/**
 * `surrogate_trustworthiness` figure (docs/campaign.md §12.3 item 6): predicted vs observed key_margin
 * with μ ± 1.96σ bars, coloured by σ, on the holdout (never trained on) or, without a holdout, on
 * the training rows (in-sample, stated in the subtitle); and the histogram of z = (y − μ)/σ.
 * @module
 */
import { CONTINUOUS_WIDTH, INPUT_WIDTH } from "./campaign_data.ts";
import type { DerivedRows } from "./derived_columns.ts";
import type { FigureContext } from "./figure_context.ts";
import {
  figure,
  type FigureSpec,
  PANEL,
  placeholderFigure,
  placeholderPanel,
  sig,
  thinIndices,
} from "./figure_spec.ts";
import { STRATEGIES } from "./surrogate_predictor.ts";

/** The trustworthiness figure (placeholder without a surrogate or rows with finite targets). */
export function surrogateTrustFigure(ctx: FigureContext, maxPoints = 1500): FigureSpec {
  const name = "surrogate_trustworthiness";
  const title = "Surrogate trustworthiness: predicted vs observed";
  const p = ctx.predictor;
  if (!p) return placeholderFigure(name, title, "No surrogate model in this campaign");
  const useHoldout = ctx.holdout.n > 0;
  const rows: DerivedRows = useHoldout ? ctx.holdout : ctx.rows;
  const values: Record<string, unknown>[] = [];
  let inside = 0;
  let total = 0;
  let withSigma = 0;
  for (const [code, s] of STRATEGIES.entries()) {
    const idx = thinIndices(rows.n, maxPoints).filter((i) =>
      rows.isBlind[i] === code && Number.isFinite(rows.keyMargin[i]) &&
      !rows.outcomes[i].startsWith("skipped") && !rows.outcomes[i].startsWith("failure_timeout") &&
      rows.outcomes[i] !== "failure_error"
    );
    if (idx.length === 0) continue;
    const x = new Float64Array(idx.length * CONTINUOUS_WIDTH);
    idx.forEach((i, k) =>
      x.set(
        rows.inputs.subarray(i * INPUT_WIDTH, i * INPUT_WIDTH + CONTINUOUS_WIDTH),
        k * CONTINUOUS_WIDTH,
      )
    );
    const { mean, std } = p.predict(s, x);
    idx.forEach((i, k) => {
      const y = rows.keyMargin[i];
      const z = (y - mean[k]) / std[k];
      total++;
      if (Number.isFinite(z)) withSigma++;
      if (Math.abs(z) <= 1.96) inside++;
      values.push({
        observed: sig(y),
        mu: sig(mean[k]),
        lo: sig(mean[k] - 1.96 * std[k]),
        hi: sig(mean[k] + 1.96 * std[k]),
        sigma: sig(std[k]),
        z: sig(Math.max(-6, Math.min(6, z))),
        strategy: s,
      });
    });
  }
  if (values.length === 0) {
    return placeholderFigure(name, title, "No rows with an observed key_margin");
  }
  const obs = values.map((v) => v.observed as number);
  const a = Math.min(...obs, ...values.map((v) => v.lo as number));
  const b = Math.max(...obs, ...values.map((v) => v.hi as number));
  const scatter = {
    width: PANEL.width,
    height: PANEL.height,
    layer: [
      {
        data: { values: [{ x: a, y: a }, { x: b, y: b }] },
        mark: { type: "line", color: "#888", strokeDash: [4, 3] },
        encoding: {
          x: { field: "x", type: "quantitative" },
          y: { field: "y", type: "quantitative" },
        },
      },
      {
        data: { values },
        mark: { type: "rule", opacity: 0.4 },
        encoding: {
          x: { field: "observed", type: "quantitative", title: "observed key_margin" },
          y: { field: "lo", type: "quantitative", title: "predicted μ ± 1.96σ" },
          y2: { field: "hi" },
          color: { field: "sigma", type: "quantitative", title: "σ", scale: { scheme: "viridis" } },
        },
      },
      {
        data: { values },
        mark: { type: "point", filled: true, size: 25 },
        encoding: {
          x: { field: "observed", type: "quantitative" },
          y: { field: "mu", type: "quantitative" },
          color: { field: "sigma", type: "quantitative" },
          shape: { field: "strategy", type: "nominal" },
        },
      },
    ],
  };
  const hist = withSigma === 0 ? placeholderPanel("σ unavailable (means-only model)") : {
    width: PANEL.width,
    height: PANEL.height,
    data: { values },
    mark: "bar",
    encoding: {
      x: {
        field: "z",
        type: "quantitative",
        bin: { maxbins: 24 },
        title: "z = (y − μ)/σ (clipped at ±6)",
      },
      y: { aggregate: "count", type: "quantitative", title: "rows" },
      color: { field: "strategy", type: "nominal" },
    },
  };
  return figure(
    name,
    title,
    { hconcat: [scatter, hist], resolve: { scale: { color: "independent" } } },
    false,
    `${
      useHoldout ? "holdout rows (never trained on)" : "training rows (in-sample: no holdout)"
    }; ` +
      (withSigma > 0
        ? `${total} points, ${(100 * inside / withSigma).toFixed(0)} % within μ ± 1.96σ`
        : `${total} points, σ unavailable`),
  );
}
