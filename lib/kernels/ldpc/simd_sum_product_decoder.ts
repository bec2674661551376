/**
 * Frame-interleaved layered sum-product decoder running in WebAssembly SIMD128: 4 frames (one
 * f32x4 vector per edge) or 8 frames (two vectors per edge) share every pass over the Tanner
 * graph, one frame per float32 lane (kernel: native/wasm/ldpc_spa_simd.c, embedded in
 * `spa_simd_wasm.generated.ts` by tools/build_wasm_decoder.sh).
 *
 * Algorithm: the layered schedule of Hocevar (2004), as `spa-layered` in layered_decoder.ts
 * (check by check, q_e = L_v − r_e, r_e from the other q's of the check, L_v = q_e + r_e), with
 * the sum-product check rule in the φ domain, φ(x) = −ln tanh(x/2) = ln((1 + e^−x)/(1 − e^−x)):
 * |r_e| = φ(Σ_{e'≠e} φ(|q_e'|)), sign = (−1)^(s_c)·Π_{e'≠e} sgn q_e' (Chen & Fossorier 2002,
 * eq. 3; equal to 2·atanh(Π tanh(q/2))), φ read from the same log-indexed float32 table as
 * layered_decoder.ts (argument clamped to [2^−30, 64], 256 bins per octave, |Δφ| ≤ 0.0014, so
 * |r| ≤ φ(2^−30) ≈ 21.49). WebAssembly SIMD has no gather: each φ of a vector is four lane
 * extracts and four scalar loads into lanes, about half of the sweep time; a vectorised exp/log φ
 * (relative error 2·10⁻⁶) was 4× slower per sweep under V8. Differences from the TypeScript
 * kernel: Σ_{e'≠e} is a prefix plus a suffix sum instead of the row total minus φ(|q_e|) (no
 * cancellation next to a punctured input's φ ≈ 21.5), and messages, posteriors and sums are
 * float32 instead of float64. On Caligo's code the two have the same FER (320 frames each at
 * QBER 7 % and 8 %: 42 vs 41 and 75 vs 73 failures; 5 of the 640 outcomes differ). LLR > 0
 * favours bit 0, punctured positions carry 0, known bits ±KNOWN_BIT_LLR (decoder.ts); channel
 * LLRs are rounded to float32.
 *
 * Speed (bench/decoder_side_by_side.ts, 2-core AMD EPYC, 50 iterations, n = 4096): ≈ 1.5 ms per
 * frame in batches of 8, ≈ 1.7 ms in batches of 4 (TS spa-layered ≈ 10 ms, Caligo's numba
 * flooding kernel ≈ 60 ms). A batch of one frame costs a pass of every lane.
 *
 * Early stop is per frame: after every sweep the hard decisions (L < 0 → 1) of all frames are
 * tested against their syndromes; a frame that satisfies its syndrome is frozen (its lane is
 * left bit-exactly unchanged by later sweeps) and reported converged with its own iteration
 * count, so a frame decodes to the same bits and iteration count alone or in any batch. The
 * sweep loop runs in TypeScript (one WebAssembly call per sweep plus one per syndrome test), so
 * the cancel flag is polled between sweeps like the other decoders.
 *
 * Hot start is per lane: frame i of a batch continues from the messages of frame i of the
 * previous call (posterior = channel + Σ stored messages, summed in float32). Lanes beyond the
 * batch are idle (zero inputs and messages); they cost their share of the pass.
 * @module
 */
import { InvalidArgumentError } from "../../errors.ts";
import type { ParityCheckMatrix } from "./parity_check_matrix.ts";
import {
  type BatchDecoder,
  checkBatchBuffers,
  checkDecodeBuffers,
  type DecodeOptions,
  type DecodeResult,
  isCancelled,
} from "./decoder.ts";
import { SPA_SIMD_WASM_BASE64 } from "./spa_simd_wasm.generated.ts";
import { compileEmbeddedModule } from "../wasm_module.ts";
import { type GraphAddresses, writeGraph } from "./_wasm_module.ts";
import { fillPhiTable, PHI_BIN_BASE, PHI_BINS } from "./phi_table.ts";

/** The embedded kernel, compiled once at import (a `WebAssembly.Module` is immutable). */
const SPA_SIMD_MODULE = compileEmbeddedModule(SPA_SIMD_WASM_BASE64);

/** Frames per pass of the SIMD sum-product kernel: 4 (one f32x4 per edge) or 8 (two). */
export type SimdSumProductLanes = 4 | 8;

/** Options of {@link createSimdSumProductDecoder}. */
export interface SimdSumProductDecoderOptions {
  /** Iteration limit (full sweeps), default 50. */
  maxIterations?: number;
  /** Frames per pass, default 8 (faster per frame on the machines measured, see the bench). */
  lanes?: SimdSumProductLanes;
}

/** A batch decoder; `decode` (the {@link Decoder} contract) decodes a batch of one frame. */
export interface SimdSumProductDecoder extends BatchDecoder {
  /** Largest batch: 4 or 8 frames. */
  readonly lanes: SimdSumProductLanes;
}

/** The exports of native/wasm/ldpc_spa_simd.c for one width (pointers are byte addresses). */
interface Kernel {
  stage_frame(layout: number, lane: number): void;
  clear_lane_inputs(layout: number, lane: number): void;
  clear_messages(layout: number, laneBits: number): void;
  add_stored_messages(layout: number): void;
  sweep(layout: number, frozenLaneBits: number): void;
  satisfied_lanes(layout: number, laneBits: number): number;
  hard_decisions(layout: number): void;
}

const KERNEL_FUNCTIONS = [
  "stage_frame",
  "clear_lane_inputs",
  "clear_messages",
  "add_stored_messages",
  "sweep",
  "satisfied_lanes",
  "hard_decisions",
] as const;

const VECTOR_BYTES = 16;
const PAGE_BYTES = 65536;
const LAYOUT_FIELDS = 17;

/** Byte offsets of the kernel's buffers, in `struct layout` order, 16-byte aligned. */
interface Layout extends GraphAddresses {
  base: number;
  synd: number;
  rowQ: number;
  rowOld: number;
  rowPhi: number;
  rowPrefix: number;
  stageLlr: number;
  stageSyn: number;
  hard: number;
  phiTable: number;
  end: number;
}

function planLayout(code: ParityCheckMatrix, heapBase: number, lanes: number): Layout {
  const { m, n, edges } = code;
  const degree = Math.max(1, code.maxCheckDegree);
  const vector = VECTOR_BYTES * (lanes / 4); // bytes per edge, variable or check
  let at = heapBase;
  const take = (bytes: number): number => {
    at = Math.ceil(at / VECTOR_BYTES) * VECTOR_BYTES;
    const start = at;
    at += bytes;
    return start;
  };
  return {
    base: take(4 * LAYOUT_FIELDS),
    rowPtr: take(4 * (m + 1)),
    colAddr: take(4 * edges),
    colPtr: take(4 * (n + 1)),
    cscMsgAddr: take(4 * edges),
    post: take(vector * n),
    msg: take(vector * edges),
    synd: take(vector * m),
    rowQ: take(vector * degree),
    rowOld: take(vector * degree),
    rowPhi: take(vector * degree),
    rowPrefix: take(vector * degree),
    stageLlr: take(8 * n),
    stageSyn: take(m),
    hard: take(lanes * n),
    phiTable: take(4 * PHI_BINS),
    end: take(0),
  };
}

/**
 * Instantiate the embedded module on a fresh memory sized for `code` and write the graph into
 * it once: the layout struct, CSR offsets, the posterior address of every edge, CSC offsets and
 * the message address of every CSC position (hot start).
 */
function loadKernel(
  code: ParityCheckMatrix,
  lanes: SimdSumProductLanes,
): { kernel: Kernel; memory: WebAssembly.Memory; at: Layout } {
  const module = SPA_SIMD_MODULE;
  const memory = new WebAssembly.Memory({ initial: 1 });
  const exports = new WebAssembly.Instance(module, { env: { memory } }).exports;
  const functions: Record<string, unknown> = {};
  for (const name of KERNEL_FUNCTIONS) functions[name] = exports[`${name}_x${lanes}`];
  const at = planLayout(code, (exports.__heap_base as WebAssembly.Global).value as number, lanes);
  const pages = Math.ceil(at.end / PAGE_BYTES);
  if (pages > 1) memory.grow(pages - 1);

  const { m, n } = code;
  const vector = VECTOR_BYTES * (lanes / 4);
  const buffer = memory.buffer;
  const fields = [m, n, at.rowPtr, at.colAddr, at.colPtr, at.cscMsgAddr, at.post, at.msg];
  fields.push(at.synd, at.rowQ, at.rowOld, at.rowPhi, at.rowPrefix, at.stageLlr, at.stageSyn);
  // The kernel adds 4·bin to this address: the table's address less 4·PHI_BIN_BASE, mod 2^32.
  fields.push(at.hard, (at.phiTable - 4 * PHI_BIN_BASE) >>> 0);
  fillPhiTable(new Float32Array(buffer, at.phiTable, PHI_BINS));
  new Uint32Array(buffer, at.base, LAYOUT_FIELDS).set(fields);
  writeGraph(buffer, code, at, vector);
  return { kernel: functions as unknown as Kernel, memory, at };
}

/**
 * Create a frame-interleaved WebAssembly SIMD layered sum-product decoder for `code`, with its
 * own module instance and memory; the code's graph is laid out once. `workspaceBytes` is the
 * whole memory: graph (8 bytes per edge and per variable), messages and posteriors of every lane
 * (4 bytes per lane per edge and per variable), syndromes, row scratch, staging buffers.
 * @example
 * ```ts
 * import { createParityCheckMatrix } from "./parity_check_matrix.ts";
 * import { createSimdSumProductDecoder } from "./simd_sum_product_decoder.ts";
 * // Length-3 repetition code: x0 = x1 = x2.
 * const h = createParityCheckMatrix(2, 3, Int32Array.of(0, 2, 4), Int32Array.of(0, 1, 1, 2));
 * const dec = createSimdSumProductDecoder(h);
 * const outs = [new Uint8Array(3), new Uint8Array(3)];
 * const [a, b] = dec.decodeBatch(
 *   [Float64Array.of(2, -1, 2), Float64Array.of(-2, -2, 1)],
 *   [new Uint8Array(2), new Uint8Array(2)],
 *   outs,
 * );
 * console.assert(a.converged && b.converged);
 * console.assert(outs[0].join("") === "000" && outs[1].join("") === "111");
 * ```
 */
export function createSimdSumProductDecoder(
  code: ParityCheckMatrix,
  options: SimdSumProductDecoderOptions = {},
): SimdSumProductDecoder {
  const defaultMaxIterations = options.maxIterations ?? 50;
  if (!Number.isInteger(defaultMaxIterations) || defaultMaxIterations < 1) {
    throw new InvalidArgumentError("maxIterations", defaultMaxIterations, "must be an integer ≥ 1");
  }
  const lanes = options.lanes ?? 8;
  if (lanes !== 4 && lanes !== 8) {
    throw new InvalidArgumentError("lanes", lanes, "must be 4 or 8");
  }
  const { n, m } = code;
  const allLanes = 2 ** lanes - 1;
  const { kernel, memory, at } = loadKernel(code, lanes);
  const buffer = memory.buffer;
  const stageLlr = new Float64Array(buffer, at.stageLlr, n);
  const stageSyn = new Uint8Array(buffer, at.stageSyn, m);
  const hard = new Uint8Array(buffer, at.hard, lanes * n);
  const layout = at.base;

  function run(
    llrs: readonly (Float64Array | Float32Array)[],
    syndromes: readonly Uint8Array[],
    outs: readonly Uint8Array[],
    opts: DecodeOptions,
  ): DecodeResult[] {
    const maxIterations = opts.maxIterations ?? defaultMaxIterations;
    if (!Number.isInteger(maxIterations) || maxIterations < 0) {
      throw new InvalidArgumentError("maxIterations", maxIterations, "must be an integer ≥ 0");
    }
    const earlyStop = opts.earlyStop ?? true;
    const batch = llrs.length;
    const frameLanes = 2 ** batch - 1;
    // Cold start clears every lane; hot start keeps the messages of the batch's lanes only.
    kernel.clear_messages(layout, opts.hotStart ? allLanes & ~frameLanes : allLanes);
    for (let lane = 0; lane < lanes; lane++) {
      if (lane < batch) {
        stageLlr.set(llrs[lane]);
        stageSyn.set(syndromes[lane]);
        kernel.stage_frame(layout, lane);
      } else kernel.clear_lane_inputs(layout, lane);
    }
    if (opts.hotStart) kernel.add_stored_messages(layout);

    // Lane sets are bit masks (bit i = lane i).
    const iterations = new Int32Array(batch);
    let converged = earlyStop ? kernel.satisfied_lanes(layout, frameLanes) : 0;
    let active = frameLanes & ~converged;
    let cancelledLanes = 0;
    let sweeps = 0;
    while (active !== 0 && sweeps < maxIterations) {
      if (isCancelled(opts.cancel)) {
        cancelledLanes = active;
        break;
      }
      // Converged frames are frozen; idle lanes run on zero inputs and are never read.
      kernel.sweep(layout, converged);
      sweeps++;
      for (let lane = 0; lane < batch; lane++) if ((active >> lane) & 1) iterations[lane] = sweeps;
      if (earlyStop) {
        const satisfied = kernel.satisfied_lanes(layout, active);
        converged |= satisfied;
        active &= ~satisfied;
      }
    }
    if (!earlyStop && cancelledLanes === 0) converged = kernel.satisfied_lanes(layout, frameLanes);
    kernel.hard_decisions(layout);
    const results: DecodeResult[] = [];
    for (let lane = 0; lane < batch; lane++) {
      outs[lane].set(hard.subarray(lane * n, (lane + 1) * n));
      results.push({
        converged: ((converged >> lane) & 1) === 1,
        iterations: iterations[lane],
        cancelled: ((cancelledLanes >> lane) & 1) === 1,
      });
    }
    return results;
  }

  return {
    // The layered sum-product of layered_decoder.ts; DecoderName has no SIMD entry for it yet.
    name: "spa-simd",
    code,
    lanes,
    workspaceBytes: buffer.byteLength,
    decode(llr, syndrome, out, opts: DecodeOptions = {}): DecodeResult {
      checkDecodeBuffers(n, m, llr, syndrome, out);
      return run([llr], [syndrome], [out], opts)[0];
    },
    decodeBatch(llrs, syndromes, outs, opts: DecodeOptions = {}): DecodeResult[] {
      checkBatchBuffers(n, m, lanes, llrs, syndromes, outs);
      return run(llrs, syndromes, outs, opts);
    },
  };
}
