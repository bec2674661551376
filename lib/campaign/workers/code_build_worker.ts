/// <reference lib="deno.worker" />
/**
 * Web Worker that builds LDPC mother codes for {@link buildCodesInParallel}, served by
 * {@link serveWorker}: each task is one {@link CodeBuildRequest}; the (CPU-bound, pure)
 * construction's arrays come back as transferables. The main thread saves the codes.
 * @module
 */
import { buildMotherCode, type CodeFamilyName } from "../../reconciliation/code_family.ts";
import { serveWorker } from "./worker_protocol.ts";

/** One code to build. */
export interface CodeBuildRequest {
  n: number;
  rate: number;
  seed: number;
  /** Degree-distribution table (`caligo` when absent). */
  family?: CodeFamilyName;
}

/** The built code: the parity-check matrix in CSR form and its puncturing order. */
export interface BuiltCode {
  id: string;
  rate: number;
  m: number;
  n: number;
  rowPtr: Int32Array;
  colIdx: Int32Array;
  puncturingOrder: Int32Array;
  girth: number;
  /** Construction time, ms. */
  ms: number;
}

serveWorker<null, CodeBuildRequest, BuiltCode>(self, {
  init: () => null,
  run({ n, rate, seed, family }) {
    const t0 = performance.now();
    const code = buildMotherCode(n, rate, seed, family);
    return {
      id: code.id,
      rate: code.rate,
      m: code.matrix.m,
      n: code.matrix.n,
      rowPtr: code.matrix.rowPtr,
      colIdx: code.matrix.colIdx,
      puncturingOrder: code.puncturingOrder,
      girth: code.girth,
      ms: performance.now() - t0,
    };
  },
  transfer: (c) => [c.rowPtr.buffer, c.colIdx.buffer, c.puncturingOrder.buffer] as ArrayBuffer[],
});
