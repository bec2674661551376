/**
 * Campaign progress figures (docs/campaign.md §12.3 items 5, 8, 9 and run performance):
 * `exploration_progress` (executed vs successful per phase, F1 per iteration, validation metrics),
 * `acquisition_dynamics` (Phase 3 rows only), `hyperparameters` (log ℓ per column per refit) and
 * `run_performance` (per-commit throughput). Each shows a placeholder where its data are missing.
 * @module
 */
import { commitMatrix } from "../io/store/schema.ts";
import { recordColumn, STORED_LABELS } from "./campaign_data.ts";
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
import { columnsContaining, logLengthScaleColumn } from "./iteration_columns.ts";
import { STRATEGIES } from "./surrogate_predictor.ts";
import type { VegaLiteSpec } from "./vega_render.ts";

/** `exploration_progress`: cumulative executed / successful rows per phase and F1 per iteration. */
export function explorationProgressFigure(ctx: FigureContext, maxPoints = 600): FigureSpec {
  const name = "exploration_progress";
  const title = "Exploration progress";
  const { rows } = ctx;
  const values: Record<string, unknown>[] = [];
  for (const phase of ["lhs_warmup", "active_learning"] as const) {
    const idx: number[] = [];
    for (let i = 0; i < rows.n; i++) if (rows.group[i] === phase) idx.push(i);
    let executed = 0;
    let success = 0;
    const keep = new Set(thinIndices(idx.length, maxPoints));
    idx.forEach((i, k) => {
      if (!rows.outcomes[i].startsWith("skipped")) executed++;
      success += rows.isSuccess[i];
      if (keep.has(k) || k === idx.length - 1) {
        values.push({ phase, row: k + 1, count: executed, series: "executed" });
        values.push({ phase, row: k + 1, count: success, series: "successful" });
      }
    });
  }
  const counts: VegaLiteSpec = values.length
    ? {
      title: "cumulative rows per phase",
      width: PANEL.width,
      height: PANEL.height,
      data: { values },
      mark: { type: "line", interpolate: "step-after" },
      encoding: {
        x: { field: "row", type: "quantitative", title: "rows committed in phase" },
        y: { field: "count", type: "quantitative", title: "rows" },
        color: { field: "series", type: "nominal" },
        strokeDash: { field: "phase", type: "nominal" },
      },
    }
    : placeholderPanel("No samples in this campaign");
  const it = recordColumn(ctx.data.matrices.iterations, "iteration");
  const f1 = columnsContaining(ctx.data.matrices.iterations, "f1");
  let f1Panel: VegaLiteSpec;
  if (it && f1.length && it.length > 0) {
    const v: Record<string, unknown>[] = [];
    for (const [c, col] of f1) {
      col.forEach((x, k) => v.push({ iteration: it[k], f1: sig(x), metric: c }));
    }
    f1Panel = {
      title: "boundary F1 per iteration",
      width: PANEL.width,
      height: PANEL.height,
      data: { values: v },
      mark: { type: "line", point: true },
      encoding: {
        x: { field: "iteration", type: "quantitative" },
        y: { field: "f1", type: "quantitative", title: "F1", scale: { domain: [0, 1] } },
        color: { field: "metric", type: "nominal" },
      },
    };
  } else f1Panel = placeholderPanel("No Phase 3 iterations recorded");
  const panels = [counts, f1Panel];
  const m = ctx.predictor?.metrics;
  if (m) {
    const v: Record<string, unknown>[] = [];
    for (const s of STRATEGIES) {
      for (const [k, x] of Object.entries(m[s] ?? {})) {
        if (/^(r2|rmse|nlpd|f1)/i.test(k)) v.push({ strategy: s, metric: k, value: sig(x) });
      }
    }
    if (v.length) {
      panels.push({
        title: "validation metrics",
        width: 200,
        height: PANEL.height,
        data: { values: v },
        mark: "bar",
        encoding: {
          y: { field: "metric", type: "nominal", title: null },
          yOffset: { field: "strategy" },
          x: { field: "value", type: "quantitative" },
          color: { field: "strategy", type: "nominal" },
        },
      });
    }
  }
  return figure(
    name,
    title,
    { hconcat: panels, resolve: { scale: { color: "independent" } } },
    values.length === 0,
  );
}

/** `acquisition_dynamics`: Phase 3 targets vs order, moving average, band |y − t| < 0.05. */
export function acquisitionDynamicsFigure(ctx: FigureContext): FigureSpec {
  const name = "acquisition_dynamics";
  const title = "Acquisition dynamics (Phase 3)";
  const { rows } = ctx;
  const idx: number[] = [];
  for (let i = 0; i < rows.n; i++) if (rows.group[i] === "active_learning") idx.push(i);
  if (idx.length === 0) return placeholderFigure(name, title, "Phase 3 has no rows yet");
  const t = ctx.threshold;
  const window = Math.max(5, Math.floor(idx.length / 20));
  const ys = idx.map((i) => rows.keyMargin[i]);
  const values = ys.map((y, k) => {
    let s = 0;
    let c = 0;
    for (let j = Math.max(0, k - window + 1); j <= k; j++) {
      if (Number.isFinite(ys[j])) {
        s += ys[j];
        c++;
      }
    }
    return { k: k + 1, y: sig(y), avg: c ? sig(s / c) : null, iteration: rows.iteration[idx[k]] };
  });
  const target: VegaLiteSpec = {
    title: `key_margin of Phase 3 rows (moving average, window ${window})`,
    width: 1.3 * PANEL.width,
    height: PANEL.height,
    layer: [
      {
        data: { values: [{ a: t - 0.05, b: t + 0.05 }] },
        mark: { type: "rect", color: "#f4c542", opacity: 0.3 },
        encoding: { y: { field: "a", type: "quantitative" }, y2: { field: "b" } },
      },
      {
        data: { values },
        mark: { type: "point", filled: true, size: 16, opacity: 0.6 },
        encoding: {
          x: { field: "k", type: "quantitative", title: "Phase 3 row (commit order)" },
          y: { field: "y", type: "quantitative", title: "key_margin" },
        },
      },
      {
        data: { values },
        mark: { type: "line", color: "firebrick" },
        encoding: {
          x: { field: "k", type: "quantitative" },
          y: { field: "avg", type: "quantitative" },
        },
      },
    ],
  };
  const it = recordColumn(ctx.data.matrices.iterations, "iteration");
  const acq = columnsContaining(ctx.data.matrices.iterations, "acq");
  let acqPanel: VegaLiteSpec = placeholderPanel("No acquisition values recorded");
  if (it && acq.length) {
    const v: Record<string, unknown>[] = [];
    for (const [c, col] of acq) {
      col.forEach((x, k) => v.push({ iteration: it[k], value: sig(x), statistic: c }));
    }
    acqPanel = {
      title: "acquisition over the selected batch",
      width: PANEL.width,
      height: PANEL.height,
      data: { values: v },
      mark: { type: "line", point: true },
      encoding: {
        x: { field: "iteration", type: "quantitative" },
        y: { field: "value", type: "quantitative", title: "acquisition value" },
        color: { field: "statistic", type: "nominal" },
      },
    };
  }
  return figure(
    name,
    title,
    { hconcat: [target, acqPanel] },
    false,
    `band: |key_margin − ${t}| < 0.05`,
  );
}

/** `hyperparameters`: log ℓ per column per refit (iteration records), else the final ℓ. */
export function hyperparametersFigure(ctx: FigureContext): FigureSpec {
  const name = "hyperparameters";
  const title = "GP hyper-parameters: log10 length scales";
  const it = recordColumn(ctx.data.matrices.iterations, "iteration");
  const refit = recordColumn(ctx.data.matrices.iterations, "refit");
  const values: Record<string, unknown>[] = [];
  if (it) {
    for (const s of STRATEGIES) {
      for (let k = 0; k < 8; k++) {
        const col = logLengthScaleColumn(ctx.data.matrices.iterations, s, k);
        col?.forEach((x, r) => {
          if (!refit || refit[r] > 0 || r === 0) {
            values.push({
              iteration: it[r],
              value: sig(x / Math.LN10),
              column: STORED_LABELS[k],
              strategy: s,
            });
          }
        });
      }
    }
  }
  if (values.length) {
    return figure(name, title, {
      data: { values },
      facet: { column: { field: "strategy", type: "nominal" } },
      spec: {
        width: PANEL.width,
        height: PANEL.height,
        mark: { type: "line", point: true },
        encoding: {
          x: { field: "iteration", type: "quantitative" },
          y: { field: "value", type: "quantitative", title: "log10 ℓ (unit box)" },
          color: { field: "column", type: "nominal", sort: null },
        },
      },
    });
  }
  const p = ctx.predictor;
  const final: Record<string, unknown>[] = [];
  for (const s of STRATEGIES) {
    p?.lengthScales?.(s)?.forEach((l, k) =>
      final.push({ strategy: s, column: STORED_LABELS[k], value: sig(Math.log10(l)) })
    );
  }
  if (final.length === 0) {
    return placeholderFigure(name, title, "No refits recorded and no surrogate length scales");
  }
  return figure(
    name,
    title,
    {
      width: PANEL.width,
      height: PANEL.height,
      data: { values: final },
      mark: "bar",
      encoding: {
        y: { field: "column", type: "nominal", sort: null, title: null },
        yOffset: { field: "strategy" },
        x: { field: "value", type: "quantitative", title: "log10 ℓ (unit box), final model" },
        color: { field: "strategy", type: "nominal" },
      },
    },
    false,
    "no Phase 3 refits recorded: final model only",
  );
}

/** `run_performance`: samples per second and worker utilisation per commit. */
export function runPerformanceFigure(ctx: FigureContext): FigureSpec {
  const name = "run_performance";
  const title = "Run performance per commit";
  const m = commitMatrix(ctx.data.commits);
  const n = m.n;
  const rate = recordColumn(m, "samples_per_s");
  if (n === 0 || !rate) return placeholderFigure(name, title, "No run-performance records");
  const phase = recordColumn(m, "phase");
  const util = recordColumn(m, "worker_utilisation");
  const elapsed = recordColumn(m, "elapsed_s");
  const values: Record<string, unknown>[] = [];
  for (let i = 0; i < n; i++) {
    values.push({
      commit: i + 1,
      phase: phase ? `phase ${phase[i]}` : "all",
      rate: sig(rate[i]),
      util: util ? sig(util[i]) : null,
      elapsed: elapsed ? sig(elapsed[i]) : null,
    });
  }
  const panel = (field: string, yTitle: string) => ({
    width: PANEL.width,
    height: PANEL.height,
    data: { values },
    mark: { type: "line", point: true },
    encoding: {
      x: { field: "commit", type: "quantitative" },
      y: { field, type: "quantitative", title: yTitle },
      color: { field: "phase", type: "nominal" },
    },
  });
  const panels = [panel("rate", "samples / s")];
  if (util) panels.push(panel("util", "worker utilisation"));
  return figure(name, title, { hconcat: panels });
}
