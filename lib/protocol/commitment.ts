/**
 * Bob's commitment to his record (docs/science.md §5 step 2, note 1): c = SHA-256(nonce ‖ θB ‖ b)
 * with a 32-byte nonce from stream `commit`. Computed with the synchronous SHA-256 kernel so
 * the simulator stays synchronous (the digest equals Web Crypto's, see sha256_test.ts). Bob's
 * record lives in one buffer laid out as nonce ‖ θB ‖ b, so hashing needs no copy.
 * @module
 */
import type { Rng } from "../kernels/rng.ts";
import { sha256 } from "../kernels/sha256.ts";

/** Nonce length, bytes. */
export const COMMIT_NONCE_BYTES = 32;

/** Bob's committed record: views into one buffer nonce ‖ θB ‖ b. */
export interface BobRecord {
  buffer: Uint8Array;
  nonce: Uint8Array;
  thetaB: Uint8Array;
  b: Uint8Array;
}

/**
 * Allocate Bob's record for n rounds.
 * @example
 * ```ts
 * import { allocateBobRecord } from "./commitment.ts";
 * const r = allocateBobRecord(10);
 * console.assert(r.buffer.length === 52 && r.thetaB.length === 10 && r.b.byteOffset === 42);
 * ```
 */
export function allocateBobRecord(n: number): BobRecord {
  const buffer = new Uint8Array(COMMIT_NONCE_BYTES + 2 * n);
  return {
    buffer,
    nonce: buffer.subarray(0, COMMIT_NONCE_BYTES),
    thetaB: buffer.subarray(COMMIT_NONCE_BYTES, COMMIT_NONCE_BYTES + n),
    b: buffer.subarray(COMMIT_NONCE_BYTES + n),
  };
}

/**
 * Fill `out` with random bytes, 4 per nextUint32 (little-endian).
 * @example
 * ```ts
 * import { randomBytes } from "./commitment.ts";
 * import { Xoshiro128StarStar } from "../kernels/rng.ts";
 * console.assert(randomBytes(new Xoshiro128StarStar(new Uint32Array([1, 2, 3, 4])), new Uint8Array(5)).length === 5);
 * ```
 */
export function randomBytes(rng: Rng, out: Uint8Array): Uint8Array {
  for (let k = 0; k < out.length; k += 4) {
    const w = rng.nextUint32();
    for (let j = 0; j < 4 && k + j < out.length; j++) out[k + j] = (w >>> (8 * j)) & 0xff;
  }
  return out;
}

/**
 * Draw the nonce from stream `commit` and return c = SHA-256(nonce ‖ θB ‖ b).
 * @example
 * ```ts
 * import { allocateBobRecord, commitBobRecord } from "./commitment.ts";
 * import { Xoshiro128StarStar } from "../kernels/rng.ts";
 * const c = commitBobRecord(allocateBobRecord(8), new Xoshiro128StarStar(new Uint32Array([1, 2, 3, 4])));
 * console.assert(c.length === 32);
 * ```
 */
export function commitBobRecord(record: BobRecord, rng: Rng): Uint8Array {
  randomBytes(rng, record.nonce);
  return sha256(record.buffer);
}

/**
 * Alice's check of Bob's opening on T (docs/science.md §5 step 6, note 1): his revealed (θB_i, b_i)
 * must equal his committed record on every test round.
 * @returns true iff consistent
 */
export function openingIsConsistent(
  record: BobRecord,
  testRounds: Int32Array,
  revealedThetaB: Uint8Array,
  revealedB: Uint8Array,
): boolean {
  for (let k = 0; k < testRounds.length; k++) {
    const i = testRounds[k];
    if (record.thetaB[i] !== revealedThetaB[k] || record.b[i] !== revealedB[k]) return false;
  }
  return true;
}
