/**
 * The twin landscape (docs/campaign.md §9.1): one GP per strategy, baseline and blind, trained on the
 * rows of that strategy, and their divergence (reported as diagnostics, never a failure).
 * @module
 */
import { CaligoError } from "../errors.ts";
import type { GpModel, GpPrediction, PredictOptions } from "./gp_model.ts";

/** The two strategies, each with its own GP. */
export type Strategy = "baseline" | "blind";
/** Both strategies in a fixed order. */
export const STRATEGIES: readonly Strategy[] = ["baseline", "blind"];

/** A strategy's GP was used before it was fitted (e.g. no training rows). */
export class NotFittedError extends CaligoError {
  constructor(readonly strategy: Strategy) {
    super(`the ${strategy} GP has not been fitted (no training rows for this strategy?)`);
  }
}

/** Mean difference diagnostics between the blind and baseline GPs at candidate rows. */
export interface DivergencePrediction {
  baseline: GpPrediction;
  blind: GpPrediction;
  /** μ_blind − μ_baseline per candidate (target units). */
  meanDifference: Float64Array;
  /** mean and max of |μ_blind − μ_baseline|. */
  meanAbsDifference: number;
  maxAbsDifference: number;
}

/**
 * Baseline and blind GPs side by side; either may be null (unfitted).
 * @example
 * ```ts
 * import { fitGp } from "./fit_gp.ts";
 * import { TwinLandscape } from "./twin_landscape.ts";
 * const x = new Float64Array([0, 0.5, 1]);
 * const twin = new TwinLandscape(await fitGp({ x, y: x.slice(), d: 1 }), null);
 * console.assert(twin.predictBaseline(new Float64Array([0.5])).mean.length === 1);
 * ```
 */
export class TwinLandscape {
  constructor(readonly baseline: GpModel | null, readonly blind: GpModel | null) {}

  /** The GP of `strategy`; throws {@link NotFittedError} if it is absent. */
  model(strategy: Strategy): GpModel {
    const gp = strategy === "baseline" ? this.baseline : this.blind;
    if (!gp) throw new NotFittedError(strategy);
    return gp;
  }

  /** True when the strategy's GP exists. */
  isFitted(strategy: Strategy): boolean {
    return (strategy === "baseline" ? this.baseline : this.blind) !== null;
  }

  /** μ and σ² of `strategy`'s GP at the rows of `xq` (m×d unit box). */
  predict(strategy: Strategy, xq: Float64Array, options?: PredictOptions): GpPrediction {
    return this.model(strategy).predict(xq, options);
  }

  /** {@link TwinLandscape.predict} for the baseline GP. */
  predictBaseline(xq: Float64Array, options?: PredictOptions): GpPrediction {
    return this.predict("baseline", xq, options);
  }

  /** {@link TwinLandscape.predict} for the blind GP. */
  predictBlind(xq: Float64Array, options?: PredictOptions): GpPrediction {
    return this.predict("blind", xq, options);
  }

  /** Both predictions and the mean difference μ_blind − μ_baseline. */
  predictDivergence(xq: Float64Array, options?: PredictOptions): DivergencePrediction {
    const baseline = this.predictBaseline(xq, options), blind = this.predictBlind(xq, options);
    const m = baseline.mean.length, meanDifference = new Float64Array(m);
    let sum = 0, max = 0;
    for (let i = 0; i < m; i++) {
      const v = blind.mean[i] - baseline.mean[i];
      meanDifference[i] = v;
      sum += Math.abs(v);
      max = Math.max(max, Math.abs(v));
    }
    return {
      baseline,
      blind,
      meanDifference,
      meanAbsDifference: m ? sum / m : 0,
      maxAbsDifference: max,
    };
  }
}
