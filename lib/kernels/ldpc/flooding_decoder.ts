/**
 * Flooding sum-product decoder, Caligo-equivalent (docs/science.md §9.9, `spa-flooding`), used for FER
 * comparisons with Caligo's numba kernel. Per iteration:
 *  1. variable update: tot_v = L_v + Σ c2v, hard_v = [tot_v < 0], v2c = clip(tot_v − c2v, ±30);
 *     stop if H·hard = s;
 *  2. check update: c2v = (−1)^(s_c)·2·atanh(clip(Π_other tanh(v2c/2), ±(1 − 1e-12))), where
 *     |tanh| < 1e-12 counts as an exact zero (≥ 2 zeros → 0; one zero → only that edge gets the
 *     product of the others).
 * tanh(x/2) = (1 − e^−|x|)/(1 + e^−|x|)·sign x and 2·atanh(p) = ln((1 + p)/(1 − p)) cost one
 * exp / one log each. After the last check update one more variable update decides. Messages are
 * Float64Array (E) indexed by CSR edge id; v2c is stored per edge as well.
 * @module
 */
import { InvalidArgumentError } from "../../errors.ts";
import type { ParityCheckMatrix } from "./parity_check_matrix.ts";
import {
  checkDecodeBuffers,
  type DecodeOptions,
  type Decoder,
  type DecodeResult,
  isCancelled,
} from "./decoder.ts";

/** Options of {@link createFloodingDecoder}. */
export interface FloodingDecoderOptions {
  /** Iteration limit, default 50 (Caligo's harness). */
  maxIterations?: number;
}

const V2C_CLIP = 30;
const ZERO_TANH = 1e-12;
const PRODUCT_CLIP = 1 - 1e-12;

/**
 * Create a flooding sum-product decoder with its workspace for `code`.
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
  if (!Number.isInteger(defaultMaxIterations) || defaultMaxIterations < 1) {
    throw new InvalidArgumentError("maxIterations", defaultMaxIterations, "must be an integer ≥ 1");
  }
  const { n, m, rowPtr, colIdx, colPtr, edgeOfCsc } = code;
  const c2v = new Float64Array(code.edges);
  const v2c = new Float64Array(code.edges); // reused to hold tanh(v2c/2) during the check update
  const hard = new Uint8Array(n);

  /** Variable update; returns whether H·hard = s. */
  function variableUpdate(llr: Float64Array | Float32Array, syndrome: Uint8Array): boolean {
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

  function checkUpdate(syndrome: Uint8Array): void {
    for (let c = 0; c < m; c++) {
      const start = rowPtr[c], end = rowPtr[c + 1];
      let product = 1, zeros = 0, zeroEdge = -1;
      for (let e = start; e < end; e++) {
        const x = v2c[e];
        const t = Math.exp(x < 0 ? x : -x);
        const th = x < 0 ? -(1 - t) / (1 + t) : (1 - t) / (1 + t);
        if (th < ZERO_TANH && th > -ZERO_TANH) {
          zeros++;
          zeroEdge = e;
          v2c[e] = 0;
        } else {
          product *= th;
          v2c[e] = th;
        }
      }
      const flip = syndrome[c] !== 0;
      if (zeros >= 2) {
        for (let e = start; e < end; e++) c2v[e] = 0;
        continue;
      }
      for (let e = start; e < end; e++) {
        let p: number;
        if (zeros === 1) p = e === zeroEdge ? product : 0;
        else p = product / v2c[e];
        if (p > PRODUCT_CLIP) p = PRODUCT_CLIP;
        else if (p < -PRODUCT_CLIP) p = -PRODUCT_CLIP;
        const r = Math.log((1 + p) / (1 - p));
        c2v[e] = flip ? -r : r;
      }
    }
  }

  return {
    name: "spa-flooding",
    code,
    workspaceBytes: c2v.byteLength + v2c.byteLength + hard.byteLength,
    decode(
      llr: Float64Array | Float32Array,
      syndrome: Uint8Array,
      out: Uint8Array,
      opts: DecodeOptions = {},
    ): DecodeResult {
      checkDecodeBuffers(n, m, llr, syndrome, out);
      const maxIterations = opts.maxIterations ?? defaultMaxIterations;
      const earlyStop = opts.earlyStop ?? true;
      if (!opts.hotStart) c2v.fill(0);
      let iterations = 0, converged = false, cancelled = false;
      for (;;) {
        const satisfied = variableUpdate(llr, syndrome);
        if (satisfied && (earlyStop || iterations === maxIterations)) {
          converged = true;
          break;
        }
        if (iterations === maxIterations) break;
        if (isCancelled(opts.cancel)) {
          cancelled = true;
          break;
        }
        checkUpdate(syndrome);
        iterations++;
      }
      out.set(hard);
      return { converged, iterations, cancelled };
    },
  };
}
