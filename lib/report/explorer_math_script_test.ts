// The page's GP numerics (EXPLORER_MATH_JS, evaluated here as the browser would) against
// GpModel.predict of lib/surrogate on a fitted 8-D model: the mean to 1e-9 relative (float64
// algebra: both sum the same n products, in a different order, so they differ by rounding
// only: ≈ n·1e-16·Σ|k·α| relative), the local σ an upper bound of the exact σ.
import { assert } from "../../tests/assert.ts";
import { Xoshiro128StarStar } from "../kernels/rng.ts";
import { fitGpSync } from "../surrogate/fit_gp.ts";
import { explorerModelJson } from "./cliff_explorer.ts";
import { loadExplorerMath } from "./explorer_math_script.ts";

const SEED = new Uint32Array([7, 8, 9, 10]);

function fitted(n: number) {
  const rng = new Xoshiro128StarStar(SEED);
  const x = new Float64Array(n * 8).map(() => rng.nextDouble());
  const y = new Float64Array(n).map((_, i) =>
    Math.sin(3 * x[i * 8]) + x[i * 8 + 3] - 0.5 * x[i * 8 + 7] + 0.01 * rng.nextDouble()
  );
  return { gp: fitGpSync({ x, y, d: 8 }, { optimize: false }), rng };
}

const LO = [0.5, -0.7, 5, 0.94, -1, 0, -8, 4];
const HI = [1, 0, 10, 1, 0, 0.03, -5, 6];

Deno.test("EXPLORER_MATH_JS predictPoint() and evalSlice() match GpModel.predict (mean 1e-9, σ upper bound)", () => {
  const { gp, rng } = fitted(150);
  const math = loadExplorerMath();
  const model = math.prepareModel(explorerModelJson(gp), LO, HI);
  const m = 12;
  const stored = new Float64Array(m * 8), unit = new Float64Array(m * 8);
  for (let i = 0; i < m * 8; i++) {
    const c = i % 8;
    unit[i] = rng.nextDouble();
    stored[i] = LO[c] + (HI[c] - LO[c]) * unit[i];
  }
  const exact = gp.predict(unit);
  for (let i = 0; i < m; i++) {
    const r = math.predictPoint(model, stored.subarray(i * 8, i * 8 + 8), 32);
    const tol = 1e-9 * Math.max(Math.abs(exact.mean[i]), gp.state.yStd);
    assert(
      Math.abs(r.mean - exact.mean[i]) <= tol,
      `point ${i} (seed ${SEED}): ${r.mean} vs ${exact.mean[i]}`,
    );
    const sd = Math.sqrt(exact.variance[i]);
    assert(r.sd >= sd * (1 - 1e-9), `σ ${r.sd} < exact ${sd}`);
  }
  // A 5 × 4 slice over columns 3 (x) and 7 (y) through the first point.
  const ref = stored.subarray(0, 8);
  const xs = [0.95, 0.96, 0.97, 0.98, 0.99], ys = [4, 4.5, 5, 6];
  const out = { mean: new Float64Array(20), sd: new Float64Array(20) };
  math.evalSlice(model, ref, 3, 7, xs, ys, 32, out);
  const grid = new Float64Array(20 * 8);
  for (let j = 0; j < 4; j++) {
    for (let i = 0; i < 5; i++) {
      for (let c = 0; c < 8; c++) {
        const v = c === 3 ? xs[i] : c === 7 ? ys[j] : ref[c];
        grid[(j * 5 + i) * 8 + c] = (v - LO[c]) / (HI[c] - LO[c]);
      }
    }
  }
  const g = gp.predict(grid);
  for (let k = 0; k < 20; k++) {
    const tol = 1e-9 * Math.max(Math.abs(g.mean[k]), gp.state.yStd);
    assert(Math.abs(out.mean[k] - g.mean[k]) <= tol, `node ${k}: ${out.mean[k]} vs ${g.mean[k]}`);
    const i = k % 5, j = Math.floor(k / 5);
    if (i % 2 === 1 || j === 1) continue; // σ interpolated between the computed grid lines
    assert(out.sd[k] >= Math.sqrt(g.variance[k]) * (1 - 1e-9), `node ${k} σ`);
    const p = math.predictPoint(
      model,
      grid.subarray(k * 8, k * 8 + 8).map((u, c) => LO[c] + (HI[c] - LO[c]) * u),
      32,
    );
    assert(Math.abs(p.sd - out.sd[k]) <= 1e-9 * p.sd, "slice σ = point σ");
  }
});

Deno.test("EXPLORER_MATH_JS local σ with m ≥ n is the exact σ; normalCdf() within 1.5e-7", () => {
  const { gp } = fitted(30);
  const math = loadExplorerMath();
  const model = math.prepareModel(explorerModelJson(gp), LO, HI);
  const u = new Float64Array(8).fill(0.4);
  const exact = gp.predict(u);
  const r = math.predictPoint(model, u.map((v, c) => LO[c] + (HI[c] - LO[c]) * v), 64);
  assert(Math.abs(r.sd - Math.sqrt(exact.variance[0])) <= 1e-7 * r.sd, `${r.sd}`);
  assert(Math.abs(math.normalCdf(0) - 0.5) < 1.5e-7);
  assert(Math.abs(math.normalCdf(1.959963985) - 0.975) < 1.5e-7);
  assert(Math.abs(math.normalCdf(-1) - 0.158655254) < 1.5e-7);
});
