/**
 * Parallel GP restarts (docs/campaign.md §9.4, §6): the starts (start 0 plus `restarts` seeded random
 * ones) are optimised in Web Workers (`./gp_restart_worker.ts`) that share X and y through
 * SharedArrayBuffers; the best MLL wins (ties → lowest restart index, so the result equals the
 * sequential `fitGp` for the same seed), and the main thread conditions the final model with its
 * own backend. Parallelism is capped so that workers × `mllEvaluatorBytes(n)` (12n²) ≤
 * `memoryBudgetBytes`.
 * Workers are always terminated before returning (they never keep the process alive); an
 * AbortSignal sets the shared cancel word, polled once per L-BFGS iteration.
 * @module
 */
import {
  bestRestart,
  fitGpSync,
  type GpFitOptions,
  type GpFitReport,
  type RestartResult,
  restartStarts,
  selectRows,
  subsetRows,
  warmStartSizes,
} from "../../surrogate/fit_gp.ts";
import { type GpData, standardiseData } from "../../surrogate/gp_data.ts";
import { conditionGp } from "../../surrogate/condition_gp.ts";
import { GpModel } from "../../surrogate/gp_model.ts";
import { initialLogTheta } from "../../surrogate/hyperparameters.ts";
import { tsLinalg } from "../../kernels/linalg/ts_linalg.ts";
import { campaignRng } from "../../kernels/rng.ts";
import { CaligoError } from "../../errors.ts";
import type { LbfgsStatus } from "../../surrogate/lbfgs.ts";
import { mllEvaluatorBytes } from "../../surrogate/marginal_likelihood.ts";
import { CTL_CANCEL, type RestartInit, type RestartWorkerMessage } from "./gp_restart_worker.ts";
import { campaignWorkerUrl } from "./worker_url.ts";
import { linalgIdentity, workerLibraryOf } from "../../io/blas_loader.ts";
import type { Logger } from "../../io/log.ts";

/** Options of {@link fitGpParallel}: those of `fitGp` plus the pool settings. */
export interface ParallelFitOptions extends GpFitOptions {
  /** Maximum workers (default 2). */
  workers?: number;
  /** Bytes for all restarts together (default 8 GiB, `phase2.gp.memory_budget_mb`). */
  restartMemoryBudgetBytes?: number;
  /**
   * Library files the workers try. Default: exactly the library of `linalg` (the TS kernels for
   * the TS backend), checked in each worker's `ready` reply — a worker on another backend fails
   * the fit with a {@link ParallelFitError}, so that the restarts equal the sequential `fitGp`.
   */
  blasCandidates?: string[];
  /** Abort: workers stop at their next L-BFGS iteration and the promise rejects. */
  signal?: AbortSignal;
}

/** A worker failed or the fit was aborted. */
export class ParallelFitError extends CaligoError {}

/**
 * {@link fitGp} with the restarts spread over Web Workers.
 * @returns the model and the backends the workers used.
 */
export async function fitGpParallel(
  data: GpData,
  options: ParallelFitOptions = {},
): Promise<{ model: GpModel; workerBackends: string[] }> {
  const la = options.linalg ?? tsLinalg;
  const std = standardiseData(data);
  const { n, d } = std;
  const seed = options.seed ?? 0, stream = options.stream ?? "gp/adhoc/0";
  const path = n > (options.exactMaxN ?? 10000) ? "iterative" : "exact";
  const sod = options.sodSize ?? 4000;
  const hyper = path === "iterative" && n > sod
    ? selectRows(std, subsetRows(n, sod, campaignRng(seed, `${stream}/sod`)))
    : std;
  const starts = restartStarts(
    d,
    options.restarts ?? 0,
    options.initialLogTheta ?? initialLogTheta(d),
    (r) => campaignRng(seed, `${stream}/${r}`),
  );
  const byMemory = Math.max(
    1,
    Math.floor((options.restartMemoryBudgetBytes ?? 2 ** 33) / mllEvaluatorBytes(hyper.n)),
  );
  const count = Math.max(1, Math.min(options.workers ?? 2, starts.length, byMemory));
  // Shared, read-only inputs.
  const xSab = new SharedArrayBuffer(8 * hyper.n * d), ySab = new SharedArrayBuffer(8 * hyper.n);
  new Float64Array(xSab).set(hyper.x);
  new Float64Array(ySab).set(hyper.y);
  const ctlSab = new SharedArrayBuffer(8), ctl = new Int32Array(ctlSab);
  const init: RestartInit = {
    type: "init",
    x: xSab,
    y: ySab,
    ctl: ctlSab,
    n: hyper.n,
    d,
    starts: starts.map((s) => Array.from(s)),
    maxIterations: options.maxIterations ?? 200,
    warmSizes: warmStartSizes(hyper.n, options.warmStart ?? "off"),
    seed,
    stream,
    blasCandidates: options.blasCandidates,
    library: options.blasCandidates ? undefined : workerLibraryOf(la),
    lengthScalePrior: options.lengthScalePrior,
    isotropic: options.isotropic,
  };
  const workers: Worker[] = [];
  const results: RestartResult[] = [];
  const backends: string[] = [];
  const onAbort = () => Atomics.store(ctl, CTL_CANCEL, 1);
  options.signal?.addEventListener("abort", onAbort);
  if (options.signal?.aborted) onAbort();
  try {
    await Promise.all(Array.from({ length: count }, () =>
      new Promise<void>((resolve, reject) => {
        const w = new Worker(campaignWorkerUrl("gp_restart_worker"), { type: "module" });
        workers.push(w);
        w.onerror = (e) => {
          e.preventDefault();
          reject(new ParallelFitError(`gp_restart worker crashed: ${e.message}`));
        };
        w.onmessage = (ev: MessageEvent<RestartWorkerMessage>) => {
          const m = ev.data;
          if (m.type === "ready") {
            backends.push(m.backend);
            if (!options.blasCandidates && m.identity !== linalgIdentity(la)) {
              reject(
                new ParallelFitError(
                  `gp_restart worker loaded ${m.backend}, not this thread's ${la.name}`,
                ),
              );
            }
          } else if (m.type === "result") {
            results.push({
              restart: m.restart,
              logTheta: Float64Array.from(m.logTheta),
              mll: m.mll,
              status: m.status as LbfgsStatus,
              iterations: m.iterations,
              evaluations: m.evaluations,
              warmEvaluations: m.warmEvaluations,
            });
          } else if (m.type === "done") resolve();
          else reject(new ParallelFitError(`gp_restart worker failed: ${m.message}`));
        };
        w.postMessage(init);
      })));
  } finally {
    options.signal?.removeEventListener("abort", onAbort);
    Atomics.store(ctl, CTL_CANCEL, 1);
    for (const w of workers) w.terminate();
  }
  if (options.signal?.aborted) {
    throw new ParallelFitError("GP fit aborted", { cause: options.signal.reason });
  }
  if (results.length !== starts.length) {
    throw new ParallelFitError(`only ${results.length} of ${starts.length} restarts finished`);
  }
  results.sort((a, b) => a.restart - b.restart);
  const best = bestRestart(results);
  const cond = conditionGp(std, la, best.logTheta, path, options);
  const report: GpFitReport = {
    path,
    hyperparameterRows: hyper.n,
    restarts: results,
    bestRestart: best.restart,
    cgIterations: cond.cgIterations,
    cgRelativeResidual: cond.cgRelativeResidual,
    loveCheck: cond.loveCheck,
  };
  return { model: new GpModel(cond.state, la, report), workerBackends: backends };
}

/**
 * {@link fitGpParallel}'s model, or — when its workers fail (crash, another backend; not an
 * abort) — the sequential `fitGp` with the same options (the same restarts, hence the same model)
 * after one warning on `log`. The restart workers are an optional accelerator.
 */
export async function fitGpWithRestartWorkers(
  data: GpData,
  options: ParallelFitOptions,
  log: Pick<Logger, "warn">,
): Promise<GpModel> {
  try {
    return (await fitGpParallel(data, options)).model;
  } catch (e) {
    if (!(e instanceof ParallelFitError) || options.signal?.aborted) throw e;
    log.warn(`GP restart workers failed (${e.message}); fitting on the main thread`);
    return fitGpSync(data, options);
  }
}
