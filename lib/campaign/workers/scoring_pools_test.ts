/**
 * Issue #18: the prediction workers ended up on the TypeScript kernels while the main thread had
 * an FFI BLAS with strsm, the main thread asked for "exact-single" variances, and the error raised
 * at prediction time killed the campaign. Reproduced by forcing the workers' backend with
 * `CALIGO_WORKER_BLAS=ts` (read by every worker) while this thread loads OpenBLAS.
 */
import { assert, assertEquals, assertRejects } from "../../../tests/assert.ts";
import { loadBlas } from "../../io/blas_loader.ts";
import { fitGpSync } from "../../surrogate/fit_gp.ts";
import type { GpModel } from "../../surrogate/gp_model.ts";
import { TwinLandscape } from "../../surrogate/twin_landscape.ts";
import { Xoshiro128StarStar } from "../../kernels/rng.ts";
import { GpPredictPool, PredictBackendMismatchError, PredictPoolError } from "./gp_predict_pool.ts";
import { ScoringPools } from "./scoring_pools.ts";
import { predictMeanStd, scoringVariance } from "../phases/phase3_candidates.ts";

const D = 9; // the Phase 3 input dimension (predictMeanStd works on any d)

function rows(m: number, seed: number): Float64Array {
  const rng = new Xoshiro128StarStar(new Uint32Array([seed, 5, 5, 5]));
  return Float64Array.from({ length: m * D }, () => rng.nextDouble());
}

/** OpenBLAS on this thread (skips the test body where it does not load). */
async function withOpenBlas(body: (gp: GpModel) => Promise<void>): Promise<void> {
  const la = await loadBlas({ threads: 1, concurrentUse: true, useEnv: false });
  if (!la) {
    console.warn("OpenBLAS not found: test skipped");
    return;
  }
  try {
    const n = 120, x = rows(n, 1);
    const y = Float64Array.from({ length: n }, (_, i) => Math.sin(3 * x[i * D]) + x[i * D + 1]);
    await body(fitGpSync({ x, y, d: D }, { linalg: la }));
  } finally {
    la.close();
  }
}

/** Run `body` with the workers forced onto the TypeScript kernels. */
async function withWorkersOnTs(body: () => Promise<void>): Promise<void> {
  Deno.env.set("CALIGO_WORKER_BLAS", "ts");
  try {
    await body();
  } finally {
    Deno.env.delete("CALIGO_WORKER_BLAS");
  }
}

function logSink() {
  const warnings: string[] = [];
  return { warnings, log: { warn: (m: string) => warnings.push(m) } };
}

Deno.test("GpPredictPool.create() with sameBackendAs rejects workers on the TS kernels under an OpenBLAS thread", async () => {
  await withOpenBlas(async (gp) => {
    assertEquals(scoringVariance(gp), "exact-single"); // the mode of the issue
    await withWorkersOnTs(async () => {
      const e = await assertRejects(
        () => GpPredictPool.create(gp, { workers: 2, sameBackendAs: gp.la }),
        PredictBackendMismatchError,
      );
      assert(e.message.includes('"ts"'), e.message);
    });
  });
});

Deno.test("GpPredictPool reports its workers' routines and refuses exact-single without strsm before dispatching", async () => {
  await withOpenBlas(async (gp) => {
    await withWorkersOnTs(async () => {
      const pool = await GpPredictPool.create(gp, { workers: 1 });
      try {
        assert(!pool.routines.has("strsm"));
        await assertRejects(
          () => pool.predict(rows(10, 2), { variance: "exact-single" }),
          PredictPoolError,
          "strsm",
        );
      } finally {
        pool.close();
      }
    });
    const pool = await GpPredictPool.create(gp, { workers: 1, sameBackendAs: gp.la });
    try {
      assert(pool.routines.has("strsm"));
    } finally {
      pool.close();
    }
  });
});

Deno.test("ScoringPools: workers on the TS kernels under an OpenBLAS thread → one warning at start, scores equal the main thread's", async () => {
  await withOpenBlas(async (gp) => {
    const xq = rows(700, 3);
    const expected = await predictMeanStd(gp, xq);
    await withWorkersOnTs(async () => {
      const { warnings, log } = logSink();
      const pools = ScoringPools.forLinalg(gp.la, 2, log)!;
      try {
        await pools.update(new TwinLandscape(gp, null));
        assertEquals(warnings.length, 1, warnings.join("\n"));
        assert(warnings[0].includes("scoring on the main thread"), warnings[0]);
        assert(!pools.isActive);
        assertEquals(pools.get("baseline"), null);
        const got = await predictMeanStd(gp, xq, pools.get("baseline"));
        assertEquals(got.mean, expected.mean);
        assertEquals(got.std, expected.std);
        await pools.update(new TwinLandscape(gp, null)); // no second warning, no new pools
        assertEquals(warnings.length, 1);
      } finally {
        pools.close();
      }
    });
  });
});

Deno.test("ScoringPools: a pool failing at prediction time → one warning, that call and later ones on the main thread with equal scores", async () => {
  await withOpenBlas(async (gp) => {
    const xq = rows(700, 4);
    const expected = await predictMeanStd(gp, xq);
    const { warnings, log } = logSink();
    const pools = ScoringPools.forLinalg(gp.la, 2, log)!;
    try {
      await pools.update(new TwinLandscape(gp, null));
      assertEquals(warnings, []);
      const scorer = pools.get("baseline")!;
      const pooled = await predictMeanStd(gp, xq, scorer);
      assertEquals(pooled.mean, expected.mean); // same library: same bits
      assertEquals(pooled.std, expected.std);
      pools.poolOf("baseline")!.close(); // the workers are gone mid-run
      const got = await predictMeanStd(gp, xq, scorer);
      assertEquals(warnings.length, 1, warnings.join("\n"));
      assertEquals(got.mean, expected.mean);
      assertEquals(got.std, expected.std);
      await predictMeanStd(gp, xq, scorer);
      assertEquals(warnings.length, 1);
      assertEquals(pools.get("baseline"), null);
    } finally {
      pools.close();
    }
  });
});

Deno.test("ScoringPools.forLinalg() never makes pools for a libflame shim or the TS kernels", async () => {
  const { log } = logSink();
  const shim = { path: "/scratch/caligo-1/native/libla_blis_flame.so" };
  assertEquals(ScoringPools.forLinalg(shim as never, 2, log), null);
  const { tsLinalg } = await import("../../kernels/linalg/ts_linalg.ts");
  assertEquals(ScoringPools.forLinalg(tsLinalg, 2, log), null);
});
