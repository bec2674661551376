import { assert, assertClose, assertEquals, assertThrows } from "../../tests/assert.ts";
import { InvalidArgumentError } from "../errors.ts";
import { hBoundedStorage, hMin } from "../science/bounds.ts";
import { caligoKeyLength } from "../science/caligo_key_length.ts";
import { projectKeyLength } from "../science/key_length.ts";
import { createOracleReconciler, type OracleReconcilerOptions } from "./_test_oracle_reconciler.ts";
import { runOtProtocol } from "./ot_protocol.ts";
import { createParameterPoint, type ParameterPoint } from "./parameter_point.ts";
import { DIAGNOSTIC_COLUMNS, OUTPUT_COLUMNS } from "./record.ts";
import { defaultSimulationOptions, type SimulationOptions } from "./simulation_options.ts";

const N = 50_000;
const good: ParameterPoint = createParameterPoint({
  storageNoiseR: 0.3,
  storageRateNu: 0.1,
  waitTimeNs: 1e6,
  channelFidelity: 0.98,
  detectionEfficiency: 0.5,
  detectorError: 0.005,
  darkCountProb: 1e-7,
  numPairs: N,
  strategy: "baseline",
});

function run(
  point: Partial<ParameterPoint> = {},
  sim: Partial<SimulationOptions> = {},
  knobs: OracleReconcilerOptions = {},
  seed = 7n,
) {
  const reconciler = createOracleReconciler(knobs);
  const record = runOtProtocol(createParameterPoint({ ...good, ...point }), {
    seed,
    simulation: { ...defaultSimulationOptions(), ...sim },
    reconciler,
  });
  return { record, reconciler };
}

/** |x − n·p| ≤ 4·sqrt(n·p·(1−p)). */
function within4Sigma(x: number, n: number, p: number): boolean {
  return Math.abs(x - n * p) <= 4 * Math.sqrt(n * p * (1 - p));
}

Deno.test("runOtProtocol() baseline success fills every output and the §12 diagnostics", () => {
  const { record } = run();
  const d = record.diagnostics;
  assertEquals(record.outcome, "success", record.error_message);
  assertEquals(record.abort_stage, "none");
  assertEquals(d.abort_stage, 0);
  assertEquals(d.test_rounds, N / 10);
  assert(within4Sigma(d.test_matched, N / 10, 0.5), `t = ${d.test_matched}`);
  assert(within4Sigma(d.matched_nontest, N - N / 10, 0.5), `|M| = ${d.matched_nontest}`);
  assertEquals(d.m, Math.min(d.matched_nontest, N - N / 10 - d.matched_nontest));
  assertEquals(record.raw_key_length, d.m);
  assertEquals(d.m_v, d.m);
  assertEquals(record.qber_measured, d.q_hat);
  assert(within4Sigma(Math.round(d.q_hat * d.test_matched), d.test_matched, d.q_expected));
  assertClose(d.q_adj, d.q_hat + d.mu, 1e-15);
  const l = projectKeyLength(d.m_v, hBoundedStorage(0.3, 0.1), record.leakage_bits);
  assertEquals(d.l_raw, l);
  assertEquals(record.final_key_length, l);
  assertEquals(record.net_efficiency, l / N);
  assertEquals(record.key_margin, l / N);
  assertEquals(d.key_margin_kind, 0);
  assertEquals(d.ot_correct, 1);
  assert(d.choice_bit === 0 || d.choice_bit === 1);
  assertEquals(d.leak_ec + d.leak_hash, record.leakage_bits);
  assert(record.reconciliation_efficiency > 1);
  for (const c of OUTPUT_COLUMNS) assert(Number.isFinite(record[c]), c);
  const finite = DIAGNOSTIC_COLUMNS.filter((c) => !c.startsWith("t_") && !Number.isNaN(d[c]));
  // Only the timing columns (no clock) and the blind-only/LDPC-internal fields may be NaN here.
  assert(
    finite.length >= DIAGNOSTIC_COLUMNS.length - 8,
    `NaN: ${DIAGNOSTIC_COLUMNS.filter((c) => Number.isNaN(d[c]))}`,
  );
});

Deno.test("runOtProtocol() is deterministic: same seed → identical record, other seed differs", () => {
  assertEquals(run().record, run().record);
  assert(
    run({}, {}, {}, 8n).record.diagnostics.q_hat !== run().record.diagnostics.q_hat ||
      run({}, {}, {}, 8n).record.diagnostics.m !== run().record.diagnostics.m,
  );
});

Deno.test("runOtProtocol() aborts at parameter estimation with a projected key margin", () => {
  const { record, reconciler } = run({ channelFidelity: 0.7 });
  assertEquals(record.outcome, "failure_qber");
  assertEquals(record.abort_stage, "parameter_estimation");
  assert(record.diagnostics.q_adj > 0.22);
  assertEquals(record.diagnostics.key_margin_kind, 1);
  assert(Number.isFinite(record.key_margin) && record.key_margin < 0);
  assertEquals(reconciler.calls, 0);
  assert(record.error_message.startsWith("parameter_estimation: "));
});

Deno.test("runOtProtocol() early death valley skips decoding (failure_security, kind actual)", () => {
  const { record, reconciler } = run({ storageNoiseR: 1, storageRateNu: 1 });
  assertEquals(record.outcome, "failure_security");
  assertEquals(record.abort_stage, "key_length");
  assertEquals(reconciler.calls, 0);
  assertEquals(record.diagnostics.key_margin_kind, 0);
  assert(record.key_margin < 0);
  assert(Number.isNaN(record.diagnostics.m_v));
});

Deno.test("runOtProtocol() late death valley: l_raw ≤ 0 after reconciliation → failure_security", () => {
  const { record, reconciler } = run({}, {}, { extraLeak: 20000 });
  assertEquals(reconciler.calls, 1);
  assertEquals(record.outcome, "failure_security");
  assertEquals(record.abort_stage, "key_length");
  assert(record.diagnostics.l_raw <= 0);
  assertEquals(record.key_margin, record.diagnostics.l_raw / N);
  assertEquals(record.final_key_length, 0);
});

Deno.test("runOtProtocol() all blocks failed → failure_reconciliation with m_v = 0", () => {
  const { record } = run({}, {}, { failAll: true });
  assertEquals(record.outcome, "failure_reconciliation");
  assertEquals(record.diagnostics.m_v, 0);
  assertEquals(record.diagnostics.blocks_verified, 0);
  assertEquals(record.diagnostics.key_margin_kind, 0);
  assert(record.key_margin < 0);
});

Deno.test("runOtProtocol() S_C mismatch despite verification → failure_error at correctness", () => {
  for (const privacyAmplification of ["full", "lengths_only"] as const) {
    const { record } = run({}, { privacyAmplification }, { corruptBob: true });
    assertEquals(record.abort_stage, "correctness", privacyAmplification);
    assertEquals(record.outcome, "failure_error");
    assertEquals(record.diagnostics.ot_correct, 0);
  }
});

Deno.test("runOtProtocol() require_capacity_condition aborts with nsm_condition", () => {
  const { record } = run({ storageNoiseR: 0.99, storageRateNu: 1 }, {
    requireCapacityCondition: true,
  });
  assertEquals(record.abort_stage, "nsm_condition");
  assertEquals(record.outcome, "failure_security");
  assert(record.diagnostics.capacity_margin <= 0);
  assertEquals(record.diagnostics.key_margin_kind, 2);
});

Deno.test("runOtProtocol() blind without a test set uses all rounds and Bob's observed QBER", () => {
  const { record } = run({ strategy: "blind" });
  const d = record.diagnostics;
  assertEquals(record.outcome, "success", record.error_message);
  assertEquals(d.test_rounds, 0);
  assert(Number.isNaN(d.q_hat) && Number.isNaN(d.mu));
  assert(within4Sigma(d.matched_nontest, N, 0.5));
  assertEquals(record.qber_measured, d.qber_true);
  assert(
    within4Sigma(Math.round(d.qber_true * d.m), d.m, d.q_expected),
    `${d.qber_true} vs ${d.q_expected}`,
  );
});

Deno.test("runOtProtocol() caligo key model applies K1 per string", () => {
  const { record } = run({}, { keyModel: "caligo" });
  const d = record.diagnostics;
  const k1 = caligoKeyLength(2 * d.m_v, 2 * record.leakage_bits, hMin(0.3), d.m_v, d.m_v);
  assertEquals(d.l_raw, k1.perString);
});

Deno.test("runOtProtocol() cancel flag → failure_timeout with kind none", () => {
  const reconciler = createOracleReconciler();
  const cancel = new Int32Array(new SharedArrayBuffer(4));
  cancel[0] = 1;
  const record = runOtProtocol(good, {
    seed: 1n,
    simulation: defaultSimulationOptions(),
    reconciler,
    cancel,
  });
  assertEquals(record.outcome, "failure_timeout");
  assertEquals(record.abort_stage, "timeout");
  assertEquals(record.diagnostics.key_margin_kind, 3);
});

Deno.test("runOtProtocol() timings come from the injected clock, in seconds", () => {
  let ms = 0;
  const record = runOtProtocol(good, {
    seed: 1n,
    simulation: defaultSimulationOptions(),
    reconciler: createOracleReconciler(),
    now: () => (ms += 10),
  });
  const d = record.diagnostics;
  for (const c of ["t_sampling", "t_commit", "t_estimation", "t_reconciliation", "t_pa"] as const) {
    assertClose(d[c], 0.01, 1e-12, c);
  }
  assert(d.t_total > 0.05);
  assertEquals(record.execution_time_seconds, d.t_total);
});

Deno.test("runOtProtocol() detector_error caligo leaves e_det inert in the data", () => {
  const physical =
    run({ detectorError: 0.1, channelFidelity: 0.999 }, { linkModel: "depolarising" }).record;
  const caligo = run({ detectorError: 0.1, channelFidelity: 0.999 }, {
    linkModel: "depolarising",
    detectorError: "caligo",
  }).record;
  assert(physical.diagnostics.q_hat > 0.05, `${physical.diagnostics.q_hat}`);
  assert(caligo.diagnostics.q_hat < 0.01, `${caligo.diagnostics.q_hat}`);
});

Deno.test("runOtProtocol() enforces simulation.maxPairs naming num_pairs", () => {
  assertThrows(
    () => run({}, { maxPairs: 20_000 }),
    InvalidArgumentError,
    "num_pairs",
  );
});

Deno.test("runOtProtocol() storage decoherence lowers r_eff = r·exp(−Γ·Δt) and raises the key", () => {
  const storageDecoherence = { enabled: true, t1Ns: 1e6, t2Ns: 1e6 };
  const plain = run({ storageNoiseR: 0.6, storageRateNu: 1 }).record;
  const decayed = run({ storageNoiseR: 0.6, storageRateNu: 1 }, { storageDecoherence }).record;
  assertClose(decayed.diagnostics.r_eff, 0.6 * Math.exp(-1), 1e-15);
  assertEquals(plain.diagnostics.r_eff, 0.6);
  assert(decayed.diagnostics.l_raw > plain.diagnostics.l_raw);
  assert(decayed.diagnostics.capacity_margin > plain.diagnostics.capacity_margin);
});

Deno.test("runOtProtocol() blind prior follows blindPrior (model, fixed, caligo)", () => {
  const priors: number[] = [];
  for (const blindPrior of ["model", "fixed", "caligo"] as const) {
    const reconciler = createOracleReconciler();
    const inner = reconciler.reconcile;
    reconciler.reconcile = (input) => {
      priors.push(input.qberPrior);
      return inner(input);
    };
    runOtProtocol(createParameterPoint({ ...good, strategy: "blind" }), {
      seed: 3n,
      simulation: { ...defaultSimulationOptions(), blindPrior, blindPriorValue: 0.07 },
      reconciler,
    });
  }
  const model = run({ strategy: "blind" }).record.diagnostics.q_expected;
  assertClose(priors[0], model, 1e-15);
  assertEquals(priors[1], 0.07);
  // E2 at (F 0.98, e 0.005, η 0.5, p_d 1e-7): [e + η(1−F)/2 + p_d(1−η)/2]/(η + p_d(1−η)).
  assertClose(priors[2], (0.005 + 0.5 * 0.01 + 1e-7 * 0.25) / (0.5 + 0.5e-7), 1e-12);
});
