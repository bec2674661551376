/**
 * First-order Sobol indices by the Jansen estimator (Saltelli et al. 2010, Comput. Phys. Commun.
 * 181:259, Table 2 (f)): with base matrices A, B (N × d, uniform in the box) and A_B^(i) = A with
 * column i from B, V_i = V − (1/2N)·Σ_j (f(B)_j − f(A_B^(i))_j)², S_i = V_i / V, V the variance of
 * f over A ∪ B. Costs N·(d + 2) evaluations.
 * @module
 */
import type { Rng } from "../kernels/rng.ts";

/**
 * First-order indices S_1..S_d of `f` (vectorised: rows of an m×d matrix → m values) on the box
 * [lo, hi]. Returns NaN for all indices when the variance is 0.
 * @param f model, evaluated on row-major blocks
 * @param basePoints N
 * @example
 * ```ts
 * import { jansenFirstOrder } from "./sobol_jansen.ts";
 * import { Xoshiro128StarStar } from "../kernels/rng.ts";
 * const f = (x: Float64Array) => { const y = new Float64Array(x.length / 2); for (let i = 0; i < y.length; i++) y[i] = x[2 * i]; return y; };
 * const s = jansenFirstOrder(f, new Float64Array([0, 0]), new Float64Array([1, 1]), 4096, new Xoshiro128StarStar(new Uint32Array([1, 2, 3, 4])));
 * console.assert(Math.abs(s[0] - 1) < 0.05 && Math.abs(s[1]) < 0.05);
 * ```
 */
export function jansenFirstOrder(
  f: (x: Float64Array) => Float64Array,
  lo: ArrayLike<number>,
  hi: ArrayLike<number>,
  basePoints: number,
  rng: Rng,
): Float64Array {
  const d = lo.length;
  const n = basePoints;
  const a = new Float64Array(n * d);
  const b = new Float64Array(n * d);
  for (let i = 0; i < n * d; i++) a[i] = lo[i % d] + (hi[i % d] - lo[i % d]) * rng.nextDouble();
  for (let i = 0; i < n * d; i++) b[i] = lo[i % d] + (hi[i % d] - lo[i % d]) * rng.nextDouble();
  const fa = f(a);
  const fb = f(b);
  let mean = 0;
  for (let j = 0; j < n; j++) mean += fa[j] + fb[j];
  mean /= 2 * n;
  let variance = 0;
  for (let j = 0; j < n; j++) variance += (fa[j] - mean) ** 2 + (fb[j] - mean) ** 2;
  variance /= 2 * n - 1;
  const out = new Float64Array(d).fill(NaN);
  if (!(variance > 0)) return out;
  const ab = new Float64Array(n * d);
  for (let i = 0; i < d; i++) {
    ab.set(a);
    for (let j = 0; j < n; j++) ab[j * d + i] = b[j * d + i];
    const fab = f(ab);
    let s = 0;
    for (let j = 0; j < n; j++) s += (fb[j] - fab[j]) ** 2;
    out[i] = (variance - s / (2 * n)) / variance;
  }
  return out;
}
