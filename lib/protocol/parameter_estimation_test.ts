import { assert, assertClose, assertEquals } from "../../tests/assert.ts";
import { finiteSizeMu } from "../science/finite_size.ts";
import { estimateParameters, qberForRate } from "./parameter_estimation.ts";

Deno.test("estimateParameters() counts errors on matched test rounds only (§5 step 8)", () => {
  //          rounds: 0  1  2  3  4  5
  const ta = Uint8Array.of(0, 1, 0, 1, 0, 1);
  const tb = Uint8Array.of(0, 1, 1, 1, 0, 0);
  const a = Uint8Array.of(0, 0, 0, 1, 1, 0);
  const b = Uint8Array.of(1, 0, 1, 1, 1, 1);
  // Test set {0, 2, 3, 5}: matched {0, 3}, one error (round 0); mismatched 2, 5 are ignored.
  const pe = estimateParameters(ta, a, tb, b, Int32Array.of(5, 0, 3, 2), 100000, 1e-10, 0.9, 0.8);
  assertEquals([pe.testMatched, pe.errors, pe.qHat], [2, 1, 0.5]);
  assertClose(pe.mu, finiteSizeMu(2, 100000), 0);
  assertEquals(pe.qAdj, pe.qHat + pe.mu);
  assert(pe.aborts);
  const none = estimateParameters(ta, a, tb, b, Int32Array.of(2, 5), 10, 1e-10, 0.22, 0.11);
  assert(none.testMatched === 0 && none.aborts && Number.isNaN(none.qHat));
});

Deno.test("estimateParameters() aborts iff Q_adj > q_hard and warns above q_warn", () => {
  const n = 20000;
  const z = new Uint8Array(n);
  const b = new Uint8Array(n);
  for (let i = 0; i < 600; i++) b[i] = 1; // 3 % errors over 20 000 matched test rounds.
  const rounds = Int32Array.from({ length: n }, (_, i) => i);
  const m = 1_000_000;
  const mu = finiteSizeMu(n, m);
  const pass = estimateParameters(z, z, z, b, rounds, m, 1e-10, 0.03 + mu + 1e-9, 0.03);
  assert(!pass.aborts && pass.warns);
  const fail = estimateParameters(z, z, z, b, rounds, m, 1e-10, 0.03 + mu - 1e-9, 0.03);
  assert(fail.aborts && !fail.warns);
});

Deno.test("qberForRate() implements the three rules of §9.6 and clamps", () => {
  assertClose(
    qberForRate("qhat_plus_sigma", 0.04, 400, 0.1),
    0.04 + Math.sqrt(0.04 * 0.96 / 400),
    1e-15,
  );
  assertEquals(qberForRate("qhat", 0.04, 400, 0.1), 0.04);
  assertClose(qberForRate("qadj", 0.04, 400, 0.1), 0.14, 1e-15);
  assertEquals(qberForRate("qhat_plus_sigma", 0, 400, 0.1), 1e-4);
  assertEquals(qberForRate("qadj", 0.45, 400, 0.1), 0.5 - 1e-6);
});
