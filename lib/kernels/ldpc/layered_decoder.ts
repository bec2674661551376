/**
 * Layered (row-serial, "turbo-decoding message passing") schedule of belief propagation
 * (docs/science.md §9.9), running any check rule of check_rules.ts: `nms-layered` is normalized
 * min-sum (α = 0.8 by default), `spa-layered` sum-product from the φ table. Each row update reads
 * q_e = L_v − r_e from the posterior L, lets the rule compute the new r_e of the row, and writes
 * r_e and L_v = q_e + r_e, so the posterior is always current (Hocevar 2004). The syndrome test
 * runs after each full sweep. Messages live in one typed array of length E indexed by CSR edge
 * id; the posterior has length n; the row buffers have the largest check degree. Nothing is
 * allocated per frame except the small result object.
 *
 * Precision: `float64`, `float32`, or (min-sum only, the default) `fixed`: Int32 messages in units
 * of 1/{@link FIXED_POINT_SCALE} LLR with the posterior saturated at ±2^19 units (±8192 in LLR),
 * so that the min-sum rule is branch-free integer arithmetic; it decodes like float min-sum (a
 * 1/64 LLR step is far below the channel LLR spacing). Row arithmetic is in float64 whatever
 * the storage precision (q and r are rounded only when stored).
 *
 * Quality note: on the Caligo-table codes (variable degrees up to 73, check degrees up to 51)
 * normalized min-sum is far behind sum-product for every α tried (0.5–1.0): e.g. FER 0.3–1 where
 * sum-product has 0 (n = 4096, f ≈ 1.2–1.4); offset min-sum (β ≈ 0.8) recovers part of the gap.
 * @module
 */
import { InvalidArgumentError } from "../../errors.ts";
import type { ParityCheckMatrix } from "./parity_check_matrix.ts";
import {
  type CheckRowUpdate,
  type CheckRule,
  FIXED_LIMIT,
  FIXED_POINT_SCALE,
  fixedRowUpdate,
  floatRowUpdate,
  isMinSum,
} from "./check_rules.ts";
import {
  checkDecodeBuffers,
  checkIterationLimit,
  type DecodeOptions,
  type Decoder,
  type DecodeResult,
  isCancelled,
  type MessagePrecision,
} from "./decoder.ts";

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

/**
 * Create a layered decoder with its workspace for `code`.
 * @example
 * ```ts
 * import { createParityCheckMatrix } from "./parity_check_matrix.ts";
 * import { createLayeredDecoder } from "./layered_decoder.ts";
 * import { normalizedMinSum } from "./check_rules.ts";
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
  const { rule } = options;
  const defaultMaxIterations = options.maxIterations ?? 50;
  checkIterationLimit(defaultMaxIterations, 1);
  const precision = options.precision ?? (isMinSum(rule) ? "fixed" : "float64");
  const rows = precision === "fixed" ? fixedRows(code, rule) : floatRows(code, rule, precision);
  const { n, m } = code;
  return {
    name: isMinSum(rule) ? "nms-layered" : "spa-layered",
    code,
    workspaceBytes: rows.workspaceBytes,
    decode(llr, syndrome, out, opts: DecodeOptions = {}): DecodeResult {
      checkDecodeBuffers(n, m, llr, syndrome, out);
      const maxIterations = opts.maxIterations ?? defaultMaxIterations;
      checkIterationLimit(maxIterations, 0);
      const earlyStop = opts.earlyStop ?? true;
      rows.start(llr, opts.hotStart ?? false);
      let iterations = 0, converged = false, cancelled = false;
      if (earlyStop && rows.syndromeHolds(syndrome)) converged = true;
      while (!converged && iterations < maxIterations) {
        if (isCancelled(opts.cancel)) {
          cancelled = true;
          break;
        }
        rows.sweep(syndrome);
        iterations++;
        if (earlyStop && rows.syndromeHolds(syndrome)) converged = true;
      }
      if (!earlyStop && !cancelled) converged = rows.syndromeHolds(syndrome);
      rows.hardDecisions(out);
      return { converged, iterations, cancelled };
    },
  };
}

/** The layered state of one precision: posterior, messages and their row-serial sweep. */
interface LayeredRows {
  readonly workspaceBytes: number;
  /** Posterior = channel LLR + the stored messages (zeroed unless `hotStart`). */
  start(llr: Float64Array | Float32Array, hotStart: boolean): void;
  /** One sweep over the checks in order. */
  sweep(syndrome: Uint8Array): void;
  /** Whether the hard decisions of the posterior satisfy `syndrome`. */
  syndromeHolds(syndrome: Uint8Array): boolean;
  /** out_v = [L_v < 0]. */
  hardDecisions(out: Uint8Array): void;
}

/**
 * Float64 or float32 storage; row arithmetic in float64. A float64 rule writes its messages
 * straight into the message array; a float32 one into a row buffer, so that L_v = q_e + r_e
 * adds r_e before it is rounded to float32.
 */
function floatRows(
  code: ParityCheckMatrix,
  rule: CheckRule,
  precision: MessagePrecision,
): LayeredRows {
  if (precision !== "float64" && precision !== "float32") {
    throw new InvalidArgumentError("precision", precision, "must be fixed, float32 or float64");
  }
  const degree = Math.max(1, code.maxCheckDegree);
  const posterior = precision === "float32" ? new Float32Array(code.n) : new Float64Array(code.n);
  const messages = new Float64Array(precision === "float32" ? 0 : code.edges);
  const messages32 = new Float32Array(precision === "float32" ? code.edges : 0);
  const q = new Float64Array(degree), r = new Float64Array(precision === "float32" ? degree : 0);
  const update = floatRowUpdate(rule, degree);
  const { rowPtr, colIdx } = code;
  const stored = precision === "float32" ? messages32 : messages;
  function sweep64(syndrome: Uint8Array): void {
    const L = posterior, R = messages, m = code.m;
    for (let c = 0; c < m; c++) {
      const start = rowPtr[c], degree = rowPtr[c + 1] - start;
      for (let e = start, k = 0; k < degree; k++, e++) q[k] = L[colIdx[e]] - R[e];
      update(q, 0, R, start, degree, syndrome[c]);
      for (let e = start, k = 0; k < degree; k++, e++) L[colIdx[e]] = q[k] + R[e];
    }
  }
  function sweep32(syndrome: Uint8Array): void {
    const L = posterior, R = messages32, m = code.m;
    for (let c = 0; c < m; c++) {
      const start = rowPtr[c], degree = rowPtr[c + 1] - start;
      for (let k = 0; k < degree; k++) q[k] = L[colIdx[start + k]] - R[start + k];
      update(q, 0, r, 0, degree, syndrome[c]);
      for (let k = 0; k < degree; k++) {
        R[start + k] = r[k];
        L[colIdx[start + k]] = q[k] + r[k];
      }
    }
  }
  return {
    workspaceBytes: posterior.byteLength + stored.byteLength + q.byteLength + r.byteLength,
    start: (llr, hotStart) => startPosterior(code, llr, hotStart, posterior, stored),
    sweep: precision === "float32" ? sweep32 : sweep64,
    syndromeHolds: (syndrome) => posteriorSatisfies(code, posterior, syndrome),
    hardDecisions: (out) => signsOf(posterior, out),
  };
}

/** Int32 storage in 1/FIXED_POINT_SCALE LLR units, posterior saturated at ±FIXED_LIMIT. */
function fixedRows(code: ParityCheckMatrix, rule: CheckRule): LayeredRows {
  if (!isMinSum(rule)) {
    throw new InvalidArgumentError("precision", "fixed", "fixed point is only for min-sum");
  }
  const posterior = new Int32Array(code.n), messages = new Int32Array(code.edges);
  const degree = Math.max(1, code.maxCheckDegree);
  const q = new Int32Array(degree);
  const scaled = new Float64Array(code.n); // channel LLRs in units, before saturation
  const update: CheckRowUpdate<Int32Array> = fixedRowUpdate(rule);
  const { rowPtr, colIdx } = code;
  return {
    workspaceBytes: posterior.byteLength + messages.byteLength + q.byteLength + scaled.byteLength,
    start(llr, hotStart) {
      for (let v = 0; v < code.n; v++) scaled[v] = Math.round(llr[v] * FIXED_POINT_SCALE);
      startPosterior(code, scaled, hotStart, posterior, messages);
    },
    sweep(syndrome) {
      const L = posterior, R = messages, Q = q, m = code.m;
      for (let c = 0; c < m; c++) {
        const start = rowPtr[c], degree = rowPtr[c + 1] - start;
        for (let e = start, k = 0; k < degree; k++, e++) Q[k] = L[colIdx[e]] - R[e];
        update(Q, 0, R, start, degree, syndrome[c]);
        for (let k = 0, e = start; k < degree; k++, e++) {
          let l = Q[k] + R[e];
          let over = l - FIXED_LIMIT;
          l -= over & ~(over >> 31);
          over = l + FIXED_LIMIT;
          l -= over & (over >> 31);
          L[colIdx[e]] = l;
        }
      }
    },
    syndromeHolds: (syndrome) => posteriorSatisfies(code, posterior, syndrome),
    hardDecisions: (out) => signsOf(posterior, out),
  };
}

/**
 * Posterior = channel (+ the stored messages when `hotStart`, else the messages are zeroed).
 * For an Int32 posterior the values saturate at ±FIXED_LIMIT after each of the two steps.
 */
function startPosterior(
  code: ParityCheckMatrix,
  llr: ArrayLike<number>,
  hotStart: boolean,
  posterior: Float64Array | Float32Array | Int32Array,
  messages: Float64Array | Float32Array | Int32Array,
): void {
  const saturate = posterior instanceof Int32Array;
  const clamp = (x: number) =>
    saturate ? (x > FIXED_LIMIT ? FIXED_LIMIT : x < -FIXED_LIMIT ? -FIXED_LIMIT : x) : x;
  if (!hotStart) messages.fill(0);
  for (let v = 0; v < code.n; v++) posterior[v] = clamp(llr[v]);
  if (!hotStart) return;
  const { rowPtr, colIdx } = code;
  for (let c = 0; c < code.m; c++) {
    for (let e = rowPtr[c]; e < rowPtr[c + 1]; e++) posterior[colIdx[e]] += messages[e];
  }
  for (let v = 0; v < code.n; v++) posterior[v] = clamp(posterior[v]);
}

/** Whether the hard decisions [L_v < 0] satisfy H·x = s. */
function posteriorSatisfies(
  code: ParityCheckMatrix,
  posterior: ArrayLike<number>,
  syndrome: Uint8Array,
): boolean {
  const { rowPtr, colIdx } = code;
  for (let c = 0; c < code.m; c++) {
    let parity = syndrome[c];
    for (let e = rowPtr[c], end = rowPtr[c + 1]; e < end; e++) {
      if (posterior[colIdx[e]] < 0) parity ^= 1;
    }
    if (parity !== 0) return false;
  }
  return true;
}

/** out_v = [L_v < 0]. */
function signsOf(posterior: ArrayLike<number>, out: Uint8Array): void {
  for (let v = 0; v < out.length; v++) out[v] = posterior[v] < 0 ? 1 : 0;
}
