/**
 * The pure-TypeScript linear-algebra backend: the fallback when no BLAS/LAPACK library loads.
 * Column-major, lower triangle (see `./linalg.ts`).
 * @example
 * ```ts
 * import { tsLinalg } from "./ts_linalg.ts";
 * const a = new Float64Array([4, 2, 2, 3]); // [[4, 2], [2, 3]] column-major
 * console.assert(tsLinalg.potrf(2, a, 2) === 0 && a[0] === 2 && a[1] === 1);
 * ```
 * @module
 */
import type { Linalg } from "./linalg.ts";
import { tsDot, tsGemm, tsGemv, tsSyrk, tsTrsm } from "./ts_blas.ts";
import { tsPotrf, tsPotri, tsPotrs } from "./ts_cholesky.ts";

/** Pure-TypeScript {@link Linalg} (single-threaded, no native code). */
export const tsLinalg: Linalg = Object.freeze({
  name: "ts: pure TypeScript kernels (column-major, blocked), 1 thread",
  gemm: tsGemm,
  syrk: tsSyrk,
  trsm: tsTrsm,
  potrf: tsPotrf,
  potrs: tsPotrs,
  potri: tsPotri,
  gemv: tsGemv,
  dot: tsDot,
});
