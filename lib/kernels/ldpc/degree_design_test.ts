import { assertEquals } from "../../../tests/assert.ts";
import { concentratedRho } from "./degree_design.ts";

Deno.test("concentratedRho() gives (3,6) for λ = x² at rate 1/2 and meets the design rate in general", () => {
  assertEquals(concentratedRho([[3, 1]], 0.5), [[6, 1]]);
  const lambda: Array<[number, number]> = [[2, 0.3], [3, 0.4], [10, 0.3]];
  const rho = concentratedRho(lambda, 0.4)!;
  const intLambda = lambda.reduce((a, [d, f]) => a + f / d, 0);
  const intRho = rho.reduce((a, [d, f]) => a + f / d, 0);
  assertEquals(rho.map(([d]) => d), [5, 6]);
  assertEquals(Math.abs(1 - intRho / intLambda - 0.4) < 1e-12, true);
  // A rate no check degree ≥ 3 can reach.
  assertEquals(concentratedRho([[2, 1]], 0.1), null);
});
