/**
 * The φ function of sum-product decoding in the log-domain check update (docs/science.md §9.9),
 * φ(x) = −ln tanh(x/2) = ln((1 + e^−x)/(1 − e^−x)) (self-inverse on x > 0), and its branch-free
 * lookup table shared by the TypeScript and WebAssembly layered decoders.
 *
 * The table is indexed by the bits of x as a float32 shifted right by {@link PHI_BIN_SHIFT}:
 * 2^(23 − 15) = 256 bins per octave from {@link PHI_MIN_ARG} to {@link PHI_MAX_ARG}, each bin
 * [a, b) represented by φ(√(ab)): a relative step of 0.27 % in x, so |Δφ| ≤ 0.0014·x·|φ'(x)| ≤
 * 0.0014 at every x. Clamping the argument and reading the table need no branches.
 * @module
 */

/** Right shift of the float32 bits of x that gives its bin (256 bins per octave). */
export const PHI_BIN_SHIFT = 15;
/** Smallest argument of φ: φ(2^−30) = ln(2^31) ≈ 21.5 is the largest check message. */
export const PHI_MIN_ARG = 2 ** -30;
/** Largest argument of φ: φ(64) ≈ 3·10^−28 (≈ 0). */
export const PHI_MAX_ARG = 64;

/** Bits of `x` as a float32, as a signed integer. */
export function float32Bits(x: number): number {
  return new Int32Array(Float32Array.of(x).buffer)[0];
}

/** Table index offset: the bin of {@link PHI_MIN_ARG}. */
export const PHI_BIN_BASE = float32Bits(PHI_MIN_ARG) >> PHI_BIN_SHIFT;
/** Number of bins from PHI_MIN_ARG to PHI_MAX_ARG (9,217). */
export const PHI_BINS = (float32Bits(PHI_MAX_ARG) >> PHI_BIN_SHIFT) - PHI_BIN_BASE + 1;

/**
 * φ(x) = ln((1 + e^−x)/(1 − e^−x)) for x > 0.
 * @example
 * ```ts
 * import { phi } from "./phi_table.ts";
 * console.assert(Math.abs(phi(phi(1.5)) - 1.5) < 1e-12); // self-inverse
 * ```
 */
export function phi(x: number): number {
  const t = Math.exp(-x);
  return Math.log((1 + t) / (1 - t));
}

/**
 * Write φ at the geometric centre of every bin into `table` (length ≥ {@link PHI_BINS}).
 * @returns `table`
 * @example
 * ```ts
 * import { fillPhiTable, float32Bits, PHI_BIN_BASE, PHI_BIN_SHIFT, PHI_BINS, phi } from "./phi_table.ts";
 * const t = fillPhiTable(new Float32Array(PHI_BINS));
 * const bin = (float32Bits(1.0) >> PHI_BIN_SHIFT) - PHI_BIN_BASE;
 * console.assert(Math.abs(t[bin] - phi(1.0)) < 0.002);
 * ```
 */
export function fillPhiTable(table: Float32Array): Float32Array {
  const edge = new Float32Array(1), edgeBits = new Int32Array(edge.buffer);
  for (let i = 0; i < PHI_BINS; i++) {
    edgeBits[0] = (PHI_BIN_BASE + i) << PHI_BIN_SHIFT;
    const lo = edge[0];
    edgeBits[0] = (PHI_BIN_BASE + i + 1) << PHI_BIN_SHIFT;
    table[i] = phi(Math.sqrt(lo * edge[0]));
  }
  return table;
}
