/**
 * Flooding schedule of belief propagation (docs/science.md §9.9), Caligo-equivalent with its
 * default rule (`spa-flooding`: sum-product in Caligo's tanh-product form, check_rules.ts), used
 * for FER comparisons with Caligo's numba kernel. Per iteration:
 *  1. variable update: tot_v = L_v + Σ c2v, hard_v = [tot_v < 0], v2c = clip(tot_v − c2v, ±30);
 *     stop if H·hard = s;
 *  2. check update: every check's rule maps its v2c to its c2v (times (−1)^(s_c)).
 * After the last check update one more variable update decides. Messages are Float64Array (E)
 * indexed by CSR edge id; v2c is stored per edge as well, so the rule runs on the edge arrays.
 * @module
 */
import type { ParityCheckMatrix } from "./parity_check_matrix.ts";
import { type CheckRule, floatRowUpdate, sumProduct } from "./check_rules.ts";
import {
  checkDecodeBuffers,
  checkIterationLimit,
  type DecodeOptions,
  type Decoder,
  type DecodeResult,
  isCancelled,
} from "./decoder.ts";

/** Options of {@link createFloodingDecoder}. */
export interface FloodingDecoderOptions {
  /** Iteration limit, default 50 (Caligo's harness). */
  maxIterations?: number;
  /** Check rule, default Caligo's `sumProduct("tanh")`. */
  rule?: CheckRule;
}

/** Caligo's clip of variable-to-check messages, in LLR. */
const V2C_CLIP = 30;

/**
 * Create a flooding decoder with its workspace for `code`.
 * @example
 * ```ts
 * import { createParityCheckMatrix } from "./parity_check_matrix.ts";
 * import { createFloodingDecoder } from "./flooding_decoder.ts";
 * const h = createParityCheckMatrix(2, 3, Int32Array.of(0, 2, 4), Int32Array.of(0, 1, 1, 2));
 * const out = new Uint8Array(3);
 * const r = createFloodingDecoder(h).decode(Float64Array.of(2, -1, 2), new Uint8Array(2), out);
 * console.assert(r.converged && out.join("") === "000");
 * ```
 */
export function createFloodingDecoder(
  code: ParityCheckMatrix,
  options: FloodingDecoderOptions = {},
): Decoder {
  const defaultMaxIterations = options.maxIterations ?? 50;
  checkIterationLimit(defaultMaxIterations, 1);
  const update = floatRowUpdate(options.rule ?? sumProduct("tanh"), code.maxCheckDegree);
  const { n, m, rowPtr } = code;
  const c2v = new Float64Array(code.edges), v2c = new Float64Array(code.edges);
  const hard = new Uint8Array(n);
  return {
    name: "spa-flooding",
    code,
    workspaceBytes: c2v.byteLength + v2c.byteLength + hard.byteLength,
    decode(llr, syndrome, out, opts: DecodeOptions = {}): DecodeResult {
      checkDecodeBuffers(n, m, llr, syndrome, out);
      const maxIterations = opts.maxIterations ?? defaultMaxIterations;
      checkIterationLimit(maxIterations, 0);
      const earlyStop = opts.earlyStop ?? true;
      if (!opts.hotStart) c2v.fill(0);
      let iterations = 0, converged = false, cancelled = false;
      for (;;) {
        const satisfied = variableUpdate(code, llr, c2v, v2c, hard, syndrome);
        if (satisfied && (earlyStop || iterations === maxIterations)) {
          converged = true;
          break;
        }
        if (iterations === maxIterations) break;
        if (isCancelled(opts.cancel)) {
          cancelled = true;
          break;
        }
        for (let c = 0; c < m; c++) {
          update(v2c, rowPtr[c], c2v, rowPtr[c], rowPtr[c + 1] - rowPtr[c], syndrome[c]);
        }
        iterations++;
      }
      out.set(hard);
      return { converged, iterations, cancelled };
    },
  };
}

/** Variable update (step 1 of the module doc); returns whether H·hard = s. */
function variableUpdate(
  code: ParityCheckMatrix,
  llr: Float64Array | Float32Array,
  c2v: Float64Array,
  v2c: Float64Array,
  hard: Uint8Array,
  syndrome: Uint8Array,
): boolean {
  const { n, m, rowPtr, colIdx, colPtr, edgeOfCsc } = code;
  for (let v = 0; v < n; v++) {
    const start = colPtr[v], end = colPtr[v + 1];
    let tot = llr[v];
    for (let k = start; k < end; k++) tot += c2v[edgeOfCsc[k]];
    hard[v] = tot < 0 ? 1 : 0;
    for (let k = start; k < end; k++) {
      const e = edgeOfCsc[k];
      const x = tot - c2v[e];
      v2c[e] = x > V2C_CLIP ? V2C_CLIP : x < -V2C_CLIP ? -V2C_CLIP : x;
    }
  }
  for (let c = 0; c < m; c++) {
    let parity = syndrome[c];
    for (let e = rowPtr[c], end = rowPtr[c + 1]; e < end; e++) parity ^= hard[colIdx[e]];
    if (parity !== 0) return false;
  }
  return true;
}
