/**
 * The protocol's view of information reconciliation (docs/science.md §9): reconcile both OT strings
 * and report the leakage fixed before decoding. `simulateSample` binds it to the LDPC library
 * (`reconcileOtStrings` / `plannedLeakage` of lib/reconciliation/ot_reconcile.ts); tests may
 * substitute a stub.
 * @module
 */
import type {
  OtReconciliationInput,
  OtReconciliationResult,
  ReconciliationOptions,
  Strategy,
} from "../reconciliation/types.ts";

/** Reconciliation bound to one code family and one set of options. */
export interface OtReconciler {
  /** Reconcile X_0 and X_1 against Bob's Y (docs/science.md §5 step 10). */
  reconcile(input: OtReconciliationInput): OtReconciliationResult;
  /**
   * Per-string leakage fixed before decoding (baseline rate / blind round 1), bits, for the
   * early exit of §11 and the projected key margin.
   */
  plannedLeakage(m: number, qberPrior: number, strategy: Strategy): number;
  /** The options the reconciler runs with. */
  readonly options: ReconciliationOptions;
}
