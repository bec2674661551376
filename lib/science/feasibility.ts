/**
 * Caligo's `FeasibilityChecker` (docs/science.md §6.5, helper [H]): QBER, capacity, strictly-less
 * and batch checks, in that order.
 * @module
 */
import { hBoundedStorage, hMin, storageCapacity } from "./bounds.ts";
import {
  CALIGO_RECONCILIATION_EFFICIENCY,
  EPSILON_SEC,
  QBER_HARD_LIMIT,
  QBER_WARNING_THRESHOLD,
} from "./constants.ts";
import { binaryEntropy } from "./entropy.ts";

/** Status of one check. */
export type CheckStatus = "passed" | "warning" | "failed";

/** Inputs of the checker. */
export interface FeasibilityInput {
  /** Storage noise r. */
  r: number;
  /** Storage rate ν. */
  nu: number;
  /** QBER Q. */
  qber: number;
  /** Raw bits n_raw. */
  rawBits: number;
  /** ε (1e-10). */
  epsilon?: number;
  /** Reconciliation efficiency f (1.16). */
  efficiency?: number;
}

/** Result of the checker. */
export interface FeasibilityResult {
  isFeasible: boolean;
  qberStatus: CheckStatus;
  capacityStatus: CheckStatus;
  strictlyLessStatus: CheckStatus;
  batchStatus: CheckStatus;
  /** C_N(r)·ν. */
  capacityProduct: number;
  /** h(Q). */
  qberEntropy: number;
  /** h_min(r) − h(Q). */
  strictlyLessMargin: number;
  /** λ = h_bs(r, ν) − f·h(Q), bits per raw bit. */
  rate: number;
  /** ℓ_exp = n_raw·λ − 2·log₂(1/ε), bits. */
  expectedLength: number;
  /** ⌈(128 + 2·log₂(1/ε))/λ⌉, +∞ when λ ≤ 0. */
  minBatch: number;
}

/**
 * Run Caligo's feasibility checks (docs/science.md §6.5): QBER FAILED if Q > 0.22, WARNING if > 0.11;
 * capacity FAILED iff C_N·ν ≥ ½, WARNING iff ½ − C_N·ν < 0.1; strictly-less FAILED iff
 * h_min − h(Q) ≤ 0, WARNING iff < 0.05; batch FAILED iff ℓ_exp ≤ 0, WARNING iff λ < 0.01.
 * @example
 * ```ts
 * import { checkFeasibility } from "./feasibility.ts";
 * const res = checkFeasibility({ r: 0.75, nu: 0.002, qber: 0.02, rawBits: 1e5 });
 * console.assert(res.isFeasible && res.minBatch === 580);
 * ```
 */
export function checkFeasibility(input: FeasibilityInput): FeasibilityResult {
  const epsilon = input.epsilon ?? EPSILON_SEC;
  const f = input.efficiency ?? CALIGO_RECONCILIATION_EFFICIENCY;
  const { r, nu, qber, rawBits } = input;
  const qberStatus: CheckStatus = qber > QBER_HARD_LIMIT
    ? "failed"
    : qber > QBER_WARNING_THRESHOLD
    ? "warning"
    : "passed";
  const capacityProduct = storageCapacity(r) * nu;
  const capacityStatus: CheckStatus = capacityProduct >= 0.5
    ? "failed"
    : 0.5 - capacityProduct < 0.1
    ? "warning"
    : "passed";
  const qberEntropy = binaryEntropy(qber);
  const strictlyLessMargin = hMin(r) - qberEntropy;
  const strictlyLessStatus: CheckStatus = strictlyLessMargin <= 0
    ? "failed"
    : strictlyLessMargin < 0.05
    ? "warning"
    : "passed";
  const rate = hBoundedStorage(r, nu) - f * qberEntropy;
  const penalty = 2 * Math.log2(1 / epsilon);
  const expectedLength = rawBits * rate - penalty;
  const batchStatus: CheckStatus = expectedLength <= 0
    ? "failed"
    : rate < 0.01
    ? "warning"
    : "passed";
  const minBatch = rate > 0 ? Math.ceil((128 + penalty) / rate) : Infinity;
  const isFeasible = [qberStatus, capacityStatus, strictlyLessStatus, batchStatus]
    .every((s) => s !== "failed");
  return {
    isFeasible,
    qberStatus,
    capacityStatus,
    strictlyLessStatus,
    batchStatus,
    capacityProduct,
    qberEntropy,
    strictlyLessMargin,
    rate,
    expectedLength,
    minBatch,
  };
}
