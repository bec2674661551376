/**
 * Boundary quality of a level-set estimate (docs/campaign.md §10.4): F1 of the predicted super-level
 * set {μ > t} against labels, and the stability stopping rule.
 * @module
 */

/** Confusion counts and F1 of `predicted` against `truth` (1 = inside the level set). */
export interface F1Result {
  /** F1 of the positive class; NaN (n/a) when `truth` lacks either class. */
  f1: number;
  /** Positives and negatives of `truth`. */
  positives: number;
  negatives: number;
  precision: number;
  recall: number;
  truePositive: number;
  falsePositive: number;
  falseNegative: number;
}

/**
 * F1 score of the positive class of `predicted` against `truth` (0/1 labelings of the same
 * points). It is n/a (NaN) when `truth` has no positive or no negative point: a score on one class
 * says nothing about a boundary (it used to read 1 with no positives at all). Precision is NaN
 * when nothing is predicted positive, recall NaN without true positives.
 * @example
 * ```ts
 * import { f1Score } from "./level_set_metrics.ts";
 * const r = f1Score(new Uint8Array([1, 1, 0, 0]), new Uint8Array([1, 0, 1, 0]));
 * console.assert(r.f1 === 0.5);
 * console.assert(Number.isNaN(f1Score([0, 0], [0, 0]).f1));
 * ```
 */
export function f1Score(predicted: ArrayLike<number>, truth: ArrayLike<number>): F1Result {
  let tp = 0, fp = 0, fn = 0;
  for (let i = 0; i < truth.length; i++) {
    const p = predicted[i] ? 1 : 0, t = truth[i] ? 1 : 0;
    if (p && t) tp++;
    else if (p) fp++;
    else if (t) fn++;
  }
  const positives = tp + fn, negatives = truth.length - positives;
  const precision = tp + fp === 0 ? NaN : tp / (tp + fp);
  const recall = positives === 0 ? NaN : tp / positives;
  const f1 = positives === 0 || negatives === 0 ? NaN : (2 * tp) / (2 * tp + fp + fn);
  return {
    f1,
    positives,
    negatives,
    precision,
    recall,
    truePositive: tp,
    falsePositive: fp,
    falseNegative: fn,
  };
}

/**
 * Matthews correlation coefficient of two 0/1 labelings (0 where a margin of the confusion table
 * is empty).
 * @example
 * ```ts
 * import { matthewsCorrelation } from "./level_set_metrics.ts";
 * console.assert(matthewsCorrelation([1, 0, 1, 0], [1, 0, 1, 0]) === 1);
 * ```
 */
export function matthewsCorrelation(
  predicted: ArrayLike<number>,
  truth: ArrayLike<number>,
): number {
  let tp = 0, fp = 0, fn = 0, tn = 0;
  for (let i = 0; i < truth.length; i++) {
    const p = predicted[i] ? 1 : 0, t = truth[i] ? 1 : 0;
    if (p && t) tp++;
    else if (p) fp++;
    else if (t) fn++;
    else tn++;
  }
  const den = Math.sqrt((tp + fp) * (tp + fn) * (tn + fp) * (tn + fn));
  return den === 0 ? 0 : (tp * tn - fp * fn) / den;
}

/** Labels 1 where `values[i] > threshold`, written into `out`. */
export function aboveThreshold(
  values: ArrayLike<number>,
  threshold: number,
  out: Uint8Array,
): Uint8Array {
  for (let i = 0; i < values.length; i++) out[i] = values[i] > threshold ? 1 : 0;
  return out;
}

/** Options of the boundary-stability stopping rule (docs/campaign.md §10.4). */
export interface StabilityRule {
  /** Largest allowed change of F1 over the window (0.005). */
  f1Delta: number;
  /** Number of previous iterations compared (3). */
  window: number;
  /** No stop before this many iterations (5). */
  minIterations: number;
}

/**
 * Whether the boundary is stable after iteration k = history.length − 1 (F1_0 … F1_k):
 * k ≥ minIterations and max_{j=1..window} |F1_k − F1_{k−j}| < f1Delta. Non-finite values never
 * count as stable.
 */
export function isBoundaryStable(history: readonly number[], rule: StabilityRule): boolean {
  const k = history.length - 1;
  if (k < rule.minIterations || k < rule.window) return false;
  const current = history[k];
  if (!Number.isFinite(current)) return false;
  for (let j = 1; j <= rule.window; j++) {
    const previous = history[k - j];
    if (!Number.isFinite(previous) || !(Math.abs(current - previous) < rule.f1Delta)) return false;
  }
  return true;
}
