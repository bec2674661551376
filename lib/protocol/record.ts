/**
 * The per-sample record (docs/science.md §11–§12): outcome vocabulary, typed abort stages with their
 * codes, Caligo's six outputs and the diagnostic columns, in the order the HDF5 store keeps them.
 * Shared by the simulator (producer), the worker pool and the store (consumers).
 * @module
 */

/** Caligo's outcome vocabulary, unchanged; the index is the stored `outcome_code`. */
export const OUTCOMES = [
  "success",
  "failure_qber",
  "failure_reconciliation",
  "failure_security",
  "failure_timeout",
  "failure_error",
  "skipped_infeasible",
  "skipped_predicted_failure",
] as const;
export type Outcome = typeof OUTCOMES[number];

/** Abort stages; the index is the stage code of docs/science.md §11. */
export const ABORT_STAGES = [
  "none",
  "prefilter",
  "guardrail",
  "sampling",
  "commitment",
  "parameter_estimation",
  "reconciliation",
  "key_length",
  "correctness",
  "timeout",
  "worker_crash",
  "internal_error",
  "nsm_condition",
] as const;
export type AbortStage = typeof ABORT_STAGES[number];

/** The outcome each stage produces (docs/science.md §11): total over {@link ABORT_STAGES}. */
export const STAGE_OUTCOME: Readonly<Record<AbortStage, Outcome>> = {
  none: "success",
  prefilter: "skipped_infeasible",
  guardrail: "skipped_predicted_failure",
  sampling: "failure_error",
  commitment: "failure_error",
  parameter_estimation: "failure_qber",
  reconciliation: "failure_reconciliation",
  key_length: "failure_security",
  correctness: "failure_error",
  timeout: "failure_timeout",
  worker_crash: "failure_error",
  internal_error: "failure_error",
  nsm_condition: "failure_security",
};

/** How `key_margin` was obtained (docs/science.md §8.1); the index is `key_margin_kind`. */
export const KEY_MARGIN_KINDS = ["actual", "projected", "analytic", "none"] as const;
export type KeyMarginKind = typeof KEY_MARGIN_KINDS[number];

/** Caligo's six outputs in Caligo's column order (docs/science.md §12). */
export const OUTPUT_COLUMNS = [
  "net_efficiency",
  "raw_key_length",
  "final_key_length",
  "qber_measured",
  "reconciliation_efficiency",
  "leakage_bits",
] as const;
export type OutputColumn = typeof OUTPUT_COLUMNS[number];

/** Diagnostic columns (docs/science.md §12), one float64 each, NaN where not applicable. */
export const DIAGNOSTIC_COLUMNS = [
  "key_margin",
  "key_margin_kind",
  "l_raw",
  "m",
  "m_v",
  "test_rounds",
  "test_matched",
  "matched_nontest",
  "q_hat",
  "mu",
  "q_adj",
  "qber_true",
  "q_expected",
  "prefilter_margin",
  "capacity_margin",
  "r_eff",
  "choice_bit",
  "mother_rate",
  "rate_effective",
  "blocks",
  "blocks_verified",
  "revealed_bits",
  "blind_rounds_max",
  "decoder_iterations",
  "leak_ec",
  "leak_hash",
  "ot_correct",
  "herald_success_prob",
  "expected_attempts",
  "abort_stage",
  "retries",
  "t_sampling",
  "t_commit",
  "t_estimation",
  "t_reconciliation",
  "t_pa",
  "t_total",
  "cliff_margin",
] as const;
export type DiagnosticColumn = typeof DIAGNOSTIC_COLUMNS[number];

/** The per-stage wall-time diagnostics (seconds): not a function of the seed. */
export const TIMING_COLUMNS = [
  "t_sampling",
  "t_commit",
  "t_estimation",
  "t_reconciliation",
  "t_pa",
  "t_total",
] as const satisfies readonly DiagnosticColumn[];
export type Diagnostics = Record<DiagnosticColumn, number>;

/**
 * One sample's result, with snake_case fields as printed by `deno task simulate --json` and
 * stored in the HDF5 rows. Counts are bits or rounds; times are seconds.
 */
export interface SampleRecord {
  outcome: Outcome;
  abort_stage: AbortStage;
  net_efficiency: number;
  key_margin: number;
  raw_key_length: number;
  final_key_length: number;
  qber_measured: number;
  reconciliation_efficiency: number;
  leakage_bits: number;
  /** Wall time of the whole sample, seconds. */
  execution_time_seconds: number;
  /** Per-sample seed (docs/science.md §2) as 16 lower-case hex digits. */
  seed: string;
  /** "<stage>: <message>" for errors and aborts worth explaining; "" otherwise. */
  error_message: string;
  /** Warnings raised during the sample (e.g. Q_adj above the 11 % warning limit). */
  warnings: string[];
  diagnostics: Diagnostics;
}

/** A diagnostics object with every column NaN. */
export function emptyDiagnostics(): Diagnostics {
  const d = {} as Diagnostics;
  for (const c of DIAGNOSTIC_COLUMNS) d[c] = NaN;
  return d;
}

/** The six outputs of `record` in store order. */
export function outputsRow(record: SampleRecord): Float64Array {
  const row = new Float64Array(OUTPUT_COLUMNS.length);
  OUTPUT_COLUMNS.forEach((c, i) => row[i] = record[c]);
  return row;
}

/** The diagnostics of `record` in store order. */
export function diagnosticsRow(record: SampleRecord): Float64Array {
  const row = new Float64Array(DIAGNOSTIC_COLUMNS.length);
  DIAGNOSTIC_COLUMNS.forEach((c, i) => row[i] = record.diagnostics[c]);
  return row;
}

/** Stored `outcome_code` of an outcome. */
export function outcomeCode(outcome: Outcome): number {
  return OUTCOMES.indexOf(outcome);
}

/** Stage code (docs/science.md §11) of a stage. */
export function stageCode(stage: AbortStage): number {
  return ABORT_STAGES.indexOf(stage);
}
