import { assert, assertEquals } from "../../../tests/assert.ts";
import { tsLinalg } from "./ts_linalg.ts";
import { checkLinalgConformance, randomSpd } from "./_test_conformance.ts";

Deno.test("tsLinalg passes the BLAS/LAPACK conformance checks against naive references", () => {
  checkLinalgConformance(tsLinalg);
});

Deno.test("tsLinalg.potrf() blocked result equals the unblocked one beyond one panel (n = 150)", () => {
  const n = 150, a = randomSpd(n, 21), l = a.slice();
  assertEquals(tsLinalg.potrf(n, l, n), 0);
  // Column 100 (third panel) of L·Lᵀ reproduces A to round-off.
  let err = 0;
  for (let i = 100; i < n; i++) {
    let s = 0;
    for (let p = 0; p <= 100; p++) s += l[i + p * n] * l[100 + p * n];
    err = Math.max(err, Math.abs(s - a[i + 100 * n]));
  }
  assert(err < 1e-9, `err ${err}`);
});

Deno.test("tsLinalg.potrf() reports the failing minor with info > 0 for NaN input", () => {
  const a = new Float64Array([1, NaN, NaN, 1]);
  assertEquals(tsLinalg.potrf(2, a, 2), 2);
});
