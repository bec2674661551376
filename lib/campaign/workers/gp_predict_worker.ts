/// <reference lib="deno.worker" />
/**
 * Web Worker of the parallel GP prediction (docs/campaign.md §6 task `gp_score_chunk`, §9.5),
 * served by {@link serveWorker}. It loads its own BLAS at init (OpenBLAS, 1 thread; never the
 * libflame shim, which crashes under concurrent calls; TS kernels when none loads) and reports it
 * in its handshake ({@link BackendHello}). Each task names the model (a state whose large arrays —
 * inputs, α, the Cholesky factor or the LOVE cache — live in SharedArrayBuffers that every worker
 * reads in place; rebuilt only when its version changes), then the worker takes fixed-size chunks
 * of the shared candidates from a shared counter (`Atomics.add`) and writes mean and variance into
 * shared outputs. A chunk is computed the same way whichever worker takes it, so results do not
 * depend on the number of workers.
 * @module
 */
import { type WorkerLibrary, workerLinalg } from "../../io/blas_loader.ts";
import type { Linalg } from "../../kernels/linalg/linalg.ts";
import { GpModel, type GpState, type VarianceMode } from "../../surrogate/gp_model.ts";
import { type BackendHello, backendHello } from "./backend_hello.ts";
import { serveWorker } from "./worker_protocol.ts";

/** Init payload: which library to load. */
export interface PredictInit {
  blasCandidates?: string[];
  /** The exact library to load (the main thread's), instead of `blasCandidates`. */
  library?: WorkerLibrary;
}

/** A model state whose large arrays are views of SharedArrayBuffers (shared, not copied). */
export interface SharedModel {
  /** Grows with every model the pool is handed. */
  version: number;
  state: GpState;
}

/** Predict the shared candidates chunk by chunk until the shared counter passes the last chunk. */
export interface PredictTask {
  model: SharedModel;
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

interface PredictWorkerState {
  la: Linalg;
  model: GpModel | null;
  version: number;
}

/** The model of `task`, rebuilt only when the pool handed over a new one. */
function modelOf(state: PredictWorkerState, task: PredictTask): GpModel {
  if (state.model === null || state.version !== task.model.version) {
    state.model = new GpModel(task.model.state, state.la);
    state.version = task.model.version;
  }
  return state.model;
}

function predictChunks(model: GpModel, task: PredictTask): void {
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
}

serveWorker<PredictWorkerState, PredictTask, true, BackendHello>(self, {
  async init(payload) {
    const { blasCandidates, library } = payload as PredictInit;
    const la = (await workerLinalg({ candidates: blasCandidates, library })).linalg;
    return { la, model: null, version: -1 };
  },
  hello: (state) => backendHello(state.la),
  run(task, state) {
    predictChunks(modelOf(state, task), task);
    return true;
  },
});
