/**
 * 2-D slices of the surrogate: a regular grid over two continuous columns with the other columns
 * at a reference point, the surrogate mean on it, and the level-set contour (marching squares)
 * for the key_margin = t boundary.
 * @module
 */
import { CONTINUOUS_WIDTH } from "./campaign_data.ts";
import type { StrategyName, SurrogatePredictor } from "./surrogate_predictor.ts";

/** Values of a function on an nx × ny grid (row-major, x fastest). */
export interface GridValues {
  xs: Float64Array;
  ys: Float64Array;
  /** ny×nx, index j·nx + i ↔ (xs[i], ys[j]). */
  mean: Float64Array;
  std: Float64Array;
}

/** A line segment of a contour. */
export interface Segment {
  x: number;
  y: number;
  x2: number;
  y2: number;
}

/** `n` evenly spaced values from lo to hi inclusive. */
export function linspace(lo: number, hi: number, n: number): Float64Array {
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = n === 1 ? (lo + hi) / 2 : lo + (hi - lo) * i / (n - 1);
  return out;
}

/**
 * Surrogate μ, σ of `strategy` on a grid over columns `colX`, `colY` (indices into the 8
 * continuous columns), the others fixed at `reference` (stored units, length ≥ 8).
 */
export function sliceGrid(
  predictor: SurrogatePredictor,
  strategy: StrategyName,
  colX: number,
  colY: number,
  reference: ArrayLike<number>,
  nx = 30,
  ny = 30,
): GridValues {
  const xs = linspace(predictor.bounds.lo[colX], predictor.bounds.hi[colX], nx);
  const ys = linspace(predictor.bounds.lo[colY], predictor.bounds.hi[colY], ny);
  const x = new Float64Array(nx * ny * CONTINUOUS_WIDTH);
  for (let j = 0; j < ny; j++) {
    for (let i = 0; i < nx; i++) {
      const o = (j * nx + i) * CONTINUOUS_WIDTH;
      for (let c = 0; c < CONTINUOUS_WIDTH; c++) x[o + c] = reference[c];
      x[o + colX] = xs[i];
      x[o + colY] = ys[j];
    }
  }
  const { mean, std } = predictor.predict(strategy, x);
  return { xs, ys, mean, std };
}

/**
 * Marching-squares segments of the level set {f = level} of grid values `v` (ny×nx, x fastest)
 * at coordinates xs, ys, with linear interpolation along cell edges. A saddle cell (four
 * crossings) gives two segments.
 * @example
 * ```ts
 * import { contourSegments } from "./slice_grid.ts";
 * // f = x on a 2×2 grid over [0, 1]²: the level 0.5 is the vertical line x = 0.5
 * const s = contourSegments(new Float64Array([0, 1, 0, 1]), new Float64Array([0, 1]), new Float64Array([0, 1]), 0.5);
 * console.assert(s.length === 1 && s[0].x === 0.5 && s[0].x2 === 0.5);
 * ```
 */
export function contourSegments(
  v: Float64Array,
  xs: Float64Array,
  ys: Float64Array,
  level: number,
): Segment[] {
  const nx = xs.length;
  const ny = ys.length;
  const out: Segment[] = [];
  const pts: number[] = [];
  const edge = (x0: number, y0: number, f0: number, x1: number, y1: number, f1: number) => {
    const a = f0 - level;
    const b = f1 - level;
    if (!Number.isFinite(a) || !Number.isFinite(b)) return;
    if ((a < 0) === (b < 0)) return;
    const t = a / (a - b);
    pts.push(x0 + t * (x1 - x0), y0 + t * (y1 - y0));
  };
  for (let j = 0; j + 1 < ny; j++) {
    for (let i = 0; i + 1 < nx; i++) {
      const f00 = v[j * nx + i];
      const f10 = v[j * nx + i + 1];
      const f01 = v[(j + 1) * nx + i];
      const f11 = v[(j + 1) * nx + i + 1];
      pts.length = 0;
      edge(xs[i], ys[j], f00, xs[i + 1], ys[j], f10); // bottom
      edge(xs[i + 1], ys[j], f10, xs[i + 1], ys[j + 1], f11); // right
      edge(xs[i + 1], ys[j + 1], f11, xs[i], ys[j + 1], f01); // top
      edge(xs[i], ys[j + 1], f01, xs[i], ys[j], f00); // left
      for (let k = 0; k + 3 < pts.length; k += 4) {
        out.push({ x: pts[k], y: pts[k + 1], x2: pts[k + 2], y2: pts[k + 3] });
      }
    }
  }
  return out;
}

/**
 * Heat-map cells of grid values: one datum per grid node with its cell edges (midpoints between
 * nodes, clamped to the grid range), for a Vega-Lite `rect` mark with x, x2, y, y2.
 */
export function gridCells(
  xs: Float64Array,
  ys: Float64Array,
  values: Float64Array,
  round: (x: number) => number | null,
): { x: number; x2: number; y: number; y2: number; v: number | null }[] {
  const edges = (a: Float64Array) => {
    const e = new Float64Array(a.length + 1);
    e[0] = a[0];
    e[a.length] = a[a.length - 1];
    for (let i = 1; i < a.length; i++) e[i] = (a[i - 1] + a[i]) / 2;
    return e;
  };
  const ex = edges(xs);
  const ey = edges(ys);
  const out = [];
  for (let j = 0; j < ys.length; j++) {
    for (let i = 0; i < xs.length; i++) {
      out.push({
        x: round(ex[i]) ?? 0,
        x2: round(ex[i + 1]) ?? 0,
        y: round(ey[j]) ?? 0,
        y2: round(ey[j + 1]) ?? 0,
        v: round(values[j * xs.length + i]),
      });
    }
  }
  return out;
}
