/**
 * Calibration of a code family for a campaign (docs/science.md §9.10; definition in
 * lib/reconciliation/calibration.ts), made together with the codes: load the calibration keyed by
 * the family, decoder and settings from the code cache, or compute it on a {@link WorkerPool} of
 * up to `jobs` workers (./calibration_worker.ts, one (QBER, strategy) row per task) and cache it. The rows
 * do not depend on `jobs` or on which worker computed them. A cached file that does not match its
 * key is an error, never silently used or replaced.
 * @module
 */
import { CaligoError } from "../../errors.ts";
import {
  loadCachedCodeFamily,
  readCalibration,
  readCalibrationById,
  writeCalibration,
} from "../../io/code_cache.ts";
import type { CodeFamily } from "../../reconciliation/code_family.ts";
import {
  calibrationKey,
  calibrationMismatch,
  type CalibrationParams,
  type CalibrationRow,
  defaultCalibrationParams,
  makeCalibration,
  type ReconciliationCalibration,
} from "../../reconciliation/calibration.ts";
import { calibratePoint, calibrationTasks } from "../../reconciliation/calibration_run.ts";
import type { ReconciliationOptions } from "../../reconciliation/types.ts";
import type { CalibrationInit, CalibrationReply, CalibrationTask } from "./calibration_worker.ts";
import { runAll } from "./run_all.ts";
import { WorkerPool } from "./worker_pool.ts";
import { campaignWorkerUrl } from "./worker_url.ts";

/** The calibration parameters of `options` (default grid, `calibrationFrames` frames). */
export function calibrationParamsOf(options: ReconciliationOptions): CalibrationParams {
  const d = defaultCalibrationParams();
  return { ...d, frames: options.calibrationFrames ?? d.frames };
}

/**
 * The calibration of the family of `options` if both the codes and the calibration are cached in
 * `codesDir`, else null (never builds or computes: the `expected` simulator's efficiency curve).
 */
export async function cachedCalibration(
  options: ReconciliationOptions,
  codesDir: string,
): Promise<ReconciliationCalibration | null> {
  const family = await loadCachedCodeFamily(options, codesDir);
  if (family === null) return null;
  return await readCalibration(
    codesDir,
    calibrationKey(family, options, calibrationParamsOf(options)),
  )
    .catch(() => null);
}

/**
 * The calibration `id` of a resumed store, read from `codesDir` and checked against the store's
 * `sha256` and against `family` and `options` under the grid and frames it was made with (not
 * today's defaults): a campaign continues with the calibration its rows were made with even after
 * the default grid changed. `null` when the file is not there or is another calibration.
 * @throws FileFormatError when the file is malformed, edited or made for other codes or settings
 */
export async function storedCalibration(
  family: CodeFamily,
  options: ReconciliationOptions,
  codesDir: string,
  stored: { id: string; sha256: string },
): Promise<ReconciliationCalibration | null> {
  const c = await readCalibrationById(codesDir, stored.id);
  if (c === null || c.sha256 !== stored.sha256) return null;
  const own = calibrationKey(family, options, c.key.params);
  return calibrationMismatch(c, own) === null ? c : null;
}

/** A calibration task failed inside a worker. */
export class CalibrationError extends CaligoError {}

/** Options of {@link ensureCalibration}. */
export interface EnsureCalibrationOptions {
  /** Workers (1: on this thread, no worker). */
  jobs: number;
  /** Construction seed of the codes (default 1). */
  codeSeed?: number;
  /** Calibration parameters (default {@link defaultCalibrationParams}). */
  params?: CalibrationParams;
  /** Don't write the result to the cache. */
  dryRun?: boolean;
  /** Don't read the cache: always compute. */
  recompute?: boolean;
  /** Called after each row. */
  onRow?: (row: CalibrationRow, ms: number) => void;
}

/** Outcome of {@link ensureCalibration}. */
export interface EnsuredCalibration {
  calibration: ReconciliationCalibration;
  source: "cache" | "computed";
  /** Wall time, ms. */
  ms: number;
  /** The file it was read from or written to (undefined for a dry run). */
  path?: string;
}

/**
 * The calibration of `family` under `options`: from `codesDir` if cached, else computed (in
 * parallel) and cached. The family must have been loaded from `codesDir` (workers load it again).
 * @throws FileFormatError for a cached calibration that does not match its key
 */
export async function ensureCalibration(
  family: CodeFamily,
  options: ReconciliationOptions,
  codesDir: string,
  o: EnsureCalibrationOptions,
): Promise<EnsuredCalibration> {
  const t0 = performance.now();
  const params = o.params ?? calibrationParamsOf(options);
  const key = calibrationKey(family, options, params);
  if (!o.recompute) {
    const cached = await readCalibration(codesDir, key);
    if (cached !== null) {
      return { calibration: cached, source: "cache", ms: performance.now() - t0 };
    }
  }
  const tasks = calibrationTasks(params);
  const rows: CalibrationRow[] = new Array(tasks.length);
  if (o.jobs <= 1) {
    tasks.forEach(({ q, strategy }, i) => {
      const t = performance.now();
      rows[i] = calibratePoint(family, options, params, strategy, q);
      o.onRow?.(rows[i], performance.now() - t);
    });
  } else {
    const init: CalibrationInit = {
      codesDir,
      seed: o.codeSeed ?? 1,
      options: { ...options, motherRates: [...options.motherRates] },
      params,
    };
    await calibrateOnWorkers(init, tasks, Math.min(o.jobs, tasks.length), (i, reply) => {
      rows[i] = reply.row;
      o.onRow?.(reply.row, reply.ms);
    });
  }
  const calibration = makeCalibration(key, rows);
  const path = o.dryRun ? undefined : await writeCalibration(codesDir, calibration);
  return { calibration, source: "computed", ms: performance.now() - t0, path };
}

/**
 * Compute the rows of `tasks` on `jobs` workers, longest first (the blind ladders and low QBER
 * cost most); `onRow(i, reply)` receives the row of `tasks[i]` as it arrives.
 * @throws CalibrationError if a worker fails to load the family or a task fails
 */
async function calibrateOnWorkers(
  init: CalibrationInit,
  tasks: CalibrationTask[],
  jobs: number,
  onRow: (index: number, reply: CalibrationReply) => void,
): Promise<void> {
  const order = tasks.map((_, i) => i).sort((a, b) =>
    (tasks[a].strategy === "blind" ? 0 : 1) - (tasks[b].strategy === "blind" ? 0 : 1) || a - b
  );
  const pool = await WorkerPool.create<CalibrationTask, CalibrationReply>({
    workerUrl: campaignWorkerUrl("calibration_worker"),
    name: "calibration",
    size: jobs,
    initPayload: init,
    initTimeoutMs: Infinity, // a worker may build the family's missing codes first
    initErrorAs: (e) => new CalibrationError(`calibration worker: ${e.reason}`, { cause: e }),
  });
  try {
    await runAll(
      pool,
      order.map((i) => ({ q: tasks[i].q, strategy: tasks[i].strategy })),
      (reply, _, k) => onRow(order[k], reply),
      (t, reason) => new CalibrationError(`calibrating ${t.strategy} at QBER ${t.q}: ${reason}`),
    );
  } finally {
    await pool.close();
  }
}

/** One log line per strategy: f per QBER (`*` marks QBERs where no grid value passed). */
export function describeCalibration(c: ReconciliationCalibration): string[] {
  return (["baseline", "blind"] as const).map((s) =>
    `${s}: ` +
    c.rows.filter((r) => r.strategy === s).map((r) =>
      `q ${(100 * r.qber).toFixed(1)}% f ${r.fSelect.toFixed(2)} (eff ${r.efficiency.toFixed(3)})${
        r.passed ? "" : "*"
      }`
    ).join(", ")
  );
}
