/**
 * Heralded double-click link (docs/science.md §3.3): a first-principles time-bin Barrett–Kok model
 * with Caligo's settings (length 0, no initial loss, visibility 1, one mode, threshold
 * detectors). Four herald branches, each with its matched-basis error probability.
 * @module
 */

/** Unnormalised branch probabilities and their sum (docs/science.md §3.3 table). */
export interface HeraldBranches {
  /** True herald P_T = ½·η²·(1−p)². */
  pTrue: number;
  /** Bunching + dark count P_Φ = ½·η²·(1−p)·2p(1−p). */
  pBunching: number;
  /** One photon + one dark count P_1 = 2η(1−η)·(1−p)·2p(1−p). */
  pOneDark: number;
  /** Two dark counts P_0 = (1−η)²·[2p(1−p)]². */
  pTwoDark: number;
  /** P_succ = P_T + P_Φ + P_1 + P_0, herald probability per attempt. */
  pSuccess: number;
}

/**
 * Branch probabilities of the heralded double-click link (docs/science.md §3.3).
 * @param detectionEfficiency η ∈ (0, 1]
 * @param darkCountProb p_d per detector per time window, in [0, 1)
 * @example
 * ```ts
 * import { heraldBranches } from "./heralded_double_click.ts";
 * console.assert(heraldBranches(1, 0).pSuccess === 0.5);
 * ```
 */
export function heraldBranches(detectionEfficiency: number, darkCountProb: number): HeraldBranches {
  const eta = detectionEfficiency;
  const p = darkCountProb;
  const dark = 2 * p * (1 - p);
  const pTrue = 0.5 * eta * eta * (1 - p) * (1 - p);
  const pBunching = 0.5 * eta * eta * (1 - p) * dark;
  const pOneDark = 2 * eta * (1 - eta) * (1 - p) * dark;
  const pTwoDark = (1 - eta) * (1 - eta) * dark * dark;
  return {
    pTrue,
    pBunching,
    pOneDark,
    pTwoDark,
    pSuccess: pTrue + pBunching + pOneDark + pTwoDark,
  };
}

/** Matched-basis error probabilities of a link before the detector-error stage. */
export interface MatchedErrors {
  /** Error probability when both parties measured in Z (basis 0). */
  z: number;
  /** Error probability when both parties measured in X (basis 1). */
  x: number;
}

/**
 * Werner weight λ = 1 − 4(1−F)/3 of each side's emitted spin–photon pair (docs/science.md §3.3).
 * @example
 * ```ts
 * import { wernerWeight } from "./heralded_double_click.ts";
 * console.assert(wernerWeight(1) === 1);
 * ```
 */
export function wernerWeight(channelFidelity: number): number {
  return 1 - 4 * (1 - channelFidelity) / 3;
}

/**
 * Matched-basis error of a true-herald (T-branch) pair with Bell-correction failure β
 * (docs/science.md §3.3): (1−λ²)/2 + (2/3)·β·λ², the same in Z and X.
 * @example
 * ```ts
 * import { trueHeraldError } from "./heralded_double_click.ts";
 * console.assert(Math.abs(trueHeraldError(0.99, 0.1) - 0.078145) < 5e-7);
 * ```
 */
export function trueHeraldError(channelFidelity: number, bellCorrectionFailure = 0): number {
  const lambda = wernerWeight(channelFidelity);
  const l2 = lambda * lambda;
  return (1 - l2) / 2 + (2 / 3) * bellCorrectionFailure * l2;
}

/**
 * Exact matched-basis error probabilities of the heralded link (docs/science.md §3.3):
 * QBER_Z = w_T·e_T + w_Φ·(1+λ²)/2 + w_U/2, QBER_X = w_T·e_T + w_Φ/2 + w_U/2, with e_T the
 * T-branch error (including β) and w the normalised branch weights.
 * @example
 * ```ts
 * import { heraldedMatchedErrors } from "./heralded_double_click.ts";
 * const { z, x } = heraldedMatchedErrors(0.95, 1, 0);
 * console.assert(Math.abs(z - 0.0644444) < 1e-6 && z === x);
 * ```
 */
export function heraldedMatchedErrors(
  channelFidelity: number,
  detectionEfficiency: number,
  darkCountProb: number,
  bellCorrectionFailure = 0,
): MatchedErrors {
  const b = heraldBranches(detectionEfficiency, darkCountProb);
  const lambda = wernerWeight(channelFidelity);
  const l2 = lambda * lambda;
  const wT = b.pTrue / b.pSuccess;
  const wPhi = b.pBunching / b.pSuccess;
  const wU = (b.pOneDark + b.pTwoDark) / b.pSuccess;
  const eT = trueHeraldError(channelFidelity, bellCorrectionFailure);
  return {
    z: wT * eT + wPhi * (1 + l2) / 2 + wU / 2,
    x: wT * eT + wPhi / 2 + wU / 2,
  };
}

/**
 * Q_her = (QBER_Z + QBER_X)/2 (docs/science.md §3.3), before the detector-error stage.
 * @example
 * ```ts
 * import { qberHeralded } from "./heralded_double_click.ts";
 * console.assert(Math.abs(qberHeralded(0.99, 0.1, 1e-4) - 0.0169) < 5e-5);
 * ```
 */
export function qberHeralded(
  channelFidelity: number,
  detectionEfficiency: number,
  darkCountProb: number,
  bellCorrectionFailure = 0,
): number {
  const { z, x } = heraldedMatchedErrors(
    channelFidelity,
    detectionEfficiency,
    darkCountProb,
    bellCorrectionFailure,
  );
  return (z + x) / 2;
}
