/**
 * The boundary check on the holdout (docs/campaign.md §10.4): per strategy, F1 of the secure class of
 * the surrogate's verdict (sign of the posterior mean on simulated rows) against the simulated
 * sign, with the class counts. F1 is n/a (NaN) when the holdout lacks a class.
 * @module
 */
import { aboveThreshold, f1Score } from "../../active/level_set_metrics.ts";
import { STRATEGIES, type Strategy, type TwinLandscape } from "../../surrogate/twin_landscape.ts";
import type { Phase2Settings } from "../settings.ts";
import { storedBounds, type TrainingRows, trainingSet } from "../surrogate_data.ts";

/** F1 and class counts of one strategy, or of both pooled. */
export interface HoldoutScore {
  f1: number;
  positives: number;
  negatives: number;
}

/** Scores per fitted strategy and pooled over both. */
export interface HoldoutScores {
  byStrategy: Partial<Record<Strategy, HoldoutScore>>;
  pooled: HoldoutScore;
}

/**
 * Score the twin surrogate on the simulated holdout rows: predicted secure iff μ > t, secure iff
 * the row's target > t (t = `settings.threshold`, the config's `phase3.acquisition.target_threshold`).
 */
export function holdoutScores(
  twin: TwinLandscape,
  holdout: TrainingRows | null,
  settings: Pick<Phase2Settings, "threshold" | "bounds" | "training">,
): HoldoutScores {
  const t = settings.threshold;
  const bounds = storedBounds(settings.bounds);
  const selection = { ...settings.training, trainOnSkipped: false };
  const byStrategy: HoldoutScores["byStrategy"] = {};
  const predicted: number[] = [], truth: number[] = [];
  for (const s of STRATEGIES) {
    if (!holdout || holdout.n === 0 || !twin.isFitted(s)) continue;
    const set = trainingSet([holdout], s, bounds, selection);
    const { mean } = twin.model(s).predict(set.x, { variance: "none" });
    const p = aboveThreshold(mean, t, new Uint8Array(set.n));
    const y = aboveThreshold(set.y, t, new Uint8Array(set.n));
    const r = f1Score(p, y);
    byStrategy[s] = { f1: r.f1, positives: r.positives, negatives: r.negatives };
    predicted.push(...p);
    truth.push(...y);
  }
  const r = f1Score(predicted, truth);
  return { byStrategy, pooled: { f1: r.f1, positives: r.positives, negatives: r.negatives } };
}
