/**
 * `death_valley` figure (docs/campaign.md §12.3 item 1): key_margin interpolated on a 50 × 50 grid of
 * model QBER × log10 N (inverse-distance weighting of the 8 nearest rows in normalised
 * coordinates), 20 colour levels (viridis), the theoretical minimum-N curve (dashed red) and
 * rules at 11 % and 22 %.
 * @module
 */
import { QBER_HARD_LIMIT, QBER_WARNING_THRESHOLD } from "../science/constants.ts";
import { minNTheoretical } from "./death_valley_table.ts";
import type { FigureContext } from "./figure_context.ts";
import { figure, type FigureSpec, PANEL, placeholderFigure, sig } from "./figure_spec.ts";
import { gridCells, linspace } from "./slice_grid.ts";

/**
 * Inverse-distance-weighted interpolation (power 2, `k` nearest) of scattered values at the grid
 * nodes xs × ys; coordinates are scaled by `sx`, `sy` before distances are taken.
 * @returns ny×nx values, x fastest
 */
export function idwGrid(
  px: ArrayLike<number>,
  py: ArrayLike<number>,
  pv: ArrayLike<number>,
  xs: Float64Array,
  ys: Float64Array,
  sx: number,
  sy: number,
  k = 8,
): Float64Array {
  const n = pv.length;
  const out = new Float64Array(xs.length * ys.length);
  const bestD = new Float64Array(k);
  const bestV = new Float64Array(k);
  for (let j = 0; j < ys.length; j++) {
    for (let i = 0; i < xs.length; i++) {
      bestD.fill(Infinity);
      for (let p = 0; p < n; p++) {
        const dx = (px[p] - xs[i]) / sx;
        const dy = (py[p] - ys[j]) / sy;
        const d = dx * dx + dy * dy;
        if (d >= bestD[k - 1]) continue;
        let q = k - 1;
        while (q > 0 && bestD[q - 1] > d) {
          bestD[q] = bestD[q - 1];
          bestV[q] = bestV[q - 1];
          q--;
        }
        bestD[q] = d;
        bestV[q] = pv[p];
      }
      let w = 0;
      let s = 0;
      for (let q = 0; q < k && Number.isFinite(bestD[q]); q++) {
        if (bestD[q] === 0) {
          w = 1;
          s = bestV[q];
          break;
        }
        w += 1 / bestD[q];
        s += bestV[q] / bestD[q];
      }
      out[j * xs.length + i] = w > 0 ? s / w : NaN;
    }
  }
  return out;
}

/** The death-valley figure (placeholder when no row has a finite QBER and key_margin). */
export function deathValleyFigure(ctx: FigureContext, gridSize = 50): FigureSpec {
  const name = "death_valley";
  const title = "Death valley: key_margin over model QBER × block size";
  const { rows } = ctx;
  const qx: number[] = [];
  const ln: number[] = [];
  const km: number[] = [];
  for (let i = 0; i < rows.n; i++) {
    const q = rows.qber[i];
    const m = rows.keyMargin[i];
    if (Number.isFinite(q) && Number.isFinite(m) && rows.numPairs[i] > 0) {
      qx.push(q);
      ln.push(Math.log10(rows.numPairs[i]));
      km.push(m);
    }
  }
  if (km.length === 0) return placeholderFigure(name, title, "No rows with a QBER and key_margin");
  const qMin = Math.min(...qx);
  const qMax = Math.min(Math.max(...qx), QBER_HARD_LIMIT);
  const nMin = Math.min(...ln);
  const nMax = Math.max(...ln);
  const xs = linspace(qMin, qMax > qMin ? qMax : qMin + 0.01, gridSize);
  const ys = linspace(nMin, nMax > nMin ? nMax : nMin + 1, gridSize);
  const v = idwGrid(qx, ln, km, xs, ys, xs[gridSize - 1] - xs[0], ys[gridSize - 1] - ys[0]);
  const cells = gridCells(xs, ys, v, (x) => sig(x));
  const curve: { x: number | null; y: number | null }[] = [];
  for (
    const q of linspace(Math.max(1e-4, xs[0]), Math.min(QBER_WARNING_THRESHOLD, xs.at(-1)!), 60)
  ) {
    const n = minNTheoretical(q);
    if (Number.isFinite(n)) curve.push({ x: sig(q), y: sig(Math.log10(n)) });
  }
  const x = {
    field: "x",
    type: "quantitative",
    title: "model QBER",
    scale: { domain: [sig(xs[0]), QBER_HARD_LIMIT + 0.005], nice: false },
  };
  const y = {
    field: "y",
    type: "quantitative",
    title: "log10 N",
    scale: { domain: [sig(ys[0]), sig(ys.at(-1)!)], nice: false },
  };
  const layers: Record<string, unknown>[] = [
    {
      data: { values: cells },
      mark: "rect",
      encoding: {
        x,
        x2: { field: "x2" },
        y,
        y2: { field: "y2" },
        color: {
          field: "v",
          type: "quantitative",
          title: "key_margin",
          scale: { type: "quantize", scheme: { name: "viridis", count: 20 } },
        },
      },
    },
    {
      data: {
        values: [{ x: QBER_WARNING_THRESHOLD, label: "11 %" }, {
          x: QBER_HARD_LIMIT,
          label: "22 %",
        }],
      },
      mark: { type: "rule", color: "#333", strokeDash: [2, 2] },
      encoding: { x: { field: "x", type: "quantitative" } },
    },
  ];
  if (curve.length > 1) {
    layers.push({
      data: { values: curve.map((p) => ({ ...p, series: "theoretical minimum N" })) },
      mark: { type: "line", color: "red", strokeDash: [6, 4], strokeWidth: 2, clip: true },
      encoding: {
        x: { field: "x", type: "quantitative" },
        y: { field: "y", type: "quantitative" },
      },
    });
  }
  return figure(
    name,
    title,
    { width: 1.5 * PANEL.width, height: 1.3 * PANEL.height, layer: layers },
    false,
    `${km.length} rows; dashed red: theoretical minimum N (docs/campaign.md §12.2); rules at 11 % and 22 %`,
  );
}
