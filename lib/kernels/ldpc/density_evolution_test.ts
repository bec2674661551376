import { assert, assertClose, assertThrows } from "../../../tests/assert.ts";
import { InvalidArgumentError } from "../../errors.ts";
import { caligoDistribution, DE_BSC_DEGREE_DISTRIBUTIONS } from "./degree_distributions.ts";
import { createBscDensityEvolution } from "./density_evolution.ts";
import { concentratedRho } from "./degree_design.ts";

Deno.test("BSC density evolution gives the (3,6)-regular ensemble its BP threshold p* ≈ 0.084 (Richardson–Urbanke)", () => {
  const de = createBscDensityEvolution({ rate: 0.5, lambda: [[3, 1]], rho: [[6, 1]] });
  const threshold = de.threshold({ lo: 0.06, hi: 0.11, tolerance: 1e-4 });
  assertClose(threshold, 0.084, 0.0005);
  // Below the threshold the error probability vanishes, above it sticks at a fixed point.
  assert(de.run(0.08).converged);
  const above = de.run(0.09);
  assert(!above.converged && above.errorProb > 1e-3, JSON.stringify(above));
});

Deno.test("Caligo's rate-0.50 distribution decodes at p = 0.105 but not at the Shannon limit 0.110", () => {
  // Its threshold is 0.1067 (bisection to 2e-4); one run each side keeps the test short.
  const de = createBscDensityEvolution(caligoDistribution(0.5));
  assert(de.run(0.105).converged);
  assert(!de.run(0.110).converged);
});

Deno.test("the stored thresholds of the de-bsc rows hold: DE converges just below and fails just above", () => {
  // 0.001 below / 0.002 above, or 5 % / 10 % of p* for the high rates (p* ≈ 0.011 at R = 0.9).
  for (const d of Object.values(DE_BSC_DEGREE_DISTRIBUTIONS)) {
    const de = createBscDensityEvolution(d);
    const below = Math.min(0.001, 0.05 * d.threshold), above = Math.min(0.002, 0.1 * d.threshold);
    assert(de.run(d.threshold - below).converged, `rate ${d.rate} below ${d.threshold}`);
    assert(!de.run(d.threshold + above).converged, `rate ${d.rate} above ${d.threshold}`);
    // The ρ is the concentrated one of the design rate.
    const rho = concentratedRho(d.lambda, d.rate)!;
    rho.forEach(([deg, f], i) => {
      assert(deg === d.rho[i][0] && Math.abs(f - d.rho[i][1]) < 1e-4, `rate ${d.rate} ρ`);
    });
  }
});

Deno.test("createBscDensityEvolution() rejects p outside (0, 0.5)", () => {
  const de = createBscDensityEvolution({ rate: 0.5, lambda: [[3, 1]], rho: [[6, 1]] }, {
    bins: 32,
  });
  assertThrows(() => de.run(0.5), InvalidArgumentError, "(0, 0.5)");
});
