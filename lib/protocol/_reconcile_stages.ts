/**
 * Stages 10–13 of the OT protocol (docs/science.md §5, §11): early key-length exit, reconciliation of
 * both strings, key length, privacy amplification and the correctness check. Internal to
 * ot_protocol.ts.
 * @module
 */
import { stageRng } from "../kernels/rng.ts";
import type { OtReconciliationResult } from "../reconciliation/types.ts";
import { qberConditionalE2 } from "../science/caligo_qber.ts";
import { randomBytes } from "./commitment.ts";
import { qberForRate } from "./parameter_estimation.ts";
import { amplifyOtStrings, bitsEqual } from "./privacy_amplification.ts";
import type { SampleRecord } from "./record.ts";
import { finishRecord, setKeyMargin } from "./sample_record_builder.ts";
import type { OtStrings } from "./_quantum_stages.ts";
import {
  finalize,
  isCancelled,
  type SampleState,
  seconds,
  setCliffMargin,
  signedKeyLength,
  stop,
  timeout,
} from "./_sample_state.ts";

/**
 * Decoder prior / rate QBER (docs/science.md §9.6, §9.7): baseline with an estimate → `qberForRate`;
 * otherwise `blindPrior` (model Q_exp, fixed value, or Caligo's E2), clamped to [1e-4, ½ − 1e-6].
 */
export function reconciliationPrior(state: SampleState, strings: OtStrings): number {
  const sim = state.ctx.simulation;
  const p = state.point;
  const e = strings.estimate;
  if (p.strategy === "baseline" && e) {
    return qberForRate(sim.qberForRate, e.qHat, e.testMatched, e.mu);
  }
  const prior = sim.blindPrior === "fixed"
    ? sim.blindPriorValue
    : sim.blindPrior === "caligo"
    ? qberConditionalE2(p.channelFidelity, p.detectorError, p.detectionEfficiency, p.darkCountProb)
    : state.link.expectedQber;
  return Math.min(0.5 - 1e-6, Math.max(1e-4, prior));
}

/** §11 early exit, §5 steps 10–11 (reconciliation, key length), then {@link amplify}. */
export function reconcileAndAmplify(state: SampleState, s: OtStrings): SampleRecord {
  const { point, ctx, record } = state;
  const d = record.diagnostics;
  const n = point.numPairs;
  const t = state.now();
  const prior = reconciliationPrior(state, s);
  // §11 early exit: key length with m_v = m and the leakage fixed before decoding.
  const planned = ctx.reconciler.plannedLeakage(s.m, prior, point.strategy);
  const lPlanned = signedKeyLength(state, s.m, planned);
  if (lPlanned <= 0) {
    d.l_raw = lPlanned;
    record.leakage_bits = planned;
    d.t_reconciliation = seconds(state, t);
    const why = `planned leakage ${planned} bits leaves l = ${lPlanned} ≤ 0; decoding skipped`;
    return stop(state, "key_length", why, lPlanned / n, "actual");
  }
  const result = ctx.reconciler.reconcile({
    x0: s.x0,
    x1: s.x1,
    y: s.y,
    choice: s.choice,
    strategy: point.strategy,
    qberPrior: prior,
    padding0: stageRng(ctx.seed, "padding0"),
    padding1: stageRng(ctx.seed, "padding1"),
    hashKey: randomBytes(stageRng(ctx.seed, "hashkey"), new Uint8Array(16)),
    cancel: ctx.cancel,
  });
  d.t_reconciliation = seconds(state, t);
  if (result.status === "cancelled") return timeout(state);
  recordReconciliation(state, s, result);
  // §5 step 11: key length from the verified bits and every disclosed bit.
  const lRaw = signedKeyLength(state, result.mv, result.leak);
  d.l_raw = lRaw;
  if (result.status !== "ok") {
    const why = result.status === "no-block-verified"
      ? `no block of ${result.blocks} verified`
      : "a block failed with failed_blocks: abort";
    return stop(state, "reconciliation", why, lRaw / n, "actual");
  }
  if (lRaw <= 0) {
    return stop(
      state,
      "key_length",
      `l_raw = ${lRaw} ≤ 0 after reconciliation`,
      lRaw / n,
      "actual",
    );
  }
  if (isCancelled(state)) return timeout(state);
  return amplify(state, s.choice, result, lRaw);
}

function recordReconciliation(
  state: SampleState,
  s: OtStrings,
  result: OtReconciliationResult,
): void {
  const { record, point } = state;
  const d = record.diagnostics;
  d.m_v = result.mv;
  d.mother_rate = result.motherRate;
  d.rate_effective = result.rateEffective;
  d.blocks = result.blocks;
  d.blocks_verified = result.blocksVerified;
  d.revealed_bits = result.revealedBits;
  d.blind_rounds_max = result.blindRoundsMax;
  d.decoder_iterations = result.decoderIterations;
  d.leak_ec = result.leakEc;
  d.leak_hash = result.leakHash;
  record.leakage_bits = result.leak;
  record.reconciliation_efficiency = result.efficiency;
  // Blind (or no test set): Q_true,C observed by Bob after decoding (docs/science.md §12).
  if (point.strategy === "blind" || !s.estimate) record.qber_measured = result.qberTrue;
}

/**
 * §5 steps 12–13: Toeplitz seeds from stream `toeplitz`, S_0, S_1 and Bob's S_C; success iff
 * Bob's S_C equals Alice's bit for bit. With `lengths_only` no hash is computed: equal inputs
 * give equal hashes, and unequal inputs would collide only with probability 2^−l.
 */
function amplify(
  state: SampleState,
  choice: 0 | 1,
  result: OtReconciliationResult,
  lRaw: number,
): SampleRecord {
  const { record, ctx, point } = state;
  const d = record.diagnostics;
  const t = state.now();
  let isCorrect: boolean;
  if (ctx.simulation.privacyAmplification === "full") {
    isCorrect = amplifyOtStrings(
      result.x0Verified,
      result.x1Verified,
      result.yCorrected,
      choice,
      lRaw,
      stageRng(ctx.seed, "toeplitz"),
      ctx.hashWorkspace,
    ).isCorrect;
  } else {
    isCorrect = bitsEqual(choice === 0 ? result.x0Verified : result.x1Verified, result.yCorrected);
  }
  d.ot_correct = isCorrect ? 1 : 0;
  d.t_pa = seconds(state, t);
  if (!isCorrect) {
    const why = "Bob's S_C differs from Alice's despite verification";
    return stop(state, "correctness", why, lRaw / point.numPairs, "actual");
  }
  setKeyMargin(record, lRaw / point.numPairs, "actual");
  setCliffMargin(state, lRaw / point.numPairs, true);
  finishRecord(record, "none");
  record.final_key_length = lRaw;
  record.net_efficiency = lRaw / point.numPairs;
  return finalize(state, record);
}
