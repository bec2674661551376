/**
 * Hyper-parameters of the Matérn-5/2 ARD GP (docs/campaign.md §9.2) and their unconstrained
 * reparametrisation (§9.4). Layout of θ (natural-log values), length d + 2:
 * θ = (log ℓ_1 … log ℓ_d, log σ_f², log σ_n²). Optimisation runs on φ ∈ ℝ^(d+2) with
 * log θ_j = lo_j + (hi_j − lo_j)·sigmoid(φ_j).
 * @module
 */

/** Natural-unit hyper-parameters. ℓ in unit-box input units; σ² in standardised-target units². */
export interface GpHyperparameters {
  /** ARD length scales ℓ_i (unit-box units), length d. */
  lengthScales: Float64Array;
  /** Signal variance σ_f² (standardised target units squared). */
  signalVariance: number;
  /** Noise variance σ_n² (standardised target units squared). */
  noiseVariance: number;
}

/** Bounds of docs/campaign.md §9.2 (natural units). */
export const HYPERPARAMETER_BOUNDS = Object.freeze({
  lengthScale: [1e-2, 1e2] as const,
  signalVariance: [1e-2, 1e2] as const,
  noiseVariance: [1e-8, 1] as const,
});

/** Initial values of docs/campaign.md §9.2: ℓ = 0.5, σ_f² = 1, σ_n² = 1e-2. */
export const INITIAL_HYPERPARAMETERS = Object.freeze({
  lengthScale: 0.5,
  signalVariance: 1,
  noiseVariance: 1e-2,
});

/** Lower and upper bounds of log θ (length d + 2). */
export function logThetaBounds(d: number): { lo: Float64Array; hi: Float64Array } {
  const lo = new Float64Array(d + 2), hi = new Float64Array(d + 2);
  const b = HYPERPARAMETER_BOUNDS;
  for (let i = 0; i < d; i++) {
    lo[i] = Math.log(b.lengthScale[0]);
    hi[i] = Math.log(b.lengthScale[1]);
  }
  lo[d] = Math.log(b.signalVariance[0]);
  hi[d] = Math.log(b.signalVariance[1]);
  lo[d + 1] = Math.log(b.noiseVariance[0]);
  hi[d + 1] = Math.log(b.noiseVariance[1]);
  return { lo, hi };
}

/** log θ of the initial values (§9.2). */
export function initialLogTheta(d: number): Float64Array {
  const t = new Float64Array(d + 2).fill(Math.log(INITIAL_HYPERPARAMETERS.lengthScale));
  t[d] = Math.log(INITIAL_HYPERPARAMETERS.signalVariance);
  t[d + 1] = Math.log(INITIAL_HYPERPARAMETERS.noiseVariance);
  return t;
}

/** Natural-unit view of log θ. */
export function unpackLogTheta(logTheta: Float64Array, d: number): GpHyperparameters {
  const lengthScales = new Float64Array(d);
  for (let i = 0; i < d; i++) lengthScales[i] = Math.exp(logTheta[i]);
  return {
    lengthScales,
    signalVariance: Math.exp(logTheta[d]),
    noiseVariance: Math.exp(logTheta[d + 1]),
  };
}

/**
 * log θ = lo + (hi − lo)·sigmoid(φ), written into `logTheta`; `dLogThetaDPhi` (optional)
 * receives the diagonal Jacobian (hi − lo)·s·(1 − s).
 */
export function phiToLogTheta(
  phi: Float64Array,
  lo: Float64Array,
  hi: Float64Array,
  logTheta: Float64Array,
  dLogThetaDPhi?: Float64Array,
): Float64Array {
  for (let j = 0; j < phi.length; j++) {
    const s = 1 / (1 + Math.exp(-phi[j]));
    logTheta[j] = lo[j] + (hi[j] - lo[j]) * s;
    if (dLogThetaDPhi) dLogThetaDPhi[j] = (hi[j] - lo[j]) * s * (1 - s);
  }
  return logTheta;
}

/** Inverse of {@link phiToLogTheta}; log θ is clamped 1e-9 (relative) inside the bounds. */
export function logThetaToPhi(
  logTheta: Float64Array,
  lo: Float64Array,
  hi: Float64Array,
  phi: Float64Array,
): Float64Array {
  for (let j = 0; j < logTheta.length; j++) {
    const u = Math.min(1 - 1e-9, Math.max(1e-9, (logTheta[j] - lo[j]) / (hi[j] - lo[j])));
    phi[j] = Math.log(u / (1 - u));
  }
  return phi;
}
