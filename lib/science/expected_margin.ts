/**
 * The expected key margin of a point under the full model (docs/science.md §8.7): the ground truth of
 * `cliff-bench`. It replaces every random quantity of a protocol sample by its expectation
 * (Q̂ → Q_exp, |M| → its binomial mean less the expected imbalance) and keeps every rule the
 * simulator applies: the strategy's test fraction, the finite-size abort Q_adj = Q_exp + μ(t, m)
 * > q_hard, the leakage of reconciliation at the calibrated efficiency f(Q), the verification
 * hashes, and the configured key model. Pure and independent of the surrogate.
 * @module
 */
import { InvalidArgumentError } from "../errors.ts";
import { cliffMargin, qberWallDistance } from "./cliff_margin.ts";
import { binaryEntropy } from "./entropy.ts";
import { finiteSizeMu } from "./finite_size.ts";
import type { KeyModel } from "./key_model.ts";
import type { PdcSourceParams } from "./pdc_source.ts";

/** Everything besides the point that the expected margin needs. */
export interface ExpectedMarginModel {
  keyModel: KeyModel;
  /** τ of baseline and blind samples. */
  testFraction: number;
  blindTestFraction: number;
  epsilonSec: number;
  /** q_hard. */
  qberHardLimit: number;
  /** Reconciliation efficiency f reached at QBER q by a strategy (calibrated, ≥ 1). */
  efficiency(q: number, strategy: "baseline" | "blind"): number;
  /** LDPC frame length n and verification-hash bits per frame (docs/science.md §9.5). */
  codeLength: number;
  hashBits: number;
}

/** The physics of one point the expected margin reads. */
export interface ExpectedMarginPoint {
  /** Q_exp of the link model. */
  qExpected: number;
  /** r_eff and ν. */
  rEff: number;
  nu: number;
  /** N in the key model's convention (pairs detected, or pairs sent for erven2014). */
  numPairs: number;
  strategy: "baseline" | "blind";
  /** μ, η, e_det, p_d: needed by a loss-aware key model (erven2014, docs/science.md §8.6). */
  source?: PdcSourceParams;
}

/** Expected outcome of a point. */
export interface ExpectedMargin {
  /** Sign-consistent key margin: l/N on success, min(l/N, 0) otherwise. */
  keyMargin: number;
  /** The surrogate target (docs/science.md §8.5). */
  cliffMargin: number;
  success: boolean;
  /** Expected m (bits per string) and Q_adj (NaN without a test set). */
  m: number;
  /** Expected detected rounds: N, or N·(1 − P^h_{B,no click}) when N counts pairs sent. */
  detectedRounds: number;
  qAdj: number;
}

/**
 * E[min(|M|, |M̄|)] for |M| ~ Binomial(n, ½): n/2 − E|X − n/2| ≈ n/2 − √(n/(2π)).
 */
export function expectedStringLength(rounds: number): number {
  return Math.max(0, rounds / 2 - Math.sqrt(rounds / (2 * Math.PI)));
}

/**
 * Expected margins of a point (docs/science.md §8.7).
 * @example
 * ```ts
 * import { expectedMargin } from "./expected_margin.ts";
 * import { keyModelOf } from "./key_model.ts";
 * const model = {
 *   keyModel: keyModelOf("project"), testFraction: 0.1, blindTestFraction: 0, epsilonSec: 1e-10,
 *   qberHardLimit: 0.22, efficiency: () => 1.2, codeLength: 4096, hashBits: 64,
 * };
 * const good = expectedMargin({ qExpected: 0.02, rEff: 0.3, nu: 0.1, numPairs: 1e6, strategy: "baseline" }, model);
 * const small = expectedMargin({ qExpected: 0.02, rEff: 0.3, nu: 0.1, numPairs: 1e4, strategy: "baseline" }, model);
 * console.assert(good.success && good.cliffMargin > 0 && !small.success && small.cliffMargin < 0);
 * ```
 */
export function expectedMargin(p: ExpectedMarginPoint, model: ExpectedMarginModel): ExpectedMargin {
  const tau = p.strategy === "blind" ? model.blindTestFraction : model.testFraction;
  const keyModel = model.keyModel;
  const rounds = keyModel.numPairsConvention === "pairs detected"
    ? p.numPairs
    : p.numPairs * keyModel.detectionProb(sourceOf(p));
  const testRounds = tau > 0 ? Math.max(1, Math.floor(tau * rounds)) : 0;
  const m = expectedStringLength(rounds - testRounds);
  const qAdj = testRounds > 0
    ? p.qExpected + finiteSizeMu(testRounds / 2, m, model.epsilonSec)
    : NaN;
  const q = Math.min(0.5, Math.max(0, p.qExpected));
  const f = model.efficiency(q, p.strategy);
  const leak = f * binaryEntropy(q) * m + model.hashBits * Math.ceil(m / model.codeLength);
  const rate = keyModel.numPairsConvention === "pairs detected"
    ? keyModel.entropyRate(p.rEff, p.nu)
    : keyModel.entropyRate(p.rEff, p.nu, {
      numPairs: p.numPairs,
      keyShare: rounds > 0 ? 1 - testRounds / rounds : 0,
      stringBits: m,
      epsilonSec: model.epsilonSec,
      source: sourceOf(p),
    });
  const margin = keyModel.keyLength(m, leak, rate, model.epsilonSec) / p.numPairs;
  const distance = qberWallDistance(qAdj, model.qberHardLimit);
  const success = distance >= 0 && margin > 0;
  return {
    keyMargin: success ? margin : Math.min(margin, 0),
    cliffMargin: cliffMargin(margin, distance, success),
    success,
    m,
    detectedRounds: rounds,
    qAdj,
  };
}

function sourceOf(p: ExpectedMarginPoint): PdcSourceParams {
  if (p.source === undefined) {
    throw new InvalidArgumentError(
      "source",
      p.source,
      "a loss-aware key model needs μ, η, e_det, p_d",
    );
  }
  return p.source;
}
