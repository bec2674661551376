/**
 * A synthetic analytic surrogate for tests and benches: μ_baseline = 2(F − 0.5) − 0.2 − 0.5·r +
 * 0.05·log10 η, μ_blind = μ_baseline + 0.02 + 0.01·log10 p_d + 0.06, σ = 0.02 + 0.05·r.
 * Internal: not part of the public API.
 * @module
 */
import { CONTINUOUS_WIDTH, STORED_COLUMNS } from "./campaign_data.ts";
import type { StrategyName, SurrogatePredictor } from "./surrogate_predictor.ts";

/** Default campaign box of docs/campaign.md §2.1 in stored units. */
export const DEFAULT_BOX = {
  lo: new Float64Array([0, -3, 5, 0.501, -3, 0, -8, 4]),
  hi: new Float64Array([1, 0, 9, 1, 0, 0.1, -3, 6]),
};

/** The analytic predictor (see the module doc). */
export function analyticPredictor(): SurrogatePredictor {
  return {
    columns: STORED_COLUMNS.slice(0, CONTINUOUS_WIDTH),
    bounds: DEFAULT_BOX,
    target: "key_margin",
    threshold: 0,
    predict(strategy: StrategyName, x: Float64Array) {
      const n = x.length / CONTINUOUS_WIDTH;
      const mean = new Float64Array(n);
      const std = new Float64Array(n);
      for (let i = 0; i < n; i++) {
        const o = i * CONTINUOUS_WIDTH;
        const base = 2 * (x[o + 3] - 0.5) - 0.2 - 0.5 * x[o] + 0.05 * x[o + 4];
        mean[i] = strategy === "blind" ? base + 0.08 + 0.01 * x[o + 6] : base;
        std[i] = 0.02 + 0.05 * x[o];
      }
      return { mean, std };
    },
    lengthScales: (s: StrategyName) =>
      new Float64Array([0.8, 50, 60, 0.4, 3, 70, s === "blind" ? 5 : 80, 40]),
  };
}
