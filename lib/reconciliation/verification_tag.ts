/**
 * Verification tags (docs/science.md §9.8): the first hashBits/8 bytes (64 bits → 8 bytes) of
 * SHA-256(hashKey ‖ string id byte ‖ uint32 big-endian block index ‖ payload bits packed MSB
 * first, last byte zero-padded).
 * @module
 */
import { InvalidArgumentError } from "../errors.ts";
import { sha256 } from "../kernels/sha256.ts";

/**
 * Tag of one block's payload.
 * @param bits payload bits (0/1), length L
 * @param tagBytes tag length in bytes (8 for 64-bit tags)
 * @example
 * ```ts
 * import { verificationTag } from "./verification_tag.ts";
 * const key = new Uint8Array(16);
 * const a = verificationTag(key, 0, 3, Uint8Array.of(1, 0, 1), 8);
 * const b = verificationTag(key, 1, 3, Uint8Array.of(1, 0, 1), 8);
 * console.assert(a.length === 8 && a.join() !== b.join());
 * ```
 */
export function verificationTag(
  hashKey: Uint8Array,
  stringId: number,
  blockIndex: number,
  bits: Uint8Array,
  tagBytes: number,
): Uint8Array {
  if (!(tagBytes >= 1 && tagBytes <= 32 && Number.isInteger(tagBytes))) {
    throw new InvalidArgumentError("tagBytes", tagBytes, "must be an integer in [1, 32]");
  }
  const head = hashKey.length + 5;
  const message = new Uint8Array(head + Math.ceil(bits.length / 8));
  message.set(hashKey, 0);
  message[hashKey.length] = stringId & 0xff;
  new DataView(message.buffer).setUint32(hashKey.length + 1, blockIndex >>> 0, false);
  for (let i = 0; i < bits.length; i++) {
    if (bits[i]) message[head + (i >> 3)] |= 0x80 >>> (i & 7);
  }
  return sha256(message).subarray(0, tagBytes);
}

/** Byte-wise equality of two tags. */
export function tagsEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i] ^ b[i];
  return diff === 0;
}
