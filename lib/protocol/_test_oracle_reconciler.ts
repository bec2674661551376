/**
 * Test double of reconciliation (internal; not for production): decodes perfectly (Bob's X̂_C is
 * a copy of X_C) and charges a leakage model of the same shape as the LDPC library's — per block
 * of K = n − round(δ·n) payload bits, ⌈f·h(q)·K_b⌉ EC bits + hashBits. Knobs make it fail every
 * block, leak more than planned, or hand Bob a corrupted string, so protocol paths can be tested
 * without decoding.
 * @module
 */
import type { OtReconciliationResult, ReconciliationOptions } from "../reconciliation/types.ts";
import { binaryEntropy } from "../science/entropy.ts";
import type { OtReconciler } from "./reconciler.ts";
import { defaultReconciliationOptions } from "./simulation_options.ts";

/** Knobs of the oracle. */
export interface OracleReconcilerOptions {
  /** Every block fails verification. */
  failAll?: boolean;
  /** Extra EC bits per string charged by `reconcile` beyond the planned leakage. */
  extraLeak?: number;
  /** Flip the first bit of Bob's corrected string (a hash collision the tags missed). */
  corruptBob?: boolean;
  options?: ReconciliationOptions;
}

/** The oracle reconciler; `calls` counts reconcile() calls. */
export function createOracleReconciler(
  knobs: OracleReconcilerOptions = {},
): OtReconciler & { calls: number } {
  const options = knobs.options ?? defaultReconciliationOptions();
  const n = options.codeLength;
  const payload = n - Math.round(options.modulationFraction * n);
  const ecBits = (m: number, q: number) => {
    let bits = 0;
    for (let start = 0; start < m; start += payload) {
      bits += Math.ceil(options.fSelect * binaryEntropy(q) * Math.min(payload, m - start));
    }
    return bits;
  };
  const blocksOf = (m: number) => Math.ceil(m / payload);
  const self = {
    calls: 0,
    options,
    plannedLeakage(m: number, q: number): number {
      return ecBits(m, q) + options.hashBits * blocksOf(m);
    },
    reconcile(input: Parameters<OtReconciler["reconcile"]>[0]): OtReconciliationResult {
      self.calls++;
      const m = input.x0.length;
      const blocks = blocksOf(m);
      const xC = input.choice === 0 ? input.x0 : input.x1;
      let diff = 0;
      for (let i = 0; i < m; i++) diff += xC[i] ^ input.y[i];
      const leakEc = ecBits(m, input.qberPrior) + (knobs.extraLeak ?? 0);
      const leakHash = options.hashBits * blocks;
      const ok = !knobs.failAll;
      const mv = ok ? m : 0;
      const yCorrected = ok ? xC.slice() : new Uint8Array(0);
      if (knobs.corruptBob && mv > 0) yCorrected[0] ^= 1;
      const qberTrue = mv > 0 ? diff / m : NaN;
      return {
        status: ok ? "ok" : "no-block-verified",
        m,
        blocks,
        blocksVerified: ok ? blocks : 0,
        verified: new Uint8Array(blocks).fill(ok ? 1 : 0),
        mv,
        x0Verified: ok ? input.x0.slice() : new Uint8Array(0),
        x1Verified: ok ? input.x1.slice() : new Uint8Array(0),
        yCorrected,
        leak: leakEc + leakHash,
        leakEc,
        leakHash,
        leakEcVerified: ok ? leakEc : 0,
        revealedBits: 0,
        qberTrue,
        efficiency: mv > 0 && qberTrue > 0 ? leakEc / (mv * binaryEntropy(qberTrue)) : NaN,
        motherRate: 0.5,
        rateEffective: NaN,
        blindRoundsMax: 1,
        decoderIterations: 0,
      };
    },
  };
  return self;
}
