/**
 * Shared by the SIMD decoders' kernel bindings: instantiating an embedded module on a fresh
 * memory, laying out 16-byte-aligned buffers, and writing a code's Tanner graph into the kernel
 * memory (the modules themselves come from `../wasm_module.ts`).
 * @module
 */
import type { ParityCheckMatrix } from "./parity_check_matrix.ts";

/** Bytes of one WebAssembly SIMD vector (v128); every buffer is aligned to it. */
export const VECTOR_BYTES = 16;
const PAGE_BYTES = 65536;

/** The layout-independent exports of both lane kernels (native/wasm/ldpc_*_simd.c). */
export const LANE_KERNEL_EXPORTS = [
  "stage_frame",
  "clear_lane_inputs",
  "clear_messages",
  "add_stored_messages",
  "sweep",
  "satisfied_lanes",
  "hard_decisions",
] as const;

/** A bump allocator of `VECTOR_BYTES`-aligned blocks from `heapBase` up; returns block addresses. */
export function alignedAllocator(heapBase: number): (bytes: number) => number {
  let at = heapBase;
  return (bytes) => {
    at = Math.ceil(at / VECTOR_BYTES) * VECTOR_BYTES;
    const start = at;
    at += bytes;
    return start;
  };
}

/**
 * Instantiate `module` on a fresh one-page memory and bind the exports `<name>_<suffix>` of
 * {@link LANE_KERNEL_EXPORTS} under their plain names; `heapBase` is the first free byte.
 */
export function instantiateLaneKernel(
  module: WebAssembly.Module,
  suffix: string,
): {
  functions: Record<(typeof LANE_KERNEL_EXPORTS)[number], (...args: number[]) => number>;
  memory: WebAssembly.Memory;
  heapBase: number;
} {
  const memory = new WebAssembly.Memory({ initial: 1 });
  const exports = new WebAssembly.Instance(module, { env: { memory } }).exports;
  const functions: Record<string, unknown> = {};
  for (const name of LANE_KERNEL_EXPORTS) functions[name] = exports[`${name}_${suffix}`];
  const heapBase = (exports.__heap_base as WebAssembly.Global).value as number;
  return { functions: functions as never, memory, heapBase };
}

/** Grow `memory` so that it holds `endByte` bytes. */
export function growMemoryTo(memory: WebAssembly.Memory, endByte: number): void {
  const pages = Math.ceil(endByte / PAGE_BYTES);
  const current = memory.buffer.byteLength / PAGE_BYTES;
  if (pages > current) memory.grow(pages - current);
}

/** Byte addresses of the graph arrays and of lane-interleaved posteriors and messages. */
export interface GraphAddresses {
  rowPtr: number;
  colAddr: number;
  colPtr: number;
  cscMsgAddr: number;
  post: number;
  msg: number;
}

/**
 * Write `code`'s graph at `at` in `buffer`: CSR row offsets, the posterior address of every edge,
 * CSC column offsets and the message address of every CSC position (one `vectorBytes` slot per
 * variable or edge).
 */
export function writeGraph(
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
