/**
 * Small synthetic campaigns for the report tests (hand-computed expectations in the tests).
 * Internal: not part of the public API.
 * @module
 */
import { DIAGNOSTIC_COLUMNS, type Outcome, OUTCOMES } from "../protocol/record.ts";
import {
  type CampaignData,
  diagnosticColumn,
  emptyGroupData,
  emptyMatrix,
  type GroupData,
  type StoreGroup,
} from "../io/store/schema.ts";
import { INPUT_WIDTH } from "./campaign_data.ts";

/** A campaign of these groups and root attributes, with no Phase 3 records and no commits. */
export function syntheticCampaign(
  groups: Record<StoreGroup, GroupData>,
  attributes: Record<string, string | number> = {},
): CampaignData {
  const matrices = { plan: emptyMatrix(), iterations: emptyMatrix() };
  return { path: "", attributes, groups, matrices, commits: [], phases: {} };
}

/** One synthetic row: physical parameters (linear), outcome and outputs. */
export interface SyntheticRow {
  r: number;
  f: number;
  eta: number;
  pd: number;
  n: number;
  blind: boolean;
  outcome: string;
  y: number;
  keyMargin: number;
  qberMeasured: number;
  qExpected: number;
  iteration?: number;
  nu?: number;
  dtNs?: number;
  eDet?: number;
}

/** Build one group from rows; ids start at `firstId`. */
export function syntheticGroup(rows: readonly SyntheticRow[], firstId = 0): GroupData {
  const n = rows.length;
  const g = emptyGroupData();
  const d = DIAGNOSTIC_COLUMNS.length;
  const qCol = DIAGNOSTIC_COLUMNS.indexOf("q_expected");
  g.n = n;
  g.sampleId = Float64Array.from(rows, (_, i) => firstId + i);
  g.iteration = Int32Array.from(rows, (r) => r.iteration ?? -1);
  g.inputs = new Float64Array(n * INPUT_WIDTH);
  g.numPairs = Float64Array.from(rows, (r) => r.n);
  g.outputs = new Float64Array(n * 6);
  g.keyMargin = Float64Array.from(rows, (r) => r.keyMargin);
  g.diagnostics = new Float64Array(n * d).fill(NaN);
  rows.forEach((r, i) => {
    g.inputs.set([
      r.r,
      Math.log10(r.nu ?? 0.01),
      Math.log10(r.dtNs ?? 1e7),
      r.f,
      Math.log10(r.eta),
      r.eDet ?? 0.01,
      Math.log10(r.pd),
      Math.log10(r.n),
      r.blind ? 1 : 0,
    ], i * INPUT_WIDTH); // the order of lib/science/parameter_space.ts
    const finalKey = r.outcome === "success" ? r.y * r.n : 0;
    g.outputs.set([r.y, 0.45 * r.n, finalKey, r.qberMeasured, 1.1, 0.3 * r.n], i * 6);
    g.diagnostics[i * d] = r.keyMargin;
    g.diagnostics[i * d + qCol] = r.qExpected;
  });
  g.outcomes = rows.map((r) => r.outcome as Outcome);
  g.outcomeCode = Uint8Array.from(rows, (r) => OUTCOMES.indexOf(r.outcome as Outcome));
  g.seed = new BigUint64Array(n);
  g.cliffMargin = diagnosticColumn(g.diagnostics, g.diagnosticColumns, "cliff_margin");
  g.metadata = rows.map(() => "{}");
  return g;
}

/**
 * Phase 1 rows of the 8-row table-test campaign: two paired points and one lone skipped row
 * (the hand computations are in tables_test.ts).
 */
export const TABLE_ROWS_PHASE1: readonly SyntheticRow[] = [
  // 0, 1: paired point, both succeed, η = 0.08 → 50 km
  row(0.9, 0.99, 0.08, 1e-6, 1e4, false, "success", 0.10, 0.05, 0.012, 0.01),
  row(0.9, 0.99, 0.08, 1e-6, 1e4, true, "success", 0.12, 0.07, 0.011, 0.01),
  // 2, 3: paired point, blind only
  row(0.8, 0.95, 0.8, 1e-5, 2e4, false, "failure_qber", 0, -0.1, 0.2, 0.03),
  row(0.8, 0.95, 0.8, 1e-5, 2e4, true, "success", 0.02, 0.01, 0.031, 0.03),
  // 4: skipped, η = 0.008 → 100 km
  row(0.5, 0.9, 0.008, 2e-4, 1e5, false, "skipped_infeasible", 0, -0.5, NaN, 0.21),
];
/** Phase 3 rows of the table campaign. */
export const TABLE_ROWS_PHASE3: readonly SyntheticRow[] = [
  { ...row(0.75, 0.985, 0.8, 1e-6, 5e4, true, "success", 0.04, 0.03, 0.05, 0.05), iteration: 0 },
  { ...row(0.5, 0.9, 1, 1e-6, 1e4, false, "failure_security", 0, -0.02, 0.06, 0.07), iteration: 0 },
  { ...row(0.5, 0.9, 1, 1e-6, 1e4, true, "success", 0.02, 0.005, 0.055, 0.07), iteration: 0 },
];

function row(
  r: number,
  f: number,
  eta: number,
  pd: number,
  n: number,
  blind: boolean,
  outcome: string,
  y: number,
  keyMargin: number,
  qberMeasured: number,
  qExpected: number,
): SyntheticRow {
  return { r, f, eta, pd, n, blind, outcome, y, keyMargin, qberMeasured, qExpected };
}

/** The table-test campaign (plus one holdout row that tables must ignore). */
export function tableCampaign(): CampaignData {
  return syntheticCampaign({
    lhs_warmup: syntheticGroup(TABLE_ROWS_PHASE1),
    active_learning: syntheticGroup(TABLE_ROWS_PHASE3, 2 ** 40),
    holdout: syntheticGroup(
      [row(0.1, 0.99, 1, 1e-6, 1e6, false, "success", 0.5, 0.4, 0.01, 0.01)],
      2 ** 41,
    ),
  }, { schema_version: "caligo-ts/1", link_model: "heralded-double-click" });
}

/**
 * A large deterministic campaign for benches: `points` paired Phase 1 design points (2 rows
 * each), `phase3Rows` Phase 3 rows over 50 iterations and `holdoutRows` holdout rows, uniform in
 * the default box, outcomes from the sign of an analytic key margin plus noise.
 */
export function largeCampaign(
  points: number,
  phase3Rows: number,
  holdoutRows: number,
  rng: { nextDouble(): number },
): CampaignData {
  const draw = (blind: boolean, iteration?: number): SyntheticRow => {
    const r = rng.nextDouble();
    const f = 0.501 + 0.499 * Math.sqrt(rng.nextDouble());
    const eta = 10 ** (-3 * rng.nextDouble());
    const pd = 10 ** (-8 + 5 * rng.nextDouble());
    const n = Math.round(10 ** (4 + 2 * rng.nextDouble()));
    const km = 2 * (f - 0.5) - 0.2 - 0.5 * r + 0.05 * Math.log10(eta) + (blind ? 0.02 : 0) +
      0.05 * (rng.nextDouble() - 0.5);
    const ok = km > 0;
    const q = (1 - f) / 2 + 0.01;
    return {
      r,
      f,
      eta,
      pd,
      n,
      blind,
      outcome: ok ? "success" : f < 0.6 ? "skipped_infeasible" : "failure_security",
      y: ok ? km / 2 : 0,
      keyMargin: km,
      qberMeasured: f < 0.6 ? NaN : q + 0.002 * rng.nextDouble(),
      qExpected: q,
      iteration,
      nu: 10 ** (-3 * rng.nextDouble()),
      dtNs: 10 ** (5 + 4 * rng.nextDouble()),
      eDet: 0.1 * rng.nextDouble(),
    };
  };
  const p1: SyntheticRow[] = [];
  for (let j = 0; j < points; j++) {
    const a = draw(false);
    p1.push(a, { ...a, blind: true, keyMargin: a.keyMargin + 0.02, y: a.y > 0 ? a.y + 0.01 : 0 });
  }
  const p3 = Array.from(
    { length: phase3Rows },
    (_, k) => draw(k % 2 === 1, Math.floor(k * 50 / Math.max(1, phase3Rows))),
  );
  const ho = Array.from({ length: holdoutRows }, (_, k) => draw(k % 2 === 1));
  return syntheticCampaign({
    lhs_warmup: syntheticGroup(p1),
    active_learning: syntheticGroup(p3, 2 ** 40),
    holdout: syntheticGroup(ho, 2 ** 41),
  }, { schema_version: "caligo-ts/1", link_model: "heralded-double-click", campaign_seed: 1 });
}
