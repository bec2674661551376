/// <reference lib="deno.worker" />
/**
 * Web Worker of the parallel GP prediction (campaign.md §6 task `gp_score_chunk`, §9.5). It
 * receives a fitted model's state once (its own copy: BLAS cannot read SharedArrayBuffers), loads
 * its own BLAS (OpenBLAS, 1 thread; never the libflame shim, which crashes under concurrent calls;
 * TS kernels when none loads), then answers row ranges of candidates that the main thread put in
 * a SharedArrayBuffer, writing mean and variance into shared output arrays.
 * Protocol: main → {@link PredictInit}, then {@link PredictTask}s; worker → `ready`, then one
 * `done` (or `error`) per task.
 * @module
 */
import { workerLinalg } from "../io/blas_loader.ts";
import { GpModel, type GpState, type VarianceMode } from "../surrogate/gp_model.ts";

/** A model state with its arrays as plain number data (structured-clone friendly). */
export interface PredictInit {
  type: "init";
  state: GpState;
  blasCandidates?: string[];
}

/** Predict rows [start, start + count) of the shared candidates. */
export interface PredictTask {
  type: "task";
  id: number;
  /** m×d candidates (unit box), shared. */
  xq: SharedArrayBuffer;
  /** Outputs, m each, shared. */
  mean: SharedArrayBuffer;
  variance: SharedArrayBuffer;
  start: number;
  count: number;
  mode: VarianceMode;
  chunkSize?: number;
  includeNoise?: boolean;
  neighbours?: number;
}

/** Messages worker → main. */
export type PredictWorkerMessage =
  | { type: "ready"; backend: string }
  | { type: "done"; id: number }
  | { type: "error"; id: number; message: string };

let model: GpModel | null = null;
let pending: Promise<void> = Promise.resolve();

self.onmessage = (ev: MessageEvent<PredictInit | PredictTask>) => {
  const msg = ev.data;
  // Tasks wait for the (asynchronous) init; messages are handled in order.
  pending = pending.then(() => msg.type === "init" ? init(msg) : run(msg));
};

async function init(msg: PredictInit): Promise<void> {
  try {
    const la = (await workerLinalg(msg.blasCandidates)).linalg;
    model = new GpModel(msg.state, la);
    self.postMessage({ type: "ready", backend: la.name } satisfies PredictWorkerMessage);
  } catch (e) {
    self.postMessage({ type: "error", id: -1, message: String(e) } satisfies PredictWorkerMessage);
  }
}

function run(task: PredictTask): void {
  try {
    if (!model) throw new Error("gp_predict worker: task before a successful init");
    const d = model.d, { start, count } = task;
    const xq = new Float64Array(task.xq, 8 * start * d, count * d).slice();
    const out = model.predict(xq, {
      variance: task.mode,
      chunkSize: task.chunkSize,
      includeNoise: task.includeNoise,
      neighbours: task.neighbours,
    });
    new Float64Array(task.mean, 8 * start, count).set(out.mean);
    new Float64Array(task.variance, 8 * start, count).set(out.variance);
    self.postMessage({ type: "done", id: task.id } satisfies PredictWorkerMessage);
  } catch (e) {
    self.postMessage(
      { type: "error", id: task.id, message: String(e) } satisfies PredictWorkerMessage,
    );
  }
}
