/**
 * Parallel GP restarts (docs/campaign.md §9.4, §6): the starts (start 0 plus `restarts` seeded random
 * ones) are optimised in Web Workers (`./gp_restart_worker.ts`) that share X and y through
 * SharedArrayBuffers; the best MLL wins (ties → lowest restart index, so the result equals the
 * sequential `fitGp` for the same seed), and the main thread conditions the final model with its
 * own backend. Parallelism is capped so that workers × `mllEvaluatorBytes(n)` (12n²) ≤
 * `memoryBudgetBytes`.
 * The workers are a {@link WorkerPool} (one task per restart), always closed before returning
 * (they never keep the process alive); an AbortSignal closes it, which sets each worker's cancel
 * flag, polled once per L-BFGS iteration.
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
import { type GpData, standardiseData, type StandardisedData } from "../../surrogate/gp_data.ts";
import { conditionGp } from "../../surrogate/condition_gp.ts";
import { GpModel } from "../../surrogate/gp_model.ts";
import { initialLogTheta } from "../../surrogate/hyperparameters.ts";
import { tsLinalg } from "../../kernels/linalg/ts_linalg.ts";
import { campaignRng } from "../../kernels/rng.ts";
import { CaligoError } from "../../errors.ts";
import type { LbfgsStatus } from "../../surrogate/lbfgs.ts";
import { mllEvaluatorBytes } from "../../surrogate/marginal_likelihood.ts";
import type { RestartInit, RestartReply, RestartTask } from "./gp_restart_worker.ts";
import { campaignWorkerUrl } from "./worker_url.ts";
import { linalgIdentity, workerLibraryOf } from "../../io/blas_loader.ts";
import type { Logger } from "../../io/log.ts";
import type { Linalg } from "../../kernels/linalg/linalg.ts";
import type { BackendHello } from "./backend_hello.ts";
import { runAll } from "./run_all.ts";
import { WorkerPool } from "./worker_pool.ts";

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
  const init = restartInit(hyper, la, { ...options, seed, stream });
  const { results, backends } = await runRestarts(init, starts, {
    count,
    checkLibrary: options.blasCandidates ? undefined : la,
    signal: options.signal,
  });
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

/** The init payload of the restart workers: `hyper`'s rows shared, the settings of the fit. */
function restartInit(
  hyper: StandardisedData,
  la: Linalg,
  options: ParallelFitOptions & { seed: number; stream: string },
): RestartInit {
  const xSab = new SharedArrayBuffer(8 * hyper.n * hyper.d),
    ySab = new SharedArrayBuffer(8 * hyper.n);
  new Float64Array(xSab).set(hyper.x);
  new Float64Array(ySab).set(hyper.y);
  return {
    x: xSab,
    y: ySab,
    n: hyper.n,
    d: hyper.d,
    maxIterations: options.maxIterations ?? 200,
    warmSizes: warmStartSizes(hyper.n, options.warmStart ?? "off"),
    seed: options.seed,
    stream: options.stream,
    blasCandidates: options.blasCandidates,
    library: options.blasCandidates ? undefined : workerLibraryOf(la),
    lengthScalePrior: options.lengthScalePrior,
    isotropic: options.isotropic,
  };
}

/**
 * Optimise every start on `count` restart workers (one task per restart; a worker that did not
 * load `checkLibrary`'s library is refused at its handshake). An abort closes the pool: the
 * running restarts stop at their next L-BFGS iteration.
 * @returns the restarts (any order) and the workers' backends
 * @throws ParallelFitError if a worker fails, is refused, or the fit is aborted
 */
async function runRestarts(
  init: RestartInit,
  starts: Float64Array[],
  o: { count: number; checkLibrary?: Linalg; signal?: AbortSignal },
): Promise<{ results: RestartResult[]; backends: string[] }> {
  const aborted = () => new ParallelFitError("GP fit aborted", { cause: o.signal?.reason });
  if (o.signal?.aborted) throw aborted();
  const pool = await openRestartPool(init, o.count, o.checkLibrary);
  const onAbort = () => void pool.close();
  o.signal?.addEventListener("abort", onAbort);
  if (o.signal?.aborted) onAbort(); // aborted while the workers started
  const results: RestartResult[] = [];
  try {
    await runAll(
      pool,
      starts.map((s, restart) => ({ restart, start: Array.from(s) })),
      (r) => void results.push(restartResultOf(r)),
      (t, reason) =>
        new ParallelFitError(`gp_restart worker failed on restart ${t.restart}: ${reason}`),
    );
  } catch (e) {
    throw o.signal?.aborted ? aborted() : e;
  } finally {
    o.signal?.removeEventListener("abort", onAbort);
    await pool.close();
  }
  if (o.signal?.aborted) throw aborted();
  return { results, backends: pool.hellos().map((h) => h.backend) };
}

/** Start the restart workers; refuse any that did not load `checkLibrary`'s library. */
function openRestartPool(
  init: RestartInit,
  count: number,
  checkLibrary: Linalg | undefined,
): Promise<WorkerPool<RestartTask, RestartReply, BackendHello>> {
  return WorkerPool.create<RestartTask, RestartReply, BackendHello>({
    workerUrl: campaignWorkerUrl("gp_restart_worker"),
    name: "gp-restart",
    size: count,
    initPayload: init,
    checkHello: checkLibrary
      ? (hello) => {
        if (hello.identity === linalgIdentity(checkLibrary)) return;
        throw new ParallelFitError(
          `gp_restart worker loaded ${hello.backend}, not this thread's ${checkLibrary.name}`,
        );
      }
      : undefined,
    initErrorAs: (e) => new ParallelFitError(e.message, { cause: e }),
  });
}

function restartResultOf(r: RestartReply): RestartResult {
  return {
    restart: r.restart,
    logTheta: Float64Array.from(r.logTheta),
    mll: r.mll,
    status: r.status as LbfgsStatus,
    iterations: r.iterations,
    evaluations: r.evaluations,
    warmEvaluations: r.warmEvaluations,
  };
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
