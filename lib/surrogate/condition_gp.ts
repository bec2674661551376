/**
 * Conditioning a GP on all training rows with fixed θ (docs/campaign.md §9.5): exact (dense
 * Cholesky of K̂, optional LOVE cache from the full K̂ kept in the upper triangle) or iterative
 * (PCG for α + LOVE, `./iterative_conditioning.ts`).
 * @module
 */
import type { Linalg } from "../kernels/linalg/linalg.ts";
import type { StandardisedData } from "./gp_data.ts";
import type { GpState } from "./gp_model.ts";
import type { GpFitOptions } from "./fit_gp.ts";
import { factorCovarianceOrThrow } from "./cholesky_jitter.ts";
import { scaleRows } from "./matern52.ts";
import { buildLoveCache } from "./love.ts";
import {
  conditionIterative,
  LOVE_CHECK_PROBES,
  type LoveCheck,
  loveStartVector,
} from "./iterative_conditioning.ts";
import { sobolPoints } from "../kernels/sobol.ts";

/**
 * Condition on all rows with fixed θ: exact (dense Cholesky, optional LOVE cache) or iterative
 * (PCG + LOVE). Returns the model state.
 */
export function conditionGp(
  data: StandardisedData,
  la: Linalg,
  logTheta: Float64Array,
  path: "exact" | "iterative",
  options: GpFitOptions = {},
): { state: GpState; cgIterations?: number; cgRelativeResidual?: number; loveCheck?: LoveCheck } {
  const { x, y, n, d, yMean, yStd } = data;
  const ls = Float64Array.from({ length: d }, (_, i) => Math.exp(logTheta[i]));
  const sf2 = Math.exp(logTheta[d]), sn2 = Math.exp(logTheta[d + 1]);
  const xs = scaleRows(x, n, d, ls, new Float64Array(n * d));
  const loveIterations = options.loveIterations ?? (path === "iterative" ? 100 : 0);
  const base = { d, n, x, y, yMean, yStd, logTheta: logTheta.slice(), path };
  if (path === "exact") {
    // In a SharedArrayBuffer, so that prediction pools (GpPredictPool) share it without a copy.
    const l = new Float64Array(new SharedArrayBuffer(8 * n * n));
    // Full symmetric K̂ first when LOVE needs K̂·v; potrf then overwrites the lower triangle.
    let jitter = factorCovarianceOrThrow(la, xs, n, d, sf2, sn2, l, loveIterations > 0);
    let loveR: Float64Array | null = null, loveRank = 0;
    if (loveIterations > 0) {
      // Rebuild the full K̂ in the upper triangle + diagonal copy: potrf kept the upper one.
      const diag = sf2 + sn2 + jitter;
      const matvec = (v: Float64Array, out: Float64Array) =>
        upperSymmetricMatvec(l, n, diag, v, out);
      const start = loveStartVector(xs, n, d, sf2, options.loveReference, ls);
      const cache = buildLoveCache(la, matvec, n, start, loveIterations);
      loveR = cache.r;
      loveRank = cache.rank;
    }
    const alpha = y.slice();
    la.potrs(n, 1, l, n, alpha, n);
    jitter = Math.max(jitter, 0);
    return { state: { ...base, alpha, jitter, cholesky: l, loveR, loveRank } };
  }
  // LOVE check probes: the first points of the (unscrambled) Sobol sequence after the origin; by
  // default only when θ is fitted (not for the fixed-θ re-conditionings of Phase 3).
  const probes = options.loveCheckProbes ?? (options.optimize === false ? 0 : LOVE_CHECK_PROBES);
  const it = conditionIterative(la, xs, y, n, d, sf2, sn2, {
    loveProbes: probes > 0
      ? scaleRows(sobolPoints(d, probes, 1), probes, d, ls, new Float64Array(probes * d))
      : undefined,
    memoryBudgetBytes: options.memoryBudgetBytes,
    tolerance: options.cgTolerance,
    maxIterations: options.cgMaxIterations,
    preconditionerRank: options.preconditionerRank,
    loveIterations: loveIterations || 100,
    loveReference: options.loveReference,
    lengthScales: ls,
  });
  return {
    state: {
      ...base,
      alpha: it.alpha,
      jitter: 0,
      cholesky: null,
      loveR: it.love.r,
      loveRank: it.love.rank,
    },
    cgIterations: it.iterations,
    cgRelativeResidual: it.relativeResidual,
    loveCheck: it.loveCheck,
  };
}

/** K̂·v from the strict upper triangle of `a` (K̂ stored there by column) and a constant diagonal. */
function upperSymmetricMatvec(
  a: Float64Array,
  n: number,
  diag: number,
  v: Float64Array,
  out: Float64Array,
): void {
  // Column j holds K̂(i, j) for i < j: out_i += a_ij v_j and out_j += a_ij v_i.
  for (let i = 0; i < n; i++) out[i] = diag * v[i];
  for (let j = 1; j < n; j++) {
    const col = j * n, vj = v[j];
    let s = 0;
    for (let i = 0; i < j; i++) {
      const aij = a[col + i];
      out[i] += aij * vj;
      s += aij * v[i];
    }
    out[j] += s;
  }
}
