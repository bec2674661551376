import { assertClose } from "../../tests/assert.ts";
import {
  qberConditionalE2,
  qberConditionalE3,
  qberErven,
  qberExpectedE4,
  qberPrefilterE5,
  qberSimple,
  storageDepolarProb,
  storageEffectiveFidelity,
} from "./caligo_qber.ts";

Deno.test("qberErven() (E1) at the six Q_her points of §14.3", () => {
  const cases: [number, number, number, number][] = [
    [0.95, 1, 1e-9, 0.025],
    [0.99, 1, 1e-9, 0.005],
    [0.99, 0.1, 1e-4, 0.00505],
    [0.99, 0.01, 1e-5, 0.005],
    [0.99, 0.001, 1e-5, 0.005],
    [0.99, 0.001, 1e-3, 0.0055],
  ];
  // Printed values are rounded to the shown digits: tolerance half a unit of the last digit.
  for (const [f, eta, pd, v] of cases) assertClose(qberErven(f, 0, eta, pd), v, 5e-6);
});

Deno.test("E1, E2, E4 and E5 all give 0.025 at (F 0.95, e 0, η 1, p_d 0)", () => {
  assertClose(qberErven(0.95, 0, 1, 0), 0.025, 1e-12);
  assertClose(qberConditionalE2(0.95, 0, 1, 0), 0.025, 1e-12);
  assertClose(qberExpectedE4(0.95, 0, 0), 0.025, 1e-12);
  assertClose(qberPrefilterE5(0.95, 0, 1, 0), 0.025, 1e-7);
});

Deno.test("E1–E5 match the values computed with Caligo's functions (§14.3 [H])", () => {
  assertClose(qberErven(0.95, 0.01, 0.9, 1e-5), 0.0350005, 5e-8);
  assertClose(qberConditionalE2(0.95, 0.01, 0.9, 1e-5), 0.03611, 5e-6);
  assertClose(qberExpectedE4(0.95, 0.01, 1e-5), 0.035005, 5e-7);
  assertClose(qberPrefilterE5(0.95, 0.01, 0.9, 1e-5), 0.03306, 5e-6);
  assertClose(qberErven(0.99, 0.02, 0.1, 1e-3), 0.02545, 5e-6);
  assertClose(qberConditionalE2(0.99, 0.02, 0.1, 1e-3), 0.2076, 5e-5);
  assertClose(qberExpectedE4(0.99, 0.02, 1e-3), 0.0255, 5e-5);
  assertClose(qberPrefilterE5(0.99, 0.02, 0.1, 1e-3), 0.1509, 5e-5);
  assertClose(qberErven(0.9, 0.05, 0.01, 1e-4), 0.10005, 5e-6);
  assertClose(qberConditionalE2(0.9, 0.05, 0.01, 1e-4), 0.5, 0);
  assertClose(qberPrefilterE5(0.9, 0.05, 0.01, 1e-4), 0.5, 0);
});

Deno.test("qberExpectedE4(), qberSimple() and qberConditionalE3() helpers (§14.3 [H])", () => {
  assertClose(qberExpectedE4(0.99, 0, 0), 0.005, 1e-12);
  assertClose(qberExpectedE4(0.95, 0.01, 0), 0.035, 1e-12);
  assertClose(qberSimple(0.95, 0), 0.025, 1e-12);
  assertClose(qberSimple(0.95, 0.01), 0.035, 1e-12);
  // ChannelNoiseProfile(0.98, 0.90, 0.01, 1e-5).total_qber = E1 = 0.0200005.
  assertClose(qberErven(0.98, 0.01, 0.9, 1e-5), 0.0200005, 1e-10);
  assertClose(
    qberConditionalE3(0.98, 0.01, 0.9, 1e-5),
    (0.9 * 0.02 + 0.1 * 1e-5 / 2) / (0.9 + 1e-6),
    1e-15,
  );
});

Deno.test("storageDepolarProb() and storageEffectiveFidelity() at r = 0.75", () => {
  assertClose(storageDepolarProb(0.75), 0.25, 0);
  assertClose(storageEffectiveFidelity(0.75), 0.875, 0);
});
