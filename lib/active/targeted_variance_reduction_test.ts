import { assert, assertClose, assertEquals } from "../../tests/assert.ts";
import { fitGpSync } from "../surrogate/fit_gp.ts";
import { selectBatchTimse } from "./targeted_variance_reduction.ts";

// 1-D GP of f(x) = x on five points with fixed θ (ℓ = 0.1, σ_f² = 1, σ_n² = 1e-6: real
// uncertainty between the points); the level t = 0.5 sits at x = 0.5.
const x = new Float64Array([0, 0.15, 0.3, 0.85, 1]);
const gp = fitGpSync({ x, y: x.slice(), d: 1 }, {
  initialLogTheta: new Float64Array([Math.log(0.1), 0, Math.log(1e-6)]),
  optimize: false,
});
const grid = Float64Array.from({ length: 101 }, (_, i) => i / 100);
const reference = Float64Array.from({ length: 257 }, (_, i) => i / 256);

Deno.test("selectBatchTimse() picks first where the level set is uncertain", () => {
  const [pick] = selectBatchTimse(gp, grid, reference, { q: 1, threshold: 0.5 });
  const at = grid[pick.index];
  assert(at > 0.35 && at < 0.8, `first pick at ${at}`);
  assertClose(pick.mean, gp.predict(new Float64Array([at])).mean[0], 1e-12, "μ at the pick");
});

Deno.test("selectBatchTimse() score equals the weighted variance reduction of a refit", () => {
  const threshold = 0.5;
  const [pick] = selectBatchTimse(gp, grid, reference, { q: 1, threshold, epsilonFraction: 0.05 });
  // Brute force: condition on the fantasy observation (x*, μ(x*)) with θ fixed.
  const xs = Float64Array.from([...x, grid[pick.index]]);
  const ys = Float64Array.from([...x, pick.mean]);
  const refit = fitGpSync({ x: xs, y: ys, d: 1 }, {
    initialLogTheta: gp.state.logTheta,
    optimize: false,
  });
  const before = gp.predict(reference), after = refit.predict(reference);
  // Weights in standardised units, as in the module: W = φ((μ − t)/s)/s, s² = σ² + ε². The
  // refit standardises its y again (one more value), and θ is fixed in standardised units, so
  // each model's variances are compared in its own standardised units.
  const { yMean, yStd } = gp.state, yStd2 = refit.state.yStd;
  let sum = 0;
  for (let z = 0; z < reference.length; z++) {
    const v = before.variance[z] / yStd ** 2;
    const s = Math.sqrt(v + 0.05 ** 2);
    const u = (before.mean[z] - yMean) / yStd - (threshold - yMean) / yStd;
    const w = Math.exp(-0.5 * (u / s) ** 2) / s;
    sum += w * (v - after.variance[z] / yStd2 ** 2);
  }
  assertClose(pick.score, sum / reference.length, 1e-6 * Math.abs(sum / reference.length));
});

Deno.test("selectBatchTimse() batches contain no near-duplicates and respect exclusions", () => {
  const excluded = new Uint8Array(grid.length);
  for (let i = 45; i <= 55; i++) excluded[i] = 1;
  const picks = selectBatchTimse(gp, grid, reference, { q: 6, threshold: 0.5, excluded });
  assertEquals(picks.length, 6);
  const at = picks.map((p) => grid[p.index]);
  for (const p of picks) assert(!excluded[p.index], `excluded ${grid[p.index]} picked`);
  // Near-duplicate = within 1e-6 in the unit box (docs/campaign.md §10.2).
  for (let i = 0; i < at.length; i++) {
    for (let j = 0; j < i; j++) assert(Math.abs(at[i] - at[j]) > 1e-6, `${at[i]} ≈ ${at[j]}`);
  }
  // Scores shrink as the batch conditions the posterior.
  for (let i = 1; i < picks.length; i++) assert(picks[i].score <= picks[0].score * (1 + 1e-9));
});
