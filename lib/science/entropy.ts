/**
 * Binary entropy and the functions built on it (docs/science.md §0, §6.1): h, g, Γ and the inverses
 * used by the entropy bounds of the noisy-storage model.
 * @module
 */

/**
 * Binary entropy h(p) = −p·log₂ p − (1−p)·log₂(1−p), in bits; h(0) = h(1) = 0.
 * Arguments outside [0, 1] give NaN.
 * @param p probability in [0, 1]
 * @returns h(p) in bits, in [0, 1]
 * @example
 * ```ts
 * import { binaryEntropy } from "./entropy.ts";
 * console.assert(binaryEntropy(0.5) === 1);
 * console.assert(Math.abs(binaryEntropy(0.11) - 0.49992) < 1e-5);
 * ```
 */
export function binaryEntropy(p: number): number {
  if (!(p >= 0 && p <= 1)) return NaN;
  if (p === 0 || p === 1) return 0;
  return -p * Math.log2(p) - (1 - p) * Math.log2(1 - p);
}

/**
 * Inverse of the binary entropy on [0, ½]: the p ∈ [0, ½] with h(p) = y (bisection to full
 * double precision). y ≤ 0 → 0, y ≥ 1 → ½.
 * @param y entropy in bits
 * @returns p in [0, ½]
 * @example
 * ```ts
 * import { binaryEntropy, binaryEntropyInverse } from "./entropy.ts";
 * console.assert(Math.abs(binaryEntropy(binaryEntropyInverse(0.5)) - 0.5) < 1e-12);
 * ```
 */
export function binaryEntropyInverse(y: number): number {
  if (Number.isNaN(y)) return NaN;
  if (y <= 0) return 0;
  if (y >= 1) return 0.5;
  let lo = 0;
  let hi = 0.5;
  for (let i = 0; i < 200 && hi - lo > 1e-17; i++) {
    const mid = 0.5 * (lo + hi);
    if (binaryEntropy(mid) < y) lo = mid;
    else hi = mid;
  }
  return 0.5 * (lo + hi);
}

/**
 * g(y) = h(y) + y − 1 (Dupuis–König), increasing from −1 at y = 0 to ½ at y = ½.
 * @param y in [0, 1]
 * @example
 * ```ts
 * import { gFunction } from "./entropy.ts";
 * console.assert(gFunction(0.5) === 0.5);
 * ```
 */
export function gFunction(y: number): number {
  return binaryEntropy(y) + y - 1;
}

/** Lower end of the bracket of g⁻¹ (docs/science.md §6.1). */
export const G_INVERSE_LO = 1e-10;
/** Upper end of the bracket of g⁻¹ (docs/science.md §6.1). */
export const G_INVERSE_HI = 0.5 - 1e-10;

/**
 * g⁻¹(x): the root y ∈ [1e-10, ½ − 1e-10] of g(y) = x, by Brent's method (docs/science.md §6.1).
 * Values of x outside g's range on the bracket return the nearer bracket end.
 * @param x in (g(1e-10), ½)
 * @returns y with g(y) = x, to ~1e-15
 * @example
 * ```ts
 * import { gFunction, gInverse } from "./entropy.ts";
 * console.assert(Math.abs(gFunction(gInverse(0.3)) - 0.3) < 1e-12);
 * ```
 */
export function gInverse(x: number): number {
  return brentRoot((y) => gFunction(y) - x, G_INVERSE_LO, G_INVERSE_HI);
}

/**
 * Γ(x) of Dupuis–König (docs/science.md §6.1): x for x ≥ ½, g⁻¹(x) on (0, ½), 0 for x ≤ 0.
 * @example
 * ```ts
 * import { gammaFn } from "./entropy.ts";
 * console.assert(Math.abs(gammaFn(0.3) - 0.358537) < 1e-6);
 * console.assert(gammaFn(-0.5) === 0 && gammaFn(0.7) === 0.7);
 * ```
 */
export function gammaFn(x: number): number {
  if (Number.isNaN(x)) return NaN;
  if (x >= 0.5) return x;
  if (x <= 0) return 0;
  return gInverse(x);
}

/**
 * Inverse of Γ on its increasing branch: Γ⁻¹(y) = y for y ≥ ½, g(y) for y ∈ (0, ½), and 0
 * for y ≤ 0 (Γ is 0 on x ≤ 0, so the inverse is taken at the boundary).
 * @example
 * ```ts
 * import { gammaFn, gammaInverse } from "./entropy.ts";
 * console.assert(Math.abs(gammaInverse(gammaFn(0.1)) - 0.1) < 1e-12);
 * ```
 */
export function gammaInverse(y: number): number {
  if (Number.isNaN(y)) return NaN;
  if (y >= 0.5) return y;
  if (y <= 0) return 0;
  return gFunction(y);
}

/**
 * Brent's root finder on [a, b] where f(a), f(b) bracket a root (Brent 1973, ch. 4). If they do
 * not bracket, returns the end with the smaller |f|.
 * @param f continuous function
 * @param a lower end
 * @param b upper end
 * @param tolerance absolute tolerance on the root
 */
export function brentRoot(
  f: (x: number) => number,
  a: number,
  b: number,
  tolerance = 1e-15,
): number {
  let fa = f(a);
  let fb = f(b);
  if (fa === 0) return a;
  if (fb === 0) return b;
  if (fa * fb > 0) return Math.abs(fa) < Math.abs(fb) ? a : b;
  let c = a;
  let fc = fa;
  let d = b - a;
  let e = d;
  for (let iter = 0; iter < 200; iter++) {
    if (fb * fc > 0) {
      c = a;
      fc = fa;
      d = b - a;
      e = d;
    }
    if (Math.abs(fc) < Math.abs(fb)) {
      a = b;
      b = c;
      c = a;
      fa = fb;
      fb = fc;
      fc = fa;
    }
    const tol = 2 * Number.EPSILON * Math.abs(b) + 0.5 * tolerance;
    const m = 0.5 * (c - b);
    if (Math.abs(m) <= tol || fb === 0) return b;
    if (Math.abs(e) >= tol && Math.abs(fa) > Math.abs(fb)) {
      // Inverse quadratic interpolation or secant step.
      const s = fb / fa;
      let p: number;
      let q: number;
      if (a === c) {
        p = 2 * m * s;
        q = 1 - s;
      } else {
        const qa = fa / fc;
        const r = fb / fc;
        p = s * (2 * m * qa * (qa - r) - (b - a) * (r - 1));
        q = (qa - 1) * (r - 1) * (s - 1);
      }
      if (p > 0) q = -q;
      else p = -p;
      if (2 * p < Math.min(3 * m * q - Math.abs(tol * q), Math.abs(e * q))) {
        e = d;
        d = p / q;
      } else {
        d = m;
        e = m;
      }
    } else {
      d = m;
      e = m;
    }
    a = b;
    fa = fb;
    b += Math.abs(d) > tol ? d : (m > 0 ? tol : -tol);
    fb = f(b);
  }
  return b;
}
