/**
 * Small code family and option set shared by the reconciliation tests (n = 512, built in ≈ 0.2 s).
 * @module
 */
import { buildCodeFamily, type CodeFamily } from "./code_family.ts";
import type { ReconciliationOptions } from "./types.ts";
import { Xoshiro128StarStar } from "../kernels/rng.ts";

export const TEST_RATES = [0.5, 0.6, 0.7];

export function testFamily(): CodeFamily {
  return buildCodeFamily({ codeLength: 512, motherRates: TEST_RATES }, 1);
}

export function testOptions(overrides: Partial<ReconciliationOptions> = {}): ReconciliationOptions {
  return {
    codeLength: 512,
    motherRates: TEST_RATES,
    modulationFraction: 0.1,
    hashBits: 64,
    fSelect: 1.16,
    blindMaxRounds: 3,
    // Layered sum-product: normalized min-sum loses ≈ 0.1–0.2 in f on these irregular codes.
    decoder: "spa-layered",
    nmsAlpha: 0.8,
    maxIterations: 50,
    tail: "shorten",
    failedBlocks: "discard",
    leakage: "elkouss",
    ...overrides,
  };
}

export function seededRng(seed: number, stream = 0): Xoshiro128StarStar {
  return new Xoshiro128StarStar(Uint32Array.of(seed, stream, 0x9e3779b9, 7));
}

/** Random bits and a copy with Bernoulli(q) flips. */
export function noisyPair(m: number, q: number, seed: number): { x: Uint8Array; y: Uint8Array } {
  const rng = seededRng(seed, 99);
  const x = new Uint8Array(m).map(() => rng.nextUint32() & 1);
  const y = x.map((b) => b ^ (rng.nextDouble() < q ? 1 : 0));
  return { x, y };
}
