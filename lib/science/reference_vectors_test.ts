// Cross-check against an independent plain-Python implementation of the same formulas on a
// seeded grid (tests/fixtures/science_reference_vectors.py, which documents how to regenerate).
import { assertClose, assertEquals } from "../../tests/assert.ts";
import { expectedQber, type LinkModelName } from "../kernels/link/link_model.ts";
import { h2, hBoundedStorage, hMin, storageCapacity } from "./bounds.ts";
import { binaryEntropy, gammaFn } from "./entropy.ts";
import { finiteSizeMu } from "./finite_size.ts";
import { projectKeyLength } from "./key_length.ts";

const fixture = JSON.parse(
  Deno.readTextFileSync(
    new URL("../../tests/fixtures/science_reference_vectors.json", import.meta.url),
  ),
);

// Float64 evaluation of the same closed forms in a different order: 1e-12 absolute on values of
// order 1; Γ's root (Brent here, bisection there) is converged to ~1e-15.
const TOL = 1e-12;

Deno.test("binaryEntropy(), gammaFn(), h2(), hMin(), hBoundedStorage(), storageCapacity() match the Python reference", () => {
  for (const v of fixture.entropy) {
    const at = `r=${v.r} nu=${v.nu} q=${v.q} x=${v.x}`;
    assertClose(binaryEntropy(v.q), v.h, TOL, `h ${at}`);
    assertClose(gammaFn(v.x), v.gamma, TOL, `Γ ${at}`);
    assertClose(h2(v.r), v.h2, TOL, `h2 ${at}`);
    assertClose(hMin(v.r), v.hMin, TOL, `hMin ${at}`);
    assertClose(hBoundedStorage(v.r, v.nu), v.hBs, TOL, `hBs ${at}`);
    assertClose(storageCapacity(v.r), v.capacity, TOL, `C_N ${at}`);
  }
});

Deno.test("finiteSizeMu() matches the Python reference", () => {
  for (const v of fixture.finiteSize) {
    assertClose(finiteSizeMu(v.t, v.k), v.mu, 1e-12 * v.mu + 1e-15);
  }
});

Deno.test("expectedQber() of every link model matches the Python reference", () => {
  const names: LinkModelName[] = ["heralded-double-click", "depolarising", "analytic"];
  for (const v of fixture.links) {
    for (const name of names) {
      const q = expectedQber(name, {
        channelFidelity: v.F,
        detectionEfficiency: v.eta,
        detectorError: v.edet,
        darkCountProb: v.pd,
        bellCorrectionFailure: name === "heralded-double-click" ? v.beta : 0,
      });
      assertClose(q, v[name], TOL, `${name} ${JSON.stringify(v)}`);
    }
  }
});

Deno.test("projectKeyLength() matches the Python reference", () => {
  for (const v of fixture.keyLength) {
    assertEquals(
      projectKeyLength(v.mv, hBoundedStorage(v.r, v.nu), v.leak),
      v.l,
      JSON.stringify(v),
    );
  }
});
