import { assert, assertClose } from "../../tests/assert.ts";
import { createMllEvaluator } from "./marginal_likelihood.ts";
import { matern52 } from "./matern52.ts";
import { tsLinalg } from "../kernels/linalg/ts_linalg.ts";
import { Xoshiro128StarStar } from "../kernels/rng.ts";

function data(n: number, d: number, seed: number) {
  const rng = new Xoshiro128StarStar(new Uint32Array([seed, 1, 2, 3]));
  const x = Float64Array.from({ length: n * d }, () => rng.nextDouble());
  const y = Float64Array.from(
    { length: n },
    (_, i) => Math.sin(6 * x[i * d]) + (d > 1 ? x[i * d + 1] ** 2 : 0) + 0.05 * rng.nextDouble(),
  );
  return { x, y };
}

Deno.test("createMllEvaluator() equals the closed form of a 2-point 1-D GP", () => {
  const x = new Float64Array([0.2, 0.7]), y = new Float64Array([1.3, -0.4]);
  const ell = 0.3, sf2 = 1.7, sn2 = 0.05;
  const k = sf2 * matern52(0.5 / ell), a = sf2 + sn2;
  const det = a * a - k * k;
  const quad = (a * y[0] * y[0] - 2 * k * y[0] * y[1] + a * y[1] * y[1]) / det;
  const expected = -0.5 * quad - 0.5 * Math.log(det) - Math.log(2 * Math.PI);
  const ev = createMllEvaluator(x, y, 2, 1, tsLinalg);
  const { mll } = ev.evaluate(new Float64Array([Math.log(ell), Math.log(sf2), Math.log(sn2)]));
  assertClose(mll, expected, 1e-12);
});

Deno.test("createMllEvaluator() gradient matches central finite differences (every θ_j, rel 1e-5)", () => {
  const n = 40, d = 3, { x, y } = data(n, d, 5);
  const ev = createMllEvaluator(x, y, n, d, tsLinalg);
  const theta = new Float64Array([
    Math.log(0.4),
    Math.log(0.9),
    Math.log(2.1),
    0.3,
    Math.log(0.02),
  ]);
  const g = new Float64Array(d + 2);
  ev.evaluate(theta, g);
  const h = 1e-5;
  for (let j = 0; j < d + 2; j++) {
    const tp = theta.slice(), tm = theta.slice();
    tp[j] += h;
    tm[j] -= h;
    const fd = (ev.evaluate(tp).mll - ev.evaluate(tm).mll) / (2 * h);
    // central-difference truncation O(h²·f''') ≈ 1e-10 and round-off ε·|mll|/h ≈ 1e-9 relative
    assert(
      Math.abs(g[j] - fd) <= 1e-5 * Math.max(1, Math.abs(fd)),
      `θ_${j}: analytic ${g[j]} vs FD ${fd}`,
    );
  }
});

Deno.test("createMllEvaluator() escalates the jitter for duplicate noise-free points and reports it", () => {
  // Duplicate points with σ_n² = e^−400: singular without jitter.
  const x = new Float64Array([0.5, 0.5, 0.5]), y = new Float64Array([1, 2, 3]);
  const ev = createMllEvaluator(x, y, 3, 1, tsLinalg);
  const g = new Float64Array(3);
  const v = ev.evaluate(new Float64Array([0, 0, -400]), g);
  // jitter 1e-8·σ_f² makes it PD, so the value is finite; the jitter is reported.
  assert(Number.isFinite(v.mll) && v.jitter > 0, JSON.stringify(v));
});

Deno.test("createMllEvaluator(): the SIMD workspace path equals the TypeScript loops (odd n, d = 9)", () => {
  const n = 67, d = 9, { x, y } = data(n, d, 11);
  const simd = createMllEvaluator(x, y, n, d, tsLinalg);
  const plain = createMllEvaluator(x, y, n, d, tsLinalg, { simd: false });
  const theta = Float64Array.from(
    { length: d + 2 },
    (_, j) => (j < d ? Math.log(0.3 + 0.1 * j) : 0),
  );
  theta[d + 1] = Math.log(1e-3);
  const g1 = new Float64Array(d + 2), g2 = new Float64Array(d + 2);
  const a = simd.evaluate(theta, g1), b = plain.evaluate(theta, g2);
  // Own e^x in the kernel: K̂ entries agree within ≈ 1e-15; the factorisation amplifies that by
  // at most κ(K̂)·ε relative in the MLL and gradient.
  assertClose(a.mll, b.mll, 1e-9 * Math.abs(b.mll));
  for (let j = 0; j < d + 2; j++) {
    assert(
      Math.abs(g1[j] - g2[j]) <= 1e-7 * Math.max(1, Math.abs(g2[j])),
      `θ_${j}: ${g1[j]} vs ${g2[j]}`,
    );
  }
});
