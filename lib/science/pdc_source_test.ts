import { assert, assertClose, assertEquals } from "../../tests/assert.ts";
import { pdcClickProbabilities } from "./pdc_source.ts";

const TABLE_I = { mu: 3.145e-5, eta: 0.015, eDet: 0.0093, pDark: 1.5e-8 };

Deno.test("pdcClickProbabilities() at Erven Table I: mostly single pairs, 6 % dark clicks", () => {
  const q = pdcClickProbabilities(TABLE_I);
  assertClose(q.pSentSingle + q.pSentVacuum + q.pSentMulti, 1, 1e-12);
  // leading order: P_sent^{0|1} ≈ p_d/(μη/2 + p_d), honest click ≈ η·P_sent^{1|1}
  const lead = 1.5e-8 / (3.145e-5 * 0.015 / 2 + 1.5e-8);
  assertClose(q.pSentVacuum / lead, 1, 2e-3);
  assertClose((1 - q.pNoClickHonest) / (0.015 * q.pSentSingle), 1, 2e-3);
  assertEquals(q.pNoClickDishonest, q.pSentVacuum);
  assert(q.pErr > 0.0093 && q.pErr < 0.0094, `p_err = ${q.pErr}`);
});

Deno.test("pdcClickProbabilities() exact small cases", () => {
  // no dark counts: Alice never clicks on vacuum
  assertEquals(pdcClickProbabilities({ ...TABLE_I, pDark: 0 }).pSentVacuum, 0);
  // η = 1, no dark counts, no misalignment: honest Bob always clicks; errors only from
  // multi-pair emissions, which are O(μ)
  const perfect = pdcClickProbabilities({ mu: 1e-4, eta: 1, eDet: 0, pDark: 0 });
  assertClose(perfect.pNoClickHonest, 0, 1e-15);
  assert(perfect.pErr >= 0 && perfect.pErr < 1e-4, `p_err = ${perfect.pErr}`);
  // μ → 0: single pairs only; p_err → e_det (+ dark-count corrections of order p_d/η)
  const faint = pdcClickProbabilities({ mu: 1e-9, eta: 0.5, eDet: 0.02, pDark: 0 });
  assertClose(faint.pSentSingle, 1, 1e-8);
  assertClose(faint.pErr, 0.02, 1e-8);
  assertClose(faint.pNoClickHonest, 0.5, 1e-8);
});

Deno.test("pdcClickProbabilities() converges for bright sources (μ = 2)", () => {
  const q = pdcClickProbabilities({ mu: 2, eta: 0.3, eDet: 0.01, pDark: 1e-6 });
  assertClose(q.pSentSingle + q.pSentVacuum + q.pSentMulti, 1, 1e-12);
  assert(q.pSentMulti > 0.3 && q.pErr > 0.01 && q.pErr < 0.5, JSON.stringify(q));
});
