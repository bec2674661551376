/**
 * Analytic link (docs/science.md §3.4): a binary symmetric channel at Caligo's additive "Erven"
 * formula E1, for comparison with Caligo's formulas. E1 already contains e_det, so the
 * detector-error stage is not applied on top.
 * @module
 */

/**
 * Caligo's E1 `compute_qber_erven` (docs/science.md §3.7): (1−F)/2 + e_det + (1−η)·p_d/2, no cap.
 * @example
 * ```ts
 * import { qberErven } from "./analytic.ts";
 * console.assert(Math.abs(qberErven(0.95, 0.01, 0.9, 1e-5) - 0.0350005) < 1e-10);
 * ```
 */
export function qberErven(
  channelFidelity: number,
  detectorError: number,
  detectionEfficiency: number,
  darkCountProb: number,
): number {
  return (1 - channelFidelity) / 2 + detectorError +
    (1 - detectionEfficiency) * darkCountProb / 2;
}

/**
 * Matched error probability of the `analytic` link: Q_E1 = min(0.5, E1) (docs/science.md §3.4).
 * @example
 * ```ts
 * import { qberAnalyticLink } from "./analytic.ts";
 * console.assert(qberAnalyticLink(0, 0.1, 1, 0) === 0.5);
 * ```
 */
export function qberAnalyticLink(
  channelFidelity: number,
  detectorError: number,
  detectionEfficiency: number,
  darkCountProb: number,
): number {
  return Math.min(
    0.5,
    qberErven(channelFidelity, detectorError, detectionEfficiency, darkCountProb),
  );
}
