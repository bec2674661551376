/**
 * The JSON summary's entries of Phases 2 and 3 (docs/campaign.md §11.1): validation metrics and
 * holdout F1 per strategy, non-finite values as null.
 * @module
 */
import type { Strategy } from "../../surrogate/twin_landscape.ts";
import type { HoldoutScore, HoldoutScores } from "../phases/holdout_scores.ts";
import type { StrategyMetrics, TwinFit } from "../phases/phase2.ts";
import type { CampaignRunResult } from "./run_options.ts";

const finiteOrNull = (v: number) => Number.isFinite(v) ? v : null;

/** The JSON summary's `phase2` entry: validation R² and RMSE per fitted strategy. */
export function phase2Summary(fit: TwinFit): CampaignRunResult["phase2"] {
  const out: CampaignRunResult["phase2"] = {};
  for (const [s, m] of Object.entries(fit.metrics) as [Strategy, StrategyMetrics][]) {
    out[s] = { validationR2: finiteOrNull(m.r2), rmse: finiteOrNull(m.rmse) };
  }
  return out;
}

/** The JSON summary's `holdout` entry. */
export function holdoutSummary(h: HoldoutScores): CampaignRunResult["holdout"] {
  const out: CampaignRunResult["holdout"] = {};
  for (const [s, v] of Object.entries(h.byStrategy) as [Strategy, HoldoutScore][]) {
    out[s] = { f1: finiteOrNull(v.f1), positives: v.positives, negatives: v.negatives };
  }
  return out;
}
