/**
 * Discretized density evolution (DE) of belief propagation (sum-product) on the binary symmetric
 * channel for an irregular LDPC ensemble (λ, ρ) (Richardson & Urbanke 2001, "Design of
 * capacity-approaching irregular LDPC codes"; Chung et al. 2001, "On the design of LDPC codes
 * within 0.0045 dB of the Shannon limit"), docs/science.md §9.1.
 *
 * Messages are LLRs quantized to a uniform grid of 2K+1 bins on [−L, L] (step Δ = L/K; the all-zero
 * codeword is assumed, so the density of a correct message sits on the positive side). The
 * variable-node update is exact on the grid: channel ⊛ Σᵢ λᵢ c^⊛(i−1), one FFT of the check density
 * and one inverse per iteration (circular, large enough not to alias), then mass beyond ±L is
 * saturated to ±L. The check-node update uses the pairwise rule
 * Q(2·atanh(tanh(a/2)·tanh(b/2))) on magnitudes (table of (K+1)² bins, sign = product of signs) and
 * Σⱼ ρⱼ a^⊞(j−1). The channel density puts the mass of ±ln((1−p)/p) on its two neighbouring bins
 * (linear split), so the threshold is continuous in p.
 *
 * The threshold p* is the largest crossover probability for which the error probability of the
 * variable-to-check messages falls below `targetErrorProb` within `maxIterations`, found by
 * bisection. Defaults (K = 256, L = 32, Δ = 1/8) give the (3,6) ensemble p* = 0.0839 (Richardson–Urbanke:
 * 0.084). Pure: no I/O.
 * @module
 */
import { InvalidArgumentError } from "../../errors.ts";
import { createFftPlan, type FftPlan, nextPowerOfTwo } from "../fft.ts";
import type { DegreeDistribution, EdgeDistribution } from "./degree_distributions.ts";

/** Options of {@link createBscDensityEvolution}. */
export interface DensityEvolutionOptions {
  /** Magnitude bins K (grid of 2K+1 bins; 256). */
  bins?: number;
  /** LLR saturation L (32; at 16 saturation leaves an error floor ≈ 1e-6 for high check degrees). */
  maxLlr?: number;
  /** Iteration limit per channel parameter (400). */
  maxIterations?: number;
  /** A channel parameter succeeds when the message error probability falls below this (1e-7). */
  targetErrorProb?: number;
}

/** Outcome of DE at one crossover probability. */
export interface DensityEvolutionResult {
  converged: boolean;
  iterations: number;
  /** Error probability of the variable-to-check messages at the last iteration. */
  errorProb: number;
}

/** DE of one ensemble on the BSC; workspaces allocated once. */
export interface BscDensityEvolution {
  /** Run DE at crossover probability p ∈ (0, 0.5). */
  run(p: number): DensityEvolutionResult;
  /**
   * BP threshold p* by bisection on [lo, hi] (default [1e-4, 0.5)) to `tolerance` (1e-4).
   */
  threshold(options?: { lo?: number; hi?: number; tolerance?: number }): number;
}

function normalized(dist: EdgeDistribution, what: string): Array<[number, number]> {
  let total = 0;
  for (const [d, f] of dist) {
    if (!(Number.isInteger(d) && d >= 1) || !(f >= 0)) {
      throw new InvalidArgumentError(what, [d, f], "needs integer degrees ≥ 1 and fractions ≥ 0");
    }
    total += f;
  }
  if (!(total > 0)) throw new InvalidArgumentError(what, dist, "fractions must not all be 0");
  return dist.filter(([, f]) => f > 0).map(([d, f]) => [d, f / total]);
}

/**
 * DE of the ensemble `dist` (edge-perspective λ, ρ; normalised here) under sum-product on the BSC.
 * @example
 * ```ts
 * import { createBscDensityEvolution } from "./density_evolution.ts";
 * const de = createBscDensityEvolution({ rate: 0.5, lambda: [[3, 1]], rho: [[6, 1]] });
 * console.assert(Math.abs(de.threshold() - 0.084) < 0.002);
 * ```
 */
export function createBscDensityEvolution(
  dist: DegreeDistribution,
  options: DensityEvolutionOptions = {},
): BscDensityEvolution {
  const K = options.bins ?? 256;
  const L = options.maxLlr ?? 32;
  const maxIterations = options.maxIterations ?? 400;
  const target = options.targetErrorProb ?? 1e-7;
  if (!Number.isInteger(K) || K < 8) throw new InvalidArgumentError("bins", K, "must be ≥ 8");
  if (!(L > 0)) throw new InvalidArgumentError("maxLlr", L, "must be > 0");
  const lambda = normalized(dist.lambda, "lambda");
  const rho = normalized(dist.rho, "rho");
  const step = L / K;
  const width = 2 * K + 1;
  let dvMax = 1, dcMax = 1;
  for (const [d] of lambda) dvMax = Math.max(dvMax, d);
  for (const [d] of rho) dcMax = Math.max(dcMax, d);
  // Variable update: values up to dvMax·K bins in magnitude (channel ≤ K+1, each message ≤ K).
  const size = nextPowerOfTwo(2 * (dvMax * K + 2) + 1);
  const plan: FftPlan = createFftPlan(size);
  const chRe = new Float64Array(size), chIm = new Float64Array(size);
  const re = new Float64Array(size), im = new Float64Array(size);
  const accRe = new Float64Array(size), accIm = new Float64Array(size);
  const lambdaBy = new Float64Array(dvMax + 1);
  for (const [d, f] of lambda) lambdaBy[d] += f;
  const rhoBy = new Float64Array(dcMax + 1);
  for (const [d, f] of rho) rhoBy[d] += f;
  // Check rule table on magnitudes.
  const table = new Int32Array((K + 1) * (K + 1));
  for (let a = 0; a <= K; a++) {
    const ta = Math.tanh((a * step) / 2);
    for (let b = 0; b <= K; b++) {
      const x = ta * Math.tanh((b * step) / 2);
      const v = Math.log((1 + x) / (1 - x));
      table[a * (K + 1) + b] = Math.min(K, Math.round(v / step));
    }
  }
  const msg = new Float64Array(width); // variable-to-check density, index i ↔ (i − K)Δ
  const chk = new Float64Array(width); // check-to-variable density
  const aPos = new Float64Array(K + 1), aNeg = new Float64Array(K + 1);
  const curPos = new Float64Array(K + 1), curNeg = new Float64Array(K + 1);
  const nextPos = new Float64Array(K + 1), nextNeg = new Float64Array(K + 1);
  const sumPos = new Float64Array(K + 1), sumNeg = new Float64Array(K + 1);

  function channelDensity(p: number): void {
    chRe.fill(0);
    chIm.fill(0);
    const llrBins = Math.min(K, Math.log((1 - p) / p) / step);
    const lo = Math.floor(llrBins), frac = llrBins - lo;
    const put = (bin: number, mass: number) => (chRe[((bin % size) + size) % size] += mass);
    put(lo, (1 - p) * (1 - frac));
    put(lo + 1, (1 - p) * frac);
    put(-lo, p * (1 - frac));
    put(-lo - 1, p * frac);
    // The grid density of the first message (channel only), saturated at ±K.
    msg.fill(0);
    for (let i = -K - 1; i <= K + 1; i++) {
      const m = chRe[((i % size) + size) % size];
      if (m !== 0) msg[Math.max(-K, Math.min(K, i)) + K] += m;
    }
    plan.transform(chRe, chIm, false);
  }

  function boxPair(
    xPos: Float64Array,
    xNeg: Float64Array,
    outPos: Float64Array,
    outNeg: Float64Array,
  ): void {
    outPos.fill(0);
    outNeg.fill(0);
    for (let a = 0; a <= K; a++) {
      const px = xPos[a], nx = xNeg[a];
      if (px < 1e-300 && nx < 1e-300) continue;
      const row = a * (K + 1);
      for (let b = 0; b <= K; b++) {
        const t = table[row + b];
        const pb = aPos[b], nb = aNeg[b];
        outPos[t] += px * pb + nx * nb;
        outNeg[t] += px * nb + nx * pb;
      }
    }
  }

  function checkUpdate(): void {
    // Magnitude/sign split of the message density; the zero bin counts as positive (its output
    // magnitude is 0 whatever the sign).
    aPos[0] = msg[K];
    aNeg[0] = 0;
    for (let m = 1; m <= K; m++) {
      aPos[m] = msg[K + m];
      aNeg[m] = msg[K - m];
    }
    curPos.set(aPos);
    curNeg.set(aNeg);
    sumPos.fill(0);
    sumNeg.fill(0);
    for (let d = 2; d <= dcMax; d++) {
      if (d > 2) {
        boxPair(curPos, curNeg, nextPos, nextNeg);
        curPos.set(nextPos);
        curNeg.set(nextNeg);
      }
      const w = rhoBy[d];
      if (w === 0) continue;
      for (let m = 0; m <= K; m++) {
        sumPos[m] += w * curPos[m];
        sumNeg[m] += w * curNeg[m];
      }
    }
    chk.fill(0);
    chk[K] = sumPos[0] + sumNeg[0];
    for (let m = 1; m <= K; m++) {
      chk[K + m] = sumPos[m];
      chk[K - m] = sumNeg[m];
    }
  }

  function variableUpdate(): void {
    re.fill(0);
    im.fill(0);
    for (let i = 0; i < width; i++) re[(i - K + size) % size] = chk[i];
    plan.transform(re, im, false);
    // Σ λ_d C^(d−1), by running powers.
    for (let f = 0; f < size; f++) {
      const cr = re[f], ci = im[f];
      let pr = 1, pi = 0, sr = 0, si = 0;
      for (let d = 1; d <= dvMax; d++) {
        if (d > 1) {
          const t = pr * cr - pi * ci;
          pi = pr * ci + pi * cr;
          pr = t;
        }
        const w = lambdaBy[d];
        if (w !== 0) {
          sr += w * pr;
          si += w * pi;
        }
      }
      accRe[f] = sr * chRe[f] - si * chIm[f];
      accIm[f] = sr * chIm[f] + si * chRe[f];
    }
    plan.transform(accRe, accIm, true);
    msg.fill(0);
    for (let j = 0; j < size; j++) {
      const v = j < size / 2 ? j : j - size;
      const m = accRe[j] > 0 ? accRe[j] : 0;
      msg[Math.max(-K, Math.min(K, v)) + K] += m;
    }
    let total = 0;
    for (let i = 0; i < width; i++) total += msg[i];
    for (let i = 0; i < width; i++) msg[i] /= total;
  }

  function errorProb(): number {
    let e = 0.5 * msg[K];
    for (let i = 0; i < K; i++) e += msg[i];
    return e;
  }

  function run(p: number): DensityEvolutionResult {
    if (!(p > 0 && p < 0.5)) throw new InvalidArgumentError("p", p, "must be in (0, 0.5)");
    channelDensity(p);
    let pe = errorProb(), previous = Infinity;
    for (let it = 1; it <= maxIterations; it++) {
      checkUpdate();
      variableUpdate();
      pe = errorProb();
      if (pe < target) return { converged: true, iterations: it, errorProb: pe };
      // Stuck at a fixed point above the target.
      if (Math.abs(previous - pe) < 1e-10 * pe) {
        return { converged: false, iterations: it, errorProb: pe };
      }
      previous = pe;
    }
    return { converged: false, iterations: maxIterations, errorProb: pe };
  }

  function threshold(o: { lo?: number; hi?: number; tolerance?: number } = {}): number {
    let lo = o.lo ?? 1e-4, hi = o.hi ?? 0.4999;
    const tolerance = o.tolerance ?? 1e-4;
    if (!run(lo).converged) return 0;
    while (hi - lo > tolerance) {
      const mid = (lo + hi) / 2;
      if (run(mid).converged) lo = mid;
      else hi = mid;
    }
    return lo;
  }

  return { run, threshold };
}
