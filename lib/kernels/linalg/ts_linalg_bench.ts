// deno bench -P lib/kernels/linalg/ts_linalg_bench.ts — TS kernels at n = 300 and 600.
import { tsLinalg } from "./ts_linalg.ts";
import { randomMatrix, randomSpd } from "./_test_conformance.ts";

for (const n of [300, 600]) {
  const a0 = randomSpd(n, 1), a = new Float64Array(n * n);
  Deno.bench({ name: `tsLinalg.potrf n=${n}`, group: `potrf ${n}`, n: 5, warmup: 1 }, () => {
    a.set(a0);
    tsLinalg.potrf(n, a, n);
  });
  const l = a0.slice();
  tsLinalg.potrf(n, l, n);
  const inv = new Float64Array(n * n);
  Deno.bench({ name: `tsLinalg.potri n=${n}`, group: `potri ${n}`, n: 5, warmup: 1 }, () => {
    inv.set(l);
    tsLinalg.potri(n, inv, n);
  });
  const b = randomMatrix(n * n, 2), c = new Float64Array(n * n);
  Deno.bench({ name: `tsLinalg.gemm NN n=${n}`, group: `gemm ${n}`, n: 5, warmup: 1 }, () => {
    tsLinalg.gemm("N", "N", n, n, n, 1, a0, n, b, n, 0, c, n);
  });
}
