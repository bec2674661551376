/**
 * Sobol' low-discrepancy sequence in up to 9 dimensions (docs/campaign.md §3): Joe–Kuo direction
 * numbers, Gray-code order (equal to SciPy's `qmc.Sobol(scramble=False, bits=32)`), with an
 * optional linear matrix scramble plus digital shift (Matoušek 1998; Owen 2003 §3).
 * Point i is computed directly from the Gray code g = i XOR (i >> 1):
 * x_i = XOR over the set bits k of g of V_{k+1}, so any design index is O(32) and needs no state.
 * @module
 */
import type { Rng } from "./rng.ts";
import { InvalidArgumentError } from "../errors.ts";

/** Joe–Kuo (s, a, m_1..m_s) of dimensions 2–9 (docs/campaign.md §3). Dimension 1 has m_i = 1. */
const JOE_KUO: readonly [number, number, readonly number[]][] = [
  [1, 0, [1]],
  [2, 1, [1, 3]],
  [3, 1, [1, 3, 1]],
  [3, 2, [1, 1, 1]],
  [4, 1, [1, 1, 3, 3]],
  [4, 4, [1, 3, 5, 13]],
  [5, 2, [1, 1, 5, 5, 17]],
  [5, 4, [1, 1, 5, 5, 5]],
];
/** Largest supported dimension. */
export const SOBOL_MAX_DIMENSION = JOE_KUO.length + 1;
const BITS = 32;
const TWO_POW_32 = 4294967296;

/**
 * The 32 direction integers V_1..V_32 of one dimension (0-based `dim`), as uint32:
 * V_k = m_k·2^(32−k) for k ≤ s; for k > s,
 * V_k = V_{k−s} ⊕ (V_{k−s} >> s) ⊕ ⊕_{j=1}^{s−1} a_{s−1−j}·V_{k−j} (Bratley & Fox 1988).
 * @example
 * ```ts
 * import { sobolDirections } from "./sobol.ts";
 * console.assert(sobolDirections(0)[0] === 0x80000000 && sobolDirections(0)[1] === 0x40000000);
 * ```
 */
export function sobolDirections(dim: number): Uint32Array {
  if (!Number.isInteger(dim) || dim < 0 || dim >= SOBOL_MAX_DIMENSION) {
    throw new InvalidArgumentError("dim", dim, `must be an integer in [0, ${SOBOL_MAX_DIMENSION})`);
  }
  const v = new Uint32Array(BITS);
  if (dim === 0) {
    for (let k = 0; k < BITS; k++) v[k] = 2 ** (BITS - 1 - k);
    return v;
  }
  const [s, a, m] = JOE_KUO[dim - 1];
  for (let k = 0; k < s; k++) v[k] = m[k] * 2 ** (BITS - 1 - k);
  for (let k = s; k < BITS; k++) {
    let x = v[k - s] ^ (v[k - s] >>> s);
    for (let j = 1; j < s; j++) if ((a >>> (s - 1 - j)) & 1) x ^= v[k - j];
    v[k] = x >>> 0;
  }
  return v;
}

/**
 * Apply a lower-triangular binary matrix L (rows as 32-bit masks, row i = output bit i counted
 * from the most significant) to `x`: bit i of the result is parity(L_i & x).
 */
function applyLinearScramble(rows: Uint32Array, x: number): number {
  let out = 0;
  for (let i = 0; i < BITS; i++) {
    let p = (rows[i] & x) >>> 0;
    p ^= p >>> 16;
    p ^= p >>> 8;
    p ^= p >>> 4;
    p ^= p >>> 2;
    p ^= p >>> 1;
    if (p & 1) out |= 1 << (BITS - 1 - i);
  }
  return out >>> 0;
}

/** A Sobol' point generator with random-access `point(i)`. */
export interface SobolSequence {
  readonly dimension: number;
  readonly scrambled: boolean;
  /**
   * Point `index` (0-based, < 2^32) written into `out` (length ≥ dimension), coordinates in [0, 1)
   * as integer/2^32. @returns `out`
   */
  point(index: number, out: Float64Array): Float64Array;
}

/**
 * Create a Sobol' sequence of `dimension` ≤ 9 dimensions. With `rng`, every dimension gets a
 * linear matrix scramble and a digital shift drawn in this fixed order: for each dimension,
 * 32 `nextUint32()` draws (row i of L keeps the i bits left of the diagonal and sets the
 * diagonal), then one draw for the shift. The scrambled generator matrix is C' = L·C, so the
 * (t, m, s)-net property and hence every 2^m prefix's low discrepancy are kept.
 * @example
 * ```ts
 * import { createSobolSequence } from "./sobol.ts";
 * const s = createSobolSequence(2);
 * console.assert(s.point(2, new Float64Array(2))[0] === 0.75);
 * ```
 */
export function createSobolSequence(dimension: number, rng?: Rng): SobolSequence {
  if (!Number.isInteger(dimension) || dimension < 1 || dimension > SOBOL_MAX_DIMENSION) {
    throw new InvalidArgumentError(
      "dimension",
      dimension,
      `must be an integer in [1, ${SOBOL_MAX_DIMENSION}]`,
    );
  }
  const directions: Uint32Array[] = [];
  const shifts = new Uint32Array(dimension);
  for (let d = 0; d < dimension; d++) {
    const v = sobolDirections(d);
    if (rng) {
      const rows = new Uint32Array(BITS);
      for (let i = 0; i < BITS; i++) {
        const below = i === 0 ? 0 : (0xffffffff << (BITS - i)) >>> 0;
        rows[i] = ((rng.nextUint32() & below) | (1 << (BITS - 1 - i))) >>> 0;
      }
      for (let k = 0; k < BITS; k++) v[k] = applyLinearScramble(rows, v[k]);
      shifts[d] = rng.nextUint32();
    }
    directions.push(v);
  }
  return {
    dimension,
    scrambled: rng !== undefined,
    point(index: number, out: Float64Array): Float64Array {
      if (!Number.isInteger(index) || index < 0 || index >= TWO_POW_32) {
        throw new InvalidArgumentError("index", index, "must be an integer in [0, 2^32)");
      }
      const gray = (index ^ Math.floor(index / 2)) >>> 0;
      for (let d = 0; d < dimension; d++) {
        const v = directions[d];
        let x = shifts[d];
        for (let k = 0, g = gray; g !== 0; k++, g >>>= 1) if (g & 1) x ^= v[k];
        out[d] = (x >>> 0) / TWO_POW_32;
      }
      return out;
    },
  };
}

/**
 * `n` consecutive points of a (scrambled, if `rng` is given) Sobol' sequence starting at index
 * `offset`, as an n×d row-major array in [0, 1)^d.
 */
export function sobolPoints(d: number, n: number, offset: number, rng?: Rng): Float64Array {
  const seq = createSobolSequence(d, rng);
  const out = new Float64Array(n * d);
  for (let i = 0; i < n; i++) seq.point(offset + i, out.subarray(i * d, i * d + d));
  return out;
}
