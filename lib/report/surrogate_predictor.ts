/**
 * What the figures need from a surrogate (docs/campaign.md §9): per-strategy predictive mean and
 * latent standard deviation in target units at points given in stored units, and optionally the
 * ARD length scales. Adapters wrap the GP model of lib/surrogate; tests use analytic predictors.
 * @module
 */
import type { GpModel } from "../surrogate/gp_model.ts";

/** The two strategy GPs. */
export type StrategyName = "baseline" | "blind";
/** Strategy names in stored-code order (0 baseline, 1 blind). */
export const STRATEGIES: readonly StrategyName[] = ["baseline", "blind"];

/** A fitted twin surrogate. */
export interface SurrogatePredictor {
  /** Names of the 8 continuous stored columns, in order. */
  columns: readonly string[];
  /** Lower and upper bound per continuous column, stored units (the campaign box). */
  bounds: { lo: Float64Array; hi: Float64Array };
  /** Target name ("key_margin" or "net_efficiency"). */
  target?: string;
  /** Decision threshold t on the target (default 0). */
  threshold?: number;
  /**
   * μ and latent σ (target units) of the strategy's GP at the rows of `xStored`
   * (n×8 row-major, stored units).
   */
  predict(strategy: StrategyName, xStored: Float64Array): { mean: Float64Array; std: Float64Array };
  /** ARD length scales ℓ (unit-box units, length 8), if the model has them. */
  lengthScales?(strategy: StrategyName): Float64Array | undefined;
  /** Validation metrics per strategy (R², RMSE, …), if stored with the model. */
  metrics?: Partial<Record<StrategyName, Record<string, number>>>;
  /** Training rows of the larger GP (sets the cost of a prediction), if known. */
  trainingRows?: number;
  /** Where the model came from (e.g. "surrogate_final/"). */
  source?: string;
  /**
   * The fitted GP of a strategy (training inputs, α, θ, standardisation), when the predictor
   * wraps one: the cliff explorer embeds it in report.html.
   */
  gpModel?(strategy: StrategyName): GpModel | undefined;
}
