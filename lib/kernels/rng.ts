/**
 * Seeded random streams (docs/science.md §2). One documented generator, xoshiro128** (Blackman & Vigna
 * 2018, 32-bit variant, period 2^128 − 1), and the derivation of every stream from
 * (campaign seed, phase, sample id, stage) through SHA-256, so any sample can be reproduced on its
 * own, in any worker, in any order.
 * @module
 */
import { sha256 } from "./sha256.ts";

/** A source of uniform random numbers. Every function that draws takes one explicitly. */
export interface Rng {
  /** Uniform integer in [0, 2^32). */
  nextUint32(): number;
  /** Uniform double in [0, 1) with 53 random bits (docs/science.md §2). */
  nextDouble(): number;
  /** Uniform integer in [0, n), unbiased (rejection sampling), 1 ≤ n ≤ 2^32. */
  nextBelow(n: number): number;
}

/** The phases whose samples get their own seeds (docs/science.md §2). */
export type SamplePhase = "phase1" | "phase3" | "holdout";

/** The per-sample stages, each with an independent stream (docs/science.md §2). */
export type SampleStage =
  | "quantum"
  | "detector"
  | "test"
  | "choice"
  | "commit"
  | "padding0"
  | "padding1"
  | "hashkey"
  | "toeplitz"
  | "detection";

const TWO_POW_26 = 67108864;
const TWO_POW_53 = 9007199254740992;

/**
 * xoshiro128** generator over four 32-bit words of state.
 * @example
 * ```ts
 * import { Xoshiro128StarStar } from "./rng.ts";
 * const rng = new Xoshiro128StarStar(new Uint32Array([1, 2, 3, 4]));
 * console.assert(rng.nextUint32() === 11520);
 * ```
 */
export class Xoshiro128StarStar implements Rng {
  #s0: number;
  #s1: number;
  #s2: number;
  #s3: number;

  /** @param state four uint32 words; all-zero state is replaced by word 0 = 1 (docs/science.md §2). */
  constructor(state: Uint32Array) {
    this.#s0 = state[0] | 0;
    this.#s1 = state[1] | 0;
    this.#s2 = state[2] | 0;
    this.#s3 = state[3] | 0;
    if ((this.#s0 | this.#s1 | this.#s2 | this.#s3) === 0) this.#s0 = 1;
  }

  nextUint32(): number {
    const s1 = this.#s1;
    const m = Math.imul(s1, 5);
    const result = Math.imul((m << 7) | (m >>> 25), 9) >>> 0;
    const t = s1 << 9;
    this.#s2 ^= this.#s0;
    this.#s3 ^= s1;
    this.#s1 ^= this.#s2;
    this.#s0 ^= this.#s3;
    this.#s2 ^= t;
    this.#s3 = (this.#s3 << 11) | (this.#s3 >>> 21);
    return result;
  }

  nextDouble(): number {
    const a = this.nextUint32() >>> 5;
    const b = this.nextUint32() >>> 6;
    return (a * TWO_POW_26 + b) / TWO_POW_53;
  }

  nextBelow(n: number): number {
    if (n <= 1) return 0;
    // Lemire-style rejection on the top of the 32-bit range keeps the draw unbiased.
    const limit = 4294967296 - (4294967296 % n);
    for (;;) {
      const x = this.nextUint32();
      if (x < limit) return x % n;
    }
  }

  /** The current state, e.g. to checkpoint a long-lived stream. */
  state(): Uint32Array {
    return new Uint32Array([this.#s0, this.#s1, this.#s2, this.#s3]);
  }
}

/** Seed xoshiro128** from the first 16 bytes of a digest, read as four little-endian uint32. */
function rngFromDigest(digest: Uint8Array): Xoshiro128StarStar {
  const view = new DataView(digest.buffer, digest.byteOffset, 16);
  const state = new Uint32Array(4);
  for (let i = 0; i < 4; i++) state[i] = view.getUint32(4 * i, true);
  return new Xoshiro128StarStar(state);
}

/**
 * The per-sample seed: first 8 bytes (big-endian uint64) of
 * SHA-256(`caligo-ts/v1|<campaignSeed>|<phase>|<sampleId>`) (docs/science.md §2). It is stored with
 * the sample's row so the sample can be re-run on its own.
 * @example
 * ```ts
 * import { sampleSeed } from "./rng.ts";
 * console.assert(sampleSeed(42, "phase1", 0) === sampleSeed(42, "phase1", 0));
 * ```
 */
export function sampleSeed(campaignSeed: number, phase: SamplePhase, sampleId: number): bigint {
  const digest = sha256(`caligo-ts/v1|${campaignSeed}|${phase}|${sampleId}`);
  return new DataView(digest.buffer).getBigUint64(0, false);
}

/** The stream of one stage of one sample: SHA-256(`<seed as 16 hex digits>|<stage>`). */
export function stageRng(seed: bigint, stage: SampleStage): Xoshiro128StarStar {
  return rngFromDigest(sha256(`${seedHex(seed)}|${stage}`));
}

/**
 * A campaign-level stream (design scramble, candidate pools, GP restarts, splits):
 * SHA-256(`caligo-ts/v1|<campaignSeed>|<name>`), e.g. name `design` or `phase3/7/pool`.
 */
export function campaignRng(campaignSeed: number, name: string): Xoshiro128StarStar {
  return rngFromDigest(sha256(`caligo-ts/v1|${campaignSeed}|${name}`));
}

/** A uint64 seed as 16 lower-case hex digits. */
export function seedHex(seed: bigint): string {
  return BigInt.asUintN(64, seed).toString(16).padStart(16, "0");
}
