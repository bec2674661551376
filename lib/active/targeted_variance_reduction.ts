/**
 * Batch selection by targeted integrated variance reduction (tIMSE; Picheny et al. 2010, "Adaptive
 * designs of experiments for accurate approximation of a target region", J. Mech. Des. 132; the
 * SUR family of Chevalier et al. 2014). A candidate x is worth the reduction it brings to the
 * posterior variance over a reference set Z, weighted by how close each z is to the level:
 *   score(x) = Σ_z W(z)·c(z, x)² / (σ²(x) + σ_n²),  W(z) = φ((μ(z) − t)/s(z))/s(z),
 *   s(z)² = σ²(z) + ε²,
 * where c is the posterior covariance. Picks are sequential with Kriging-believer updates (θ
 * fixed, μ unchanged): after a pick x*, c̃(·) = c(·, x*)/√(σ²(x*) + σ_n²) and
 * c(z, x) ← c(z, x) − c̃(z)c̃(x), σ²(·) ← σ²(·) − c̃(·)², so the weights sharpen as the batch grows.
 * Candidates whose latent variance is below `minVarianceFraction` (default 1e-3) times the largest
 * candidate variance before the batch are skipped: with a nearly noise-free GP the ratio c²/(σ² + σ_n²)
 * stays finite as σ² → 0, so without this rule a point right next to an earlier pick (a
 * "derivative observation") could be chosen.
 * Cost: one n×R×P product to start, then O(R·P) per pick. Exact GP path only.
 * @module
 */
import { InvalidArgumentError } from "../errors.ts";
import type { GpModel } from "../surrogate/gp_model.ts";
import { fillCrossCovariance } from "../surrogate/matern52.ts";

/** Options of {@link selectBatchTimse}. */
export interface TimseOptions {
  /** Batch size q ≥ 1. */
  q: number;
  /** Level t in target units. */
  threshold: number;
  /** ε of the weight, as a fraction of the target scale s_y (default 0.05). */
  epsilonFraction?: number;
  /**
   * γ ≥ 1 widens the weight, W(z) = φ((μ − t)/(γ·s))/s: γ > 1 keeps some weight on regions the
   * model believes to be clearly inside or outside, against a missed component (default 1).
   */
  widthFactor?: number;
  /** Candidates that may not be picked (1 = excluded). */
  excluded?: Uint8Array;
  /** Skip candidates with latent variance below this fraction of the pool's largest (1e-3). */
  minVarianceFraction?: number;
}

/** One pick with its score and the candidate's μ, σ (target units) at selection time. */
export interface TimsePick {
  index: number;
  score: number;
  mean: number;
  std: number;
}

/**
 * Select up to q candidates (rows of `candidates`, P×d unit box) by tIMSE over `reference`
 * (R×d unit box).
 */
export function selectBatchTimse(
  gp: GpModel,
  candidates: Float64Array,
  reference: Float64Array,
  options: TimseOptions,
): TimsePick[] {
  const L = gp.state.cholesky;
  if (!L) throw new InvalidArgumentError("gp.path", gp.state.path, "tIMSE needs the exact path");
  if (!(Number.isInteger(options.q) && options.q >= 1)) {
    throw new InvalidArgumentError("q", options.q, "must be an integer ≥ 1");
  }
  const { n, d, la } = gp;
  const { yMean, yStd, alpha } = gp.state;
  const sf2 = gp.hyperparameters.signalVariance, sn2 = gp.hyperparameters.noiseVariance;
  const P = candidates.length / d, R = reference.length / d;
  const t = (options.threshold - yMean) / yStd;
  const eps2 = (options.epsilonFraction ?? 0.05) ** 2;
  const gamma = options.widthFactor ?? 1;
  const qc = gp.scaleCandidates(candidates, P, new Float64Array(P * d));
  const qz = gp.scaleCandidates(reference, R, new Float64Array(R * d));
  // V_c = L⁻¹K(X, C), V_z = L⁻¹K(X, Z); μ = K(·, X)α; σ² = σ_f² − ‖v‖².
  const vc = fillCrossCovariance(gp.scaledX, n, qc, P, d, sf2, new Float64Array(n * P));
  const vz = fillCrossCovariance(gp.scaledX, n, qz, R, d, sf2, new Float64Array(n * R));
  const muC = new Float64Array(P), muZ = new Float64Array(R);
  la.gemv("T", n, P, 1, vc, n, alpha, 0, muC);
  la.gemv("T", n, R, 1, vz, n, alpha, 0, muZ);
  la.trsm("L", "N", "N", n, P, 1, L, n, vc, n);
  la.trsm("L", "N", "N", n, R, 1, L, n, vz, n);
  const varC = new Float64Array(P), varZ = new Float64Array(R);
  for (let c = 0; c < P; c++) {
    const col = vc.subarray(c * n, c * n + n);
    varC[c] = Math.max(0, sf2 - la.dot(n, col, col));
  }
  for (let z = 0; z < R; z++) {
    const col = vz.subarray(z * n, z * n + n);
    varZ[z] = Math.max(0, sf2 - la.dot(n, col, col));
  }
  let maxVar = 0;
  for (let c = 0; c < P; c++) if (!options.excluded?.[c]) maxVar = Math.max(maxVar, varC[c]);
  const minVar = (options.minVarianceFraction ?? 1e-3) * maxVar;
  // C(z, c) = k(z, c) − v_zᵀv_c, R×P column-major (column c = candidate).
  const cov = fillCrossCovariance(qz, R, qc, P, d, sf2, new Float64Array(R * P));
  la.gemm("T", "N", R, P, n, -1, vz, n, vc, n, 1, cov, R);
  // Candidate–candidate covariance columns are generated per pick (k(·, x*) − V_cᵀv_x*).
  const taken = options.excluded ? Uint8Array.from(options.excluded) : new Uint8Array(P);
  const pickColumns: Float64Array[] = [];
  const weights = new Float64Array(R);
  const kcc = new Float64Array(P);
  const picks: TimsePick[] = [];
  for (let step = 0; step < options.q; step++) {
    for (let z = 0; z < R; z++) {
      const s = Math.sqrt(varZ[z] + eps2);
      const u = (muZ[z] - t) / (gamma * s);
      weights[z] = Math.exp(-0.5 * u * u) / s;
    }
    let best = -1, bestScore = -Infinity;
    for (let c = 0; c < P; c++) {
      if (taken[c] || varC[c] < minVar) continue;
      const col = cov.subarray(c * R, c * R + R);
      let sum = 0;
      for (let z = 0; z < R; z++) sum += weights[z] * col[z] * col[z];
      const score = sum / (varC[c] + sn2);
      if (score > bestScore) {
        bestScore = score;
        best = c;
      }
    }
    if (best < 0) break;
    picks.push({
      index: best,
      score: bestScore / R,
      mean: muC[best] * yStd + yMean,
      std: Math.sqrt(varC[best]) * yStd,
    });
    taken[best] = 1;
    // c(x, x*) over the candidates, minus the earlier picks' contributions.
    fillCrossCovariance(qc, P, qc.subarray(best * d, best * d + d), 1, d, sf2, kcc);
    la.gemv("T", n, P, -1, vc, n, vc.subarray(best * n, best * n + n), 1, kcc);
    for (const colJ of pickColumns) {
      const s = colJ[best];
      for (let c = 0; c < P; c++) kcc[c] -= colJ[c] * s;
    }
    const scale = 1 / Math.sqrt(Math.max(varC[best], 0) + sn2);
    const ctC = Float64Array.from(kcc, (v) => v * scale);
    const ctZ = Float64Array.from(cov.subarray(best * R, best * R + R), (v) => v * scale);
    pickColumns.push(ctC);
    for (let c = 0; c < P; c++) {
      varC[c] = Math.max(0, varC[c] - ctC[c] * ctC[c]);
      const col = cov.subarray(c * R, c * R + R), f = ctC[c];
      if (f !== 0) { for (let z = 0; z < R; z++) col[z] -= ctZ[z] * f; }
    }
    for (let z = 0; z < R; z++) varZ[z] = Math.max(0, varZ[z] - ctZ[z] * ctZ[z]);
  }
  return picks;
}
