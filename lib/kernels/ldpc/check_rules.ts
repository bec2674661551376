/**
 * Check-node rules, apart from the schedules that run them (docs/science.md §9.9). A rule turns
 * the variable-to-check messages q of one check into its check-to-variable messages r, each
 * multiplied by (−1)^(s_c); the schedules (flooding_decoder.ts, layered_decoder.ts) only decide
 * which q a check sees and where its r go. The WebAssembly SIMD kernels implement the same rules
 * in their lanes (simd_min_sum_decoder.ts, simd_sum_product_decoder.ts).
 *
 *  - normalized min-sum: |r_e| = α·min_{e'≠e} |q_e'| (Chen & Fossorier 2002);
 *  - offset min-sum: |r_e| = max(min_{e'≠e} |q_e'| − β, 0) (Chen & Fossorier 2002);
 *  - sum-product: r_e = 2 atanh(Π_{e'≠e} tanh(q_e'/2)), evaluated either
 *    - `phi-table`: in the φ domain, φ(x) = −ln tanh(x/2), |r_e| = φ(Σ φ(|q|) − φ(|q_e|)), φ read
 *      from a log-spaced table without branches (phi_table.ts), or
 *    - `tanh`: Caligo's form, product of tanh with exact zeros (|tanh| < 1e-12) counted apart and
 *      the product clipped to ±(1 − 1e-12), tanh(x/2) = (1 − e^−|x|)/(1 + e^−|x|)·sign x and
 *      2·atanh(p) = ln((1 + p)/(1 − p)) (one exp and one log per edge).
 * Min-sum rules also come in fixed point (Int32 messages in 1/{@link FIXED_POINT_SCALE} LLR
 * units, α quantised to 1/1024 and α·min truncated, β rounded to units).
 *
 * Sign extraction: V8 compiles `q < 0 ? −m : m` to a data-dependent branch that mispredicts on
 * every other edge (≈ 3× slower sweeps), so the float rules take signs from the bits of a
 * Float32 copy of q (same-size store/load, so store forwarding works) and multiply by ±1.
 * @module
 */
import { InvalidArgumentError } from "../../errors.ts";
import {
  fillPhiTable,
  PHI_BIN_BASE,
  PHI_BIN_SHIFT,
  PHI_BINS,
  PHI_MAX_ARG,
  PHI_MIN_ARG,
} from "./phi_table.ts";

/** Normalized min-sum, |r| = α·min, α ∈ (0, 1]. */
export interface NormalizedMinSumRule {
  kind: "normalized-min-sum";
  alpha: number;
}

/** Offset min-sum, |r| = max(min − β, 0), β ≥ 0 in LLR units. */
export interface OffsetMinSumRule {
  kind: "offset-min-sum";
  beta: number;
}

/** How sum-product is evaluated: φ table (fast) or Caligo's tanh product (exact). */
export type SumProductEvaluation = "phi-table" | "tanh";

/** Sum-product (belief propagation) check rule. */
export interface SumProductRule {
  kind: "sum-product";
  evaluation: SumProductEvaluation;
}

/** A check-node rule (docs/science.md §9.9). */
export type CheckRule = NormalizedMinSumRule | OffsetMinSumRule | SumProductRule;

/** Min-sum rules (those with a fixed-point form and a SIMD int16/int8 kernel). */
export type MinSumRule = NormalizedMinSumRule | OffsetMinSumRule;

/**
 * Normalized min-sum rule with factor α ∈ (0, 1].
 * @example
 * ```ts
 * import { normalizedMinSum } from "./check_rules.ts";
 * console.assert(normalizedMinSum(0.8).alpha === 0.8);
 * ```
 */
export function normalizedMinSum(alpha: number): NormalizedMinSumRule {
  if (!(alpha > 0 && alpha <= 1)) {
    throw new InvalidArgumentError("alpha", alpha, "normalized min-sum factor must be in (0, 1]");
  }
  return { kind: "normalized-min-sum", alpha };
}

/**
 * Offset min-sum rule with offset β ≥ 0 (LLR units).
 * @example
 * ```ts
 * import { offsetMinSum } from "./check_rules.ts";
 * console.assert(offsetMinSum(0.5).beta === 0.5);
 * ```
 */
export function offsetMinSum(beta: number): OffsetMinSumRule {
  if (!(beta >= 0 && Number.isFinite(beta))) {
    throw new InvalidArgumentError("beta", beta, "offset min-sum β must be finite and ≥ 0");
  }
  return { kind: "offset-min-sum", beta };
}

/** Sum-product rule, evaluated from the φ table (default) or as Caligo's tanh product. */
export function sumProduct(evaluation: SumProductEvaluation = "phi-table"): SumProductRule {
  if (evaluation !== "phi-table" && evaluation !== "tanh") {
    throw new InvalidArgumentError("evaluation", evaluation, 'must be "phi-table" or "tanh"');
  }
  return { kind: "sum-product", evaluation };
}

/** Whether `rule` is a min-sum rule. */
export function isMinSum(rule: CheckRule): rule is MinSumRule {
  return rule.kind === "normalized-min-sum" || rule.kind === "offset-min-sum";
}

/**
 * One check's update: from its `degree` incoming messages q[qAt + k], write the outgoing
 * r[rAt + k] = (−1)^flip · rule(q of the other edges), k < degree. `q` and `r` may be a
 * schedule's edge arrays (at the check's first edge) or row buffers (at 0).
 */
export type CheckRowUpdate<A extends Float64Array | Int32Array> = (
  q: A,
  qAt: number,
  r: A,
  rAt: number,
  degree: number,
  flip: number,
) => void;

/** Fixed-point LLR scale of the min-sum rules: 1 LLR unit = 64 integer units. */
export const FIXED_POINT_SCALE = 64;
/** Saturation of fixed-point posteriors: ±2^19 units (±8192 LLR). */
export const FIXED_LIMIT = 1 << 19;
/** α resolution of fixed-point normalized min-sum: α in 1/2^10 steps. */
export const FIXED_ALPHA_SHIFT = 10;

/**
 * The float64 row update of `rule`, with scratch for checks of up to `maxDegree` edges.
 * @example
 * ```ts
 * import { floatRowUpdate, normalizedMinSum } from "./check_rules.ts";
 * const update = floatRowUpdate(normalizedMinSum(0.5), 3);
 * const r = new Float64Array(3);
 * update(Float64Array.of(2, -4, 6), 0, r, 0, 3, 0);
 * console.assert(r.join() === "-2,1,-1");
 * ```
 */
export function floatRowUpdate(
  rule: CheckRule,
  maxDegree: number,
): CheckRowUpdate<Float64Array> {
  const degree = Math.max(1, maxDegree);
  switch (rule.kind) {
    case "normalized-min-sum":
      return minSumRowUpdate(rule.alpha, 0, degree);
    case "offset-min-sum":
      return minSumRowUpdate(1, rule.beta, degree);
    case "sum-product":
      return rule.evaluation === "tanh"
        ? tanhSumProductRowUpdate(degree)
        : phiSumProductRowUpdate(degree);
    default:
      throw new InvalidArgumentError("rule.kind", (rule as CheckRule).kind, "unknown check rule");
  }
}

/** Float min-sum, |r| = max(α·min − β, 0) (β = 0: normalized; α = 1: offset). */
function minSumRowUpdate(
  alpha: number,
  beta: number,
  maxDegree: number,
): CheckRowUpdate<Float64Array> {
  const signs = new Float32Array(maxDegree), signBits = new Int32Array(signs.buffer);
  return (q, qAt, r, rAt, degree, flip) => {
    const S = signs, B = signBits;
    let min1 = Infinity, min2 = Infinity, minPos = -1, sign = flip;
    for (let k = 0; k < degree; k++) {
      S[k] = q[qAt + k];
      sign ^= B[k] >>> 31;
      const a = Math.abs(q[qAt + k]);
      if (a < min2) {
        if (a < min1) {
          min2 = min1;
          min1 = a;
          minPos = k;
        } else min2 = a;
      }
    }
    const m1 = Math.max(alpha * min1 - beta, 0), m2 = Math.max(alpha * min2 - beta, 0);
    for (let k = 0; k < degree; k++) {
      const mag = k === minPos ? m2 : m1;
      r[rAt + k] = mag * (1 - 2 * (sign ^ (B[k] >>> 31)));
    }
  };
}

/** Sum-product from the φ table; slot `maxDegree` of the float32 scratch converts φ arguments. */
function phiSumProductRowUpdate(maxDegree: number): CheckRowUpdate<Float64Array> {
  const table = fillPhiTable(new Float32Array(PHI_BINS));
  const phis = new Float64Array(maxDegree);
  const signs = new Float32Array(maxDegree + 1), signBits = new Int32Array(signs.buffer);
  const slot = maxDegree;
  return (q, qAt, r, rAt, degree, flip) => {
    const T = table, F = phis, S = signs, B = signBits;
    let sum = 0, sign = flip;
    for (let k = 0; k < degree; k++) {
      S[k] = q[qAt + k];
      sign ^= B[k] >>> 31;
      S[slot] = Math.min(Math.max(Math.abs(q[qAt + k]), PHI_MIN_ARG), PHI_MAX_ARG);
      const f = T[(B[slot] >> PHI_BIN_SHIFT) - PHI_BIN_BASE];
      F[k] = f;
      sum += f;
    }
    for (let k = 0; k < degree; k++) {
      S[slot] = Math.min(Math.max(sum - F[k], PHI_MIN_ARG), PHI_MAX_ARG);
      const mag = T[(B[slot] >> PHI_BIN_SHIFT) - PHI_BIN_BASE];
      r[rAt + k] = mag * (1 - 2 * (sign ^ (B[k] >>> 31)));
    }
  };
}

const ZERO_TANH = 1e-12;
const PRODUCT_CLIP = 1 - 1e-12;

/**
 * Caligo's tanh-product sum-product: ≥ 2 exact zeros → all 0; one zero → only that edge gets
 * the product of the others; otherwise product / tanh_e, clipped, then 2·atanh.
 */
function tanhSumProductRowUpdate(maxDegree: number): CheckRowUpdate<Float64Array> {
  const tanhs = new Float64Array(maxDegree);
  return (q, qAt, r, rAt, degree, flip) => {
    let product = 1, zeros = 0, zeroEdge = -1;
    for (let k = 0; k < degree; k++) {
      const x = q[qAt + k];
      const t = Math.exp(x < 0 ? x : -x);
      const th = x < 0 ? -(1 - t) / (1 + t) : (1 - t) / (1 + t);
      if (th < ZERO_TANH && th > -ZERO_TANH) {
        zeros++;
        zeroEdge = k;
        tanhs[k] = 0;
      } else {
        product *= th;
        tanhs[k] = th;
      }
    }
    for (let k = 0; k < degree; k++) {
      if (zeros >= 2) {
        r[rAt + k] = 0;
        continue;
      }
      let p = zeros === 1 ? (k === zeroEdge ? product : 0) : product / tanhs[k];
      if (p > PRODUCT_CLIP) p = PRODUCT_CLIP;
      else if (p < -PRODUCT_CLIP) p = -PRODUCT_CLIP;
      const l = Math.log((1 + p) / (1 - p));
      r[rAt + k] = flip ? -l : l;
    }
  };
}

/**
 * The fixed-point (Int32, 1/{@link FIXED_POINT_SCALE} LLR units) row update of a min-sum rule:
 * branch-free integer min, |·| and sign products; α·min truncated after quantising α to
 * 1/1024, β rounded to units. Inputs must lie within ±2·{@link FIXED_LIMIT}.
 */
export function fixedRowUpdate(rule: MinSumRule): CheckRowUpdate<Int32Array> {
  const alphaFixed = rule.kind === "normalized-min-sum"
    ? Math.round(rule.alpha * (1 << FIXED_ALPHA_SHIFT))
    : 1 << FIXED_ALPHA_SHIFT;
  const betaFixed = rule.kind === "offset-min-sum" ? Math.round(rule.beta * FIXED_POINT_SCALE) : 0;
  const scale = (min: number): number => {
    const m = ((min * alphaFixed) >> FIXED_ALPHA_SHIFT) - betaFixed;
    return m & ~(m >> 31); // max(m, 0)
  };
  return (q, qAt, r, rAt, degree, flip) => {
    let min1 = FIXED_LIMIT << 1, min2 = FIXED_LIMIT << 1;
    let sign = -flip; // 0 or −1
    for (let k = 0; k < degree; k++) {
      const v = q[qAt + k], s = v >> 31;
      sign ^= s;
      const a = (v ^ s) - s;
      // min2 = min(min2, max(min1, a)); min1 = min(min1, a), via sign masks.
      let d = a - min1;
      const mask = d >> 31;
      const low = min1 + (d & mask), high = a - (d & mask);
      d = high - min2;
      min2 += d & (d >> 31);
      min1 = low;
    }
    const m1 = scale(min1), m2 = scale(min2);
    for (let k = 0; k < degree; k++) {
      const v = q[qAt + k], s = v >> 31;
      const a = (v ^ s) - s;
      const notMin = ((a - min1) | (min1 - a)) >> 31; // 0 iff a = min1
      const mag = m2 + ((m1 - m2) & notMin);
      const negative = sign ^ s;
      r[rAt + k] = (mag ^ negative) - negative;
    }
  };
}
