/**
 * Batch active learning of a level set on a synthetic problem (issue 7 §4): the same loop as
 * Phase 3 (GP fit → candidate pool → acquisition → batch → evaluate), measured by the F1 of
 * {μ > h} against the truth on a fixed evaluation pool after every batch.
 *
 * Methods:
 * - `straddle` — the plain baseline: straddle (κ = 1.96) on a fresh scrambled-Sobol pool, batches
 *   by Kriging believer;
 * - `straddle-refine` — straddle + Kriging believer on a pool enriched by local refinement
 *   around the best candidates (docs/campaign.md §10.2) and a κ that shrinks with the budget;
 * - `ambiguity` — the probability of misclassification min(Φ(z), 1 − Φ(z)), z = (μ − h)/σ,
 *   weighted by σ, with refinement and Kriging believer (Bryan et al. 2005; Gotovos et al. 2013
 *   use the related ambiguity a = min(u − h, h − l)).
 * - `-log` variants warp the output (see below); `timse` picks batches by targeted integrated
 *   variance reduction (`./targeted_variance_reduction.ts`);
 * - `timse-log-partition` — `timse-log` batches, and μ from the surrogate partitioned by the
 *   components of the observed superlevel set (`./superlevel_partition.ts`; one GP per cell).
 * @module
 */
import { campaignRng } from "../kernels/rng.ts";
import { sobolPoints } from "../kernels/sobol.ts";
import { fitGpSync, type GpFitOptions } from "../surrogate/fit_gp.ts";
import type { GpModel } from "../surrogate/gp_model.ts";
import { KrigingBeliever } from "../surrogate/kriging_believer.ts";
import { normalCdf, straddle } from "./acquisition.ts";
import { selectBatchTimse } from "./targeted_variance_reduction.ts";
import { type CandidatePool, selectBatch } from "./batch_selection.ts";
import { aboveThreshold, f1Score } from "./level_set_metrics.ts";
import { fitSuperlevelPartition } from "./superlevel_partition.ts";
import type { LevelSetProblem } from "./test_functions.ts";
import { InvalidArgumentError } from "../errors.ts";

/** Level-set search methods. */
export type LevelSetMethod =
  | "straddle"
  | "straddle-refine"
  | "ambiguity"
  | "straddle-log"
  | "ambiguity-log"
  | "randomized-straddle"
  | "timse"
  | "timse-log"
  | "timse-log-partition";
export const LEVEL_SET_METHODS: readonly LevelSetMethod[] = [
  "straddle",
  "straddle-refine",
  "ambiguity",
  "straddle-log",
  "ambiguity-log",
  "randomized-straddle",
  "timse",
  "timse-log",
  "timse-log-partition",
];

/**
 * Monotone output warping of the `-log` methods: y ↦ ln(y − min + c), c = 0.2·(h − min) with min
 * the smallest value observed in the initial design. A monotone map leaves the level set
 * {y > h} unchanged (it becomes {w(y) > w(h)}) while compressing sharp peaks, which suits a
 * stationary GP better.
 */
function createWarp(method: LevelSetMethod, h: number, ys: readonly number[], offset = 0.2) {
  if (!method.endsWith("-log")) return (y: number) => y;
  const lo = Math.min(...ys, h);
  const c = Math.max((h - lo) * offset, 1e-9);
  return (y: number) => Math.log(Math.max(y - lo + c, c * 1e-6));
}

/**
 * Length-scale prior of every method but the plain `straddle` baseline: log ℓ ~ N(ln 0.5, 1.5²)
 * in unit-box units (median 0.5, a factor 4.5 either way at 1σ). With 20–150 points in 6-D,
 * maximum likelihood alone sometimes collapses to tiny length scales; measured on −Hartmann-6
 * with tIMSE: mean F1 0.867 → 0.877 (4 seeds).
 */
export const DEFAULT_LENGTH_SCALE_PRIOR = { logMean: Math.log(0.5), logSd: 1.5 };

/** Options of {@link runLevelSetSearch}. */
export interface LevelSetSearchOptions {
  problem: LevelSetProblem;
  method: LevelSetMethod;
  /** Seed of every stream of the run. */
  seed: number;
  /** Initial design size (scrambled Sobol). */
  initialPoints: number;
  /** Total evaluations, initial design included. */
  budget: number;
  /** Batch size q ≥ 1. */
  q: number;
  /** Candidate pool size per iteration (default max(1000, 100q)). */
  poolSize?: number;
  /** Size of the fixed evaluation pool for F1 (default 20 000). */
  evaluationPoolSize?: number;
  /** κ of straddle (1.96). */
  kappa?: number;
  /** tIMSE: reference-set size (default 2048) and ε as a fraction of s_y (default 0.05). */
  referenceSize?: number;
  timseEpsilon?: number;
  /** tIMSE weight width γ (default 1.5: measured on −Hartmann-6, it recovers missed components). */
  timseWidth?: number;
  /** `-log` methods: warp offset c as a fraction of (h − min y) (default 0.2). */
  warpOffset?: number;

  /** GP fit options (linear-algebra backend, restarts). */
  fit?: GpFitOptions;
  /** Called after each fit with the iteration's model and F1 (progress, diagnostics). */
  onIteration?: (info: { iteration: number; evaluations: number; f1: number; gp: GpModel }) => void;
}

/** F1 after a number of evaluations. */
export interface LevelSetCurvePoint {
  evaluations: number;
  f1: number;
}

/** Result of one seeded run. */
export interface LevelSetSearchResult {
  problem: string;
  method: LevelSetMethod;
  seed: number;
  q: number;
  curve: LevelSetCurvePoint[];
  /** F1 at the budget. */
  finalF1: number;
  /** Fraction of the evaluation pool inside the true level set. */
  truePositiveFraction: number;
}

/**
 * Run one seeded level-set search. Synchronous and pure (the clock is not read).
 * @example
 * ```ts
 * import { runLevelSetSearch } from "./level_set_search.ts";
 * import { branin } from "./test_functions.ts";
 * const r = runLevelSetSearch({ problem: branin, method: "straddle", seed: 1, initialPoints: 10,
 *   budget: 14, q: 2, evaluationPoolSize: 500 });
 * console.assert(r.curve.length === 3);
 * ```
 */
export function runLevelSetSearch(options: LevelSetSearchOptions): LevelSetSearchResult {
  const { problem, method, seed, q } = options;
  const d = problem.dimension, h = problem.threshold;
  if (!LEVEL_SET_METHODS.includes(method)) {
    throw new InvalidArgumentError(
      "method",
      method,
      `must be one of ${LEVEL_SET_METHODS.join(", ")}`,
    );
  }
  if (!(Number.isInteger(q) && q >= 1)) throw new InvalidArgumentError("q", q, "must be ≥ 1");
  if (!(options.initialPoints >= 2 && options.budget >= options.initialPoints)) {
    throw new InvalidArgumentError(
      "budget",
      options.budget,
      `must be ≥ initialPoints (${options.initialPoints}) ≥ 2`,
    );
  }
  const kappa0 = options.kappa ?? 1.96;
  const poolSize = options.poolSize ?? Math.max(1000, 100 * q);
  // Fixed evaluation pool and its true labels.
  const evalSize = options.evaluationPoolSize ?? 20_000;
  const evalPool = sobolPoints(d, evalSize, 0, campaignRng(seed, `lse/${problem.name}/eval`));
  const truth = new Uint8Array(evalSize);
  for (let i = 0; i < evalSize; i++) {
    truth[i] = problem.evaluate(evalPool.subarray(i * d, i * d + d)) > h ? 1 : 0;
  }
  // Initial design.
  const xs: number[] = Array.from(
    sobolPoints(d, options.initialPoints, 0, campaignRng(seed, `lse/${problem.name}/init`)),
  );
  const ys: number[] = [];
  for (let i = 0; i < options.initialPoints; i++) {
    ys.push(problem.evaluate(xs.slice(i * d, i * d + d)));
  }
  const partitioned = method.endsWith("-partition");
  const unpartitioned = method.replace("-partition", "") as LevelSetMethod;
  const warp = createWarp(unpartitioned, h, ys, options.warpOffset);
  const hw = warp(h);
  const base = unpartitioned.replace("-log", "") as LevelSetMethod;
  const curve: LevelSetCurvePoint[] = [];
  let logTheta: Float64Array | undefined;
  const predicted = new Uint8Array(evalSize);
  for (let iteration = 0;; iteration++) {
    const x = Float64Array.from(xs), yw = Float64Array.from(ys, warp);
    const fit = (rows: Int32Array | null, stream: string, start?: Float64Array) => {
      const sub = rows ?? null;
      return fitGpSync(
        {
          x: sub
            ? Float64Array.from(
              { length: sub.length * d },
              (_, k) => x[sub[Math.floor(k / d)] * d + (k % d)],
            )
            : x,
          y: sub ? Float64Array.from(sub, (r) => yw[r]) : yw,
          d,
        },
        {
          lengthScalePrior: method === "straddle" ? undefined : DEFAULT_LENGTH_SCALE_PRIOR,
          ...options.fit,
          seed,
          stream,
          initialLogTheta: start,
          restarts: options.fit?.restarts ?? 2,
        },
      );
    };
    const gp = fit(null, `lse/${problem.name}/gp/${iteration}`, logTheta);
    logTheta = gp.state.logTheta;
    const mean = partitioned
      ? fitSuperlevelPartition(
        gp,
        x,
        yw,
        hw,
        (rows, cell, start) => fit(rows, `lse/${problem.name}/gp/${iteration}/cell${cell}`, start),
      ).predictMean(evalPool)
      : gp.predict(evalPool, { variance: "none" }).mean;
    const f1 = f1Score(aboveThreshold(mean, hw, predicted), truth).f1;
    curve.push({ evaluations: ys.length, f1 });
    options.onIteration?.({ iteration, evaluations: ys.length, f1, gp });
    const remaining = options.budget - ys.length;
    if (remaining <= 0) break;
    const batch = Math.min(q, remaining);
    const progress = ys.length / options.budget;
    const kappa = base === "straddle-refine" ? kappa0 * (1 - 0.5 * progress) : kappa0;
    const pool = buildPool(gp, problem, base, seed, iteration, poolSize, kappa, hw);
    if (base === "timse") {
      const rng = campaignRng(seed, `lse/${problem.name}/pool/${iteration}`);
      const candidates = sobolPoints(d, poolSize, 0, rng);
      const reference = sobolPoints(
        d,
        options.referenceSize ?? 2048,
        0,
        campaignRng(seed, `lse/${problem.name}/ref/${iteration}`),
      );
      const picks = selectBatchTimse(gp, candidates, reference, {
        q: batch,
        threshold: hw,
        epsilonFraction: options.timseEpsilon,
        widthFactor: options.timseWidth ?? 1.5,
      });
      for (const pick of picks) {
        const x = Array.from(candidates.subarray(pick.index * d, pick.index * d + d));
        xs.push(...x);
        ys.push(problem.evaluate(x));
      }
      if (picks.length === 0) break;
      continue;
    }
    const kappaRng = campaignRng(seed, `lse/${problem.name}/kappa/${iteration}`);
    const score = base === "randomized-straddle"
      ? (m: Float64Array, sd: Float64Array, out: Float64Array) =>
        // Randomized straddle (Inatsu et al. 2024): κ² ~ χ²₂ drawn afresh for every pick.
        straddle(m, sd, Math.sqrt(-2 * Math.log(1 - kappaRng.nextDouble())), hw, out)
      : scorer(base, kappa, hw);
    const picks = selectBatch([pool], score, {
      method: "kriging_believer",
      q: batch,
    });
    for (const pick of picks) {
      const x = Array.from(pool.x.subarray(pick.index * d, pick.index * d + d));
      xs.push(...x);
      ys.push(problem.evaluate(x));
    }
    if (picks.length === 0) break;
  }
  let positives = 0;
  for (let i = 0; i < evalSize; i++) positives += truth[i];
  return {
    problem: problem.name,
    method,
    seed,
    q,
    curve,
    finalF1: curve[curve.length - 1].f1,
    truePositiveFraction: positives / evalSize,
  };
}

function scorer(method: LevelSetMethod, kappa: number, h: number) {
  if (method === "ambiguity") {
    return (mean: Float64Array, std: Float64Array, out: Float64Array) => {
      for (let i = 0; i < mean.length; i++) {
        const s = std[i];
        if (!(s > 1e-12)) {
          out[i] = 0;
          continue;
        }
        const p = normalCdf((mean[i] - h) / s);
        out[i] = s * Math.min(p, 1 - p);
      }
      return out;
    };
  }
  return (mean: Float64Array, std: Float64Array, out: Float64Array) =>
    straddle(mean, std, kappa, h, out);
}

/** A scrambled-Sobol pool, optionally refined around its best candidates (docs/campaign.md §10.2). */
function buildPool(
  gp: GpModel,
  problem: LevelSetProblem,
  method: LevelSetMethod,
  seed: number,
  iteration: number,
  poolSize: number,
  kappa: number,
  h: number,
): CandidatePool {
  const d = problem.dimension;
  const rng = campaignRng(seed, `lse/${problem.name}/pool/${iteration}`);
  let x = sobolPoints(d, poolSize, 0, rng);
  if (method === "straddle-refine") {
    // Local refinement: around the top candidates, uniform samples in a shrinking box; the best
    // of each neighbourhood is added to the pool (two rounds, radius halved).
    const score = scorer(method, kappa, h);
    const top = Math.max(8, Math.ceil(poolSize / 50));
    const perPoint = 16;
    let radius = 0.05;
    for (let round = 0; round < 2; round++, radius /= 2) {
      const p = gp.predict(x, { variance: "exact" });
      const m = x.length / d;
      const a = score(p.mean, p.variance.map(Math.sqrt), new Float64Array(m));
      const order = Array.from({ length: m }, (_, i) => i).sort((i, j) => a[j] - a[i] || i - j);
      const extra = new Float64Array(top * perPoint * d);
      for (let t = 0; t < top; t++) {
        const c = order[t];
        for (let s = 0; s < perPoint; s++) {
          for (let j = 0; j < d; j++) {
            const v = x[c * d + j] + radius * (2 * rng.nextDouble() - 1);
            extra[(t * perPoint + s) * d + j] = Math.min(1, Math.max(0, v));
          }
        }
      }
      const merged = new Float64Array(x.length + extra.length);
      merged.set(x);
      merged.set(extra, x.length);
      x = merged;
    }
  }
  const kb = new KrigingBeliever(gp, x);
  const mean = gp.predict(x, { variance: "none" }).mean;
  const s2 = gp.state.yStd ** 2;
  const std = new Float64Array(kb.latentVariance.length);
  const refresh = () => {
    for (let i = 0; i < std.length; i++) std[i] = Math.sqrt(kb.latentVariance[i] * s2);
  };
  refresh();
  // Exclude candidates within 1e-6 of a training point (docs/campaign.md §10.2).
  const excluded = new Uint8Array(std.length);
  for (let i = 0; i < std.length; i++) if (std[i] < 1e-9) excluded[i] = 1;
  return {
    x,
    d,
    mean,
    std,
    excluded,
    condition(index) {
      kb.conditionOnPick(index);
      refresh();
    },
  };
}
