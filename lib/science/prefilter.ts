/**
 * Campaign pre-filter (campaign.md §4) and the analytic key margin of skipped rows
 * (science.md §8.1): decides from the physics alone whether a point can yield a key.
 * @module
 */
import type { DetectorErrorMode, LinkModelName } from "../kernels/link/link_model.ts";
import { createLinkModel } from "../kernels/link/link_model.ts";
import { effectiveStorageNoise, hBoundedStorage } from "./bounds.ts";
import { qberPrefilterE5 } from "./caligo_qber.ts";
import { cliffMargin } from "./cliff_margin.ts";
import { EPSILON_SEC, QBER_HARD_LIMIT } from "./constants.ts";
import { binaryEntropy } from "./entropy.ts";
import { type KeyModelName, keyModelOf } from "./key_model.ts";

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
  /** β of the heralded link (0). */
  bellCorrectionFailure?: number;
  /** Detector-error mode ("physical"). */
  detectorError?: DetectorErrorMode;
  /** Hard QBER limit q_hard (0.22). */
  qberHardLimit?: number;
  /** Decoherence model of science.md §4; r_eff = r when absent or disabled. */
  storageDecoherence?: { enabled: boolean; t1Ns: number; t2Ns: number };
}

/** Result of {@link prefilter}. */
export interface PrefilterResult {
  /** The point passes the rule (campaign.md §4). */
  feasible: boolean;
  /** Project: rate(r_eff, ν) − h(Q_exp) with the key model's rate; Caligo: (1 − r)/2 − Q_E5. */
  margin: number;
  /** The QBER the rule used: Q_exp (project) or E5 (caligo). */
  qExpected: number;
}

/**
 * Pre-filter margin of the project rule, h_bs(r, ν) − h(Q) (campaign.md §4).
 * @example
 * ```ts
 * import { prefilterMargin } from "./prefilter.ts";
 * console.assert(Math.abs(prefilterMargin(0.75, 0.002, 0.02) - 0.358059) < 5e-7);
 * ```
 */
export function prefilterMargin(r: number, nu: number, qber: number): number {
  return hBoundedStorage(r, nu) - binaryEntropy(qber);
}

/** r_eff of a point under the optional decoherence model (science.md §4). */
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
 * Campaign pre-filter (campaign.md §4). Project rule: margin = rate(r_eff, ν) − h(Q_exp) with the
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
  const rate = keyModelOf(options.keyModel ?? "project").entropyRate(
    pointEffectiveR(point, options.storageDecoherence),
    point.storageRateNu,
  );
  const margin = rate - binaryEntropy(qExpected);
  return { feasible: margin > 0 && qExpected <= qHard, margin, qExpected };
}

/** Q_exp (science.md §3.6) of a point under the configured link model. */
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

/** Analytic margins of a pre-filtered point (science.md §8.1, §8.5). */
export interface AnalyticMargins {
  /** key_margin, kind `analytic`: min(0, (1 − τ_S)/2·(rate − h(Q_exp)) − P/N). */
  keyMargin: number;
  /** cliff_margin: min(unclamped margin, s_Q·(q_hard − Q_exp)), ≤ 0. */
  cliffMargin: number;
}

/**
 * Analytic margins of a pre-filtered point (science.md §8.1 kind `analytic`, §8.5) under the
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
  const rate = model.entropyRate(
    pointEffectiveR(point, options.storageDecoherence),
    point.storageRateNu,
  );
  const penalty = model.penaltyBits(options.epsilonSec ?? EPSILON_SEC);
  const margin = (1 - tau) / 2 * (rate - binaryEntropy(qExpected)) - penalty / point.numPairs;
  const qHard = options.qberHardLimit ?? QBER_HARD_LIMIT;
  return {
    keyMargin: Math.min(0, margin),
    cliffMargin: cliffMargin(margin, qHard - qExpected, false),
  };
}

/**
 * Analytic key margin l_raw/N of a pre-filtered point (science.md §8.1, kind `analytic`): the
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
