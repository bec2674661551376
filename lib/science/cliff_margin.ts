/**
 * The sign-consistent key margin and the surrogate's target `cliff_margin` (docs/science.md §8.5).
 *
 * `key_margin` = l_raw/N is positive exactly on successful rows: an abort keeps the key length it
 * would have had only where that is ≤ 0 (`abortKeyMargin`). The abort rules make the key length
 * jump at the parameter-estimation threshold (Q_adj = Q̂ + μ > q_hard, which is both the QBER wall
 * and the minimum-N cliff), so the surrogate learns `cliff_margin` instead: the smaller of the
 * unclamped margin and s_Q·(q_hard − Q_adj), clamped to ≤ 0 for every non-success. It has the sign
 * of `key_margin` on every row and is continuous across both thresholds (l_raw = 0 and
 * Q_adj = q_hard).
 * @module
 */

/**
 * s_Q, bits per pair per unit of QBER distance: the slope of the wall term. It is of the order of
 * the margin's own slope near the wall, (1 − τ)/2·f·h′(q_hard) ≈ 0.45·1.2·1.83 ≈ 1.
 */
export const CLIFF_QBER_SLOPE = 1;

/**
 * Stored `key_margin` of a row that did not succeed: min(x, 0); NaN stays NaN.
 * @example
 * ```ts
 * import { abortKeyMargin } from "./cliff_margin.ts";
 * console.assert(abortKeyMargin(0.17) === 0 && abortKeyMargin(-0.02) === -0.02);
 * ```
 */
export function abortKeyMargin(margin: number): number {
  return margin > 0 ? 0 : margin;
}

/**
 * Signed distance to the parameter-estimation abort, q_hard − Q_adj (positive: passes);
 * +∞ where no test set was drawn (Q_adj NaN).
 */
export function qberWallDistance(qAdj: number, qHard: number): number {
  return Number.isNaN(qAdj) ? Infinity : qHard - qAdj;
}

/**
 * `cliff_margin` of a row (docs/science.md §8.5): min(margin, s_Q·d_Q), and ≤ 0 unless the row is a
 * success. `margin` is the unclamped l_raw/N (actual, projected or analytic); NaN stays NaN.
 * @param wallDistance d_Q = q_hard − Q_adj ({@link qberWallDistance})
 * @example
 * ```ts
 * import { cliffMargin } from "./cliff_margin.ts";
 * console.assert(cliffMargin(0.17, -0.01, false) === -0.01);
 * console.assert(cliffMargin(0.05, 0.2, true) === 0.05);
 * ```
 */
export function cliffMargin(margin: number, wallDistance: number, success: boolean): number {
  if (Number.isNaN(margin)) return NaN;
  const c = Math.min(margin, CLIFF_QBER_SLOPE * wallDistance);
  return success ? c : Math.min(c, 0);
}
