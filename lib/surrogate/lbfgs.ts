/**
 * L-BFGS minimiser with a strong-Wolfe line search (Nocedal & Wright 2006, Alg. 7.4 two-loop
 * recursion; Alg. 3.5 + 3.6 line search with cubic interpolation in `zoom`). Used on the
 * sigmoid-reparametrised GP hyper-parameters (docs/campaign.md §9.4): history 10, ≤ 200 iterations,
 * gradient tolerance 1e-5 (∞-norm), plus scipy's relative-decrease test (ftol 2.2e-9) so flat
 * optima do not run to the iteration limit, and an optional stall test (f decreased by less than
 * an absolute amount over the last few iterations). Non-finite function values are treated as
 * "step too long" by the line search.
 * @module
 */

/** f(x) with its gradient written into `g`. */
export type ObjectiveWithGradient = (x: Float64Array, g: Float64Array) => number;

/** Options of {@link minimizeLbfgs}. */
export interface LbfgsOptions {
  /** History length m (default 10). */
  history?: number;
  /** Maximum iterations (default 200). */
  maxIterations?: number;
  /** Stop when ‖g‖∞ ≤ gradientTolerance (default 1e-5). */
  gradientTolerance?: number;
  /** Stop when (f_k − f_{k+1}) / max(|f_k|, |f_{k+1}|, 1) ≤ this (default 2.2e-9). */
  relativeDecreaseTolerance?: number;
  /**
   * Stop with "stalled" when f decreased by less than `decrease` (absolute, units of f) over the
   * last `iterations` iterations. Default off. For a log marginal likelihood in nats, a total gain
   * of 0.01 over 10 iterations is a likelihood ratio of 1.01: the flat tail along an irrelevant
   * length scale that otherwise takes 40 % of a fit (`lib/surrogate/fit_gp.ts`).
   */
  stall?: { iterations: number; decrease: number };
  /** Maximum function evaluations per line search (default 25). */
  maxLineSearchEvaluations?: number;
  /** Cooperative cancel: polled once per iteration; true stops with status "cancelled". */
  shouldStop?: () => boolean;
  /**
   * Curvature pairs (s_k, y_k) to start from, oldest first (e.g. from a fit on a data subset,
   * with y rescaled), so the first steps already use a quasi-Newton model.
   */
  initialHistory?: LbfgsHistory;
}

/** The stored curvature pairs of L-BFGS, oldest first. */
export interface LbfgsHistory {
  s: Float64Array[];
  y: Float64Array[];
}

/** How the minimiser stopped (an expected outcome, not an error). */
export type LbfgsStatus =
  | "gradient-tolerance"
  | "relative-decrease"
  | "max-iterations"
  | "stalled"
  | "line-search-failed"
  | "cancelled";

/** Result of {@link minimizeLbfgs}. */
export interface LbfgsResult {
  x: Float64Array;
  f: number;
  status: LbfgsStatus;
  iterations: number;
  evaluations: number;
  /** The curvature pairs at exit (oldest first). */
  history: LbfgsHistory;
}

/**
 * Minimise `fg` from `x0` (not modified).
 * @example
 * ```ts
 * import { minimizeLbfgs } from "./lbfgs.ts";
 * const r = minimizeLbfgs((x, g) => {
 *   g[0] = 2 * (x[0] - 3); g[1] = 20 * (x[1] + 1);
 *   return (x[0] - 3) ** 2 + 10 * (x[1] + 1) ** 2;
 * }, new Float64Array([0, 0]));
 * console.assert(Math.abs(r.x[0] - 3) < 1e-5 && Math.abs(r.x[1] + 1) < 1e-5);
 * ```
 */
export function minimizeLbfgs(
  fg: ObjectiveWithGradient,
  x0: Float64Array,
  options: LbfgsOptions = {},
): LbfgsResult {
  const m = options.history ?? 10, maxIt = options.maxIterations ?? 200;
  const gtol = options.gradientTolerance ?? 1e-5;
  const ftol = options.relativeDecreaseTolerance ?? 2.2e-9;
  const maxLs = options.maxLineSearchEvaluations ?? 25;
  const c1 = 1e-4, c2 = 0.9;
  const n = x0.length;
  const x = x0.slice(), g = new Float64Array(n), p = new Float64Array(n);
  const xt = new Float64Array(n), gt = new Float64Array(n);
  const sHist: Float64Array[] = [], yHist: Float64Array[] = [], rho: number[] = [];
  const init = options.initialHistory;
  if (init) {
    for (let k = Math.max(0, init.s.length - m); k < init.s.length; k++) {
      let sy = 0;
      for (let i = 0; i < n; i++) sy += init.s[k][i] * init.y[k][i];
      if (!(sy > 0)) continue;
      sHist.push(init.s[k].slice());
      yHist.push(init.y[k].slice());
      rho.push(1 / sy);
    }
  }
  const history = { s: sHist, y: yHist };
  const alphaBuf = new Float64Array(m);
  let evaluations = 1;
  let f = fg(x, g);
  if (!Number.isFinite(f)) {
    return { x, f, status: "line-search-failed", iterations: 0, evaluations, history };
  }
  let lastTrial = NaN, lastF = NaN;
  const evalAt = (step: number): [number, number] => {
    for (let i = 0; i < n; i++) xt[i] = x[i] + step * p[i];
    evaluations++;
    lastTrial = step;
    const ft = fg(xt, gt);
    lastF = Number.isFinite(ft) ? ft : Infinity;
    let dt = 0;
    for (let i = 0; i < n; i++) dt += gt[i] * p[i];
    return [lastF, dt];
  };
  const normInf = (v: Float64Array) => v.reduce((a, b) => Math.max(a, Math.abs(b)), 0);
  const stall = options.stall;
  const fAfter: number[] = [f]; // f after each iteration (index 0: start)
  for (let it = 0; it < maxIt; it++) {
    if (normInf(g) <= gtol) {
      return { x, f, status: "gradient-tolerance", iterations: it, evaluations, history };
    }
    if (options.shouldStop?.()) {
      return { x, f, status: "cancelled", iterations: it, evaluations, history };
    }
    // Two-loop recursion: p = −H·g.
    for (let i = 0; i < n; i++) p[i] = -g[i];
    const k = sHist.length;
    for (let j = k - 1; j >= 0; j--) {
      let a = 0;
      for (let i = 0; i < n; i++) a += sHist[j][i] * p[i];
      a *= rho[j];
      alphaBuf[j] = a;
      for (let i = 0; i < n; i++) p[i] -= a * yHist[j][i];
    }
    if (k > 0) {
      let sy = 0, yy = 0;
      for (let i = 0; i < n; i++) {
        sy += sHist[k - 1][i] * yHist[k - 1][i];
        yy += yHist[k - 1][i] * yHist[k - 1][i];
      }
      const gamma = sy / yy;
      for (let i = 0; i < n; i++) p[i] *= gamma;
    }
    for (let j = 0; j < k; j++) {
      let b = 0;
      for (let i = 0; i < n; i++) b += yHist[j][i] * p[i];
      b *= rho[j];
      for (let i = 0; i < n; i++) p[i] += sHist[j][i] * (alphaBuf[j] - b);
    }
    let d0 = 0;
    for (let i = 0; i < n; i++) d0 += g[i] * p[i];
    if (!(d0 < 0)) {
      // Not a descent direction (bad curvature pairs): restart from steepest descent.
      sHist.length = yHist.length = rho.length = 0;
      for (let i = 0; i < n; i++) p[i] = -g[i];
      d0 = -g.reduce((a, b) => a + b * b, 0);
    }
    const step0 = sHist.length === 0 ? Math.min(1, 1 / Math.max(normInf(g), 1e-12)) : 1;
    const step = strongWolfe(evalAt, f, d0, step0, c1, c2, maxLs);
    if (step === null) {
      return { x, f, status: "line-search-failed", iterations: it, evaluations, history };
    }
    if (lastTrial !== step) evalAt(step);
    // Curvature pair s = x_{k+1} − x_k, y = g_{k+1} − g_k.
    const s = new Float64Array(n), yv = new Float64Array(n);
    let sy = 0;
    for (let i = 0; i < n; i++) {
      s[i] = xt[i] - x[i];
      yv[i] = gt[i] - g[i];
      sy += s[i] * yv[i];
    }
    const fPrev = f;
    f = lastF;
    x.set(xt);
    g.set(gt);
    if (
      sy > 1e-10 * Math.sqrt(s.reduce((a, b) => a + b * b, 0) * yv.reduce((a, b) => a + b * b, 0))
    ) {
      if (sHist.length === m) {
        sHist.shift();
        yHist.shift();
        rho.shift();
      }
      sHist.push(s);
      yHist.push(yv);
      rho.push(1 / sy);
    }
    if ((fPrev - f) / Math.max(Math.abs(fPrev), Math.abs(f), 1) <= ftol) {
      return { x, f, status: "relative-decrease", iterations: it + 1, evaluations, history };
    }
    fAfter.push(f);
    if (
      stall && fAfter.length > stall.iterations &&
      fAfter[fAfter.length - 1 - stall.iterations] - f < stall.decrease
    ) {
      return { x, f, status: "stalled", iterations: it + 1, evaluations, history };
    }
  }
  return { x, f, status: "max-iterations", iterations: maxIt, evaluations, history };
}

/**
 * Strong-Wolfe line search along the current direction (Nocedal & Wright Alg. 3.5/3.6).
 * `evalAt(step)` returns [φ(step), φ'(step)]; returns the accepted step or null.
 */
function strongWolfe(
  evalAt: (step: number) => [number, number],
  f0: number,
  d0: number,
  step1: number,
  c1: number,
  c2: number,
  maxEvaluations: number,
): number | null {
  let prev = 0, fPrev = f0, dPrev = d0, step = step1, evals = 0;
  const zoom = (
    lo: number,
    fLo: number,
    dLo: number,
    hi: number,
    fHi: number,
    dHi: number,
  ): number | null => {
    while (evals < maxEvaluations) {
      const w = hi - lo;
      let t = Number.isFinite(fHi) ? cubicMin(lo, fLo, dLo, hi, fHi, dHi) : NaN;
      const a = Math.min(lo, hi), b = Math.max(lo, hi);
      if (!(t > a + 0.1 * Math.abs(w) && t < b - 0.1 * Math.abs(w))) t = lo + 0.5 * w;
      const [ft, dt] = evalAt(t);
      evals++;
      if (ft > f0 + c1 * t * d0 || ft >= fLo) {
        hi = t;
        fHi = ft;
        dHi = dt;
      } else {
        if (Math.abs(dt) <= -c2 * d0) return t;
        if (dt * (hi - lo) >= 0) {
          hi = lo;
          fHi = fLo;
          dHi = dLo;
        }
        lo = t;
        fLo = ft;
        dLo = dt;
      }
      if (Math.abs(hi - lo) < 1e-14 * Math.max(1, Math.abs(lo))) break;
    }
    // Out of evaluations: accept the best point if it decreased f sufficiently.
    return lo > 0 && fLo <= f0 + c1 * lo * d0 ? lo : null;
  };
  while (evals < maxEvaluations) {
    const [f, d] = evalAt(step);
    evals++;
    if (f > f0 + c1 * step * d0 || (evals > 1 && f >= fPrev)) {
      return zoom(prev, fPrev, dPrev, step, f, d);
    }
    if (Math.abs(d) <= -c2 * d0) return step;
    if (d >= 0) return zoom(step, f, d, prev, fPrev, dPrev);
    prev = step;
    fPrev = f;
    dPrev = d;
    step *= 2;
  }
  return null;
}

/** Minimiser of the cubic interpolating (a, fa, da) and (b, fb, db) (N&W eq. 3.59). */
function cubicMin(a: number, fa: number, da: number, b: number, fb: number, db: number): number {
  const d1 = da + db - 3 * (fa - fb) / (a - b);
  const disc = d1 * d1 - da * db;
  if (!(disc >= 0)) return NaN;
  const d2 = Math.sign(b - a) * Math.sqrt(disc);
  return b - (b - a) * (db + d2 - d1) / (db - da + 2 * d2);
}
