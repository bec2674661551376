import { assertClose } from "../../tests/assert.ts";
import { campaignRng } from "../kernels/rng.ts";
import { branin, negHartmann6 } from "./test_functions.ts";

Deno.test("branin.evaluate() has its three global minima 0.397887", () => {
  for (const [x1, x2] of [[-Math.PI, 12.275], [Math.PI, 2.275], [9.42478, 2.475]]) {
    assertClose(branin.evaluate([(x1 + 5) / 15, x2 / 15]), 0.397887, 1e-5);
  }
});

Deno.test("negHartmann6.evaluate() reaches 3.32237 at its maximiser", () => {
  const x = [0.20169, 0.150011, 0.476874, 0.275332, 0.311652, 0.6573];
  assertClose(negHartmann6.evaluate(x), 3.32237, 1e-5);
});

Deno.test("negHartmann6 super-level set {f > 1} covers about 5.8 % of the cube", () => {
  const rng = campaignRng(11, "test/hartmann");
  const n = 40_000;
  let above = 0;
  const u = new Float64Array(6);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < 6; j++) u[j] = rng.nextDouble();
    if (negHartmann6.evaluate(u) > 1) above++;
  }
  // Binomial standard error at p = 0.058, n = 4e4: 0.00117; allow 4σ.
  assertClose(above / n, 0.058, 4 * Math.sqrt(0.058 * 0.942 / n));
});
