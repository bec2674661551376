/// <reference lib="deno.worker" />
/**
 * Web Worker of the parallel GP restarts (docs/campaign.md §6 task `gp_restart`, §9.4), served by
 * {@link serveWorker}. Its init payload holds X and the standardised y as SharedArrayBuffers (read
 * only, copied by nobody) and the settings of the fit; it loads its own BLAS (OpenBLAS, 1 thread;
 * never the libflame shim, which crashes under concurrent calls; TS kernels when none loads) and
 * reports it in its handshake ({@link BackendHello}). Each task is one restart (index and start);
 * cancel is cooperative: the L-BFGS loop polls the pool's cancel flag once per iteration.
 * @module
 */
import { type WorkerLibrary, workerLinalg } from "../../io/blas_loader.ts";
import type { Linalg } from "../../kernels/linalg/linalg.ts";
import type { StandardisedData } from "../../surrogate/gp_data.ts";
import { type LengthScalePrior, optimizeCoarseToFine } from "../../surrogate/fit_gp.ts";
import { type BackendHello, backendHello } from "./backend_hello.ts";
import { serveWorker } from "./worker_protocol.ts";

/** Init payload: the shared data and the settings common to every restart. */
export interface RestartInit {
  x: SharedArrayBuffer;
  y: SharedArrayBuffer;
  n: number;
  d: number;
  maxIterations: number;
  /** Coarse-to-fine subset sizes, campaign seed and stream prefix (see `fitGp`). */
  warmSizes: number[];
  seed: number;
  stream: string;
  blasCandidates?: string[];
  /** The exact backend to load (the main thread's), instead of `blasCandidates`. */
  library?: WorkerLibrary;
  /** Gaussian prior on log ℓ (MAP), as in `fitGp`. */
  lengthScalePrior?: LengthScalePrior;
  isotropic?: boolean;
}

/** One restart: its index and starting log θ. */
export interface RestartTask {
  restart: number;
  start: number[];
}

/** The optimised restart (plain arrays: structured clone). */
export interface RestartReply {
  restart: number;
  logTheta: number[];
  mll: number;
  status: string;
  iterations: number;
  evaluations: number;
  warmEvaluations: number[];
}

interface RestartWorkerState {
  init: RestartInit;
  la: Linalg;
  data: StandardisedData;
}

serveWorker<RestartWorkerState, RestartTask, RestartReply, BackendHello>(self, {
  async init(payload) {
    const init = payload as RestartInit;
    const { linalg: la } = await workerLinalg({
      candidates: init.blasCandidates,
      library: init.library,
    });
    // y is n doubles: a private copy lets the FFI see a plain buffer (O(n), negligible).
    const y = new Float64Array(init.y).slice();
    const data = { x: new Float64Array(init.x), y, n: init.n, d: init.d, yMean: 0, yStd: 1 };
    return { init, la, data };
  },
  hello: (state) => backendHello(state.la),
  run({ restart, start }, { init, la, data }, { cancel }) {
    const res = optimizeCoarseToFine(
      data,
      la,
      Float64Array.from(start),
      restart,
      init.warmSizes,
      init.seed,
      init.stream,
      {
        maxIterations: init.maxIterations,
        shouldStop: () => Atomics.load(cancel, 0) === 1,
        lengthScalePrior: init.lengthScalePrior,
        isotropic: init.isotropic,
      },
    );
    return {
      restart,
      logTheta: Array.from(res.logTheta),
      mll: res.mll,
      status: res.status,
      iterations: res.iterations,
      evaluations: res.evaluations,
      warmEvaluations: res.warmEvaluations ?? [],
    };
  },
});
