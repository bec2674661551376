/**
 * Toeplitz hashing for privacy amplification (docs/science.md §10), bit-sliced reference
 * implementation. T(s) is l × m with T[i][j] = s[i − j + m − 1] for a seed s of m + l − 1 bits;
 * S = T(s)·X over GF(2), i.e. S[i] is bit (i + m − 1) of the linear convolution s * X mod 2.
 * Bits are one per byte (0/1). O(l·m/32) word operations: for tests and small inputs; the FFT
 * path (`toeplitz_fft.ts`) realises the same matrix.
 * @module
 */
import { InvalidArgumentError } from "../errors.ts";

/**
 * Pack bits (one per byte) into little-endian Uint32 words: bit k → word k >>> 5, bit k & 31.
 * @param bits input bits
 * @param out words, length ≥ ⌈bits.length/32⌉ (+ spare words are zeroed)
 * @returns `out`
 * @example
 * ```ts
 * import { packBits } from "./toeplitz.ts";
 * console.assert(packBits(new Uint8Array([1, 0, 1]), new Uint32Array(1))[0] === 5);
 * ```
 */
export function packBits(bits: Uint8Array, out: Uint32Array): Uint32Array {
  out.fill(0);
  for (let k = 0; k < bits.length; k++) out[k >>> 5] |= (bits[k] & 1) << (k & 31);
  return out;
}

/** Parity of the set bits of a 32-bit word. */
function parity32(v: number): number {
  v ^= v >>> 16;
  v ^= v >>> 8;
  v ^= v >>> 4;
  v ^= v >>> 2;
  v ^= v >>> 1;
  return v & 1;
}

/**
 * S = T(s)·X over GF(2), bit-sliced (docs/science.md §10).
 * @param seed s, length m + l − 1 (bits)
 * @param x X, length m (bits)
 * @param out S, length l (bits), written
 * @returns `out`
 * @throws InvalidArgumentError if the seed length is not m + l − 1
 * @example
 * ```ts
 * import { toeplitzHashBitSliced } from "./toeplitz.ts";
 * // m = 2, l = 2, s = [1, 0, 1]: T = [[s1, s0], [s2, s1]] = [[0, 1], [1, 0]] swaps the bits.
 * const out = toeplitzHashBitSliced(new Uint8Array([1, 0, 1]), new Uint8Array([1, 0]), new Uint8Array(2));
 * console.assert(out[0] === 0 && out[1] === 1);
 * ```
 */
export function toeplitzHashBitSliced(
  seed: Uint8Array,
  x: Uint8Array,
  out: Uint8Array,
): Uint8Array {
  const m = x.length;
  const l = out.length;
  if (l === 0) return out;
  if (seed.length !== m + l - 1) {
    throw new InvalidArgumentError("seed", seed.length, `must have m + l − 1 = ${m + l - 1} bits`);
  }
  if (m === 0) return out.fill(0);
  // Row i of T is the reversed seed r[k] = s[L − 1 − k] read from offset l − 1 − i, m bits long.
  const total = m + l - 1;
  const reversed = new Uint32Array(((total + 31) >>> 5) + 1);
  for (let k = 0; k < total; k++) reversed[k >>> 5] |= (seed[total - 1 - k] & 1) << (k & 31);
  const words = (m + 31) >>> 5;
  const xw = packBits(x, new Uint32Array(words));
  const tailBits = m & 31;
  const lastMask = tailBits === 0 ? 0xffffffff : (1 << tailBits) - 1;
  for (let i = 0; i < l; i++) {
    const offset = l - 1 - i;
    const w0 = offset >>> 5;
    const shift = offset & 31;
    let acc = 0;
    if (shift === 0) {
      for (let w = 0; w < words - 1; w++) acc ^= reversed[w0 + w] & xw[w];
      acc ^= reversed[w0 + words - 1] & xw[words - 1] & lastMask;
    } else {
      const back = 32 - shift;
      for (let w = 0; w < words - 1; w++) {
        acc ^= ((reversed[w0 + w] >>> shift) | (reversed[w0 + w + 1] << back)) & xw[w];
      }
      const last = (reversed[w0 + words - 1] >>> shift) | (reversed[w0 + words] << back);
      acc ^= last & xw[words - 1] & lastMask;
    }
    out[i] = parity32(acc);
  }
  return out;
}
