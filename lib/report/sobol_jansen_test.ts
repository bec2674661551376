import { assert, assertClose } from "../../tests/assert.ts";
import { Xoshiro128StarStar } from "../kernels/rng.ts";
import { jansenFirstOrder } from "./sobol_jansen.ts";

const rng = (s: number) => new Xoshiro128StarStar(new Uint32Array([s, 11, 23, 37]));

// f = x1 + 2·x2 + 0·x3 on U(0,1)³: V_i = a_i²/12, so S = (1, 4, 0)/5. With N = 4096 the Jansen
// estimator's standard error is ≈ 0.01 here (Saltelli 2010, Fig. 2 scale); tolerance 0.04 ≈ 4 SE.
Deno.test("jansenFirstOrder() recovers a_i²/Σa² of an additive linear model", () => {
  const f = (x: Float64Array) => {
    const y = new Float64Array(x.length / 3);
    for (let i = 0; i < y.length; i++) y[i] = x[3 * i] + 2 * x[3 * i + 1];
    return y;
  };
  const s = jansenFirstOrder(f, [0, 0, 0], [1, 1, 1], 4096, rng(5));
  assertClose(s[0], 0.2, 0.04, "S1");
  assertClose(s[1], 0.8, 0.04, "S2");
  assertClose(s[2], 0, 0.04, "S3");
});

// f = x1·x2 on U(-1,1)²: E[f | x_i] = 0, so both first-order indices are 0 (pure interaction).
Deno.test("jansenFirstOrder() gives zero first-order indices for a pure interaction", () => {
  const f = (x: Float64Array) => {
    const y = new Float64Array(x.length / 2);
    for (let i = 0; i < y.length; i++) y[i] = x[2 * i] * x[2 * i + 1];
    return y;
  };
  const s = jansenFirstOrder(f, [-1, -1], [1, 1], 4096, rng(9));
  assert(Math.abs(s[0]) < 0.05 && Math.abs(s[1]) < 0.05, `S = ${s}`);
});

Deno.test("jansenFirstOrder() returns NaN for a constant model", () => {
  const s = jansenFirstOrder(
    (x) => new Float64Array(x.length / 2).fill(3),
    [0, 0],
    [1, 1],
    64,
    rng(1),
  );
  assert(Number.isNaN(s[0]) && Number.isNaN(s[1]));
});
