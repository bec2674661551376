/**
 * Frame-interleaved layered min-sum decoder running in WebAssembly SIMD128: 8 frames (int16
 * lanes) or 16 frames (int8 lanes) share every pass over the Tanner graph, one frame per lane of
 * each v128 (kernel: native/wasm/ldpc_min_sum_simd.c, embedded in `min_sum_simd_wasm.generated.ts` by
 * tools/build_wasm_decoder.sh).
 *
 * Algorithm: the layered schedule of Hocevar (2004), as in `layered_decoder.ts` (check by check,
 * q_e = L_v − r_e, r_e from the other q's of the check, L_v = q_e + r_e), with the check rule
 * normalized min-sum |r| = ⌊α·min⌋ or offset min-sum |r| = max(min − β, 0) (Chen & Fossorier
 * 2002); every check-to-variable message is multiplied by (−1)^(s_c) (docs/science.md §9.9). LLR > 0
 * favours bit 0, punctured positions carry 0, known bits ±{@link KNOWN_BIT_LLR}.
 *
 * Fixed point: messages and posteriors are integers in units of 1/`llrScale` LLR, saturating at
 * the lane range. Channel LLRs are rounded to the nearest unit (half up) and clamped to ±largest;
 * α is quantised to 1/1024 and α·min truncated, exactly as in the fixed-point rule of
 * check_rules.ts; β is round(β·llrScale) units.
 *  - int16 (default): llrScale 64 (= FIXED_POINT_SCALE), range ±32767 units = ±512 LLR. The
 *    integer arithmetic is that of the TS `fixed` kernel until a value reaches ±512 LLR (the TS
 *    kernel saturates at ±8192 LLR), so the two decode the same bits in the same number of
 *    iterations in practice (tested frame by frame on Caligo's code). Known bits are 6400 units.
 *  - int8: llrScale 2, range ±127 units = ±63.5 LLR; known bits saturate at 127 units. Coarser:
 *    truncating α·min to whole half-LLR units acts as an extra offset, which on Caligo's code
 *    happens to help normalized min-sum (FER 0.06 vs 0.34 at QBER 6 %, 512 frames).
 *
 * The batch logic (per-frame early stop and freeze, hot start per lane, idle lanes, cancel) is
 * the shared driver of simd_batch_driver.ts; this file binds the kernel, lays out its memory and
 * turns the check rule into the kernel's rule code.
 * @module
 */
import { InvalidArgumentError } from "../../errors.ts";
import type { ParityCheckMatrix } from "./parity_check_matrix.ts";
import { type BatchDecoder, KNOWN_BIT_LLR } from "./decoder.ts";
import {
  type CheckRule,
  FIXED_ALPHA_SHIFT,
  FIXED_POINT_SCALE,
  normalizedMinSum,
} from "./check_rules.ts";
import { MIN_SUM_SIMD_WASM_BASE64 } from "./min_sum_simd_wasm.generated.ts";
import { compileEmbeddedModule } from "../wasm_module.ts";
import { loadLaneKernel, VECTOR_BYTES } from "./_wasm_module.ts";
import { checkLaneChoice, createSimdBatchDecoder } from "./simd_batch_driver.ts";

/** The embedded kernel, compiled once at import (a `WebAssembly.Module` is immutable). */
const MIN_SUM_SIMD_MODULE = compileEmbeddedModule(MIN_SUM_SIMD_WASM_BASE64);

/**
 * Lane format of the SIMD kernel: `int16` (8 frames per pass) or `int8` (16 frames per pass,
 * coarser and with a ±127-unit range).
 */
export type SimdLanePrecision = "int16" | "int8";

/** Per lane format: frames per pass, largest lane value, default units per LLR, export suffix. */
export const SIMD_LANE_FORMATS = {
  int16: { lanes: 8, largest: 32767, defaultLlrScale: FIXED_POINT_SCALE, suffix: "i16" },
  int8: { lanes: 16, largest: 127, defaultLlrScale: 2, suffix: "i8" },
} as const satisfies Record<
  SimdLanePrecision,
  { lanes: number; largest: number; defaultLlrScale: number; suffix: string }
>;

/** Options of {@link createSimdMinSumDecoder}. */
export interface SimdMinSumDecoderOptions {
  /** `normalizedMinSum(α)` (default α = 0.8) or `offsetMinSum(β)`; sum-product is not offered. */
  rule?: CheckRule;
  /** Iteration limit (full sweeps), default 50. */
  maxIterations?: number;
  /** Lane format, default "int16". */
  precision?: SimdLanePrecision;
  /**
   * Fixed-point units per LLR (> 0): default 64 for int16 (at most 327, so ±KNOWN_BIT_LLR fits),
   * 2 for int8 (at most 127; known bits then saturate at ±127 units).
   */
  llrScale?: number;
}

/** A batch decoder; `decode` (the {@link Decoder} contract) decodes a batch of one frame. */
export interface SimdMinSumDecoder extends BatchDecoder {
  /** Largest batch: 8 (int16) or 16 (int8) frames. */
  readonly lanes: number;
  /** Lane format. */
  readonly precision: SimdLanePrecision;
  /** Fixed-point units per LLR. */
  readonly llrScale: number;
}

/** α resolution: 1/1024, that of the fixed-point rule (check_rules.ts). */
const ALPHA_STEPS = 1 << FIXED_ALPHA_SHIFT;
const RULE_NORMALIZED = 0;
const RULE_OFFSET = 1;
/** Kernel rule code and parameter (Q15 α, or β in fixed-point units) for a check rule. */
function kernelRule(
  rule: CheckRule,
  llrScale: number,
  largest: number,
): { code: number; param: number } {
  if (rule.kind === "normalized-min-sum") {
    const alpha = rule.alpha;
    if (!(alpha > 0 && alpha <= 1)) {
      throw new InvalidArgumentError("rule.alpha", alpha, "must be in (0, 1]");
    }
    // α in 1/1024 steps as in check_rules.ts, passed in Q15; α = 1 is plain min-sum, i.e.
    // offset 0 (Q15 cannot hold 1.0).
    const alpha1024 = Math.round(alpha * ALPHA_STEPS);
    return alpha1024 >= ALPHA_STEPS
      ? { code: RULE_OFFSET, param: 0 }
      : { code: RULE_NORMALIZED, param: alpha1024 * (32768 / ALPHA_STEPS) };
  }
  if (rule.kind === "offset-min-sum") {
    const beta = rule.beta;
    if (!(beta >= 0 && Number.isFinite(beta))) {
      throw new InvalidArgumentError("rule.beta", beta, "must be finite and ≥ 0");
    }
    return { code: RULE_OFFSET, param: Math.min(largest, Math.round(beta * llrScale)) };
  }
  throw new InvalidArgumentError(
    "rule.kind",
    rule.kind,
    "the SIMD decoder implements normalized-min-sum and offset-min-sum only",
  );
}

/**
 * Create a frame-interleaved WebAssembly SIMD layered min-sum decoder for `code`, with its own
 * module instance and memory; the code's graph is laid out once. `workspaceBytes` is the whole
 * memory: graph (8 bytes per edge and per variable), messages and posteriors of every lane
 * (16 bytes per edge and per variable), syndromes, staging buffers.
 * @example
 * ```ts
 * import { createParityCheckMatrix } from "./parity_check_matrix.ts";
 * import { normalizedMinSum } from "./check_rules.ts";
 * import { createSimdMinSumDecoder } from "./simd_min_sum_decoder.ts";
 * // Length-3 repetition code: x0 = x1 = x2.
 * const h = createParityCheckMatrix(2, 3, Int32Array.of(0, 2, 4), Int32Array.of(0, 1, 1, 2));
 * const dec = createSimdMinSumDecoder(h, { rule: normalizedMinSum(0.8) });
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
export function createSimdMinSumDecoder(
  code: ParityCheckMatrix,
  options: SimdMinSumDecoderOptions = {},
): SimdMinSumDecoder {
  const precision = checkLaneChoice(
    "precision",
    options.precision ?? "int16",
    [
      "int16",
      "int8",
    ] as const,
  );
  const { lanes, largest, defaultLlrScale, suffix } = SIMD_LANE_FORMATS[precision];
  const llrScale = options.llrScale ?? defaultLlrScale;
  const maxScale = precision === "int16" ? Math.floor(largest / KNOWN_BIT_LLR) : largest;
  if (!(llrScale > 0 && llrScale <= maxScale)) {
    throw new InvalidArgumentError(
      "llrScale",
      llrScale,
      `must be in (0, ${maxScale}] units per LLR for ${precision} lanes`,
    );
  }
  const rule = kernelRule(options.rule ?? normalizedMinSum(0.8), llrScale, largest);
  const kernel = loadLaneKernel(code, {
    module: MIN_SUM_SIMD_MODULE,
    suffix,
    lanes,
    laneBytes: VECTOR_BYTES,
    rowBuffers: 2, // q and the old messages of the row
    stageArgs: [llrScale],
    sweepArgs: [rule.code, rule.param],
  });
  const decoder = createSimdBatchDecoder("nms-simd", code, kernel, options.maxIterations ?? 50);
  return { ...decoder, precision, llrScale };
}
