/**
 * Privacy amplification of both OT strings (docs/science.md §5 steps 12–13, §10): two Toeplitz seeds
 * s0, s1 of m_v + l − 1 bits from stream `toeplitz` (s0 first, 32 bits per draw), Alice's
 * S_b = T(s_b)·X_b and Bob's S_C = T(s_C)·X̂_C, then the correctness check.
 * @module
 */
import type { Rng } from "../kernels/rng.ts";
import { type ToeplitzFftWorkspace, toeplitzHashFft } from "../kernels/toeplitz_fft.ts";

/**
 * Fill `out` with random bits (one per byte), 32 per nextUint32, least significant bit first.
 * @example
 * ```ts
 * import { randomBits } from "./privacy_amplification.ts";
 * import { Xoshiro128StarStar } from "../kernels/rng.ts";
 * const bits = randomBits(new Xoshiro128StarStar(new Uint32Array([1, 2, 3, 4])), new Uint8Array(40));
 * console.assert(bits.every((v) => v === 0 || v === 1));
 * ```
 */
export function randomBits(rng: Rng, out: Uint8Array): Uint8Array {
  const n = out.length;
  for (let base = 0; base < n; base += 32) {
    const w = rng.nextUint32();
    const len = Math.min(32, n - base);
    for (let j = 0; j < len; j++) out[base + j] = (w >>> j) & 1;
  }
  return out;
}

/** Outputs of privacy amplification. */
export interface OtKeys {
  /** Alice's S_0, S_1 (l bits each). */
  s0: Uint8Array;
  s1: Uint8Array;
  /** Bob's S_C (l bits). */
  sC: Uint8Array;
  /** Bob's S_C equals Alice's S_C bit for bit. */
  isCorrect: boolean;
}

/**
 * Hash both verified strings to l bits and Bob's corrected string with the seed of his choice
 * (docs/science.md §5 steps 12–13). When Bob's X̂_C equals X_C bit for bit, his hash is the same
 * function of the same input, so it is taken from Alice's instead of being recomputed; otherwise
 * it is computed and compared.
 * @param x0 verified X_0 (m_v bits)
 * @param x1 verified X_1
 * @param yCorrected Bob's X̂_C
 * @param choice C
 * @param keyBits l > 0
 * @param rng stream `toeplitz`
 * @param workspace FFT plan and buffers kept between calls (see `ToeplitzFftWorkspace`)
 */
export function amplifyOtStrings(
  x0: Uint8Array,
  x1: Uint8Array,
  yCorrected: Uint8Array,
  choice: 0 | 1,
  keyBits: number,
  rng: Rng,
  workspace?: ToeplitzFftWorkspace,
): OtKeys {
  const mv = x0.length;
  const seed0 = randomBits(rng, new Uint8Array(mv + keyBits - 1));
  const seed1 = randomBits(rng, new Uint8Array(mv + keyBits - 1));
  const s0 = new Uint8Array(keyBits);
  const s1 = new Uint8Array(keyBits);
  toeplitzHashFft([{ seed: seed0, x: x0, out: s0 }, { seed: seed1, x: x1, out: s1 }], {
    workspace,
  });
  const xC = choice === 0 ? x0 : x1;
  const aliceC = choice === 0 ? s0 : s1;
  if (bitsEqual(xC, yCorrected)) return { s0, s1, sC: aliceC.slice(), isCorrect: true };
  const sC = new Uint8Array(keyBits);
  toeplitzHashFft([{ seed: choice === 0 ? seed0 : seed1, x: yCorrected, out: sC }], { workspace });
  return { s0, s1, sC, isCorrect: bitsEqual(sC, aliceC) };
}

/**
 * Bitwise equality of two bit arrays.
 * @example
 * ```ts
 * import { bitsEqual } from "./privacy_amplification.ts";
 * console.assert(bitsEqual(Uint8Array.of(1, 0), Uint8Array.of(1, 0)));
 * ```
 */
export function bitsEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
