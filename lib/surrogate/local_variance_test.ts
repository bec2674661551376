import { assert, assertClose, assertEquals, assertThrows } from "../../tests/assert.ts";
import { largestEntries, neighbourWorkspace } from "./local_variance.ts";
import { fitGpSync } from "./fit_gp.ts";
import { Xoshiro128StarStar } from "../kernels/rng.ts";
import { InvalidArgumentError } from "../errors.ts";

function uniform(length: number, seed: number): Float64Array {
  const rng = new Xoshiro128StarStar(new Uint32Array([seed, 4, 4, 4]));
  return Float64Array.from({ length }, () => rng.nextDouble());
}

/** Smooth 3-D data with little noise, so the posterior variance near data is small. */
function data(n: number) {
  const x = uniform(n * 3, 1);
  const y = Float64Array.from(
    { length: n },
    (_, i) => Math.sin(5 * x[3 * i]) * Math.cos(3 * x[3 * i + 1]) + x[3 * i + 2],
  );
  return { x, y, d: 3 };
}

Deno.test("largestEntries() picks the m largest values, the lower index on ties (vs a full sort)", () => {
  const n = 1000, m = 37;
  const values = uniform(n, 2).map((v) => Math.round(v * 200) / 200); // many ties
  const ws = neighbourWorkspace(m);
  largestEntries(values, n, ws);
  const got = Array.from(ws.heapIndex).sort((a, b) => a - b);
  const want = Array.from({ length: n }, (_, i) => i)
    .sort((a, b) => values[b] - values[a] || a - b)
    .slice(0, m)
    .sort((a, b) => a - b);
  assertEquals(got, want);
});

Deno.test("local variance with every training point as neighbour equals the exact variance", () => {
  const { x, y, d } = data(60);
  const gp = fitGpSync({ x, y, d });
  const xq = uniform(40 * d, 3);
  const exact = gp.predict(xq, { variance: "exact" });
  const local = gp.predict(xq, { variance: "local", neighbours: 500 }); // capped at n = 60
  // Same σ_f² − k*ᵀK̂⁻¹k*, other summation order: round-off relative to σ_f² (cancellation).
  const sf2 = gp.hyperparameters.signalVariance * gp.state.yStd ** 2;
  for (let i = 0; i < 40; i++) {
    assertEquals(local.mean[i], exact.mean[i]);
    assertClose(local.variance[i], exact.variance[i], 1e-10 * sf2);
  }
});

Deno.test("local variance: between the exact σ² and LOVE's (both upper bounds), far closer than a poor LOVE", () => {
  const { x, y, d } = data(400);
  const gp = fitGpSync({ x, y, d }, { loveIterations: 5 }); // a deliberately poor LOVE cache
  const m = 200, xq = uniform(m * d, 4);
  const exact = gp.predict(xq, { variance: "exact" });
  const love = gp.predict(xq, { variance: "love" });
  const local = gp.predict(xq, { variance: "local", neighbours: 48 });
  const errLove: number[] = [], errLocal: number[] = [];
  for (let i = 0; i < m; i++) {
    const e = exact.variance[i];
    assert(local.variance[i] >= e * (1 - 1e-9), `candidate ${i}: below the exact σ²`);
    assert(local.variance[i] <= love.variance[i], `candidate ${i}: above LOVE's σ²`);
    errLove.push((love.variance[i] - e) / e);
    errLocal.push((local.variance[i] - e) / e);
  }
  const median = (a: number[]) => a.sort((p, q) => p - q)[a.length >> 1];
  // Measured with these seeds: LOVE (rank 5) median 9.7e4, local (48 neighbours) 4.8e-2.
  assert(median(errLocal) < 0.1 * median(errLove), `${median(errLocal)} vs ${median(errLove)}`);
});

Deno.test("local variance rejects a neighbour count that is not a positive integer", () => {
  const { x, y, d } = data(30);
  const gp = fitGpSync({ x, y, d });
  for (const neighbours of [0, 2.5, NaN]) {
    assertThrows(
      () => gp.predict(uniform(d, 5), { variance: "local", neighbours }),
      InvalidArgumentError,
      "neighbours",
    );
  }
});
