import { assert, assertRejects } from "../../tests/assert.ts";
import { GpPredictPool, PredictPoolError } from "./gp_predict_pool.ts";
import { fitGpSync } from "../surrogate/fit_gp.ts";
import { DimensionMismatchError } from "../surrogate/surrogate_errors.ts";
import { Xoshiro128StarStar } from "../kernels/rng.ts";
import { loadBlas } from "../io/blas_loader.ts";
import { tsLinalg } from "../kernels/linalg/ts_linalg.ts";

function rows(m: number, d: number, seed: number): Float64Array {
  const rng = new Xoshiro128StarStar(new Uint32Array([seed, 8, 8, 8]));
  return Float64Array.from({ length: m * d }, () => rng.nextDouble());
}

function maxRelDiff(a: Float64Array, b: Float64Array): number {
  let worst = 0;
  for (let i = 0; i < a.length; i++) {
    worst = Math.max(worst, Math.abs(a[i] - b[i]) / Math.max(1e-12, Math.abs(b[i])));
  }
  return worst;
}

Deno.test("GpPredictPool: 2 workers give the sequential predictions (mean, LOVE, exact and exact-single σ²)", async () => {
  const d = 3, n = 150, x = rows(n, d, 1);
  const y = Float64Array.from({ length: n }, (_, i) => Math.sin(4 * x[i * d]) + x[i * d + 1]);
  // Same backend kind on both sides: OpenBLAS (1 thread) where it loads, else the TS kernels.
  const ffi = await loadBlas({ threads: 1, concurrentUse: true }).catch(() => null);
  const la = ffi ?? tsLinalg;
  try {
    const gp = fitGpSync({ x, y, d }, { linalg: la, loveIterations: 40 });
    const xq = rows(1001, d, 2); // odd count: unequal parts
    const pool = await GpPredictPool.create(gp, { workers: 2, withCholesky: true });
    try {
      assert(pool.size === 2 && pool.backends.length === 2);
      assert(pool.defaultVariance === "exact");
      // exact-single where the backend has strsm (the workers load the same OpenBLAS).
      const modes = la.strsm
        ? ["love", "exact", "exact-single"] as const
        : ["love", "exact"] as const;
      for (const variance of modes) {
        const seq = gp.predict(xq, { variance, chunkSize: 128 });
        const par = await pool.predict(xq, { variance, chunkSize: 128 });
        assert(maxRelDiff(par.mean, seq.mean) < 1e-12, `${variance} mean`);
        assert(maxRelDiff(par.variance, seq.variance) < 1e-9, `${variance} variance`);
      }
      await assertRejects(() => pool.predict(new Float64Array(7)), DimensionMismatchError);
    } finally {
      pool.close();
    }
    await assertRejects(() => pool.predict(xq), PredictPoolError, "after close");
    // Without the factor, exact variances are refused by the workers with the model's reason.
    const lean = await GpPredictPool.create(gp, { workers: 1 });
    try {
      assert(lean.defaultVariance === "love");
      await assertRejects(
        () => lean.predict(xq, { variance: "exact" }),
        PredictPoolError,
        "Cholesky",
      );
    } finally {
      lean.close();
    }
  } finally {
    ffi?.close();
  }
});

Deno.test("GpPredictPool: an exact-path model without LOVE cache defaults to exact variances", async () => {
  const d = 1, x = new Float64Array([0, 0.25, 0.5, 0.75, 1]), y = x.map((v) => Math.sin(6 * v));
  const gp = fitGpSync({ x, y, d });
  const pool = await GpPredictPool.create(gp, { workers: 1 });
  try {
    const xq = new Float64Array([0.1, 0.6]);
    const par = await pool.predict(xq), seq = gp.predict(xq);
    assert(
      maxRelDiff(par.variance, seq.variance) < 1e-12 && maxRelDiff(par.mean, seq.mean) < 1e-12,
    );
  } finally {
    pool.close();
  }
});
