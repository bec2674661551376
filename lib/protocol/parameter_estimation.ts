/**
 * Parameter estimation on the test set (docs/science.md §5 step 8, §7): matched test rounds T_m,
 * Q̂, μ(t, m, ε), Q_adj = Q̂ + μ and the abort rule.
 * @module
 */
import { finiteSizeMu } from "../science/finite_size.ts";

/** Result of parameter estimation. */
export interface ParameterEstimate {
  /** t = |T_m|, matched test rounds. */
  testMatched: number;
  /** Errors among the matched test rounds. */
  errors: number;
  /** Q̂ = errors/t (NaN if t = 0). */
  qHat: number;
  /** μ(t, m, ε) (+∞ if t = 0 or m = 0). */
  mu: number;
  /** Q_adj = Q̂ + μ. */
  qAdj: number;
  /** t = 0 or Q_adj > q_hard. */
  aborts: boolean;
  /** Q_adj > q_warn (and no abort). */
  warns: boolean;
}

/**
 * Estimate the QBER on the matched test rounds and apply the abort rule (docs/science.md §5 step 8).
 * @param testRounds T (any order)
 * @param m string length entering reconciliation
 * @example
 * ```ts
 * import { estimateParameters } from "./parameter_estimation.ts";
 * const z = new Uint8Array(4);
 * const pe = estimateParameters(z, z, z, Uint8Array.of(0, 1, 0, 0), Int32Array.of(0, 1), 1e6, 1e-10, 0.22, 0.11);
 * console.assert(pe.testMatched === 2 && pe.qHat === 0.5 && pe.aborts);
 * ```
 */
export function estimateParameters(
  thetaA: Uint8Array,
  a: Uint8Array,
  thetaB: Uint8Array,
  b: Uint8Array,
  testRounds: Int32Array,
  m: number,
  epsilonSec: number,
  qberHardLimit: number,
  qberWarnLimit: number,
): ParameterEstimate {
  let t = 0;
  let errors = 0;
  for (let k = 0; k < testRounds.length; k++) {
    const i = testRounds[k];
    if (thetaA[i] === thetaB[i]) {
      t++;
      errors += a[i] ^ b[i];
    }
  }
  const qHat = t > 0 ? errors / t : NaN;
  const mu = finiteSizeMu(t, m, epsilonSec);
  const qAdj = qHat + mu;
  const aborts = t === 0 || !(qAdj <= qberHardLimit);
  return { testMatched: t, errors, qHat, mu, qAdj, aborts, warns: !aborts && qAdj > qberWarnLimit };
}

/**
 * QBER that selects the baseline rate (docs/science.md §9.6), clamped to [1e-4, 0.5 − 1e-6]:
 * `qhat_plus_sigma` Q̂ + sqrt(Q̂(1−Q̂)/t), `qhat` Q̂, `qadj` Q̂ + μ.
 * @example
 * ```ts
 * import { qberForRate } from "./parameter_estimation.ts";
 * console.assert(qberForRate("qhat", 0, 100, 0.1) === 1e-4);
 * ```
 */
export function qberForRate(
  rule: "qhat_plus_sigma" | "qhat" | "qadj",
  qHat: number,
  testMatched: number,
  mu: number,
): number {
  const q = rule === "qhat"
    ? qHat
    : rule === "qadj"
    ? qHat + mu
    : qHat + Math.sqrt(qHat * (1 - qHat) / testMatched);
  return Math.min(0.5 - 1e-6, Math.max(1e-4, q));
}
