import { assertClose, assertThrows } from "../../tests/assert.ts";
import { InvalidArgumentError } from "../errors.ts";
import { standardNormalQuantile } from "./normal_quantile.ts";

Deno.test("standardNormalQuantile() matches tabulated quantiles in the centre and both tails", () => {
  // Reference values: Φ⁻¹ to 16 digits (Abramowitz & Stegun table 26.5; R's qnorm).
  const table: Array<[number, number]> = [
    [0.5, 0],
    [0.975, 1.959963984540054],
    [0.99, 2.326347874040841],
    [0.999, 3.090232306167813],
    [0.01, -2.326347874040841],
    [1e-6, -4.753424308822899],
    [0.3, -0.5244005127080407],
  ];
  for (const [p, z] of table) assertClose(standardNormalQuantile(p), z, 1e-8, `p = ${p}`);
});

Deno.test("standardNormalQuantile() rejects probabilities outside (0, 1)", () => {
  for (const p of [0, 1, -0.1, NaN]) {
    assertThrows(() => standardNormalQuantile(p), InvalidArgumentError);
  }
});
