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
 * check_rules.ts (phi_table.ts; argument clamped to [2^−30, 64], 256 bins per octave, |Δφ| ≤ 0.0014, so
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
 * The batch logic (per-frame early stop and freeze, hot start per lane, idle lanes, cancel) is
 * the shared driver of simd_batch_driver.ts; this file binds the kernel and lays out its memory.
 * @module
 */
import type { ParityCheckMatrix } from "./parity_check_matrix.ts";
import type { BatchDecoder } from "./decoder.ts";
import { SPA_SIMD_WASM_BASE64 } from "./spa_simd_wasm.generated.ts";
import { compileEmbeddedModule } from "../wasm_module.ts";
import { loadLaneKernel, VECTOR_BYTES } from "./_wasm_module.ts";
import { checkLaneChoice, createSimdBatchDecoder } from "./simd_batch_driver.ts";
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

/**
 * Fill the φ table at `address`; the kernel adds 4·bin to its layout field, so the field is the
 * table's address less 4·PHI_BIN_BASE, mod 2^32.
 */
function writePhiTable(buffer: ArrayBufferLike, address: number): number {
  fillPhiTable(new Float32Array(buffer, address, PHI_BINS));
  return (address - 4 * PHI_BIN_BASE) >>> 0;
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
  const lanes = checkLaneChoice("lanes", options.lanes ?? 8, [4, 8] as const);
  const kernel = loadLaneKernel(code, {
    module: SPA_SIMD_MODULE,
    suffix: `x${lanes}`,
    lanes,
    laneBytes: VECTOR_BYTES * (lanes / 4),
    rowBuffers: 4, // q, old messages, φ(|q|) and the prefix sums of the row
    table: { bytes: 4 * PHI_BINS, write: writePhiTable },
    stageArgs: [],
    sweepArgs: [],
  });
  const decoder = createSimdBatchDecoder("spa-simd", code, kernel, options.maxIterations ?? 50);
  return { ...decoder, lanes };
}
