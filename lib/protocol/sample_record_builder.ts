/**
 * Assembly of the per-sample record (docs/science.md §11–§12): starts with every diagnostic NaN,
 * and finishes with the outcome derived from the typed abort stage (never from message text).
 * @module
 */
import {
  type AbortStage,
  emptyDiagnostics,
  KEY_MARGIN_KINDS,
  type KeyMarginKind,
  type SampleRecord,
  STAGE_OUTCOME,
  stageCode,
} from "./record.ts";
import { seedHex } from "../kernels/rng.ts";

/**
 * A record in progress: outputs 0 / NaN, diagnostics NaN, kind `none`.
 * @example
 * ```ts
 * import { startRecord } from "./sample_record_builder.ts";
 * const r = startRecord(1n);
 * console.assert(r.seed === "0000000000000001" && Number.isNaN(r.key_margin));
 * ```
 */
export function startRecord(seed: bigint): SampleRecord {
  const diagnostics = emptyDiagnostics();
  diagnostics.key_margin_kind = KEY_MARGIN_KINDS.indexOf("none");
  diagnostics.retries = 0;
  return {
    outcome: "failure_error",
    abort_stage: "internal_error",
    net_efficiency: 0,
    key_margin: NaN,
    raw_key_length: 0,
    final_key_length: 0,
    qber_measured: NaN,
    reconciliation_efficiency: NaN,
    leakage_bits: 0,
    execution_time_seconds: NaN,
    seed: seedHex(seed),
    error_message: "",
    warnings: [],
    diagnostics,
  };
}

/**
 * Set key_margin (= l_raw/N) and its kind (docs/science.md §8.1).
 * @example
 * ```ts
 * import { setKeyMargin, startRecord } from "./sample_record_builder.ts";
 * const r = setKeyMargin(startRecord(1n), 0.01, "projected");
 * console.assert(r.diagnostics.key_margin_kind === 1 && r.diagnostics.key_margin === 0.01);
 * ```
 */
export function setKeyMargin(
  record: SampleRecord,
  keyMargin: number,
  kind: KeyMarginKind,
): SampleRecord {
  record.key_margin = keyMargin;
  record.diagnostics.key_margin = keyMargin;
  record.diagnostics.key_margin_kind = KEY_MARGIN_KINDS.indexOf(kind);
  return record;
}

/**
 * Close the record with a stage: outcome from {@link STAGE_OUTCOME}, stage code, and the
 * message "<stage>: <message>" when one is given.
 * @example
 * ```ts
 * import { finishRecord, startRecord } from "./sample_record_builder.ts";
 * const r = finishRecord(startRecord(1n), "parameter_estimation", "Q_adj = 0.25 > 0.22");
 * console.assert(r.outcome === "failure_qber" && r.diagnostics.abort_stage === 5);
 * ```
 */
export function finishRecord(
  record: SampleRecord,
  stage: AbortStage,
  message = "",
): SampleRecord {
  record.abort_stage = stage;
  record.outcome = STAGE_OUTCOME[stage];
  record.diagnostics.abort_stage = stageCode(stage);
  record.error_message = message === "" ? "" : `${stage}: ${message}`;
  if (stage !== "none") {
    record.net_efficiency = 0;
    record.final_key_length = 0;
  }
  return record;
}
