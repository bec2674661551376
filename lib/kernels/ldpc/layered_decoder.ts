/**
 * Layered (row-serial, "turbo-decoding message passing") belief propagation with two check
 * rules (docs/science.md §9.9):
 *  - `normalized-min-sum` (`nms-layered`): |r| = α·min over the other edges (Chen & Fossorier
 *    2002), α = 0.8 by default;
 *  - `sum-product` (`spa-layered`): r = 2 atanh(Π tanh(q/2)) evaluated in the φ domain,
 *    φ(x) = −ln tanh(x/2) = ln((1 + e^−x)/(1 − e^−x)), |r| = φ(Σ φ(|q|) − φ(|q_e|)), with φ
 *    read from a log-spaced table without branches (phi_table.ts); this keeps the
 *    cost per edge near min-sum's instead of one exp and one log per φ.
 * Each row update reads q_e = L_v − r_e from the posterior L, writes the new r_e and
 * L_v = q_e + r_e, so the posterior is always current (Hocevar 2004). The syndrome test runs after
 * each full sweep. Messages live in one typed array of length E indexed by CSR edge id; the
 * posterior has length n; the scratch row buffers have the largest check degree. Nothing is
 * allocated per frame except the small result object.
 *
 * Precision: `float64`, `float32`, or (min-sum only, the default) `fixed`: Int32 messages in units of
 * 1/{@link FIXED_POINT_SCALE} LLR with the posterior saturated at ±2^19 units (±8192 in LLR), so
 * that min, |·| and the sign products are branch-free integer arithmetic; it decodes like float
 * min-sum (a 1/64 LLR step is far below the channel LLR spacing). V8 compiles `q < 0 ? −m : m` to a
 * data-dependent branch that mispredicts on every other edge (≈ 3× slower sweeps), so the float
 * kernels take signs from the bits of a Float32 scratch copy (same-size store/load, so store
 * forwarding works) and multiply by ±1; with that, fixed and float32 run at about the same speed.
 *
 * Quality note: on the Caligo-table codes (variable degrees up to 73, check degrees up to 51)
 * normalized min-sum is far behind sum-product for every α tried (0.5–1.0): e.g. FER 0.3–1 where
 * sum-product has 0 (n = 4096, f ≈ 1.2–1.4); offset min-sum (β ≈ 0.8) recovers part of the gap.
 * @module
 */
import { InvalidArgumentError } from "../../errors.ts";
import type { ParityCheckMatrix } from "./parity_check_matrix.ts";
import {
  fillPhiTable,
  PHI_BIN_BASE,
  PHI_BIN_SHIFT,
  PHI_BINS,
  PHI_MAX_ARG,
  PHI_MIN_ARG,
} from "./phi_table.ts";
import {
  checkDecodeBuffers,
  type DecodeOptions,
  type Decoder,
  type DecodeResult,
  isCancelled,
  type MessagePrecision,
} from "./decoder.ts";

/** Check-node rule of the layered schedule. */
export type CheckRule =
  | { kind: "normalized-min-sum"; alpha: number }
  | { kind: "sum-product" };

/** Normalized min-sum rule with factor α ∈ (0, 1]. */
export function normalizedMinSum(alpha: number): CheckRule {
  if (!(alpha > 0 && alpha <= 1)) {
    throw new InvalidArgumentError("alpha", alpha, "normalized min-sum factor must be in (0, 1]");
  }
  return { kind: "normalized-min-sum", alpha };
}

/** Sum-product rule. */
export function sumProduct(): CheckRule {
  return { kind: "sum-product" };
}

/** Options of {@link createLayeredDecoder}. */
export interface LayeredDecoderOptions {
  rule: CheckRule;
  /** Iteration limit (full sweeps), default 50. */
  maxIterations?: number;
  /**
   * Message precision, default "fixed" (Int32, min-sum only) for min-sum and "float64" for
   * sum-product.
   */
  precision?: MessagePrecision | "fixed";
}

/** Fixed-point LLR scale of the `fixed` min-sum kernel: 1 LLR unit = 64 integer units. */
export const FIXED_POINT_SCALE = 64;
const FIXED_LIMIT = 1 << 19;
const FIXED_ALPHA_SHIFT = 10;

/**
 * Create a layered decoder with its workspace for `code`.
 * @example
 * ```ts
 * import { createParityCheckMatrix } from "./parity_check_matrix.ts";
 * import { createLayeredDecoder, normalizedMinSum } from "./layered_decoder.ts";
 * // Length-3 repetition code: x0 = x1 = x2.
 * const h = createParityCheckMatrix(2, 3, Int32Array.of(0, 2, 4), Int32Array.of(0, 1, 1, 2));
 * const dec = createLayeredDecoder(h, { rule: normalizedMinSum(0.8) });
 * const out = new Uint8Array(3);
 * const r = dec.decode(Float64Array.of(2, -1, 2), new Uint8Array(2), out);
 * console.assert(r.converged && out.join("") === "000");
 * ```
 */
export function createLayeredDecoder(
  code: ParityCheckMatrix,
  options: LayeredDecoderOptions,
): Decoder {
  const rule = options.rule;
  const defaultMaxIterations = options.maxIterations ?? 50;
  if (!Number.isInteger(defaultMaxIterations) || defaultMaxIterations < 1) {
    throw new InvalidArgumentError("maxIterations", defaultMaxIterations, "must be an integer ≥ 1");
  }
  const isMinSum = rule.kind === "normalized-min-sum";
  const precision = options.precision ?? (isMinSum ? "fixed" : "float64");
  if (precision === "fixed" && !isMinSum) {
    throw new InvalidArgumentError("precision", precision, "fixed point is only for min-sum");
  }
  const isFixed = precision === "fixed";
  const Arr = precision === "float32"
    ? Float32Array
    : precision === "fixed"
    ? Int32Array
    : Float64Array;
  const { n, m, rowPtr, colIdx } = code;
  const posterior = new Arr(n);
  const messages = new Arr(code.edges);
  const degree = Math.max(1, code.maxCheckDegree);
  const rowScratch = new Float64Array(degree);
  const rowPhi = new Float64Array(degree);
  // One slot more than the row: signScratch[degree] converts φ arguments to float32 bits.
  const signScratch = new Float32Array(degree + 1);
  const signBits = new Int32Array(signScratch.buffer);
  const fixedRow = new Int32Array(degree);
  const alpha = rule.kind === "normalized-min-sum" ? rule.alpha : 1;
  const phiValues = isMinSum ? new Float32Array(0) : fillPhiTable(new Float32Array(PHI_BINS));
  const alphaFixed = Math.round(alpha * (1 << FIXED_ALPHA_SHIFT));

  /** Fixed-point normalized min-sum sweep; all branch-free except the loop bounds. */
  function sweepFixed(syndrome: Uint8Array): void {
    const L = posterior as Int32Array, R = messages as Int32Array, Q = fixedRow;
    for (let c = 0; c < m; c++) {
      const start = rowPtr[c], end = rowPtr[c + 1];
      let min1 = FIXED_LIMIT << 1, min2 = FIXED_LIMIT << 1;
      let sign = -syndrome[c]; // 0 or −1
      for (let e = start, k = 0; e < end; e++, k++) {
        const q = L[colIdx[e]] - R[e];
        Q[k] = q;
        const s = q >> 31;
        sign ^= s;
        const a = (q ^ s) - s;
        // min2 = min(min2, max(min1, a)); min1 = min(min1, a), via sign masks.
        let d = a - min1;
        const mask = d >> 31;
        const low = min1 + (d & mask), high = a - (d & mask);
        d = high - min2;
        min2 += d & (d >> 31);
        min1 = low;
      }
      const m1 = (min1 * alphaFixed) >> FIXED_ALPHA_SHIFT;
      const m2 = (min2 * alphaFixed) >> FIXED_ALPHA_SHIFT;
      for (let e = start, k = 0; e < end; e++, k++) {
        const q = Q[k];
        const s = q >> 31;
        const a = (q ^ s) - s;
        const notMin = ((a - min1) | (min1 - a)) >> 31; // 0 iff a = min1
        const mag = m2 + ((m1 - m2) & notMin);
        const negative = sign ^ s;
        const r = (mag ^ negative) - negative;
        R[e] = r;
        let l = q + r;
        let over = l - FIXED_LIMIT;
        l -= over & ~(over >> 31);
        over = l + FIXED_LIMIT;
        l -= over & (over >> 31);
        L[colIdx[e]] = l;
      }
    }
  }

  function sweepMinSum(syndrome: Uint8Array): void {
    const L = posterior, R = messages, Q = rowScratch, S = signScratch, B = signBits;
    for (let c = 0; c < m; c++) {
      const start = rowPtr[c], end = rowPtr[c + 1];
      let min1 = Infinity, min2 = Infinity, minPos = -1;
      let sign = syndrome[c];
      for (let e = start, k = 0; e < end; e++, k++) {
        const q = L[colIdx[e]] - R[e];
        Q[k] = q;
        S[k] = q;
        sign ^= B[k] >>> 31;
        const a = Math.abs(q);
        if (a < min2) {
          if (a < min1) {
            min2 = min1;
            min1 = a;
            minPos = k;
          } else min2 = a;
        }
      }
      const m1 = alpha * min1, m2 = alpha * min2;
      for (let e = start, k = 0; e < end; e++, k++) {
        const q = Q[k];
        const mag = k === minPos ? m2 : m1;
        const r = mag * (1 - 2 * (sign ^ (B[k] >>> 31)));
        R[e] = r;
        L[colIdx[e]] = q + r;
      }
    }
  }

  function sweepSumProduct(syndrome: Uint8Array): void {
    const L = posterior, R = messages, Q = rowScratch, F = rowPhi, S = signScratch, B = signBits;
    const T = phiValues, slot = degree;
    for (let c = 0; c < m; c++) {
      const start = rowPtr[c], end = rowPtr[c + 1];
      let sum = 0;
      let sign = syndrome[c];
      for (let e = start, k = 0; e < end; e++, k++) {
        const q = L[colIdx[e]] - R[e];
        Q[k] = q;
        S[k] = q;
        sign ^= B[k] >>> 31;
        S[slot] = Math.min(Math.max(Math.abs(q), PHI_MIN_ARG), PHI_MAX_ARG);
        const f = T[(B[slot] >> PHI_BIN_SHIFT) - PHI_BIN_BASE];
        F[k] = f;
        sum += f;
      }
      for (let e = start, k = 0; e < end; e++, k++) {
        const q = Q[k];
        S[slot] = Math.min(Math.max(sum - F[k], PHI_MIN_ARG), PHI_MAX_ARG);
        const mag = T[(B[slot] >> PHI_BIN_SHIFT) - PHI_BIN_BASE];
        const r = mag * (1 - 2 * (sign ^ (B[k] >>> 31)));
        R[e] = r;
        L[colIdx[e]] = q + r;
      }
    }
  }

  function syndromeHolds(syndrome: Uint8Array): boolean {
    const L = posterior;
    for (let c = 0; c < m; c++) {
      let parity = syndrome[c];
      for (let e = rowPtr[c], end = rowPtr[c + 1]; e < end; e++) {
        if (L[colIdx[e]] < 0) parity ^= 1;
      }
      if (parity !== 0) return false;
    }
    return true;
  }

  return {
    name: isMinSum ? "nms-layered" : "spa-layered",
    code,
    workspaceBytes: posterior.byteLength + messages.byteLength + rowScratch.byteLength +
      rowPhi.byteLength + signScratch.byteLength + fixedRow.byteLength,
    decode(
      llr: Float64Array | Float32Array,
      syndrome: Uint8Array,
      out: Uint8Array,
      opts: DecodeOptions = {},
    ): DecodeResult {
      checkDecodeBuffers(n, m, llr, syndrome, out);
      const maxIterations = opts.maxIterations ?? defaultMaxIterations;
      const earlyStop = opts.earlyStop ?? true;
      // Posterior = channel + all stored check messages (zero unless hot-started).
      if (!opts.hotStart) messages.fill(0);
      if (isFixed) {
        for (let v = 0; v < n; v++) {
          const x = Math.round(llr[v] * FIXED_POINT_SCALE);
          posterior[v] = x > FIXED_LIMIT ? FIXED_LIMIT : x < -FIXED_LIMIT ? -FIXED_LIMIT : x;
        }
      } else {
        for (let v = 0; v < n; v++) posterior[v] = llr[v];
      }
      if (opts.hotStart) {
        for (let c = 0; c < m; c++) {
          for (let e = rowPtr[c]; e < rowPtr[c + 1]; e++) posterior[colIdx[e]] += messages[e];
        }
        if (isFixed) {
          for (let v = 0; v < n; v++) {
            const x = posterior[v];
            posterior[v] = x > FIXED_LIMIT ? FIXED_LIMIT : x < -FIXED_LIMIT ? -FIXED_LIMIT : x;
          }
        }
      }
      let iterations = 0, converged = false, cancelled = false;
      if (earlyStop && syndromeHolds(syndrome)) converged = true;
      while (!converged && iterations < maxIterations) {
        if (isCancelled(opts.cancel)) {
          cancelled = true;
          break;
        }
        if (isFixed) sweepFixed(syndrome);
        else if (isMinSum) sweepMinSum(syndrome);
        else sweepSumProduct(syndrome);
        iterations++;
        if (earlyStop && syndromeHolds(syndrome)) converged = true;
      }
      if (!earlyStop && !cancelled) converged = syndromeHolds(syndrome);
      for (let v = 0; v < n; v++) out[v] = posterior[v] < 0 ? 1 : 0;
      return { converged, iterations, cancelled };
    },
  };
}
