/**
 * The SIMD-lanes schedule shared by both WebAssembly decoders (docs/science.md §9.9): frames are
 * interleaved one per lane of every vector, and this driver runs the layered sweeps of a
 * {@link LaneKernel} over up to `lanes` frames at once. The check rule lives in the kernel
 * (min-sum in int16/int8 lanes, sum-product in float32 lanes); the batch logic lives here once.
 *
 * Early stop is per frame: after every sweep the hard decisions (L < 0 → 1) of the frames still
 * running are tested against their syndromes; a frame that satisfies its syndrome is frozen (the
 * kernel leaves its lane bit-exactly unchanged by later sweeps) and reported converged with its
 * own iteration count, so a frame decodes to the same bits and iteration count alone or in any
 * batch. The sweep loop runs in TypeScript (one WebAssembly call per sweep plus one per syndrome
 * test), so the cancel flag is polled between sweeps like the other decoders.
 *
 * Hot start is per lane: frame i of a batch continues from the messages of frame i of the
 * previous call (re-pass converged frames too: they stop at iteration 0). Lanes beyond the batch
 * are idle: zero inputs and messages, which they cost only their share of the pass.
 * @module
 */
import { InvalidArgumentError } from "../../errors.ts";
import type { ParityCheckMatrix } from "./parity_check_matrix.ts";
import {
  type BatchDecoder,
  checkBatchBuffers,
  checkDecodeBuffers,
  checkIterationLimit,
  type DecodeOptions,
  type DecodeResult,
  type DecoderName,
  isCancelled,
} from "./decoder.ts";

/**
 * A WebAssembly lane kernel bound to its memory and layout. Lane sets are bit masks (bit i =
 * lane i). Frames are staged through `stageLlr`/`stageSyndrome`, views into the kernel memory.
 */
export interface LaneKernel {
  /** Frames per pass. */
  readonly lanes: number;
  /** Staging buffer for one frame's channel LLRs (length n). */
  readonly stageLlr: Float64Array;
  /** Staging buffer for one frame's syndrome (length m). */
  readonly stageSyndrome: Uint8Array;
  /** Hard decisions of every lane after {@link LaneKernel.hardDecisions}, lane-major (lanes × n). */
  readonly hard: Uint8Array;
  /** Bytes of the kernel memory. */
  readonly memoryBytes: number;
  /** Convert the staged frame into lane `lane`'s inputs and posterior. */
  stageFrame(lane: number): void;
  /** Zero lane `lane`'s inputs (an idle lane). */
  clearLaneInputs(lane: number): void;
  /** Zero the stored messages of the lanes in `laneBits`. */
  clearMessages(laneBits: number): void;
  /** Posterior += Σ stored messages, every lane (hot start). */
  addStoredMessages(): void;
  /** One layered sweep of every lane except those in `frozenLaneBits`. */
  sweep(frozenLaneBits: number): void;
  /** The lanes of `laneBits` whose hard decisions satisfy their syndromes. */
  satisfiedLanes(laneBits: number): number;
  /** Write the hard decisions of every lane into {@link LaneKernel.hard}. */
  hardDecisions(): void;
}

/**
 * A batch decoder named `name` running `kernel`'s lanes over `code`; `decode` decodes a batch of
 * one frame. `maxIterations` is the default iteration limit (full sweeps).
 * @example
 * ```ts
 * import { createParityCheckMatrix } from "./parity_check_matrix.ts";
 * import { createSimdSumProductDecoder } from "./simd_sum_product_decoder.ts";
 * // createSimdSumProductDecoder binds its kernel and returns createSimdBatchDecoder's decoder.
 * const h = createParityCheckMatrix(2, 3, Int32Array.of(0, 2, 4), Int32Array.of(0, 1, 1, 2));
 * const dec = createSimdSumProductDecoder(h, { lanes: 4 });
 * const outs = [new Uint8Array(3), new Uint8Array(3)];
 * const llrs = [Float64Array.of(2, -1, 2), Float64Array.of(-2, -2, 1)];
 * const rs = dec.decodeBatch(llrs, [new Uint8Array(2), new Uint8Array(2)], outs);
 * console.assert(rs.every((r) => r.converged) && outs[1].join("") === "111");
 * ```
 */
export function createSimdBatchDecoder(
  name: DecoderName,
  code: ParityCheckMatrix,
  kernel: LaneKernel,
  maxIterations: number,
): BatchDecoder {
  checkIterationLimit(maxIterations, 1);
  const { n, m } = code, lanes = kernel.lanes;
  return {
    name,
    code,
    lanes,
    workspaceBytes: kernel.memoryBytes,
    decode(llr, syndrome, out, opts: DecodeOptions = {}): DecodeResult {
      checkDecodeBuffers(n, m, llr, syndrome, out);
      return decodeLanes(kernel, [llr], [syndrome], [out], maxIterations, opts)[0];
    },
    decodeBatch(llrs, syndromes, outs, opts: DecodeOptions = {}): DecodeResult[] {
      checkBatchBuffers(n, m, lanes, llrs, syndromes, outs);
      return decodeLanes(kernel, llrs, syndromes, outs, maxIterations, opts);
    },
  };
}

/** Stage a batch into the first lanes (idle lanes zeroed), cold or hot start. */
function stageBatch(
  kernel: LaneKernel,
  llrs: readonly (Float64Array | Float32Array)[],
  syndromes: readonly Uint8Array[],
  hotStart: boolean,
): void {
  const allLanes = 2 ** kernel.lanes - 1, frameLanes = 2 ** llrs.length - 1;
  // Cold start clears every lane; hot start keeps the messages of the batch's lanes only.
  kernel.clearMessages(hotStart ? allLanes & ~frameLanes : allLanes);
  for (let lane = 0; lane < kernel.lanes; lane++) {
    if (lane < llrs.length) {
      kernel.stageLlr.set(llrs[lane]);
      kernel.stageSyndrome.set(syndromes[lane]);
      kernel.stageFrame(lane);
    } else kernel.clearLaneInputs(lane);
  }
  if (hotStart) kernel.addStoredMessages();
}

/** The sweep loop with per-lane early stop, freeze and cancel; see the module doc. */
function decodeLanes(
  kernel: LaneKernel,
  llrs: readonly (Float64Array | Float32Array)[],
  syndromes: readonly Uint8Array[],
  outs: readonly Uint8Array[],
  defaultMaxIterations: number,
  opts: DecodeOptions,
): DecodeResult[] {
  const maxIterations = opts.maxIterations ?? defaultMaxIterations;
  checkIterationLimit(maxIterations, 0);
  const earlyStop = opts.earlyStop ?? true;
  const batch = llrs.length, frameLanes = 2 ** batch - 1;
  stageBatch(kernel, llrs, syndromes, opts.hotStart ?? false);
  const iterations = new Int32Array(batch);
  let converged = earlyStop ? kernel.satisfiedLanes(frameLanes) : 0;
  let active = frameLanes & ~converged, cancelledLanes = 0, sweeps = 0;
  while (active !== 0 && sweeps < maxIterations) {
    if (isCancelled(opts.cancel)) {
      cancelledLanes = active;
      break;
    }
    kernel.sweep(converged); // converged frames are frozen, idle lanes never read
    sweeps++;
    for (let lane = 0; lane < batch; lane++) if ((active >> lane) & 1) iterations[lane] = sweeps;
    if (earlyStop) {
      const satisfied = kernel.satisfiedLanes(active);
      converged |= satisfied;
      active &= ~satisfied;
    }
  }
  if (!earlyStop && cancelledLanes === 0) converged = kernel.satisfiedLanes(frameLanes);
  kernel.hardDecisions();
  return outs.map((out, lane) => {
    out.set(kernel.hard.subarray(lane * out.length, (lane + 1) * out.length));
    return {
      converged: ((converged >> lane) & 1) === 1,
      iterations: iterations[lane],
      cancelled: ((cancelledLanes >> lane) & 1) === 1,
    };
  });
}

/** Lane count check shared by the kernels' option parsers. */
export function checkLaneChoice<T extends number | string>(
  name: string,
  value: T,
  allowed: readonly T[],
): T {
  if (!allowed.includes(value)) {
    throw new InvalidArgumentError(name, value, `must be ${allowed.join(" or ")}`);
  }
  return value;
}
