import { assert, assertEquals, assertRejects } from "../../../tests/assert.ts";
import { fitGpParallel, fitGpWithRestartWorkers, ParallelFitError } from "./gp_parallel_fit.ts";
import { loadBlas } from "../../io/blas_loader.ts";
import { fitGpSync } from "../../surrogate/fit_gp.ts";
import { Xoshiro128StarStar } from "../../kernels/rng.ts";

function data(n: number, d: number, seed: number) {
  const rng = new Xoshiro128StarStar(new Uint32Array([seed, 6, 6, 6]));
  const x = Float64Array.from({ length: n * d }, () => rng.nextDouble());
  const y = Float64Array.from(
    { length: n },
    (_, i) => Math.sin(5 * x[i * d]) + 0.1 * rng.nextDouble(),
  );
  return { x, y, d };
}

Deno.test("fitGpParallel() equals the sequential fit with the same seed (2 workers, 3 starts)", async () => {
  const g = data(40, 2, 1);
  const opts = { restarts: 2, seed: 5, stream: "gp/baseline/0" };
  const { model, workerBackends } = await fitGpParallel(g, { ...opts, workers: 2 });
  const seq = fitGpSync(g, opts);
  assertEquals(workerBackends.length, 2);
  assert(workerBackends.every((b) => !b.includes("libla_")), workerBackends.join("; "));
  assertEquals(model.fitReport!.restarts.map((r) => r.restart), [0, 1, 2]);
  // The workers load this thread's backend (here the TS kernels): the same restarts, bit for bit.
  assert(workerBackends.every((b) => b.startsWith("ts")), workerBackends.join("; "));
  const summary = (m: typeof model) =>
    m.fitReport!.restarts.map((r) => [r.restart, r.mll, Array.from(r.logTheta)]);
  assertEquals(summary(model), summary(seq));
  assertEquals(model.state.logTheta, seq.state.logTheta);
});

Deno.test("fitGpWithRestartWorkers() falls back to the sequential fit with one warning when the workers cannot load this thread's BLAS", async () => {
  const la = await loadBlas({ threads: 1, concurrentUse: true, useEnv: false });
  if (!la) return; // OpenBLAS not installed
  Deno.env.set("CALIGO_WORKER_BLAS", "ts");
  try {
    const g = data(40, 2, 3);
    const opts = { restarts: 2, seed: 5, stream: "gp/baseline/0", linalg: la };
    await assertRejects(() => fitGpParallel(g, { ...opts, workers: 2 }), ParallelFitError, "ts");
    const warnings: string[] = [];
    const model = await fitGpWithRestartWorkers(g, { ...opts, workers: 2 }, {
      warn: (m) => warnings.push(m),
    });
    assertEquals(warnings.length, 1, warnings.join("\n"));
    const seq = fitGpSync(g, opts);
    assertEquals(model.state.logTheta, seq.state.logTheta);
    assertEquals(model.fitReport!.restarts, seq.fitReport!.restarts);
  } finally {
    Deno.env.delete("CALIGO_WORKER_BLAS");
    la.close();
  }
});

Deno.test("fitGpParallel() rejects with ParallelFitError when aborted, leaving no worker behind", async () => {
  const ac = new AbortController();
  ac.abort();
  await assertRejects(
    () => fitGpParallel(data(30, 1, 2), { restarts: 1, signal: ac.signal }),
    ParallelFitError,
  );
});

Deno.test("fitGpParallel() aborted mid-fit stops its running restarts and rejects at once", async () => {
  const ac = new AbortController();
  const t0 = performance.now();
  const fit = fitGpParallel(data(300, 3, 4), { restarts: 12, workers: 2, signal: ac.signal });
  setTimeout(() => ac.abort(), 300);
  await assertRejects(() => fit, ParallelFitError, "aborted");
  // The 13 starts at n = 300 take ≈ 11 s on 2 cores; the abort ends the fit within the grace.
  assert(performance.now() - t0 < 300 + 2000 + 1000, `${performance.now() - t0} ms`);
});
