/**
 * Scaling of raw inputs to the unit box with the campaign bounds (docs/campaign.md §9.1):
 * u = (x − lo)/(hi − lo), per column.
 * @module
 */
import { DimensionMismatchError } from "./surrogate_errors.ts";
import { InvalidArgumentError } from "../errors.ts";

/** Per-column bounds, each of length d. */
export interface ColumnBounds {
  lo: ArrayLike<number>;
  hi: ArrayLike<number>;
}

/**
 * Scale the rows of `x` (n×d row-major, raw units) into the unit box, written into `out`
 * (default a new array). Values outside the bounds map outside [0, 1] (no clipping).
 * @example
 * ```ts
 * import { toUnitBox } from "./unit_box.ts";
 * const u = toUnitBox(new Float64Array([5, 0.5]), 2, { lo: [0, 0], hi: [10, 1] });
 * console.assert(u[0] === 0.5 && u[1] === 0.5);
 * ```
 */
export function toUnitBox(
  x: Float64Array,
  d: number,
  bounds: ColumnBounds,
  out: Float64Array = new Float64Array(x.length),
): Float64Array {
  if (bounds.lo.length !== d || bounds.hi.length !== d) {
    throw new DimensionMismatchError("bounds.lo/hi", bounds.lo.length, `d = ${d}`);
  }
  if (x.length % d !== 0) throw new DimensionMismatchError("x", x.length, `a multiple of d = ${d}`);
  for (let j = 0; j < d; j++) {
    if (!(bounds.hi[j] > bounds.lo[j])) {
      throw new InvalidArgumentError(`bounds[${j}]`, [bounds.lo[j], bounds.hi[j]], "needs hi > lo");
    }
  }
  for (let i = 0; i < x.length; i++) {
    const j = i % d;
    out[i] = (x[i] - bounds.lo[j]) / (bounds.hi[j] - bounds.lo[j]);
  }
  return out;
}

/** Inverse of {@link toUnitBox}: x = lo + u·(hi − lo). */
export function fromUnitBox(
  u: Float64Array,
  d: number,
  bounds: ColumnBounds,
  out: Float64Array = new Float64Array(u.length),
): Float64Array {
  for (let i = 0; i < u.length; i++) {
    const j = i % d;
    out[i] = bounds.lo[j] + u[i] * (bounds.hi[j] - bounds.lo[j]);
  }
  return out;
}
