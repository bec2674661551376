/**
 * Acquisition functions for level-set estimation of the security cliff (docs/campaign.md §10.1).
 * Each scores candidates from the posterior mean μ and latent standard deviation σ of the
 * candidate's own strategy GP, in target units, and writes into the caller's buffer.
 * @module
 */
import { InvalidArgumentError } from "../errors.ts";

/** Acquisition names accepted by the configuration (`ucb` is resolved to `lcb` at load time). */
export type AcquisitionName = "straddle" | "ei" | "lcb";

/** Parameters shared by the acquisitions. */
export interface AcquisitionParams {
  /** κ of straddle and LCB (1.96). */
  kappa: number;
  /** Level t of the level set (key_margin = 0 by default). */
  threshold: number;
  /** ξ of expected improvement (0.01). */
  xi: number;
  /** EI's incumbent: the observed target closest to t (docs/campaign.md §10.1). */
  incumbent?: number;
}

/**
 * Straddle a = κ·σ − |μ − t| (Bryan et al. 2005): large where the level set is uncertain.
 * @example
 * ```ts
 * import { straddle } from "./acquisition.ts";
 * const out = straddle(new Float64Array([0, 1]), new Float64Array([1, 1]), 2, 0, new Float64Array(2));
 * console.assert(out[0] === 2 && out[1] === 1);
 * ```
 */
export function straddle(
  mean: Float64Array,
  std: Float64Array,
  kappa: number,
  threshold: number,
  out: Float64Array,
): Float64Array {
  for (let i = 0; i < mean.length; i++) out[i] = kappa * std[i] - Math.abs(mean[i] - threshold);
  return out;
}

/** Lower confidence bound in Caligo's maximisation form a = −μ + κ·σ. */
export function lowerConfidenceBound(
  mean: Float64Array,
  std: Float64Array,
  kappa: number,
  out: Float64Array,
): Float64Array {
  for (let i = 0; i < mean.length; i++) out[i] = -mean[i] + kappa * std[i];
  return out;
}

/**
 * Expected improvement, Caligo's minimisation form: d = best − μ − ξ, z = d/σ,
 * EI = d·Φ(z) + σ·φ(z); 0 where σ ≤ 1e-12. Always ≥ 0.
 */
export function expectedImprovement(
  mean: Float64Array,
  std: Float64Array,
  best: number,
  xi: number,
  out: Float64Array,
): Float64Array {
  for (let i = 0; i < mean.length; i++) {
    const s = std[i];
    if (!(s > 1e-12)) {
      out[i] = 0;
      continue;
    }
    const d = best - mean[i] - xi;
    const z = d / s;
    out[i] = Math.max(0, d * normalCdf(z) + s * normalPdf(z));
  }
  return out;
}

/** Score with the named acquisition. */
export function scoreAcquisition(
  name: AcquisitionName,
  mean: Float64Array,
  std: Float64Array,
  params: AcquisitionParams,
  out: Float64Array,
): Float64Array {
  if (mean.length !== std.length || out.length < mean.length) {
    throw new InvalidArgumentError(
      "std/out",
      { mean: mean.length, std: std.length, out: out.length },
      "must match the length of mean",
    );
  }
  switch (name) {
    case "straddle":
      return straddle(mean, std, params.kappa, params.threshold, out);
    case "lcb":
      return lowerConfidenceBound(mean, std, params.kappa, out);
    case "ei": {
      if (params.incumbent === undefined || !Number.isFinite(params.incumbent)) {
        throw new InvalidArgumentError(
          "incumbent",
          params.incumbent,
          "expected improvement needs a finite incumbent (an observed target)",
        );
      }
      return expectedImprovement(mean, std, params.incumbent, params.xi, out);
    }
    default:
      throw new InvalidArgumentError(
        "acquisition",
        name,
        'must be one of "straddle", "ei", "lcb"',
      );
  }
}

/** The observed target closest to `threshold` (EI's incumbent, docs/campaign.md §10.1). */
export function closestToThreshold(y: ArrayLike<number>, threshold: number): number {
  let best = NaN, bestDistance = Infinity;
  for (let i = 0; i < y.length; i++) {
    const d = Math.abs(y[i] - threshold);
    if (d < bestDistance) {
      bestDistance = d;
      best = y[i];
    }
  }
  return best;
}

/** Standard normal density φ(z). */
export function normalPdf(z: number): number {
  return Math.exp(-0.5 * z * z) / Math.sqrt(2 * Math.PI);
}

/**
 * Standard normal CDF Φ(z) via the complementary error function (W. J. Cody's rational
 * approximation as in Numerical Recipes erfc, |relative error| < 1.2e-7).
 */
export function normalCdf(z: number): number {
  return 0.5 * erfc(-z / Math.SQRT2);
}

function erfc(x: number): number {
  const z = Math.abs(x);
  const t = 1 / (1 + 0.5 * z);
  const r = t * Math.exp(
    -z * z - 1.26551223 +
      t * (1.00002368 +
          t * (0.37409196 +
              t * (0.09678418 +
                  t * (-0.18628806 +
                      t * (0.27886807 +
                          t *
                            (-1.13520398 +
                              t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
  );
  return x >= 0 ? r : 2 - r;
}
