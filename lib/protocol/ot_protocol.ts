/**
 * One sample of the 1-out-of-2 randomized OT protocol in the noisy-storage model
 * (docs/science.md §5), simulated by direct Monte-Carlo sampling, with a complete per-sample record
 * (§12). Pure: randomness from the sample's seeded stage streams, clock injected, no I/O.
 * Stages live in `_quantum_stages.ts` (§5 steps 1–9) and `_reconcile_stages.ts` (steps 10–13).
 * @module
 */
import { InvalidArgumentError } from "../errors.ts";
import type { ParameterPoint } from "./parameter_point.ts";
import type { SampleRecord } from "./record.ts";
import { reconcileAndAmplify } from "./_reconcile_stages.ts";
import { sampleAndCommit, siftAndEstimate } from "./_quantum_stages.ts";
import { initialState, type ProtocolContext, stop } from "./_sample_state.ts";

export type { ProtocolContext };

/**
 * Simulate one OT sample (docs/science.md §5) and return its record (§12). Expected scientific
 * outcomes (aborts) are values; an exception inside a stage becomes stage `internal_error`
 * (`sampling` for the link) with error_message "<stage>: <message>".
 * @param point validated parameter point
 * @throws InvalidArgumentError (`num_pairs`) if N exceeds `simulation.maxPairs`, or for an
 * invalid link option (e.g. `bell_correction_failure`)
 * @example
 * ```ts
 * import { runOtProtocol } from "./ot_protocol.ts";
 * import { createOracleReconciler } from "./_test_oracle_reconciler.ts";
 * import { createParameterPoint } from "./parameter_point.ts";
 * import { defaultSimulationOptions } from "./simulation_options.ts";
 * const point = createParameterPoint({
 *   storageNoiseR: 0.3, storageRateNu: 0.1, waitTimeNs: 1e6, channelFidelity: 0.99,
 *   detectionEfficiency: 1, detectorError: 0, darkCountProb: 1e-9, numPairs: 20000, strategy: "baseline",
 * });
 * const record = runOtProtocol(point, {
 *   seed: 1n, simulation: defaultSimulationOptions(), reconciler: createOracleReconciler(),
 * });
 * console.assert(record.outcome === "success" && record.diagnostics.ot_correct === 1);
 * ```
 */
export function runOtProtocol(point: ParameterPoint, ctx: ProtocolContext): SampleRecord {
  const state = initialState(point, ctx);
  // the guard is on the rounds simulated: N, or the detected rounds when N counts pairs sent
  if (state.rounds > ctx.simulation.maxPairs) {
    const sent = state.rounds === point.numPairs
      ? ""
      : ` (detected rounds of N = ${point.numPairs} sent)`;
    throw new InvalidArgumentError(
      "num_pairs",
      state.rounds,
      `exceeds simulation.max_pairs = ${ctx.simulation.maxPairs} (memory guard)${sent}`,
    );
  }
  try {
    const rounds = sampleAndCommit(state);
    if ("outcome" in rounds) return rounds;
    const strings = siftAndEstimate(state, rounds);
    if ("outcome" in strings) return strings;
    return reconcileAndAmplify(state, strings);
  } catch (e) {
    return stop(state, "internal_error", e instanceof Error ? e.message : String(e));
  }
}
