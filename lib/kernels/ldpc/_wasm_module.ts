/**
 * Shared by the SIMD decoders: the write of a code's Tanner graph into a kernel's memory (their
 * modules come from `../wasm_module.ts`).
 * @module
 */
import type { ParityCheckMatrix } from "./parity_check_matrix.ts";

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
