/**
 * Binary entropy for the reconciliation layer (rate choice, efficiency).
 * @module
 */

/**
 * h(p) = −p log₂ p − (1−p) log₂(1−p) in bits, h(0) = h(1) = 0.
 * @example
 * ```ts
 * import { binaryEntropy } from "./entropy.ts";
 * console.assert(Math.abs(binaryEntropy(0.11) - 0.49992) < 1e-5);
 * ```
 */
export function binaryEntropy(p: number): number {
  if (p <= 0 || p >= 1) return 0;
  return -p * Math.log2(p) - (1 - p) * Math.log2(1 - p);
}
