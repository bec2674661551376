/**
 * Design of degree distributions for the BSC by density evolution (docs/science.md §9.1): a
 * deterministic hill climb over λ on a fixed set of variable degrees, with ρ concentrated on two
 * consecutive check degrees fixed by the design rate (Richardson, Shokrollahi & Urbanke 2001:
 * check-concentrated ρ is near optimal). A move shifts `step` of edge mass from one λ degree to
 * another; it is accepted when DE (lib/kernels/ldpc/density_evolution.ts) still converges at the
 * current threshold plus `thresholdStep`, so each move costs one DE run. Steps shrink 0.04 → 0.01.
 * Moves must keep the stability condition λ₂ρ'(1) < 1/(2√(p(1−p))) and fewer degree-2 variables
 * than checks (else PEG cannot avoid cycles made only of degree-2 variables). Pure.
 * @module
 */
import { InvalidArgumentError } from "../../errors.ts";
import type { DegreeDistribution, EdgeDistribution } from "./degree_distributions.ts";
import { createBscDensityEvolution, type DensityEvolutionOptions } from "./density_evolution.ts";

/**
 * The check-concentrated ρ (degrees d and d+1) that gives λ the design rate R:
 * Σⱼ ρⱼ/j = (1 − R)·Σᵢ λᵢ/i. `null` when no such ρ with d ≥ 3 exists.
 */
export function concentratedRho(lambda: EdgeDistribution, rate: number): EdgeDistribution | null {
  let intLambda = 0;
  for (const [d, f] of lambda) intLambda += f / d;
  const s = (1 - rate) * intLambda; // Σ ρ_j / j
  if (!(s > 0 && s <= 1 / 3)) return null;
  const d = Math.floor(1 / s);
  // ρ_d/d + (1 − ρ_d)/(d+1) = s
  const rhoD = (s - 1 / (d + 1)) * d * (d + 1);
  if (!(rhoD >= 0 && rhoD <= 1 + 1e-12)) return null;
  return rhoD >= 1 - 1e-12 ? [[d, 1]] : [[d, rhoD], [d + 1, 1 - rhoD]];
}

/** Options of {@link designBscDistribution}. */
export interface DesignOptions {
  /** Starting λ (edge fractions over the degrees that may be used). */
  start: EdgeDistribution;
  /** Threshold gain required to accept a move (0.0005). */
  thresholdStep?: number;
  /** Most DE runs spent on moves (120). */
  maxRuns?: number;
  /** Options of the DE. */
  densityEvolution?: DensityEvolutionOptions;
}

/** Result of {@link designBscDistribution}. */
export interface DesignResult {
  distribution: DegreeDistribution;
  /** BP threshold p* (bisection to 1e-4). */
  threshold: number;
  /** DE runs used by the search (bisections included). */
  runs: number;
}

function stable(lambda: EdgeDistribution, rho: EdgeDistribution, p: number, rate: number): boolean {
  const l2 = lambda.find(([d]) => d === 2)?.[1] ?? 0;
  let rhoPrime = 0;
  for (const [d, f] of rho) rhoPrime += f * (d - 1);
  if (l2 * rhoPrime * 2 * Math.sqrt(p * (1 - p)) >= 1) return false;
  // Degree-2 node fraction below the check fraction (1 − R).
  let nodes = 0;
  for (const [d, f] of lambda) nodes += f / d;
  return l2 / 2 / nodes < 0.95 * (1 - rate);
}

/**
 * Hill-climb λ for rate `rate` on the BSC, maximising the DE threshold (deterministic).
 * @throws InvalidArgumentError when the starting λ admits no concentrated ρ or does not decode at
 * any p ≥ 1e-3
 */
export function designBscDistribution(rate: number, options: DesignOptions): DesignResult {
  const dp = options.thresholdStep ?? 0.0005;
  const maxRuns = options.maxRuns ?? 120;
  let lambda: Array<[number, number]> = options.start.map(([d, f]) => [d, f]);
  const thresholdOf = (l: EdgeDistribution, lo: number, hi: number) => {
    const rho = concentratedRho(l, rate)!;
    return createBscDensityEvolution({ rate, lambda: l, rho }, options.densityEvolution)
      .threshold({ lo, hi, tolerance: 1e-4 });
  };
  let rho = concentratedRho(lambda, rate);
  if (rho === null) throw new InvalidArgumentError("start", options.start, "no concentrated ρ");
  let best = thresholdOf(lambda, 1e-3, 0.3);
  if (best === 0) throw new InvalidArgumentError("start", options.start, "does not decode");
  let runs = 12;
  for (const step of [0.04, 0.02, 0.01]) {
    let improved = true;
    while (improved && runs < maxRuns) {
      improved = false;
      for (let i = 0; i < lambda.length && runs < maxRuns; i++) {
        for (let j = 0; j < lambda.length && runs < maxRuns; j++) {
          if (i === j || lambda[i][1] < step - 1e-12) continue;
          const trial = lambda.map(([d, f], k): [number, number] => [
            d,
            k === i ? Math.max(0, f - step) : k === j ? f + step : f,
          ]);
          const trialRho = concentratedRho(trial, rate);
          if (trialRho === null || !stable(trial, trialRho, best + dp, rate)) continue;
          runs++;
          const de = createBscDensityEvolution(
            { rate, lambda: trial, rho: trialRho },
            options.densityEvolution,
          );
          if (de.run(best + dp).converged) {
            lambda = trial;
            rho = trialRho;
            best += dp;
            improved = true;
          }
        }
      }
    }
  }
  const threshold = thresholdOf(
    lambda,
    Math.max(1e-4, best - 2 * dp),
    Math.min(0.4999, best + 0.02),
  );
  const rounded = lambda.filter(([, f]) => f > 1e-9).map(([d, f]): [number, number] => [
    d,
    Math.round(f * 1e5) / 1e5,
  ]);
  return {
    distribution: {
      rate,
      lambda: rounded,
      rho: rho!.map(([d, f]) => [d, Math.round(f * 1e5) / 1e5]),
    },
    threshold,
    runs: runs + 8,
  };
}
