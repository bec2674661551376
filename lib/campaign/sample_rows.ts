/**
 * The simulation task of docs/campaign.md §5.1 and the store rows made from its fate: a simulated
 * record, a timeout or crash after all retries (§5.2), or a pre-filtered skip (§4).
 * @module
 */
import { type SamplePhase, sampleSeed } from "../kernels/rng.ts";
import {
  DIAGNOSTIC_COLUMNS,
  diagnosticsRow,
  emptyDiagnostics,
  KEY_MARGIN_KINDS,
  OUTPUT_COLUMNS,
  outputsRow,
  type SampleRecord,
  stageCode,
  TIMING_COLUMNS,
} from "../protocol/record.ts";
import type { StoreRow } from "../io/store/schema.ts";
import type { Logger } from "../io/log.ts";
import type { SimWorkerResult } from "./workers/sim_worker.ts";
import type { PoolOutcome } from "./workers/worker_pool.ts";

/** One simulation task (docs/campaign.md §5.1); structured-cloneable. */
export interface SimulateTask {
  sampleId: number;
  phase: SamplePhase;
  /** −1 for Phase 1 and holdout. */
  iteration: number;
  /** The 9 stored columns (docs/science.md §1.1). */
  row: Float64Array;
  /** Exact N. */
  numPairs: number;
  /** Per-sample seed (docs/science.md §2). */
  seed: bigint;
}

/**
 * The simulation task of design sample `s` under id `sampleId` in a Phase-1 or holdout stream,
 * seeded by (campaign seed, phase, id) (docs/science.md §2).
 */
export function designTask(
  s: { row: Float64Array; numPairs: number },
  sampleId: number,
  phase: "phase1" | "holdout",
  campaignSeed: number,
): SimulateTask {
  const seed = sampleSeed(campaignSeed, phase, sampleId);
  return { sampleId, phase, iteration: -1, row: s.row, numPairs: s.numPairs, seed };
}

/** Pre-filter verdict of a design point (docs/campaign.md §4). */
export interface PrefilterVerdict {
  isFeasible: boolean;
  margin: number;
  qExpected: number;
  /** Analytic key margin l_raw/N (docs/science.md §8.1, kind `analytic`). */
  analyticKeyMargin: number;
  /** Analytic cliff_margin (docs/science.md §8.5). */
  analyticCliffMargin: number;
}

const RETRIES = DIAGNOSTIC_COLUMNS.indexOf("retries");

function metadata(fields: Record<string, unknown>): string {
  return JSON.stringify(fields);
}

/** The row of a simulated sample; `attempts` − 1 goes to the `retries` diagnostic. */
export function rowFromRecord(
  task: SimulateTask,
  record: SampleRecord,
  attempts: number,
  workerId: number,
  busyMs: number,
): StoreRow {
  const diagnostics = diagnosticsRow(record);
  diagnostics[RETRIES] = attempts - 1;
  return {
    sampleId: task.sampleId,
    inputs: task.row,
    outputs: outputsRow(record),
    outcome: record.outcome,
    iteration: task.iteration,
    seed: task.seed,
    numPairs: task.numPairs,
    keyMargin: record.key_margin,
    diagnostics,
    metadata: metadata({
      error_message: record.error_message,
      execution_time_seconds: record.execution_time_seconds,
      wall_seconds: busyMs / 1000,
      worker_id: workerId,
      attempts,
      warnings: record.warnings,
    }),
  };
}

/**
 * The row of a task that timed out or crashed on every attempt (docs/campaign.md §5.2):
 * `failure_timeout` (stage `timeout`) or `failure_error` (stage `worker_crash`), or that was not
 * run because 64 B × N exceeds the memory budget (§6: `failure_error`, stage `sampling`);
 * y = 0, key_margin NaN.
 */
export function failureRow(
  task: SimulateTask,
  kind: "timeout" | "crash" | "memory_budget",
  attempts: number,
  workerId: number,
  busyMs: number,
  message: string,
  stack?: string,
): StoreRow {
  const stage = kind === "timeout" ? "timeout" : kind === "crash" ? "worker_crash" : "sampling";
  const d = emptyDiagnostics();
  d.abort_stage = stageCode(stage);
  d.retries = Math.max(0, attempts - 1);
  d.key_margin_kind = KEY_MARGIN_KINDS.indexOf("none");
  const outputs = new Float64Array(OUTPUT_COLUMNS.length).fill(NaN);
  outputs[0] = 0;
  return {
    sampleId: task.sampleId,
    inputs: task.row,
    outputs,
    outcome: kind === "timeout" ? "failure_timeout" : "failure_error",
    iteration: task.iteration,
    seed: task.seed,
    numPairs: task.numPairs,
    keyMargin: NaN,
    diagnostics: DIAGNOSTIC_COLUMNS.map((c) => d[c]),
    metadata: metadata({
      error_message: `${stage}: ${message}`,
      execution_time_seconds: busyMs / 1000,
      worker_id: workerId,
      attempts,
      ...(stack ? { stack } : {}),
    }),
  };
}

/**
 * The row of a pre-filtered point (docs/campaign.md §4): `skipped_infeasible`, stage `prefilter`,
 * y = 0, qber NaN, `q_expected`, `prefilter_margin`, analytic key margin, time 0.
 */
export function skippedRow(task: SimulateTask, verdict: PrefilterVerdict): StoreRow {
  const d = emptyDiagnostics();
  d.abort_stage = stageCode("prefilter");
  d.retries = 0;
  d.key_margin = verdict.analyticKeyMargin;
  d.cliff_margin = verdict.analyticCliffMargin;
  d.key_margin_kind = KEY_MARGIN_KINDS.indexOf("analytic");
  d.q_expected = verdict.qExpected;
  d.prefilter_margin = verdict.margin;
  for (const t of TIMING_COLUMNS) d[t] = 0;
  const outputs = new Float64Array(OUTPUT_COLUMNS.length).fill(NaN);
  outputs[0] = 0; // net_efficiency
  outputs[1] = 0; // raw_key_length
  outputs[2] = 0; // final_key_length
  outputs[5] = 0; // leakage_bits
  return {
    sampleId: task.sampleId,
    inputs: task.row,
    outputs,
    outcome: "skipped_infeasible",
    iteration: task.iteration,
    seed: task.seed,
    numPairs: task.numPairs,
    keyMargin: verdict.analyticKeyMargin,
    diagnostics: DIAGNOSTIC_COLUMNS.map((c) => d[c]),
    metadata: metadata({
      error_message: `Infeasible: margin=${verdict.margin.toFixed(6)}; q_expected=${
        verdict.qExpected.toFixed(6)
      }`,
      execution_time_seconds: 0,
      worker_id: -1,
      attempts: 0,
    }),
  };
}

/**
 * The row of a pool outcome: the simulated record, or a failure row after a timeout or crash on
 * every attempt (logged as a warning).
 * @returns null for a task cancelled at shutdown (it is re-run on resume)
 */
export function rowFromPoolOutcome(
  task: SimulateTask,
  out: PoolOutcome<SimWorkerResult>,
  log: Logger,
): StoreRow | null {
  if (out.status === "cancelled") return null;
  if (out.status === "ok") {
    return rowFromRecord(task, out.result.record, out.attempts, out.workerId, out.busyMs);
  }
  if (out.status === "timeout") {
    log.warn(`sample ${task.sampleId}: timed out on all ${out.attempts} attempts`);
    return failureRow(task, "timeout", out.attempts, out.workerId, out.busyMs, "wall-clock limit");
  }
  log.warn(`sample ${task.sampleId}: worker crash on all ${out.attempts} attempts: ${out.message}`);
  return failureRow(task, "crash", out.attempts, out.workerId, out.busyMs, out.message, out.stack);
}
