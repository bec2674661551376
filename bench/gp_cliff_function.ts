/**
 * The fixed 9-D test function of the GP benchmark, with a sharp cliff along a tilted plane
 * (identical definition in `gp_cliff_function.py`):
 *   z = 1.5·u0 + u1 − 0.8·u2 + 0.5·sin(π·u3) − 1.2
 *   f(u) = tanh(12·z) + 0.4·sin(2π·u4)·u5 + 0.3·(u6 − 0.5)² + 0.2·u7·u8,   u ∈ [0, 1]⁹.
 * Data: u uniform from xoshiro128** stream [seed, 9, 9, 9], y = f(u) + 0.02·N(0, 1) (Box–Muller).
 * @module
 */
import { Xoshiro128StarStar } from "../lib/kernels/rng.ts";

/** Input dimension. */
export const CLIFF_DIM = 9;
/** Observation noise standard deviation. */
export const CLIFF_NOISE = 0.02;

/** f at row i of the row-major n×9 array u. */
export function cliff9(u: Float64Array, i: number): number {
  const o = i * CLIFF_DIM;
  const z = 1.5 * u[o] + u[o + 1] - 0.8 * u[o + 2] + 0.5 * Math.sin(Math.PI * u[o + 3]) - 1.2;
  return Math.tanh(12 * z) + 0.4 * Math.sin(2 * Math.PI * u[o + 4]) * u[o + 5] +
    0.3 * (u[o + 6] - 0.5) ** 2 + 0.2 * u[o + 7] * u[o + 8];
}

/** n seeded rows: x (n×9), noiseless f, noisy y. */
export function cliffData(
  n: number,
  seed: number,
): { x: Float64Array; f: Float64Array; y: Float64Array } {
  const rng = new Xoshiro128StarStar(new Uint32Array([seed, 9, 9, 9]));
  const x = Float64Array.from({ length: n * CLIFF_DIM }, () => rng.nextDouble());
  const f = Float64Array.from({ length: n }, (_, i) => cliff9(x, i));
  const y = f.map((v) => {
    const u1 = 1 - rng.nextDouble(), u2 = rng.nextDouble();
    return v + CLIFF_NOISE * Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
  });
  return { x, f, y };
}
