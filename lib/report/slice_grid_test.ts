import { assert, assertClose, assertEquals } from "../../tests/assert.ts";
import { analyticPredictor } from "./_test_analytic_predictor.ts";
import { idwGrid } from "./death_valley_figure.ts";
import { contourSegments, gridCells, linspace, sliceGrid } from "./slice_grid.ts";

Deno.test("contourSegments() of a linear field lies exactly on the level set", () => {
  // f(x, y) = x + 2y − 1 on a 5 × 4 grid over [0, 1]²: linear interpolation is exact
  const xs = linspace(0, 1, 5);
  const ys = linspace(0, 1, 4);
  const v = new Float64Array(20);
  for (let j = 0; j < 4; j++) for (let i = 0; i < 5; i++) v[j * 5 + i] = xs[i] + 2 * ys[j] - 1;
  const segs = contourSegments(v, xs, ys, 0);
  assert(segs.length >= 4, `${segs.length} segments`);
  for (const s of segs) {
    assertClose(s.x + 2 * s.y - 1, 0, 1e-12);
    assertClose(s.x2 + 2 * s.y2 - 1, 0, 1e-12);
  }
  assertEquals(contourSegments(v, xs, ys, 5).length, 0); // level above the field
});

Deno.test("sliceGrid() varies only the two chosen columns around the reference", () => {
  const p = analyticPredictor();
  const ref = [0.5, -2, 7, 0.9, -1, 0.01, -6, 5];
  const g = sliceGrid(p, "baseline", 0, 3, ref, 3, 2);
  assertEquals(Array.from(g.xs), [0, 0.5, 1]);
  assertEquals(Array.from(g.ys), [0.501, 1]);
  // μ_baseline = 2(F − 0.5) − 0.2 − 0.5 r + 0.05 log η at (r = 1, F = 1), log η = −1
  assertClose(g.mean[5], 1 - 0.2 - 0.5 - 0.05, 1e-12);
  const cells = gridCells(g.xs, g.ys, g.mean, (x) => x);
  assertEquals([cells[0].x, cells[0].x2, cells[2].x2], [0, 0.25, 1]);
});

Deno.test("idwGrid() reproduces data at data points and constants everywhere", () => {
  const px = [0, 1, 0, 1];
  const py = [0, 0, 1, 1];
  const g = idwGrid(px, py, [1, 2, 3, 4], linspace(0, 1, 2), linspace(0, 1, 2), 1, 1, 3);
  assertEquals(Array.from(g), [1, 2, 3, 4]);
  const c = idwGrid(px, py, [5, 5, 5, 5], linspace(0, 1, 7), linspace(0, 1, 7), 1, 1);
  assert(c.every((v) => Math.abs(v - 5) < 1e-12));
});
