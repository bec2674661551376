/**
 * Seeded test frames for the decoder tests: random words over a BSC, with punctured and known
 * (shortened) positions, and the fixture code they are usually decoded on.
 * @module
 */
import { Xoshiro128StarStar } from "../rng.ts";
import { bscLlrMagnitude, KNOWN_BIT_LLR } from "./decoder.ts";
import { computeSyndrome, type ParityCheckMatrix } from "./parity_check_matrix.ts";
import { readCsrForTest } from "./_test_codes.ts";

/** Words, their channel LLRs and syndromes, and output buffers, one entry per frame. */
export interface Frames {
  words: Uint8Array[];
  llrs: (Float64Array | Float32Array)[];
  syndromes: Uint8Array[];
  outs: Uint8Array[];
}

/**
 * `count` random words sent over a BSC(q), with `punctured` positions at LLR 0 and `known`
 * positions at ±KNOWN_BIT_LLR (the first positions of a seeded permutation).
 */
export function makeFrames(
  h: ParityCheckMatrix,
  qber: number,
  count: number,
  seed: number,
  punctured = 0,
  known = 0,
): Frames {
  const rng = new Xoshiro128StarStar(Uint32Array.of(seed, 17, 29, 43));
  const mag = bscLlrMagnitude(qber);
  const frames: Frames = { words: [], llrs: [], syndromes: [], outs: [] };
  for (let f = 0; f < count; f++) {
    const x = new Uint8Array(h.n).map(() => rng.nextUint32() & 1);
    const llr = Float64Array.from(x, (b) => ((b ^ (rng.nextDouble() < qber ? 1 : 0)) ? -mag : mag));
    const order = Int32Array.from({ length: h.n }, (_, i) => i);
    for (let i = 0; i < punctured + known; i++) {
      const j = i + rng.nextBelow(h.n - i);
      [order[i], order[j]] = [order[j], order[i]];
      llr[order[i]] = i < punctured ? 0 : x[order[i]] ? -KNOWN_BIT_LLR : KNOWN_BIT_LLR;
    }
    frames.words.push(x);
    frames.llrs.push(llr);
    frames.syndromes.push(computeSyndrome(h, x, new Uint8Array(h.m)));
    frames.outs.push(new Uint8Array(h.n));
  }
  return frames;
}

/** Frames `start` up to `end` (not included), sharing their buffers with `frames`. */
export function frameSlice(frames: Frames, start: number, end: number): Frames {
  return {
    words: frames.words.slice(start, end),
    llrs: frames.llrs.slice(start, end),
    syndromes: frames.syndromes.slice(start, end),
    outs: frames.outs.slice(start, end),
  };
}

/** Whether two bit vectors are equal. */
export const sameBits = (a: Uint8Array, b: Uint8Array): boolean =>
  a.every((bit, i) => bit === b[i]);

/** How many positions two bit vectors differ in. */
export const bitsDiffering = (a: Uint8Array, b: Uint8Array): number =>
  a.reduce((count, bit, i) => count + (bit !== b[i] ? 1 : 0), 0);

const CALIGO_URL = new URL(
  "../../../tests/fixtures/ldpc_caligo_4096_r050.csr.txt",
  import.meta.url,
);

/** Caligo's n = 4096 rate-1/2 matrix (tests/fixtures); throws when the fixture is missing. */
export async function caligoCode(): Promise<ParityCheckMatrix> {
  const h = await readCsrForTest(CALIGO_URL);
  if (h === null) throw new Error(`fixture ${CALIGO_URL.pathname} missing`);
  return h;
}
