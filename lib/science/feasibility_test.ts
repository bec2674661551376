import { assert, assertClose, assertEquals } from "../../tests/assert.ts";
import { checkFeasibility } from "./feasibility.ts";

Deno.test("checkFeasibility() matches the cases computed with Caligo's functions (§14.4 [H])", () => {
  const a = checkFeasibility({ r: 0.75, nu: 0.002, qber: 0.02, rawBits: 1e5 });
  assert(a.isFeasible);
  assertClose(a.rate, 0.335429, 5e-7);
  assertEquals(a.minBatch, 580);
  assertClose(a.capacityProduct, 0.000913, 5e-7);
  assertClose(a.qberEntropy, 0.141441, 5e-7);
  assertClose(a.expectedLength, 33476.46, 0.005);

  const b = checkFeasibility({ r: 0.3, nu: 0.01, qber: 0.05, rawBits: 1e5 });
  assert(b.isFeasible);
  assertClose(b.rate, 0.16978, 5e-6);
  assertEquals(b.minBatch, 1146);

  const c = checkFeasibility({ r: 0.9, nu: 0.1, qber: 0.03, rawBits: 1e5 });
  assert(!c.isFeasible);
  assertEquals(c.strictlyLessStatus, "failed");
  assertClose(c.qberEntropy, 0.1944, 5e-5);

  const d = checkFeasibility({ r: 0.75, nu: 0.002, qber: 0.10, rawBits: 1e5 });
  assert(!d.isFeasible);
  assertEquals([d.strictlyLessStatus, d.batchStatus], ["failed", "failed"]);
  assertClose(d.rate, -0.044535, 5e-7);
  assertEquals(d.minBatch, Infinity);

  const e = checkFeasibility({ r: 0.99, nu: 0.6, qber: 0.02, rawBits: 1e5 });
  assert(!e.isFeasible);
  assertEquals(e.capacityStatus, "failed");
  assertClose(e.capacityProduct, 0.572751, 5e-7);
});

Deno.test("checkFeasibility() grades the QBER check at 0.11 and 0.22", () => {
  assertEquals(checkFeasibility({ r: 0, nu: 0, qber: 0.12, rawBits: 1e6 }).qberStatus, "warning");
  assertEquals(checkFeasibility({ r: 0, nu: 0, qber: 0.23, rawBits: 1e6 }).qberStatus, "failed");
  assertEquals(checkFeasibility({ r: 0, nu: 0, qber: 0.11, rawBits: 1e6 }).qberStatus, "passed");
});
