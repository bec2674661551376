/// <reference lib="deno.worker" />
/**
 * Web Worker of the parallel GP prediction (docs/campaign.md §6 task `gp_score_chunk`, §9.5). It
 * receives a fitted model's state once — its large arrays (inputs, α, the Cholesky factor or the
 * LOVE cache) live in SharedArrayBuffers that every worker reads in place (FFI BLAS reads them
 * too) — loads its own BLAS (OpenBLAS, 1 thread; never the libflame shim, which crashes under
 * concurrent calls; TS kernels when none loads), then takes fixed-size chunks of the shared
 * candidates from a shared counter (`Atomics.add`) and writes mean and variance into shared
 * outputs. A chunk is computed the same way whichever worker takes it, so results do not depend
 * on the number of workers.
 * Protocol: main → {@link PredictInit}, then {@link PredictTask}s and {@link PredictModel}s;
 * worker → `ready` per init or model, one `done` (or `error`) per task.
 * @module
 */
import {
  linalgIdentity,
  type OptionalRoutine,
  optionalRoutines,
  type WorkerLibrary,
  workerLinalg,
} from "../../io/blas_loader.ts";
import type { Linalg } from "../../kernels/linalg/linalg.ts";
import { GpModel, type GpState, type VarianceMode } from "../../surrogate/gp_model.ts";

/** A model state whose large arrays are views of SharedArrayBuffers (shared, not copied). */
export interface PredictInit {
  type: "init";
  state: GpState;
  blasCandidates?: string[];
  /** The exact library to load (the main thread's), instead of `blasCandidates`. */
  library?: WorkerLibrary;
}

/**
 * The `ready` reply: what the worker loaded, so that the pool and its user agree on the backend
 * and on the variance modes before the first prediction (never assumed).
 */
export interface PredictReady {
  type: "ready";
  /** Description of the backend (`Linalg.name`). */
  backend: string;
  /** {@link linalgIdentity} of the backend: "ts" or the library files. */
  identity: string;
  /** Optional routines it has (e.g. "strsm" for "exact-single" variances). */
  routines: OptionalRoutine[];
}

/** Replace the model (same backend); answered by `ready`. */
export interface PredictModel {
  type: "model";
  state: GpState;
}

/** Predict the shared candidates chunk by chunk until the shared counter passes the last chunk. */
export interface PredictTask {
  type: "task";
  id: number;
  /** m×d candidates (unit box), shared. */
  xq: SharedArrayBuffer;
  /** Outputs, m each, shared. */
  mean: SharedArrayBuffer;
  variance: SharedArrayBuffer;
  /** Candidate rows. */
  m: number;
  /** Rows per chunk: chunk c covers rows [c·chunkRows, min(m, (c + 1)·chunkRows)). */
  chunkRows: number;
  /** Int32 next-chunk counter, shared by the workers of this call. */
  counter: SharedArrayBuffer;
  mode: VarianceMode;
  includeNoise?: boolean;
  neighbours?: number;
  /** The float factor for "exact-single", shared (made once by the pool). */
  singleFactor?: Float32Array;
}

/** Messages worker → main. */
export type PredictWorkerMessage =
  | PredictReady
  | { type: "done"; id: number }
  | { type: "error"; id: number; message: string };

let model: GpModel | null = null;
let pending: Promise<void> = Promise.resolve();

self.onmessage = (ev: MessageEvent<PredictInit | PredictModel | PredictTask>) => {
  const msg = ev.data;
  // Tasks wait for the (asynchronous) init; messages are handled in order.
  pending = pending.then(() =>
    msg.type === "init" ? init(msg) : msg.type === "model" ? replaceModel(msg) : run(msg)
  );
};

function replaceModel(msg: PredictModel): void {
  try {
    if (!model) throw new Error("gp_predict worker: model before a successful init");
    model = new GpModel(msg.state, model.la);
    self.postMessage(readyReply(model.la));
  } catch (e) {
    self.postMessage({ type: "error", id: -1, message: String(e) } satisfies PredictWorkerMessage);
  }
}

async function init(msg: PredictInit): Promise<void> {
  try {
    const la =
      (await workerLinalg({ candidates: msg.blasCandidates, library: msg.library })).linalg;
    model = new GpModel(msg.state, la);
    self.postMessage(readyReply(la));
  } catch (e) {
    self.postMessage({ type: "error", id: -1, message: String(e) } satisfies PredictWorkerMessage);
  }
}

function readyReply(la: Linalg): PredictReady {
  return {
    type: "ready",
    backend: la.name,
    identity: linalgIdentity(la),
    routines: optionalRoutines(la),
  };
}

function run(task: PredictTask): void {
  try {
    if (!model) throw new Error("gp_predict worker: task before a successful init");
    if (task.singleFactor) model.singleFactor(task.singleFactor);
    const d = model.d, { m, chunkRows } = task, counter = new Int32Array(task.counter);
    for (let c = Atomics.add(counter, 0, 1); c * chunkRows < m; c = Atomics.add(counter, 0, 1)) {
      const start = c * chunkRows, count = Math.min(chunkRows, m - start);
      const out = model.predict(new Float64Array(task.xq, 8 * start * d, count * d), {
        variance: task.mode,
        chunkSize: chunkRows,
        includeNoise: task.includeNoise,
        neighbours: task.neighbours,
      });
      new Float64Array(task.mean, 8 * start, count).set(out.mean);
      new Float64Array(task.variance, 8 * start, count).set(out.variance);
    }
    self.postMessage({ type: "done", id: task.id } satisfies PredictWorkerMessage);
  } catch (e) {
    self.postMessage(
      { type: "error", id: task.id, message: String(e) } satisfies PredictWorkerMessage,
    );
  }
}
