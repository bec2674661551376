import { assert, assertEquals, assertThrows } from "../../tests/assert.ts";
import { factorCovariance, factorCovarianceOrThrow } from "./cholesky_jitter.ts";
import { NotPositiveDefiniteError } from "./surrogate_errors.ts";
import { tsLinalg } from "../kernels/linalg/ts_linalg.ts";

Deno.test("factorCovariance() escalates the jitter ×10 from 1e-8·mean(diag) until K̂ is PD", () => {
  // Two identical points with σ_f² = 2 and a diagonal offset of −1e-7: K̂ has eigenvalues
  // −1e-7 and 4 − 1e-7. Jitter 0 and 2e-8 fail; 2e-7 (second retry) makes it PD.
  const xs = new Float64Array([0.3, 0.3]), a = new Float64Array(4);
  const r = factorCovariance(tsLinalg, xs, 2, 1, 2, -1e-7, a);
  assert(r.ok);
  assert(Math.abs(r.jitter - 1e-7 * (2 - 1e-7)) < 1e-18, String(r.jitter)); // 1e-7·mean(diag K̂)
});

Deno.test("factorCovarianceOrThrow() throws NotPositiveDefiniteError after the last jitter (1e-4)", () => {
  // A negative signal variance makes every diagonal negative: no jitter ≤ 1e-4·|mean| helps.
  const xs = new Float64Array([0.1, 0.9]), a = new Float64Array(4);
  const e = assertThrows(
    () => factorCovarianceOrThrow(tsLinalg, xs, 2, 1, -1, 0, a),
    NotPositiveDefiniteError,
    "Cholesky",
  );
  assertEquals(e.n, 2);
  assertEquals(e.column, 1);
  assert(Math.abs(e.jitter - -1e-4) < 1e-12, String(e.jitter));
});
