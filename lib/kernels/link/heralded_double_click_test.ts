import { assertClose, assertEquals } from "../../../tests/assert.ts";
import {
  heraldBranches,
  heraldedMatchedErrors,
  qberHeralded,
  trueHeraldError,
} from "./heralded_double_click.ts";

Deno.test("qberHeralded() matches the §14.3 points computed with the §3.3 formulas", () => {
  const cases: [number, number, number, number, number][] = [
    [0.95, 1, 1e-9, 0.0644, 5e-5],
    [0.99, 1, 1e-9, 0.0132, 5e-5],
    [0.99, 0.1, 1e-4, 0.0169, 5e-5],
    [0.99, 0.01, 1e-5, 0.0171, 5e-5],
    [0.99, 0.001, 1e-5, 0.0496, 5e-5],
    [0.99, 0.001, 1e-3, 0.471, 5e-4],
  ];
  for (const [f, eta, pd, q, tol] of cases) {
    assertClose(qberHeralded(f, eta, pd), q, tol, `(${f}, ${eta}, ${pd})`);
  }
});

Deno.test("heraldedMatchedErrors() reaches the perfect Φ+ limit at η = 1, p_d = 0, F = 1", () => {
  assertEquals(heraldedMatchedErrors(1, 1, 0), { z: 0, x: 0 });
  assertEquals(heraldBranches(1, 0).pSuccess, 0.5);
});

Deno.test("trueHeraldError() with β = 0.1 at F = 0.99 is 0.078145 (§14.3)", () => {
  assertClose(trueHeraldError(0.99, 0.1), 0.078145, 5e-7);
  assertClose(heraldedMatchedErrors(0.99, 1, 0, 0.1).z, 0.078145, 5e-7);
});

Deno.test("heraldedMatchedErrors() small-p dark-count excess ≈ 4p(1−η)/η", () => {
  const eta = 0.1;
  const p = 1e-6;
  const base = heraldedMatchedErrors(1, eta, 0);
  const dark = heraldedMatchedErrors(1, eta, p);
  const excess = (dark.z + dark.x) / 2 - (base.z + base.x) / 2;
  // At F = 1 only the bunching (Z-anticorrelated) and uncorrelated branches add errors.
  const approx = 4 * p * (1 - eta) / eta + 4 * p * p * (1 - eta) ** 2 / eta ** 2;
  assertClose(excess / approx, 1, 0.05);
});
