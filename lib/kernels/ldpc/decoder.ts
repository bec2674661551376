/**
 * The decoder contract shared by every schedule (layered, flooding, SIMD lanes) and check rule
 * (check_rules.ts), plus the binary-symmetric-channel LLR helper of docs/science.md §9.9. The
 * decoders a run can name are listed in decoder_registry.ts.
 *
 * Every decoder solves H·x = s: check-to-variable messages of check c are multiplied by
 * (−1)^(s_c), so a frame is decoded against the syndrome Alice sent (no coset shift needed).
 * LLR convention: L > 0 favours bit 0; punctured positions carry L = 0, shortened/revealed
 * positions ±{@link KNOWN_BIT_LLR} (Caligo's constant).
 * @module
 */
import type { ParityCheckMatrix } from "./parity_check_matrix.ts";
import { InvalidArgumentError } from "../../errors.ts";
import type { DecoderName } from "./decoder_registry.ts";

/** Decoder names: the keys of the registry (decoder_registry.ts). */
export type { DecoderName };

/** Message precision of a decoder's workspace. */
export type MessagePrecision = "float32" | "float64";

/** LLR magnitude of a bit whose value Bob knows (shortened or revealed), docs/science.md §9.9. */
export const KNOWN_BIT_LLR = 100;

/** Per-call options of {@link Decoder.decode}. */
export interface DecodeOptions {
  /** Keep the check-to-variable messages of the previous call (blind rounds); default false. */
  hotStart?: boolean;
  /** Override the decoder's iteration limit for this call. */
  maxIterations?: number;
  /** Stop as soon as the hard decision satisfies the syndrome (default true). */
  earlyStop?: boolean;
  /** Cooperative cancel flag, polled once per iteration: element 0 non-zero → stop. */
  cancel?: Int32Array;
}

/** Outcome of one decode call. Non-convergence is a value, not an error. */
export interface DecodeResult {
  /** H·out = s holds. */
  converged: boolean;
  /** Iterations (full sweeps) performed. */
  iterations: number;
  /** The cancel flag stopped the decoder. */
  cancelled: boolean;
}

/** A decoder bound to one code, owning its workspace (created once, reused per frame). */
export interface Decoder {
  readonly name: DecoderName;
  readonly code: ParityCheckMatrix;
  /**
   * Decode one frame.
   * @param llr channel LLRs, length n
   * @param syndrome target syndrome s, length m (0/1)
   * @param out hard decision x̂, length n (0/1), written
   */
  decode(
    llr: Float64Array | Float32Array,
    syndrome: Uint8Array,
    out: Uint8Array,
    options?: DecodeOptions,
  ): DecodeResult;
  /** Bytes held by the workspace (messages, posteriors, scratch). */
  readonly workspaceBytes: number;
}

/**
 * A decoder that can decode up to `lanes` frames per call (frame-interleaved kernels). Frame i of
 * a batch uses lane i; with `hotStart` it continues from the messages lane i kept from the
 * previous call, so callers pass the same frames in the same order across blind rounds (frames
 * already done simply stop at iteration 0). Each frame decodes to the same bits and iteration
 * count whatever else shares its batch.
 */
export interface BatchDecoder extends Decoder {
  /** Largest batch. */
  readonly lanes: number;
  /**
   * Decode up to {@link BatchDecoder.lanes} frames.
   * @param llrs channel LLRs of each frame, length n each
   * @param syndromes target syndromes (0/1), length m each
   * @param outs hard decisions (0/1), length n each, written
   * @returns one result per frame
   */
  decodeBatch(
    llrs: readonly (Float64Array | Float32Array)[],
    syndromes: readonly Uint8Array[],
    outs: readonly Uint8Array[],
    options?: DecodeOptions,
  ): DecodeResult[];
}

/**
 * A one-frame decoder seen as a {@link BatchDecoder} with one lane (batch decoders are returned
 * as they are).
 * @example
 * ```ts
 * import { asBatchDecoder } from "./decoder.ts";
 * import { createParityCheckMatrix } from "./parity_check_matrix.ts";
 * import { createLayeredDecoder } from "./layered_decoder.ts";
 * import { sumProduct } from "./check_rules.ts";
 * const h = createParityCheckMatrix(2, 3, Int32Array.of(0, 2, 4), Int32Array.of(0, 1, 1, 2));
 * const batch = asBatchDecoder(createLayeredDecoder(h, { rule: sumProduct() }));
 * const out = new Uint8Array(3);
 * const [r] = batch.decodeBatch([Float64Array.of(2, -1, 2)], [new Uint8Array(2)], [out]);
 * console.assert(batch.lanes === 1 && r.converged && out.join("") === "000");
 * ```
 */
export function asBatchDecoder(decoder: Decoder): BatchDecoder {
  if ("decodeBatch" in decoder && "lanes" in decoder) return decoder as BatchDecoder;
  return {
    name: decoder.name,
    code: decoder.code,
    workspaceBytes: decoder.workspaceBytes,
    lanes: 1,
    decode: (llr, syndrome, out, options) => decoder.decode(llr, syndrome, out, options),
    decodeBatch(llrs, syndromes, outs, options) {
      checkBatchBuffers(decoder.code.n, decoder.code.m, 1, llrs, syndromes, outs);
      return [decoder.decode(llrs[0], syndromes[0], outs[0], options)];
    },
  };
}

/**
 * BSC channel LLR magnitude ln((1 − q)/q) with q clamped to [1e-6, 0.5 − 1e-6] (docs/science.md §9.9).
 * @param qber crossover probability prior
 * @example
 * ```ts
 * import { bscLlrMagnitude } from "./decoder.ts";
 * console.assert(Math.abs(bscLlrMagnitude(0.1) - Math.log(9)) < 1e-12);
 * ```
 */
export function bscLlrMagnitude(qber: number): number {
  const q = Math.min(Math.max(qber, 1e-6), 0.5 - 1e-6);
  return Math.log((1 - q) / q);
}

/**
 * Check an iteration limit: an integer ≥ `least` (1 for a decoder's default, 0 for one call's).
 * @throws InvalidArgumentError on `maxIterations`
 */
export function checkIterationLimit(maxIterations: number, least: 0 | 1): void {
  if (!Number.isInteger(maxIterations) || maxIterations < least) {
    throw new InvalidArgumentError("maxIterations", maxIterations, `must be an integer ≥ ${least}`);
  }
}

/** Whether the cancel flag (if any) is raised. */
export function isCancelled(cancel: Int32Array | undefined): boolean {
  return cancel !== undefined && Atomics.load(cancel, 0) !== 0;
}

/**
 * Check the buffers of one `decode` call against the code's n (variables) and m (checks).
 * @throws InvalidArgumentError naming the buffer whose length is wrong
 */
export function checkDecodeBuffers(
  n: number,
  m: number,
  llr: ArrayLike<number>,
  syndrome: ArrayLike<number>,
  out: ArrayLike<number>,
): void {
  if (llr.length !== n) {
    throw new InvalidArgumentError("llr.length", llr.length, `must be n = ${n}`);
  }
  if (syndrome.length !== m) {
    throw new InvalidArgumentError("syndrome.length", syndrome.length, `must be m = ${m}`);
  }
  if (out.length !== n) {
    throw new InvalidArgumentError("out.length", out.length, `must be n = ${n}`);
  }
}

/**
 * Check the buffers of one `decodeBatch` call: 1..lanes frames, as many syndromes and outputs,
 * each of length n (LLRs, outputs) or m (syndromes).
 * @throws InvalidArgumentError naming the buffer whose length is wrong, e.g. `llrs[1].length`
 */
export function checkBatchBuffers(
  n: number,
  m: number,
  lanes: number,
  llrs: readonly ArrayLike<number>[],
  syndromes: readonly ArrayLike<number>[],
  outs: readonly ArrayLike<number>[],
): void {
  const batch = llrs.length;
  if (!(batch >= 1 && batch <= lanes)) {
    throw new InvalidArgumentError("llrs.length", batch, `must be 1..${lanes} frames`);
  }
  if (syndromes.length !== batch) {
    throw new InvalidArgumentError("syndromes.length", syndromes.length, `must be ${batch}`);
  }
  if (outs.length !== batch) {
    throw new InvalidArgumentError("outs.length", outs.length, `must be ${batch}`);
  }
  for (let i = 0; i < batch; i++) {
    if (llrs[i].length !== n) {
      throw new InvalidArgumentError(`llrs[${i}].length`, llrs[i].length, `must be n = ${n}`);
    }
    if (syndromes[i].length !== m) {
      throw new InvalidArgumentError(
        `syndromes[${i}].length`,
        syndromes[i].length,
        `must be m = ${m}`,
      );
    }
    if (outs[i].length !== n) {
      throw new InvalidArgumentError(`outs[${i}].length`, outs[i].length, `must be n = ${n}`);
    }
  }
}
