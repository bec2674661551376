/**
 * Validation and standardisation of GP training data (docs/campaign.md §9.1): inputs n×d row-major in
 * the unit box, finite targets, y standardised with std := 1 when the targets are constant.
 * @module
 */
import {
  DimensionMismatchError,
  InsufficientDataError,
  NonFiniteDataError,
} from "./surrogate_errors.ts";
import { InvalidArgumentError } from "../errors.ts";

/** Training data of the ad-hoc API: `x` n×d row-major (unit box), `y` length n (target units). */
export interface GpData {
  x: Float64Array;
  y: Float64Array;
  d: number;
}

/** Validated, standardised data. */
export interface StandardisedData {
  x: Float64Array;
  /** (y − yMean)/yStd. */
  y: Float64Array;
  n: number;
  d: number;
  yMean: number;
  yStd: number;
}

/**
 * Check shapes and finiteness, then standardise y. Throws {@link DimensionMismatchError},
 * {@link NonFiniteDataError} (NaN/±Inf in x or y), {@link InsufficientDataError} (n = 0).
 * n = 1 is allowed (docs/campaign.md §14: "n = 1 fits"): the GP then keeps its initial θ.
 */
export function standardiseData(data: GpData): StandardisedData {
  const { x, y, d } = data;
  if (!Number.isInteger(d) || d < 1) {
    throw new InvalidArgumentError("data.d", d, "must be an integer ≥ 1");
  }
  const n = y.length;
  if (x.length !== n * d) {
    throw new DimensionMismatchError("data.x", x.length, `n·d = ${n}·${d} = ${n * d}`);
  }
  if (n < 1) throw new InsufficientDataError(n, 1);
  for (let i = 0; i < n; i++) {
    if (!Number.isFinite(y[i])) throw new NonFiniteDataError("data.y", i, y[i]);
  }
  for (let i = 0; i < x.length; i++) {
    if (!Number.isFinite(x[i])) throw new NonFiniteDataError("data.x", i, x[i]);
  }
  let mean = 0;
  for (let i = 0; i < n; i++) mean += y[i];
  mean /= n;
  let v = 0;
  for (let i = 0; i < n; i++) v += (y[i] - mean) ** 2;
  let std = Math.sqrt(v / n);
  // Constant targets (to round-off): std := 1 so predictions equal the constant (§9.1).
  if (!(std > 1e-12 * Math.max(1, Math.abs(mean)))) std = 1;
  const ys = new Float64Array(n);
  for (let i = 0; i < n; i++) ys[i] = (y[i] - mean) / std;
  return { x: x.slice(), y: ys, n, d, yMean: mean, yStd: std };
}
