/**
 * Shared by the SIMD decoders: loading a lane kernel of native/wasm/ldpc_*_simd.c for one code.
 * The embedded module (compiled once by `../wasm_module.ts`) is instantiated on a fresh memory,
 * the kernel's buffers are laid out 16-byte aligned in `struct layout` order, the code's Tanner
 * graph is written once, and the exports are bound as a {@link LaneKernel} for the batch driver.
 * @module
 */
import type { ParityCheckMatrix } from "./parity_check_matrix.ts";
import type { LaneKernel } from "./simd_batch_driver.ts";

/** Bytes of one WebAssembly SIMD vector (v128); every buffer is aligned to it. */
export const VECTOR_BYTES = 16;
const PAGE_BYTES = 65536;

/** The exports of both lane kernels, each suffixed by its lane format (`_i16`, `_x8`, …). */
const LANE_KERNEL_EXPORTS = [
  "stage_frame",
  "clear_lane_inputs",
  "clear_messages",
  "add_stored_messages",
  "sweep",
  "satisfied_lanes",
  "hard_decisions",
] as const;

/** What differs between the lane kernels: module, format, scratch, extra call arguments. */
export interface LaneKernelSpec {
  module: WebAssembly.Module;
  /** Export suffix of the lane format, e.g. `i16` or `x8`. */
  suffix: string;
  /** Frames per pass. */
  lanes: number;
  /** Bytes per edge, variable or check for all lanes together (a multiple of 16). */
  laneBytes: number;
  /** Row scratch buffers (largest check degree × laneBytes each) after the syndromes. */
  rowBuffers: number;
  /** One more buffer after the hard decisions; `write` fills it and returns its layout field. */
  table?: { bytes: number; write(buffer: ArrayBufferLike, address: number): number };
  /** Arguments after (layout, lane) of `stage_frame`. */
  stageArgs: readonly number[];
  /** Arguments between layout and the frozen lanes of `sweep`. */
  sweepArgs: readonly number[];
}

/** Byte addresses of the graph arrays and of lane-interleaved posteriors and messages. */
interface GraphAddresses {
  rowPtr: number;
  colAddr: number;
  colPtr: number;
  cscMsgAddr: number;
  post: number;
  msg: number;
}

/**
 * Instantiate `spec.module` for `code` and write its layout struct ([m, n, graph, syndromes, row
 * buffers, staging, hard decisions, table]) and graph once.
 */
export function loadLaneKernel(code: ParityCheckMatrix, spec: LaneKernelSpec): LaneKernel {
  const memory = new WebAssembly.Memory({ initial: 1 });
  const exports = new WebAssembly.Instance(spec.module, { env: { memory } }).exports;
  const f: Record<string, (...args: number[]) => number> = {};
  for (const name of LANE_KERNEL_EXPORTS) f[name] = exports[`${name}_${spec.suffix}`] as never;
  const { m, n, edges } = code, v = spec.laneBytes, degree = Math.max(1, code.maxCheckDegree);
  const take = alignedAllocator((exports.__heap_base as WebAssembly.Global).value as number);
  const base = take(4 * (12 + spec.rowBuffers + (spec.table ? 1 : 0))); // the layout struct
  const graph: GraphAddresses = {
    rowPtr: take(4 * (m + 1)),
    colAddr: take(4 * edges),
    colPtr: take(4 * (n + 1)),
    cscMsgAddr: take(4 * edges),
    post: take(v * n),
    msg: take(v * edges),
  };
  const fields = [m, n, ...Object.values(graph), take(v * m)];
  for (let i = 0; i < spec.rowBuffers; i++) fields.push(take(v * degree));
  const [stageLlr, stageSyn, hard] = [take(8 * n), take(m), take(spec.lanes * n)];
  const table = spec.table ? take(spec.table.bytes) : 0;
  const pages = Math.ceil(take(0) / PAGE_BYTES);
  if (pages > 1) memory.grow(pages - 1);
  const buffer = memory.buffer;
  fields.push(stageLlr, stageSyn, hard);
  if (spec.table) fields.push(spec.table.write(buffer, table));
  new Uint32Array(buffer, base, fields.length).set(fields);
  writeGraph(buffer, code, graph, v);
  const { stageArgs, sweepArgs } = spec;
  return {
    lanes: spec.lanes,
    stageLlr: new Float64Array(buffer, stageLlr, n),
    stageSyndrome: new Uint8Array(buffer, stageSyn, m),
    hard: new Uint8Array(buffer, hard, spec.lanes * n),
    memoryBytes: buffer.byteLength,
    stageFrame: (lane) => f.stage_frame(base, lane, ...stageArgs),
    clearLaneInputs: (lane) => f.clear_lane_inputs(base, lane),
    clearMessages: (laneBits) => f.clear_messages(base, laneBits),
    addStoredMessages: () => f.add_stored_messages(base),
    sweep: (frozenLaneBits) => f.sweep(base, ...sweepArgs, frozenLaneBits),
    satisfiedLanes: (laneBits) => f.satisfied_lanes(base, laneBits),
    hardDecisions: () => f.hard_decisions(base),
  };
}

/** A bump allocator of `VECTOR_BYTES`-aligned blocks from `heapBase` up; returns block addresses. */
function alignedAllocator(heapBase: number): (bytes: number) => number {
  let at = heapBase;
  return (bytes) => {
    at = Math.ceil(at / VECTOR_BYTES) * VECTOR_BYTES;
    const start = at;
    at += bytes;
    return start;
  };
}

/**
 * Write `code`'s graph at `at` in `buffer`: CSR row offsets, the posterior address of every edge,
 * CSC column offsets and the message address of every CSC position (one `vectorBytes` slot per
 * variable or edge).
 */
function writeGraph(
  buffer: ArrayBufferLike,
  code: ParityCheckMatrix,
  at: GraphAddresses,
  vectorBytes: number,
): void {
  const { m, n, edges } = code;
  new Int32Array(buffer, at.rowPtr, m + 1).set(code.rowPtr);
  const colAddr = new Uint32Array(buffer, at.colAddr, edges);
  for (let e = 0; e < edges; e++) colAddr[e] = at.post + vectorBytes * code.colIdx[e];
  new Int32Array(buffer, at.colPtr, n + 1).set(code.colPtr);
  const cscMsgAddr = new Uint32Array(buffer, at.cscMsgAddr, edges);
  for (let k = 0; k < edges; k++) cscMsgAddr[k] = at.msg + vectorBytes * code.edgeOfCsc[k];
}
