import {
  assert,
  assertClose,
  assertEquals,
  assertRejects,
  assertThrows,
} from "../../tests/assert.ts";
import { fitGp, fitGpSync, warmStartSizes } from "./fit_gp.ts";
import {
  DimensionMismatchError,
  InsufficientDataError,
  NonFiniteDataError,
} from "./surrogate_errors.ts";
import { Xoshiro128StarStar } from "../kernels/rng.ts";

function smooth(n: number, d: number, seed: number, noise = 0) {
  const rng = new Xoshiro128StarStar(new Uint32Array([seed, 3, 5, 7]));
  const x = Float64Array.from({ length: n * d }, () => rng.nextDouble());
  const f = (u: Float64Array, i: number) =>
    Math.sin(5 * u[i * d]) + (d > 1 ? 0.5 * Math.cos(3 * u[i * d + 1]) : 0);
  const y = Float64Array.from({ length: n }, (_, i) => f(x, i) + noise * (rng.nextDouble() - 0.5));
  return { x, y, f };
}

Deno.test("fitGp() reproduces the targets at the training points when the noise is small", async () => {
  const { x, y } = smooth(40, 2, 1);
  const gp = await fitGp({ x, y, d: 2 });
  const { mean, variance } = gp.predict(x);
  for (let i = 0; i < 40; i++) assertClose(mean[i], y[i], 1e-2, `point ${i}`);
  assert(variance.every((v) => v >= 0 && v < 1e-3), "small variance at the data");
  assert(gp.hyperparameters.noiseVariance < 1e-3, `σ_n² ${gp.hyperparameters.noiseVariance}`);
});

Deno.test("fitGp() variance grows away from the data and stays ≤ σ_f²·s_y²", () => {
  const { x, y } = smooth(30, 2, 2);
  const gp = fitGpSync({ x, y, d: 2 });
  const far = gp.predict(new Float64Array([2, 2, -1, 3]));
  const near = gp.predict(x.subarray(0, 4));
  const cap = gp.hyperparameters.signalVariance * gp.state.yStd ** 2;
  for (let i = 0; i < 2; i++) {
    assert(
      far.variance[i] > 10 * near.variance[0],
      `far ${far.variance[i]} near ${near.variance[0]}`,
    );
    assert(far.variance[i] <= cap * (1 + 1e-12));
  }
});

Deno.test("fitGp() with constant targets predicts the constant (std := 1)", () => {
  const x = Float64Array.from({ length: 20 }, (_, i) => i / 19), y = new Float64Array(20).fill(0.5);
  const gp = fitGpSync({ x, y, d: 1 });
  assertEquals(gp.state.yStd, 1);
  const { mean, variance } = gp.predict(new Float64Array([0.33, 2.5]));
  for (const m of mean) assertClose(m, 0.5, 1e-12);
  assert(variance.every(Number.isFinite));
});

Deno.test("fitGp() with n = 1 keeps the initial θ and predicts the single value", () => {
  const gp = fitGpSync({ x: new Float64Array([0.3, 0.4]), y: new Float64Array([2.5]), d: 2 });
  assertEquals(gp.fitReport?.restarts[0].status, "not-optimised");
  const { mean, variance } = gp.predict(new Float64Array([0.3, 0.4, 0.9, 0.9]));
  assertClose(mean[0], 2.5, 1e-12);
  assertClose(mean[1], 2.5, 1e-12);
  assert(variance.every((v) => Number.isFinite(v) && v >= 0));
});

Deno.test("fitGp() rejects NaN/Inf targets, d mismatch and empty data with typed errors", async () => {
  const x = new Float64Array([0, 0.5, 1]);
  const e = assertThrows(
    () => fitGpSync({ x, y: new Float64Array([1, NaN, 2]), d: 1 }),
    NonFiniteDataError,
    "data.y[1]",
  );
  assertEquals(e.argument, "data.y[1]");
  assertThrows(
    () => fitGpSync({ x, y: new Float64Array([1, Infinity, 2]), d: 1 }),
    NonFiniteDataError,
  );
  assertThrows(() => fitGpSync({ x, y: new Float64Array([1, 2]), d: 2 }), DimensionMismatchError);
  await assertRejects(
    () => fitGp({ x: new Float64Array(0), y: new Float64Array(0), d: 3 }),
    InsufficientDataError,
  );
  const gp = fitGpSync({
    x: new Float64Array([0, 0, 0.5, 0.5, 1, 1]),
    y: new Float64Array(3),
    d: 2,
  });
  assertThrows(() => gp.predict(new Float64Array([0.1, 0.2, 0.3])), DimensionMismatchError);
});

Deno.test("fitGp() restarts are deterministic per seed and never worse than start 0", () => {
  const { x, y } = smooth(30, 2, 3, 0.1);
  const a = fitGpSync({ x, y, d: 2 }, { restarts: 2, seed: 11, stream: "gp/baseline/0" });
  const b = fitGpSync({ x, y, d: 2 }, { restarts: 2, seed: 11, stream: "gp/baseline/0" });
  assertEquals(a.state.logTheta, b.state.logTheta);
  const rs = a.fitReport!.restarts;
  assertEquals(rs.length, 3);
  const best = Math.max(...rs.map((r) => r.mll));
  assertEquals(rs[a.fitReport!.bestRestart].mll, best);
  assert(best >= rs[0].mll);
});

Deno.test("fitGp() LOVE variances match exact variances on a small problem (rel 1e-6)", () => {
  const { x, y } = smooth(80, 2, 4, 0.05);
  const gp = fitGpSync({ x, y, d: 2 }, { loveIterations: 80 });
  const rng = new Xoshiro128StarStar(new Uint32Array([9, 9, 9, 9]));
  const xq = Float64Array.from({ length: 100 }, () => rng.nextDouble());
  const exact = gp.predict(xq, { variance: "exact" });
  const love = gp.predict(xq, { variance: "love" });
  // 80 Lanczos steps on an 80×80 matrix span the whole space: LOVE is exact to round-off.
  for (let i = 0; i < 50; i++) {
    assertClose(love.mean[i], exact.mean[i], 0);
    assertClose(love.variance[i], exact.variance[i], 1e-6 * Math.max(exact.variance[i], 1e-3));
  }
});

Deno.test("GpModel.samplePosterior() is seeded and its spread matches the predicted variance", () => {
  const { x, y } = smooth(25, 1, 5, 0.1);
  const gp = fitGpSync({ x, y, d: 1 });
  const xq = new Float64Array([0.5, 1.5]);
  const rngA = new Xoshiro128StarStar(new Uint32Array([1, 2, 3, 4]));
  const rngB = new Xoshiro128StarStar(new Uint32Array([1, 2, 3, 4]));
  const s = gp.samplePosterior(xq, 2000, rngA);
  assertEquals(s, gp.samplePosterior(xq, 2000, rngB));
  const { mean, variance } = gp.predict(xq);
  for (let j = 0; j < 2; j++) {
    let m = 0, v = 0;
    for (let k = 0; k < 2000; k++) m += s[2 * k + j] / 2000;
    for (let k = 0; k < 2000; k++) v += (s[2 * k + j] - m) ** 2 / 1999;
    // 5 standard errors: se(mean) = σ/√2000, se(var) ≈ σ²·√(2/1999)
    assertClose(m, mean[j], 5 * Math.sqrt(variance[j] / 2000) + 1e-9);
    assertClose(v, variance[j], 5 * variance[j] * Math.sqrt(2 / 1999) + 1e-12);
  }
});

Deno.test("warmStartSizes() doubles from 500 up to n/2 and honours 'off' and explicit lists", () => {
  assertEquals(warmStartSizes(4000), [500, 1000, 2000]);
  assertEquals(warmStartSizes(999), []);
  assertEquals(warmStartSizes(4000, "off"), []);
  assertEquals(warmStartSizes(800, [900, 300, 1]), [300]);
});
