/// <reference lib="deno.worker" />
/**
 * Web Worker of the parallel GP restarts (docs/campaign.md §6 task `gp_restart`, §9.4). It receives X
 * and the standardised y as SharedArrayBuffers (read only, copied by nobody), loads its own BLAS
 * (OpenBLAS, 1 thread; never the libflame shim, which crashes under concurrent calls; TS kernels
 * when none loads), then takes restart indices from an `Atomics.add` counter until they run out.
 * Cancel is cooperative: the L-BFGS loop polls the control word 0 once per iteration.
 * Protocol: main → {@link RestartInit}; worker → {@link RestartWorkerMessage}s, ending with
 * `done` (or `error`).
 * @module
 */
import { linalgIdentity, type WorkerLibrary, workerLinalg } from "../../io/blas_loader.ts";
import { type LengthScalePrior, optimizeCoarseToFine } from "../../surrogate/fit_gp.ts";

/** Control words of the shared Int32Array. */
export const CTL_CANCEL = 0;
/** Next restart index to take (Atomics.add). */
export const CTL_NEXT = 1;

/** The init message (main → worker). */
export interface RestartInit {
  type: "init";
  x: SharedArrayBuffer;
  y: SharedArrayBuffer;
  ctl: SharedArrayBuffer;
  n: number;
  d: number;
  starts: number[][];
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

/** Messages worker → main. */
export type RestartWorkerMessage =
  | { type: "ready"; backend: string; identity: string }
  | {
    type: "result";
    restart: number;
    logTheta: number[];
    mll: number;
    status: string;
    iterations: number;
    evaluations: number;
    warmEvaluations: number[];
  }
  | { type: "done" }
  | { type: "error"; message: string };

self.onmessage = async (ev: MessageEvent<RestartInit>) => {
  const msg = ev.data;
  if (msg.type !== "init") return;
  let close = () => {};
  try {
    const backend = await workerLinalg({ candidates: msg.blasCandidates, library: msg.library });
    const la = backend.linalg;
    close = backend.close;
    self.postMessage(
      {
        type: "ready",
        backend: la.name,
        identity: linalgIdentity(la),
      } satisfies RestartWorkerMessage,
    );
    const ctl = new Int32Array(msg.ctl);
    const x = new Float64Array(msg.x);
    // y is n doubles: a private copy lets the FFI see a plain buffer (O(n), negligible).
    const y = new Float64Array(msg.y).slice();
    const data = { x, y, n: msg.n, d: msg.d, yMean: 0, yStd: 1 };
    for (;;) {
      if (Atomics.load(ctl, CTL_CANCEL) === 1) break;
      const r = Atomics.add(ctl, CTL_NEXT, 1);
      if (r >= msg.starts.length) break;
      const start = Float64Array.from(msg.starts[r]);
      const res = optimizeCoarseToFine(data, la, start, r, msg.warmSizes, msg.seed, msg.stream, {
        maxIterations: msg.maxIterations,
        shouldStop: () => Atomics.load(ctl, CTL_CANCEL) === 1,
        lengthScalePrior: msg.lengthScalePrior,
        isotropic: msg.isotropic,
      });
      self.postMessage(
        {
          type: "result",
          restart: r,
          logTheta: Array.from(res.logTheta),
          mll: res.mll,
          status: res.status,
          iterations: res.iterations,
          evaluations: res.evaluations,
          warmEvaluations: res.warmEvaluations ?? [],
        } satisfies RestartWorkerMessage,
      );
    }
    self.postMessage({ type: "done" } satisfies RestartWorkerMessage);
  } catch (e) {
    self.postMessage(
      { type: "error", message: (e as Error).message } satisfies RestartWorkerMessage,
    );
  } finally {
    close();
    self.close();
  }
};
