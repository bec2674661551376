import { assert, assertClose, assertThrows } from "../../tests/assert.ts";
import { KrigingBeliever } from "./kriging_believer.ts";
import { fitGpSync } from "./fit_gp.ts";
import { Xoshiro128StarStar } from "../kernels/rng.ts";
import { InvalidArgumentError } from "../errors.ts";

function points(n: number, d: number, seed: number): Float64Array {
  const rng = new Xoshiro128StarStar(new Uint32Array([seed, 2, 4, 8]));
  return Float64Array.from({ length: n * d }, () => rng.nextDouble());
}

Deno.test("KrigingBeliever.conditionOnPick() equals a brute-force refit with the fantasy points (1e-8)", () => {
  const n = 40, d = 2, x = points(n, d, 1);
  const y = Float64Array.from({ length: n }, (_, i) => Math.sin(4 * x[2 * i]) * x[2 * i + 1]);
  const gp = fitGpSync({ x, y, d }, {
    optimize: false,
    initialLogTheta: new Float64Array([Math.log(0.3), Math.log(0.5), 0, Math.log(1e-2)]),
  });
  const pool = points(60, d, 2);
  const kb = new KrigingBeliever(gp, pool);
  const picks = [7, 23, 41];
  for (const s of picks) kb.conditionOnPick(s);
  // Brute force: training set X ∪ {pool[7], pool[23], pool[41]} with the same θ (fantasy values
  // do not change variances). Compare standardised latent variances.
  const xa = new Float64Array((n + picks.length) * d);
  xa.set(x);
  picks.forEach((s, k) => xa.set(pool.subarray(s * d, s * d + d), (n + k) * d));
  const brute = fitGpSync(
    { x: xa, y: new Float64Array(n + picks.length).map((_, i) => i % 3), d },
    {
      optimize: false,
      initialLogTheta: gp.state.logTheta,
    },
  );
  const ref = brute.predict(pool).variance.map((v) => v / brute.state.yStd ** 2);
  for (let i = 0; i < 60; i++) assertClose(kb.latentVariance[i], ref[i], 1e-8, `pool ${i}`);
  assert(kb.variance[7] < gp.predict(pool.subarray(14, 16)).variance[0]);
});

Deno.test("KrigingBeliever.conditionOnPick() rejects an index outside the pool", () => {
  const x = points(10, 1, 3), gp = fitGpSync({ x, y: x.slice(), d: 1 });
  const kb = new KrigingBeliever(gp, points(5, 1, 4));
  assertThrows(() => kb.conditionOnPick(5), InvalidArgumentError);
});
