import { assert, assertClose } from "../../tests/assert.ts";
import {
  fillCovariance,
  fillCrossCovariance,
  fillCrossCovarianceGemm,
  matern52,
  rowSquaredNorms,
  scaleRows,
} from "./matern52.ts";
import { tsLinalg } from "../kernels/linalg/ts_linalg.ts";
import { Xoshiro128StarStar } from "../kernels/rng.ts";

Deno.test("matern52() equals (1 + √5 + 5/3)·e^(−√5) at r = 1 and 1 at r = 0", () => {
  assertClose(matern52(1), (1 + Math.sqrt(5) + 5 / 3) * Math.exp(-Math.sqrt(5)), 1e-15);
  assertClose(matern52(0), 1, 0);
});

Deno.test("fillCovariance() is symmetric with σ_f² + σ_n² on the diagonal and matches the ARD distance", () => {
  const n = 5, d = 2;
  const x = new Float64Array([0, 0, 0.3, 0.1, 0.9, 0.4, 0.2, 0.8, 0.5, 0.5]);
  const ls = new Float64Array([0.5, 2]);
  const xs = scaleRows(x, n, d, ls, new Float64Array(n * d));
  const k = fillCovariance(xs, n, d, 1.7, 0.01, new Float64Array(n * n), true);
  for (let i = 0; i < n; i++) {
    assertClose(k[i + i * n], 1.71, 1e-15);
    for (let j = 0; j < n; j++) {
      assertClose(k[i + j * n], k[j + i * n], 0);
      if (i === j) continue;
      const r = Math.hypot((x[2 * i] - x[2 * j]) / 0.5, (x[2 * i + 1] - x[2 * j + 1]) / 2);
      assertClose(k[i + j * n], 1.7 * matern52(r), 1e-15);
    }
  }
  const cross = fillCrossCovariance(xs, n, xs, n, d, 1.7, new Float64Array(n * n));
  for (let i = 0; i < n * n; i++) {
    assert(Math.abs(cross[i] - (k[i] - (i % (n + 1) === 0 ? 0.01 : 0))) < 1e-15, `entry ${i}`);
  }
});

Deno.test("fillCrossCovarianceGemm() equals the direct cross-covariance to 1e-13 (incl. r = 0)", () => {
  const n = 37, m = 11, d = 4;
  const xs = Float64Array.from({ length: n * d }, (_, i) => ((i * 0.754877666) % 1) * 3);
  const qs = xs.slice(0, m * d); // the first m candidates coincide with training rows
  qs[m * d - 1] += 0.37;
  const a = fillCrossCovariance(xs, n, qs, m, d, 1.3, new Float64Array(n * m));
  const b = fillCrossCovarianceGemm(
    tsLinalg,
    xs,
    rowSquaredNorms(xs, n, d, new Float64Array(n)),
    n,
    qs,
    rowSquaredNorms(qs, m, d, new Float64Array(m)),
    m,
    d,
    1.3,
    new Float64Array(n * m),
  );
  for (let i = 0; i < n * m; i++) {
    assert(Math.abs(a[i] - b[i]) < 1e-13, `entry ${i}: ${a[i]} vs ${b[i]}`);
  }
});

Deno.test("fillCovariance() with syrk distances equals the direct form within 1e-13 in every fill mode", () => {
  const n = 100, d = 9;
  const rng = new Xoshiro128StarStar(Uint32Array.of(3, 1, 4, 1));
  // Scaled rows as after division by length scales in [0.05, 2]; rows 1 and 2 nearly coincide.
  const xs = new Float64Array(n * d).map(() => rng.nextDouble() / (0.05 + 2 * rng.nextDouble()));
  for (let j = 0; j < d; j++) xs[2 * d + j] = xs[d + j] + 1e-7;
  for (const mode of ["lower", "full", "gradient-cache"] as const) {
    const direct = fillCovariance(xs, n, d, 1.7, 0.01, new Float64Array(n * n).fill(NaN), mode);
    const viaSyrk = fillCovariance(
      xs,
      n,
      d,
      1.7,
      0.01,
      new Float64Array(n * n).fill(NaN),
      mode,
      tsLinalg,
    );
    for (let i = 0; i < n * n; i++) {
      const a = direct[i], b = viaSyrk[i];
      assert(
        (Number.isNaN(a) && Number.isNaN(b)) || Math.abs(a - b) <= 1e-13,
        `${mode} entry ${i}: ${a} vs ${b}`,
      );
    }
  }
});
