// deno bench -P lib/surrogate/marginal_likelihood_bench.ts — one MLL + gradient evaluation and
// one prediction pass with the TS backend (d = 9).
import { createMllEvaluator } from "./marginal_likelihood.ts";
import { initialLogTheta } from "./hyperparameters.ts";
import { fitGpSync } from "./fit_gp.ts";
import { tsLinalg } from "../kernels/linalg/ts_linalg.ts";
import { Xoshiro128StarStar } from "../kernels/rng.ts";

const d = 9;
const rng = new Xoshiro128StarStar(new Uint32Array([1, 2, 3, 4]));
for (const n of [100, 400]) {
  const x = Float64Array.from({ length: n * d }, () => rng.nextDouble());
  const y = Float64Array.from({ length: n }, (_, i) => Math.tanh(8 * (x[i * d] - 0.5)));
  const ev = createMllEvaluator(x, y, n, d, tsLinalg);
  const g = new Float64Array(d + 2), theta = initialLogTheta(d);
  Deno.bench({ name: `MLL + gradient n=${n}`, group: "mll", n: 5, warmup: 1 }, () => {
    ev.evaluate(theta, g);
  });
  const gp = fitGpSync({ x, y, d }, { optimize: false, loveIterations: 50 });
  const xq = Float64Array.from({ length: 2000 * d }, () => rng.nextDouble());
  Deno.bench({ name: `predict 2000 exact σ² n=${n}`, group: `predict ${n}`, n: 3 }, () => {
    gp.predict(xq, { variance: "exact" });
  });
  Deno.bench({ name: `predict 2000 LOVE σ² n=${n}`, group: `predict ${n}`, n: 3 }, () => {
    gp.predict(xq, { variance: "love" });
  });
}
