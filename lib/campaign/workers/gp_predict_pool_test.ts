import { assert, assertEquals, assertRejects } from "../../../tests/assert.ts";
import { InvalidArgumentError } from "../../errors.ts";
import { GpPredictPool, PredictPoolError } from "./gp_predict_pool.ts";
import { fitGpSync } from "../../surrogate/fit_gp.ts";
import { DimensionMismatchError } from "../../surrogate/surrogate_errors.ts";
import { Xoshiro128StarStar } from "../../kernels/rng.ts";
import { loadBlas } from "../../io/blas_loader.ts";
import { tsLinalg } from "../../kernels/linalg/ts_linalg.ts";

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

Deno.test("GpPredictPool: equal bit for bit to the sequential predict with the same chunk size, for 1 and 3 workers (mean; LOVE, exact, exact-single and local σ²)", async () => {
  const d = 3, n = 150, x = rows(n, d, 1);
  const y = Float64Array.from({ length: n }, (_, i) => Math.sin(4 * x[i * d]) + x[i * d + 1]);
  // Same backend kind on both sides: OpenBLAS (1 thread) where it loads, else the TS kernels.
  const ffi = await loadBlas({ threads: 1, concurrentUse: true }).catch(() => null);
  const la = ffi ?? tsLinalg;
  try {
    const gp = fitGpSync({ x, y, d }, { linalg: la, loveIterations: 40 });
    const xq = rows(1001, d, 2); // odd count: a short last chunk
    const modes = la.strsm
      ? ["love", "exact", "exact-single", "local"] as const
      : ["love", "exact", "local"] as const;
    let pool = await GpPredictPool.create(gp, { workers: 1, withCholesky: true });
    for (const workers of [1, 3]) {
      try {
        assert(pool.size === workers && pool.backends.length === workers);
        assert(pool.defaultVariance === "exact");
        for (const variance of modes) {
          const seq = gp.predict(xq, { variance, chunkSize: 128 });
          const par = await pool.predict(xq, { variance, chunkSize: 128 });
          assertEquals(par.mean, seq.mean, `${variance} mean, ${workers} workers`);
          assertEquals(par.variance, seq.variance, `${variance} variance, ${workers} workers`);
        }
        await assertRejects(() => pool.predict(new Float64Array(7)), DimensionMismatchError);
        await assertRejects(() => pool.predict(xq, { chunkSize: 0 }), InvalidArgumentError);
      } finally {
        pool.close();
      }
      if (workers === 1) pool = await GpPredictPool.create(gp, { workers: 3, withCholesky: true });
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
