/**
 * The standard normal quantile Φ⁻¹, for second-order (normal-approximation) terms such as the
 * finite-length limit of reconciliation (docs/science.md §9.12).
 * @module
 */
import { InvalidArgumentError } from "../errors.ts";

// Rational approximations of P. J. Acklam (2003), |relative error| < 1.15e-9 before refinement.
const A = [
  -39.69683028665376,
  220.9460984245205,
  -275.9285104469687,
  138.3577518672690,
  -30.66479806614716,
  2.506628277459239,
];
const B = [
  -54.47609879822406,
  161.5858368580409,
  -155.6989798598866,
  66.80131188771972,
  -13.28068155288572,
];
const C = [
  -0.007784894002430293,
  -0.3223964580411365,
  -2.400758277161838,
  -2.549732539343734,
  4.374664141464968,
  2.938163982698783,
];
const D = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];
const P_LOW = 0.02425;

function tail(p: number): number {
  const q = Math.sqrt(-2 * Math.log(p));
  return (((((C[0] * q + C[1]) * q + C[2]) * q + C[3]) * q + C[4]) * q + C[5]) /
    ((((D[0] * q + D[1]) * q + D[2]) * q + D[3]) * q + 1);
}

function central(p: number): number {
  const q = p - 0.5, r = q * q;
  return (((((A[0] * r + A[1]) * r + A[2]) * r + A[3]) * r + A[4]) * r + A[5]) * q /
    (((((B[0] * r + B[1]) * r + B[2]) * r + B[3]) * r + B[4]) * r + 1);
}

/**
 * Φ⁻¹(p): the z with P(Z ≤ z) = p for a standard normal Z (Acklam's approximation; about 9
 * significant digits, ample for the O(1/√n) terms it serves).
 * @param p probability in (0, 1)
 * @example
 * ```ts
 * import { standardNormalQuantile } from "./normal_quantile.ts";
 * console.assert(Math.abs(standardNormalQuantile(0.99) - 2.3263478740) < 1e-8);
 * ```
 */
export function standardNormalQuantile(p: number): number {
  if (!(p > 0 && p < 1)) throw new InvalidArgumentError("p", p, "must be in (0, 1)");
  if (p < P_LOW) return tail(p);
  if (p > 1 - P_LOW) return -tail(1 - p);
  return central(p);
}
