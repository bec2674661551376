/**
 * Campaign pre-filter (docs/campaign.md §4) and the analytic key margin of skipped rows
 * (docs/science.md §8.1): decides from the physics alone whether a point can yield a key.
 * @module
 */
import type { DetectorErrorMode, LinkModelName } from "../kernels/link/link_model.ts";
import { createLinkModel } from "../kernels/link/link_model.ts";
import { effectiveStorageNoise, hBoundedStorage } from "./bounds.ts";
import { qberPrefilterE5 } from "./caligo_qber.ts";
import { cliffMargin } from "./cliff_margin.ts";
import { EPSILON_SEC, QBER_HARD_LIMIT } from "./constants.ts";
import { binaryEntropy } from "./entropy.ts";
import { ERVEN2014_SOURCE_MEAN_PAIRS } from "./erven2014_key_model.ts";
import { type KeyModel, type KeyModelName, keyModelOf } from "./key_model.ts";
import type { PdcSourceParams } from "./pdc_source.ts";

/** The fields of a parameter point the pre-filter reads (a `ParameterPoint` satisfies it). */
export interface PrefilterPoint {
  readonly storageNoiseR: number;
  readonly storageRateNu: number;
  readonly waitTimeNs: number;
  readonly channelFidelity: number;
  readonly detectionEfficiency: number;
  readonly detectorError: number;
  readonly darkCountProb: number;
  readonly numPairs: number;
  readonly strategy: "baseline" | "blind";
}

/** Options of {@link prefilter}. */
export interface PrefilterOptions {
  /** `project` (h_bs − h(Q_exp)) or `caligo` ((1 − r)/2 − E5). */
  rule: "project" | "caligo";
  linkModel: LinkModelName;
  /** Key model whose entropy rate the project rule compares with h(Q_exp) ("project"). */
  keyModel?: KeyModelName;
  /** μ of the PDC source (erven2014 only; default Erven et al. 2014 Table I). */
  sourceMeanPairs?: number;
  /** ε of the key model's bound (erven2014's entropy rate is finite-size; default 1e-10). */
  epsilonSec?: number;
  /** β of the heralded link (0). */
  bellCorrectionFailure?: number;
  /** Detector-error mode ("physical"). */
  detectorError?: DetectorErrorMode;
  /** Hard QBER limit q_hard (0.22). */
  qberHardLimit?: number;
  /** Decoherence model of docs/science.md §4; r_eff = r when absent or disabled. */
  storageDecoherence?: { enabled: boolean; t1Ns: number; t2Ns: number };
}

/** Result of {@link prefilter}. */
export interface PrefilterResult {
  /** The point passes the rule (docs/campaign.md §4). */
  feasible: boolean;
  /** Project: rate(r_eff, ν) − h(Q_exp) with the key model's rate; Caligo: (1 − r)/2 − Q_E5. */
  margin: number;
  /** The QBER the rule used: Q_exp (project) or E5 (caligo). */
  qExpected: number;
}

/**
 * Pre-filter margin of the project rule, h_bs(r, ν) − h(Q) (docs/campaign.md §4).
 * @example
 * ```ts
 * import { prefilterMargin } from "./prefilter.ts";
 * console.assert(Math.abs(prefilterMargin(0.75, 0.002, 0.02) - 0.358059) < 5e-7);
 * ```
 */
export function prefilterMargin(r: number, nu: number, qber: number): number {
  return hBoundedStorage(r, nu) - binaryEntropy(qber);
}

/** r_eff of a point under the optional decoherence model (docs/science.md §4). */
export function pointEffectiveR(
  point: PrefilterPoint,
  decoherence?: { enabled: boolean; t1Ns: number; t2Ns: number },
): number {
  return decoherence?.enabled
    ? effectiveStorageNoise(
      point.storageNoiseR,
      point.waitTimeNs,
      decoherence.t1Ns,
      decoherence.t2Ns,
    )
    : point.storageNoiseR;
}

/**
 * Campaign pre-filter (docs/campaign.md §4). Project rule: margin = rate(r_eff, ν) − h(Q_exp) with the
 * key model's entropy rate (h_bs for `project`, h_min for `caligo`), feasible iff margin > 0 and
 * Q_exp ≤ q_hard (strategy-independent). Caligo rule: Q from E5 in float32,
 * margin = (1 − r)/2 − Q, feasible iff margin > 1e-6 and Q ≤ 0.22.
 * @example
 * ```ts
 * import { prefilter } from "./prefilter.ts";
 * const res = prefilter({
 *   storageNoiseR: 0.2, storageRateNu: 1, waitTimeNs: 1e6, channelFidelity: 0.99,
 *   detectionEfficiency: 1, detectorError: 0, darkCountProb: 1e-9, numPairs: 1e6, strategy: "baseline",
 * }, { rule: "project", linkModel: "depolarising" });
 * console.assert(res.feasible && res.margin > 0);
 * ```
 */
export function prefilter(point: PrefilterPoint, options: PrefilterOptions): PrefilterResult {
  const qHard = options.qberHardLimit ?? QBER_HARD_LIMIT;
  if (options.rule === "caligo") {
    const q = qberPrefilterE5(
      point.channelFidelity,
      point.detectorError,
      point.detectionEfficiency,
      point.darkCountProb,
    );
    const margin = (1 - point.storageNoiseR) / 2 - q;
    return { feasible: margin > 1e-6 && q <= qHard, margin, qExpected: q };
  }
  const qExpected = pointExpectedQber(point, options);
  const model = keyModelOf(options.keyModel ?? "project");
  // no test set: the most permissive string the point can have
  const rate = pointEntropyRate(point, options, model, 0).rate;
  const margin = rate - binaryEntropy(qExpected);
  return { feasible: margin > 0 && qExpected <= qHard, margin, qExpected };
}

/**
 * The key model's entropy rate at a point and the expected bits per string per pair N,
 * (1 − τ)/2 times the detection probability (1 unless N counts pairs sent, docs/science.md §8.6).
 * @param tau test fraction of the detected rounds
 */
export function pointEntropyRate(
  point: PrefilterPoint,
  options: Pick<PrefilterOptions, "storageDecoherence" | "sourceMeanPairs" | "epsilonSec">,
  model: KeyModel,
  tau: number,
): { rate: number; stringBitsPerPair: number } {
  const rEff = pointEffectiveR(point, options.storageDecoherence);
  if (model.numPairsConvention === "pairs detected") {
    return { rate: model.entropyRate(rEff, point.storageRateNu), stringBitsPerPair: (1 - tau) / 2 };
  }
  const source = pointSource(point, options.sourceMeanPairs);
  const stringBitsPerPair = model.detectionProb(source) * (1 - tau) / 2;
  const rate = model.entropyRate(rEff, point.storageRateNu, {
    numPairs: point.numPairs,
    keyShare: 1 - tau,
    stringBits: stringBitsPerPair * point.numPairs,
    epsilonSec: options.epsilonSec ?? EPSILON_SEC,
    source,
  });
  return { rate, stringBitsPerPair };
}

/** μ, η, e_det, p_d of a point: the PDC source of docs/science.md §8.6. */
export function pointSource(point: PrefilterPoint, sourceMeanPairs?: number): PdcSourceParams {
  return {
    mu: sourceMeanPairs ?? ERVEN2014_SOURCE_MEAN_PAIRS,
    eta: point.detectionEfficiency,
    eDet: point.detectorError,
    pDark: point.darkCountProb,
  };
}

/**
 * The rounds a point simulates (docs/science.md §8.6), the quantity `simulation.max_pairs` guards:
 * N when N counts detected pairs, its expected detected share N·(1 − P^h_{B,no click}) when N
 * counts pairs sent (erven2014).
 * @example
 * ```ts
 * import { pointSimulatedRounds } from "./prefilter.ts";
 * const point = {
 *   storageNoiseR: 0.75, storageRateNu: 0.002, waitTimeNs: 1e6, channelFidelity: 1,
 *   detectionEfficiency: 0.015, detectorError: 0.0093, darkCountProb: 1.5e-8, numPairs: 8e7,
 *   strategy: "baseline" as const,
 * };
 * console.assert(pointSimulatedRounds(point, "project") === 8e7);
 * console.assert(Math.abs(pointSimulatedRounds(point, "erven2014") - 1.1283e6) < 100);
 * ```
 */
export function pointSimulatedRounds(
  point: PrefilterPoint,
  keyModel: KeyModelName,
  sourceMeanPairs?: number,
): number {
  const model = keyModelOf(keyModel);
  return model.numPairsConvention === "pairs detected"
    ? point.numPairs
    : point.numPairs * model.detectionProb(pointSource(point, sourceMeanPairs));
}

/** Q_exp (docs/science.md §3.6) of a point under the configured link model. */
export function pointExpectedQber(
  point: PrefilterPoint,
  options: Pick<PrefilterOptions, "linkModel" | "bellCorrectionFailure" | "detectorError">,
): number {
  return createLinkModel(options.linkModel, {
    channelFidelity: point.channelFidelity,
    detectionEfficiency: point.detectionEfficiency,
    detectorError: point.detectorError,
    darkCountProb: point.darkCountProb,
    bellCorrectionFailure: options.bellCorrectionFailure ?? 0,
    detectorErrorMode: options.detectorError ?? "physical",
  }).expectedQber;
}

/** Analytic margins of a pre-filtered point (docs/science.md §8.1, §8.5). */
export interface AnalyticMargins {
  /**
   * key_margin, kind `analytic`: min(0, (1 − τ_S)/2·p_det·(rate − h(Q_exp)) − P/N), p_det = 1
   * unless N counts pairs sent.
   */
  keyMargin: number;
  /** cliff_margin: min(unclamped margin, s_Q·(q_hard − Q_exp)), ≤ 0. */
  cliffMargin: number;
}

/**
 * Analytic margins of a pre-filtered point (docs/science.md §8.1 kind `analytic`, §8.5) under the
 * options' key model (rate and penalty P), with τ_S the test fraction of the point's strategy.
 */
export function pointAnalyticMargins(
  point: PrefilterPoint,
  options: PrefilterOptions & {
    testFraction: number;
    blindTestFraction: number;
    epsilonSec?: number;
  },
): AnalyticMargins {
  const model = keyModelOf(options.keyModel ?? "project");
  const qExpected = pointExpectedQber(point, options);
  const tau = point.strategy === "blind" ? options.blindTestFraction : options.testFraction;
  const { rate, stringBitsPerPair } = pointEntropyRate(point, options, model, tau);
  const penalty = model.penaltyBits(options.epsilonSec ?? EPSILON_SEC);
  const margin = stringBitsPerPair * (rate - binaryEntropy(qExpected)) - penalty / point.numPairs;
  const qHard = options.qberHardLimit ?? QBER_HARD_LIMIT;
  return {
    keyMargin: Math.min(0, margin),
    cliffMargin: cliffMargin(margin, qHard - qExpected, false),
  };
}

/**
 * Analytic key margin l_raw/N of a pre-filtered point (docs/science.md §8.1, kind `analytic`): the
 * `keyMargin` of {@link pointAnalyticMargins}.
 */
export function pointAnalyticKeyMargin(
  point: PrefilterPoint,
  options: PrefilterOptions & {
    testFraction: number;
    blindTestFraction: number;
    epsilonSec?: number;
  },
): number {
  return pointAnalyticMargins(point, options).keyMargin;
}
