/**
 * `sensitivity` figure (docs/campaign.md §12.3 item 4): first-order Sobol indices of each GP mean
 * (Jansen estimator on the surrogate box, stream `report/sobol/<strategy>`) and, where the model
 * has them, the ARD relevances 1/ℓ. Everything is computed; nothing is hard-coded.
 * @module
 */
import { campaignRng } from "../kernels/rng.ts";
import { STORED_LABELS } from "./campaign_data.ts";
import type { FigureContext } from "./figure_context.ts";
import { figure, type FigureSpec, PANEL, placeholderFigure, sig } from "./figure_spec.ts";
import { jansenFirstOrder } from "./sobol_jansen.ts";
import { STRATEGIES } from "./surrogate_predictor.ts";

/** Computed indices per strategy and column. */
export interface SensitivityResult {
  sobol: { strategy: string; column: string; value: number | null }[];
  relevance: { strategy: string; column: string; value: number | null }[];
}

/** Sobol indices and ARD relevances of the surrogate (empty lists without one). */
export function computeSensitivity(ctx: FigureContext): SensitivityResult {
  const p = ctx.predictor;
  const out: SensitivityResult = { sobol: [], relevance: [] };
  if (!p) return out;
  for (const s of STRATEGIES) {
    const rng = campaignRng(ctx.campaignSeed, `report/sobol/${s}`);
    const idx = jansenFirstOrder(
      (x) => p.predict(s, x).mean,
      p.bounds.lo,
      p.bounds.hi,
      ctx.sobolBasePoints,
      rng,
    );
    idx.forEach((v, c) =>
      out.sobol.push({ strategy: s, column: STORED_LABELS[c], value: sig(v, 3) })
    );
    const ls = p.lengthScales?.(s);
    if (ls) {
      ls.forEach((l, c) =>
        out.relevance.push({ strategy: s, column: STORED_LABELS[c], value: sig(1 / l, 3) })
      );
    }
  }
  return out;
}

/** The sensitivity figure (placeholder without a surrogate). */
export function sensitivityFigure(ctx: FigureContext): FigureSpec {
  const name = "sensitivity";
  const title = "Sensitivity of the surrogate mean";
  if (!ctx.predictor) return placeholderFigure(name, title, "No surrogate model in this campaign");
  const r = ctx.sensitivity ?? computeSensitivity(ctx);
  const bar = (values: unknown[], xTitle: string, t: string) => ({
    title: t,
    width: PANEL.width,
    height: PANEL.height,
    data: { values },
    mark: "bar",
    encoding: {
      y: { field: "column", type: "nominal", sort: null, title: null },
      yOffset: { field: "strategy" },
      x: { field: "value", type: "quantitative", title: xTitle },
      color: { field: "strategy", type: "nominal", scale: { scheme: "plasma" } },
    },
  });
  const panels = [
    bar(r.sobol, "first-order Sobol index", `Jansen, N = ${ctx.sobolBasePoints} base points`),
  ];
  if (r.relevance.length) panels.push(bar(r.relevance, "1 / ℓ (unit box)", "ARD relevance"));
  return figure(name, title, { hconcat: panels });
}
