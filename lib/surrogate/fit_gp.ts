/**
 * Fitting the GP (docs/campaign.md §9.2–9.5): exact-MLL L-BFGS on the sigmoid-reparametrised
 * log-hyper-parameters with seeded restarts, then conditioning on the data: exact (dense
 * Cholesky) for n ≤ `exactMaxN`, otherwise hyper-parameters on a seeded subset of `sodSize`
 * rows and α by preconditioned CG on all rows (`./condition_gp.ts`).
 * @module
 */
import type { Linalg } from "../kernels/linalg/linalg.ts";
import { tsLinalg } from "../kernels/linalg/ts_linalg.ts";
import { campaignRng, type Rng } from "../kernels/rng.ts";
import { createMllEvaluator } from "./marginal_likelihood.ts";
import { type LbfgsHistory, type LbfgsStatus, minimizeLbfgs } from "./lbfgs.ts";
import {
  initialLogTheta,
  logThetaBounds,
  logThetaToPhi,
  phiToLogTheta,
} from "./hyperparameters.ts";
import { type GpData, standardiseData, type StandardisedData } from "./gp_data.ts";
import { GpModel } from "./gp_model.ts";
import { conditionGp } from "./condition_gp.ts";
import type { LoveCheck } from "./iterative_conditioning.ts";
import { InvalidArgumentError } from "../errors.ts";

/** Gaussian prior on the natural-log length scales (unit-box units). */
export interface LengthScalePrior {
  logMean: number;
  logSd: number;
}

/**
 * Add log N(log ℓ_j; logMean, logSd²) (up to a constant) and its gradient to an MLL value.
 * @returns the log prior
 */
export function addLengthScalePrior(
  prior: LengthScalePrior | undefined,
  logTheta: Float64Array,
  d: number,
  grad: Float64Array,
): number {
  if (!prior) return 0;
  const v = prior.logSd * prior.logSd;
  let lp = 0;
  for (let j = 0; j < d; j++) {
    const z = logTheta[j] - prior.logMean;
    lp -= (0.5 * z * z) / v;
    grad[j] -= z / v;
  }
  return lp;
}

/**
 * Default stall test of the MLL optimiser: stop once the log marginal likelihood gained less than
 * 0.01 nats over 10 L-BFGS iterations (a likelihood ratio of 1.01, far inside the statistical
 * resolution of θ). Measured on the 9-D cliff benchmark at N = 2000: the fit stops after 66
 * instead of 106 evaluations, 0.017 nats below the fully converged MLL (the remaining iterations
 * only pushed an irrelevant length scale from 44 to its bound 100), same test RMSE.
 */
export const DEFAULT_MLL_STALL = Object.freeze({ iterations: 10, decrease: 0.01 });

/**
 * Smallest number of rows for which {@link DEFAULT_MLL_STALL} applies by default: below it a whole
 * fit takes well under a second, and on a few dozen points the MLL is flat enough early on that
 * the stall test can stop on a plateau (measured: tIMSE on Branin with 10–30 points, mean F1
 * 0.983 → 0.963 with the test on every fit).
 */
export const MLL_STALL_MIN_ROWS = 500;

/** Options of {@link fitGp}. All optional. */
export interface GpFitOptions {
  /** Linear-algebra backend (default {@link tsLinalg}; pass the FFI one from `loadBlas`). */
  linalg?: Linalg;
  /** Extra random starts besides start 0 (`n_restarts_optimizer`, default 0). */
  restarts?: number;
  /** Campaign seed of the restart streams (default 0). */
  seed?: number;
  /** Stream prefix; restart r draws from campaignRng(seed, `<stream>/<r>`) (default "gp/adhoc/0"). */
  stream?: string;
  /** Start 0 (log θ, length d+2): the previous optimum; default the §9.2 initial values. */
  initialLogTheta?: Float64Array;
  /** false: keep `initialLogTheta` (no optimisation, e.g. Phase 3 conditioning with fixed θ). */
  optimize?: boolean;
  /** L-BFGS iteration limit (default 200). */
  maxIterations?: number;
  /** Stall test of the optimiser (default {@link DEFAULT_MLL_STALL} from
   * {@link MLL_STALL_MIN_ROWS} rows on); null runs to the tolerances. */
  mllStall?: { iterations: number; decrease: number } | null;
  /** Exact path up to this n (default 10 000). */
  exactMaxN?: number;
  /** Subset-of-data size for the hyper-parameters on the iterative path (default 4000). */
  sodSize?: number;
  /** Build the LOVE cache with this many Lanczos steps (default: 100 on the iterative path, 0 =
   * none on the exact path). */
  loveIterations?: number;
  /** Reference candidates (m×d unit box) whose mean k(X, x) starts Lanczos (default: ≤ 1000
   * training rows). */
  loveReference?: Float64Array;
  /** Bytes allowed for a stored K̂ on the iterative path (default 1 GiB); above it K̂·v is
   * generated tile by tile. */
  memoryBudgetBytes?: number;
  /** PCG relative residual (default 1e-6) and iteration cap (default 1000). */
  cgTolerance?: number;
  cgMaxIterations?: number;
  /**
   * Iterative path: check LOVE against PCG-exact variances at this many fixed probe candidates
   * (the first Sobol points of the unit box; default 8 when θ is optimised, else 0 = off) and put
   * the relative errors in the fit report (`loveCheck`). Costs a block PCG to 1e-8 (N = 10,000,
   * stored K̂: ≈ 25 s on the 2-core dev box; measured median error 11 there, see README).
   */
  loveCheckProbes?: number;
  /** Pivoted-Cholesky preconditioner rank (default 100). */
  preconditionerRank?: number;
  /**
   * Gaussian prior on each log length scale, log ℓ_j ~ N(logMean, logSd²): the optimiser then
   * maximises log p(y|θ) + log p(θ) (MAP). Default none (plain maximum likelihood, §9.4). With
   * few points in many dimensions the likelihood can prefer length scales far below the data
   * spacing (the GP turns into white noise away from the data); a weak prior prevents it.
   */
  lengthScalePrior?: LengthScalePrior;
  /** One length scale shared by all inputs (an isotropic kernel, Caligo's), default false. */
  isotropic?: boolean;
  /** Cooperative cancel, polled once per L-BFGS iteration. */
  shouldStop?: () => boolean;
  /**
   * Coarse-to-fine starts: before the full-data L-BFGS, each start is first optimised on seeded
   * subsets of these sizes (ascending; sizes ≥ n are dropped), each stage starting from the
   * previous optimum and with its L-BFGS curvature pairs (rescaled to the new size), so the
   * expensive full-size evaluations begin near the optimum with a quasi-Newton model. "auto"
   * uses 500, 1000, 2000, … ≤ n/2 (none below n = 1000); "off" (default) disables it.
   * Measured on the 9-D cliff benchmark: "auto" halved the fit time at N = 4000 but ended in a
   * worse local optimum (test RMSE 0.192 vs 0.172); at N = 2000 it matched the cold fit.
   */
  warmStart?: "auto" | "off" | number[];
  /** A clock in ms (e.g. `() => performance.now()`) to time the phases into the fit report. */
  clock?: () => number;
}

/** Subset sizes of the coarse-to-fine stages for n rows (see {@link GpFitOptions.warmStart}). */
export function warmStartSizes(n: number, setting: GpFitOptions["warmStart"] = "auto"): number[] {
  if (setting === "off") return [];
  if (Array.isArray(setting)) return setting.filter((m) => m >= 2 && m < n).sort((a, b) => a - b);
  const out: number[] = [];
  for (let m = 500; m <= n / 2; m *= 2) out.push(m);
  return out;
}

/** One optimiser run. */
export interface RestartResult {
  restart: number;
  logTheta: Float64Array;
  mll: number;
  status: LbfgsStatus | "not-optimised";
  iterations: number;
  /** MLL evaluations on the full (hyper-parameter) data. */
  evaluations: number;
  /** MLL evaluations on the coarse-to-fine subsets, per stage. */
  warmEvaluations?: number[];
  /** L-BFGS curvature pairs at exit (φ space). */
  history?: LbfgsHistory;
}

/** What the fit did (for logs and model.json metrics). */
export interface GpFitReport {
  path: "exact" | "iterative";
  /** Rows used for the hyper-parameters (n, or sodSize on the iterative path). */
  hyperparameterRows: number;
  restarts: RestartResult[];
  bestRestart: number;
  /** PCG iterations and final relative residual (iterative path). */
  cgIterations?: number;
  cgRelativeResidual?: number;
  /** Iterative path: LOVE σ² vs PCG-exact σ² at fixed probes (see `loveCheckProbes`). */
  loveCheck?: LoveCheck;
  /** Wall time per phase in ms, when a clock was passed in `options.clock`. */
  timingsMs?: { hyperparameters: number; conditioning: number };
}

/**
 * Start points: start 0 = `initial`, start r ≥ 1 uniform in the log-bounds from `rngFor(r)`.
 */
export function restartStarts(
  d: number,
  restarts: number,
  initial: Float64Array,
  rngFor: (restart: number) => Rng,
): Float64Array[] {
  const { lo, hi } = logThetaBounds(d);
  const out = [initial.slice()];
  for (let r = 1; r <= restarts; r++) {
    const rng = rngFor(r);
    out.push(Float64Array.from(lo, (l, j) => l + (hi[j] - l) * rng.nextDouble()));
  }
  return out;
}

/**
 * Maximise the exact MLL from one start by L-BFGS on φ (docs/campaign.md §9.4). Needs n ≥ 2;
 * memory 8n² bytes.
 */
export function optimizeFromStart(
  data: StandardisedData,
  la: Linalg,
  start: Float64Array,
  restart: number,
  options: {
    maxIterations?: number;
    shouldStop?: () => boolean;
    relativeDecreaseTolerance?: number;
    initialHistory?: LbfgsHistory;
    lengthScalePrior?: LengthScalePrior;
    /** Default {@link DEFAULT_MLL_STALL} for n ≥ {@link MLL_STALL_MIN_ROWS}; null: off. */
    mllStall?: { iterations: number; decrease: number } | null;
    /** Tie the d length scales to one (optimised in a 3-D φ space). */
    isotropic?: boolean;
  } = {},
): RestartResult {
  const { x, y, n, d } = data;
  const ev = createMllEvaluator(x, y, n, d, la);
  const { lo, hi } = logThetaBounds(d);
  const logTheta = new Float64Array(d + 2), jac = new Float64Array(d + 2);
  const gTheta = new Float64Array(d + 2), phiFull = new Float64Array(d + 2);
  const tie = tiedLengthScales(d, options.isotropic === true);
  const phi0 = tie.reduce(logThetaToPhi(start, lo, hi, new Float64Array(d + 2)));
  const r = minimizeLbfgs(
    (phi, g) => {
      phiToLogTheta(tie.expand(phi, phiFull), lo, hi, logTheta, jac);
      const { mll } = ev.evaluate(logTheta, gTheta);
      const lp = addLengthScalePrior(options.lengthScalePrior, logTheta, d, gTheta);
      for (let j = 0; j < d + 2; j++) gTheta[j] = -gTheta[j] * jac[j];
      tie.reduceGradient(gTheta, g);
      return -(mll + lp);
    },
    phi0,
    {
      maxIterations: options.maxIterations ?? 200,
      shouldStop: options.shouldStop,
      relativeDecreaseTolerance: options.relativeDecreaseTolerance,
      initialHistory: options.initialHistory,
      stall: options.mllStall === undefined
        ? (n >= MLL_STALL_MIN_ROWS ? DEFAULT_MLL_STALL : undefined)
        : options.mllStall ?? undefined,
    },
  );
  return {
    restart,
    logTheta: phiToLogTheta(
      tie.expand(r.x, new Float64Array(d + 2)),
      lo,
      hi,
      new Float64Array(d + 2),
    ),
    mll: -r.f,
    status: r.status,
    iterations: r.iterations,
    evaluations: r.evaluations,
    history: r.history,
  };
}

/**
 * The map between the optimiser's φ and the full (d + 2)-vector: the identity, or with
 * `isotropic` one shared length scale (φ = [ℓ, σ_f², σ_n²]; its gradient is the sum of the
 * length-scale gradients, and a start's length scales are averaged).
 */
export function tiedLengthScales(d: number, isotropic: boolean) {
  if (!isotropic) {
    return {
      reduce: (full: Float64Array) => full,
      expand: (phi: Float64Array, _out: Float64Array) => phi,
      reduceGradient: (full: Float64Array, out: Float64Array) => out.set(full),
    };
  }
  return {
    reduce(full: Float64Array): Float64Array {
      let mean = 0;
      for (let j = 0; j < d; j++) mean += full[j] / d;
      return Float64Array.of(mean, full[d], full[d + 1]);
    },
    expand(phi: Float64Array, out: Float64Array): Float64Array {
      out.fill(phi[0], 0, d);
      out[d] = phi[1];
      out[d + 1] = phi[2];
      return out;
    },
    reduceGradient(full: Float64Array, out: Float64Array): void {
      let sum = 0;
      for (let j = 0; j < d; j++) sum += full[j];
      out[0] = sum;
      out[1] = full[d];
      out[2] = full[d + 1];
    },
  };
}

/**
 * {@link optimizeFromStart} preceded by the coarse-to-fine stages: on seeded subsets of
 * `sizes` rows (stream `<stream>/<restart>/warm<size>`), each from the previous stage's θ.
 */
export function optimizeCoarseToFine(
  data: StandardisedData,
  la: Linalg,
  start: Float64Array,
  restart: number,
  sizes: number[],
  seed: number,
  stream: string,
  options: {
    maxIterations?: number;
    shouldStop?: () => boolean;
    reuseCurvature?: boolean;
    lengthScalePrior?: LengthScalePrior;
    mllStall?: { iterations: number; decrease: number } | null;
    isotropic?: boolean;
  } = {},
): RestartResult {
  let theta = start, history: LbfgsHistory | undefined, rows = 0;
  const warm: number[] = [];
  // The MLL is a sum over data points, so its curvature grows ∝ rows: a stage's curvature pairs
  // seed the next stage's L-BFGS with y scaled by (next rows / rows).
  const scaled = (next: number): LbfgsHistory | undefined =>
    options.reuseCurvature !== false && history
      ? { s: history.s, y: history.y.map((v) => v.map((u) => (u * next) / rows)) }
      : undefined;
  for (const m of sizes) {
    const sub = selectRows(
      data,
      subsetRows(data.n, m, campaignRng(seed, `${stream}/${restart}/warm${m}`)),
    );
    const r = optimizeFromStart(sub, la, theta, restart, { ...options, initialHistory: scaled(m) });
    warm.push(r.evaluations);
    if (Number.isFinite(r.mll)) {
      theta = r.logTheta;
      history = r.history;
      rows = m;
    }
  }
  const res = optimizeFromStart(data, la, theta, restart, {
    ...options,
    initialHistory: scaled(data.n),
  });
  return { ...res, warmEvaluations: warm };
}

/** Best restart: highest MLL, ties → lowest restart index (deterministic, §9.4). */
export function bestRestart(results: RestartResult[]): RestartResult {
  let best = results[0];
  for (const r of results) {
    if (r.mll > best.mll || (r.mll === best.mll && r.restart < best.restart)) best = r;
  }
  return best;
}

/** Seeded uniform subset of `size` row indices out of n (partial Fisher–Yates), sorted. */
export function subsetRows(n: number, size: number, rng: Rng): Int32Array {
  const idx = Int32Array.from({ length: n }, (_, i) => i);
  for (let i = 0; i < size; i++) {
    const j = i + rng.nextBelow(n - i);
    const t = idx[i];
    idx[i] = idx[j];
    idx[j] = t;
  }
  return idx.slice(0, size).sort();
}

/** Rows `rows` of the standardised data (targets keep the full-data standardisation). */
export function selectRows(data: StandardisedData, rows: Int32Array): StandardisedData {
  const { d } = data, m = rows.length;
  const x = new Float64Array(m * d), y = new Float64Array(m);
  for (let i = 0; i < m; i++) {
    x.set(data.x.subarray(rows[i] * d, rows[i] * d + d), i * d);
    y[i] = data.y[rows[i]];
  }
  return { ...data, x, y, n: m };
}

/**
 * Fit a GP to `data` (x n×d row-major in the unit box, y in target units) and condition it.
 * n = 1 keeps the initial θ (nothing to optimise); n = 0, NaN/Inf, or a shape mismatch throw
 * typed errors (see `./gp_data.ts`).
 * @example
 * ```ts
 * import { fitGp } from "./fit_gp.ts";
 * // const la = (await loadBlas({ threads: 1 })) ?? tsLinalg;   // lib/io/blas_loader.ts
 * const x = new Float64Array(40).map((_, i) => (i % 20) / 19);   // 20 points, d = 2
 * const y = new Float64Array(20).map((_, i) => Math.sin(4 * x[2 * i]) + x[2 * i + 1]);
 * const gp = await fitGp({ x, y, d: 2 }, { restarts: 1, seed: 7 });
 * const { mean, variance } = gp.predict(new Float64Array([0.5, 0.5]));
 * console.assert(Number.isFinite(mean[0]) && variance[0] >= 0);
 * ```
 */
export function fitGp(data: GpData, options: GpFitOptions = {}): Promise<GpModel> {
  return Promise.resolve(fitGpSync(data, options));
}

/** Synchronous {@link fitGp}. */
export function fitGpSync(data: GpData, options: GpFitOptions = {}): GpModel {
  const la = options.linalg ?? tsLinalg;
  const std = standardiseData(data);
  const { n, d } = std;
  const restarts = options.restarts ?? 0;
  if (!Number.isInteger(restarts) || restarts < 0) {
    throw new InvalidArgumentError("restarts", restarts, "must be an integer ≥ 0");
  }
  const seed = options.seed ?? 0, stream = options.stream ?? "gp/adhoc/0";
  const exactMaxN = options.exactMaxN ?? 10000, sodSize = options.sodSize ?? 4000;
  const path = n > exactMaxN ? "iterative" : "exact";
  const initial = options.initialLogTheta?.slice() ?? initialLogTheta(d);
  if (initial.length !== d + 2) {
    throw new InvalidArgumentError(
      "initialLogTheta",
      initial.length,
      `must have length d + 2 = ${d + 2}`,
    );
  }
  const hyperData = path === "iterative" && n > sodSize
    ? selectRows(std, subsetRows(n, sodSize, campaignRng(seed, `${stream}/sod`)))
    : std;
  let results: RestartResult[];
  const tStart = options.clock?.() ?? 0;
  if (options.optimize === false || n < 2) {
    results = [{
      restart: 0,
      logTheta: initial,
      mll: NaN,
      status: "not-optimised",
      iterations: 0,
      evaluations: 0,
    }];
  } else {
    const starts = restartStarts(d, restarts, initial, (r) => campaignRng(seed, `${stream}/${r}`));
    const sizes = warmStartSizes(hyperData.n, options.warmStart ?? "off");
    results = starts.map((s, r) =>
      optimizeCoarseToFine(hyperData, la, s, r, sizes, seed, stream, {
        maxIterations: options.maxIterations,
        shouldStop: options.shouldStop,
        lengthScalePrior: options.lengthScalePrior,
        mllStall: options.mllStall,
        isotropic: options.isotropic,
      })
    );
  }
  const best = bestRestart(results);
  const tHyper = options.clock?.() ?? 0;
  const cond = conditionGp(std, la, best.logTheta, path, options);
  const tCond = options.clock?.() ?? 0;
  const report: GpFitReport = {
    path,
    hyperparameterRows: hyperData.n,
    restarts: results,
    bestRestart: best.restart,
    cgIterations: cond.cgIterations,
    cgRelativeResidual: cond.cgRelativeResidual,
    loveCheck: cond.loveCheck,
    timingsMs: options.clock
      ? { hyperparameters: tHyper - tStart, conditioning: tCond - tHyper }
      : undefined,
  };
  return new GpModel(cond.state, la, report);
}
