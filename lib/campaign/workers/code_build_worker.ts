/// <reference lib="deno.worker" />
/**
 * Web Worker that builds LDPC mother codes for {@link buildCodesInParallel}: it receives
 * {@link CodeBuildRequest}s, runs the (CPU-bound, pure) construction and returns the arrays as
 * transferables. One request at a time; the main thread saves the codes.
 * @module
 */
import { buildMotherCode, type CodeFamilyName } from "../../reconciliation/code_family.ts";

/** main → worker. */
export interface CodeBuildRequest {
  n: number;
  rate: number;
  seed: number;
  /** Degree-distribution table (`caligo` when absent). */
  family?: CodeFamilyName;
}

/** worker → main. */
export type CodeBuildReply =
  | {
    type: "built";
    id: string;
    rate: number;
    m: number;
    n: number;
    rowPtr: Int32Array;
    colIdx: Int32Array;
    puncturingOrder: Int32Array;
    girth: number;
    ms: number;
  }
  | { type: "error"; message: string };

self.onmessage = (ev: MessageEvent<CodeBuildRequest>) => {
  const { n, rate, seed, family } = ev.data;
  try {
    const t0 = performance.now();
    const code = buildMotherCode(n, rate, seed, family);
    const reply: CodeBuildReply = {
      type: "built",
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
    self.postMessage(reply, {
      transfer: [
        reply.rowPtr.buffer,
        reply.colIdx.buffer,
        reply.puncturingOrder.buffer,
      ] as ArrayBuffer[],
    });
  } catch (e) {
    self.postMessage({ type: "error", message: (e as Error).message } satisfies CodeBuildReply);
  }
};
