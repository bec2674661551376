// deno bench -P lib/io/blas_loader_bench.ts — FFI (OpenBLAS, 1 thread) vs TS potrf/potri at n = 600.
import { loadBlas, OPENBLAS_PATH } from "./blas_loader.ts";
import { tsLinalg } from "../kernels/linalg/ts_linalg.ts";
import { randomSpd } from "../kernels/linalg/_test_conformance.ts";

const ffi = await loadBlas({ candidates: [OPENBLAS_PATH], threads: 1, useEnv: false });
const n = 600, a0 = randomSpd(n, 1), a = new Float64Array(n * n);
for (const la of ffi ? [ffi, tsLinalg] : [tsLinalg]) {
  const label = la === tsLinalg ? "ts" : "ffi";
  Deno.bench({
    name: `${label} potrf n=${n}`,
    group: "potrf",
    baseline: label === "ffi",
    n: 5,
    warmup: 1,
  }, () => {
    a.set(a0);
    la.potrf(n, a, n);
  });
  Deno.bench({
    name: `${label} potrf+potri n=${n}`,
    group: "potri",
    baseline: label === "ffi",
    n: 5,
    warmup: 1,
  }, () => {
    a.set(a0);
    la.potrf(n, a, n);
    la.potri(n, a, n);
  });
}
