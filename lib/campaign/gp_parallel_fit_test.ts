import { assert, assertEquals, assertRejects } from "../../tests/assert.ts";
import { fitGpParallel, ParallelFitError } from "./gp_parallel_fit.ts";
import { fitGpSync } from "../surrogate/fit_gp.ts";
import { Xoshiro128StarStar } from "../kernels/rng.ts";

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
  // FFI (worker) and TS (sequential) backends differ by round-off only.
  const a = model.fitReport!.restarts, b = seq.fitReport!.restarts;
  for (let r = 0; r < 3; r++) {
    assert(Math.abs(a[r].mll - b[r].mll) < 1e-6 * Math.abs(b[r].mll), `restart ${r}`);
  }
  // The best index can differ only between restarts that reached the same optimum (here all
  // three do, with MLLs 1e-8 apart): the other side's pick must be as good within round-off.
  const bestA = a[model.fitReport!.bestRestart].mll, bestB = b[seq.fitReport!.bestRestart].mll;
  assert(Math.abs(a[seq.fitReport!.bestRestart].mll - bestA) < 1e-6 * Math.abs(bestA));
  assert(Math.abs(b[model.fitReport!.bestRestart].mll - bestB) < 1e-6 * Math.abs(bestB));
});

Deno.test("fitGpParallel() rejects with ParallelFitError when aborted, leaving no worker behind", async () => {
  const ac = new AbortController();
  ac.abort();
  await assertRejects(
    () => fitGpParallel(data(30, 1, 2), { restarts: 1, signal: ac.signal }),
    ParallelFitError,
  );
});
