/**
 * Pluggable link models (docs/science.md §3): each gives the exact matched-basis error
 * probabilities per basis, whether the detector-error stage applies on top, the herald success
 * probability, and the exact expected QBER Q_exp (§3.6) used by the campaign pre-filter.
 * Sampling is shared by all models ({@link sampleEprRounds}).
 * @module
 */
import { InvalidArgumentError } from "../../errors.ts";
import { qberAnalyticLink } from "./analytic.ts";
import { qberDepolarising } from "./depolarising.ts";
import { heraldBranches, heraldedMatchedErrors } from "./heralded_double_click.ts";

/** Names of the link models (docs/science.md §3, config key `simulation.link_model`). */
export const LINK_MODEL_NAMES = ["heralded-double-click", "depolarising", "analytic"] as const;
export type LinkModelName = typeof LINK_MODEL_NAMES[number];

/** Detector-error handling (docs/science.md §3.5): physical flips, or Caligo's inert e_det. */
export type DetectorErrorMode = "physical" | "caligo";

/** Physical inputs of a link model. Probabilities are per round (p_d per detector per window). */
export interface LinkPhysics {
  /** Source fidelity F ∈ (0.5, 1]. */
  channelFidelity: number;
  /** Detection efficiency η ∈ (0, 1]. */
  detectionEfficiency: number;
  /** Detector error e_det ∈ [0, 0.1]: flip probability of each of Bob's outcomes. */
  detectorError: number;
  /** Dark-count probability p_d ∈ [0, 1e-3]. */
  darkCountProb: number;
  /** Bell-correction failure β ∈ [0, 1] of the heralded link (docs/science.md §3.3); default 0. */
  bellCorrectionFailure?: number;
  /** Default "physical". */
  detectorErrorMode?: DetectorErrorMode;
}

/** A link model evaluated at one physical point. */
export interface LinkModel {
  readonly name: LinkModelName;
  /** Matched-basis error probability in Z before the detector stage. */
  readonly errorZ: number;
  /** Matched-basis error probability in X before the detector stage. */
  readonly errorX: number;
  /** Flip probability of Bob's outcomes applied after the link (0 when not applied). */
  readonly detectorFlipProb: number;
  /** Herald success probability per attempt P_succ (1 for non-heralded models). */
  readonly heraldSuccessProb: number;
  /** Exact expected matched-basis QBER Q_exp including the detector stage (docs/science.md §3.6). */
  readonly expectedQber: number;
}

/**
 * Matched error after the detector stage: Q' = Q + e·(1 − 2Q) (docs/science.md §3.5).
 * @example
 * ```ts
 * import { withDetectorError } from "./link_model.ts";
 * console.assert(withDetectorError(0, 0.01) === 0.01);
 * ```
 */
export function withDetectorError(qber: number, flipProb: number): number {
  return qber + flipProb * (1 - 2 * qber);
}

/**
 * Evaluate a link model at one physical point (docs/science.md §3.2–§3.6).
 * @throws InvalidArgumentError for an unknown model name or inputs outside the science domain
 * @example
 * ```ts
 * import { createLinkModel } from "./link_model.ts";
 * const link = createLinkModel("depolarising", {
 *   channelFidelity: 0.95, detectionEfficiency: 1, detectorError: 0.01, darkCountProb: 0,
 * });
 * console.assert(Math.abs(link.expectedQber - 0.042667) < 5e-7);
 * ```
 */
export function createLinkModel(name: LinkModelName, physics: LinkPhysics): LinkModel {
  const { channelFidelity: f, detectionEfficiency: eta, darkCountProb: pd } = physics;
  const eDet = physics.detectorError;
  const beta = physics.bellCorrectionFailure ?? 0;
  checkRange("channel_fidelity", f, 0, 1);
  checkRange("detection_efficiency", eta, 0, 1);
  if (eta === 0) throw new InvalidArgumentError("detection_efficiency", eta, "must be > 0");
  checkRange("detector_error", eDet, 0, 0.5);
  checkRange("dark_count_prob", pd, 0, 0.5);
  checkRange("bell_correction_failure", beta, 0, 1);
  const detectorFlipProb = physics.detectorErrorMode === "caligo" ? 0 : eDet;
  switch (name) {
    case "heralded-double-click": {
      const { z, x } = heraldedMatchedErrors(f, eta, pd, beta);
      const pSucc = heraldBranches(eta, pd).pSuccess;
      return freezeModel(name, z, x, detectorFlipProb, pSucc);
    }
    case "depolarising": {
      const q = qberDepolarising(f);
      return freezeModel(name, q, q, detectorFlipProb, 1);
    }
    case "analytic": {
      const q = qberAnalyticLink(f, eDet, eta, pd);
      return freezeModel(name, q, q, 0, 1);
    }
    default:
      throw new InvalidArgumentError(
        "link_model",
        name,
        `must be one of ${LINK_MODEL_NAMES.join(", ")}`,
      );
  }
}

function freezeModel(
  name: LinkModelName,
  errorZ: number,
  errorX: number,
  detectorFlipProb: number,
  heraldSuccessProb: number,
): LinkModel {
  const expectedQber = withDetectorError((errorZ + errorX) / 2, detectorFlipProb);
  return Object.freeze({
    name,
    errorZ,
    errorX,
    detectorFlipProb,
    heraldSuccessProb,
    expectedQber,
  });
}

function checkRange(name: string, value: number, lo: number, hi: number): void {
  if (!(value >= lo && value <= hi)) {
    throw new InvalidArgumentError(name, value, `must lie in [${lo}, ${hi}]`);
  }
}

/**
 * Q_exp(F, η, e_det, p_d; link) (docs/science.md §3.6): the exact expected matched-basis QBER of the
 * configured link model, the only analytic QBER used by the project.
 * @example
 * ```ts
 * import { expectedQber } from "./link_model.ts";
 * const q = expectedQber("heralded-double-click", {
 *   channelFidelity: 0.99, detectionEfficiency: 1, detectorError: 0.01, darkCountProb: 1e-9,
 * });
 * console.assert(Math.abs(q - 0.022980) < 5e-7);
 * ```
 */
export function expectedQber(name: LinkModelName, physics: LinkPhysics): number {
  return createLinkModel(name, physics).expectedQber;
}
