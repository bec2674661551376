/**
 * The `expected` simulator (docs/science.md §8.7): a sample whose margin is the exact expected margin
 * of the full model at the point, plus optional Gaussian noise of standard deviation σ drawn from
 * the sample's `quantum` stream. `cliff-bench` runs the campaign against it, so the boundary the
 * campaign finds can be scored against the exact one. Its record has the real record's shape:
 * y = cliff_margin + σ·Z; success iff y > 0; key_margin = cliff_margin = y on success, min(y, 0)
 * otherwise (kind `analytic`); aborts below the QBER wall are `failure_qber`, others
 * `failure_security`.
 * @module
 */
import { stageRng } from "../kernels/rng.ts";
import {
  type ExpectedMargin,
  expectedMargin,
  type ExpectedMarginModel,
} from "../science/expected_margin.ts";
import { keyModelOf } from "../science/key_model.ts";
import { pointEffectiveR, pointExpectedQber, pointSource } from "../science/prefilter.ts";
import type { ParameterPoint } from "./parameter_point.ts";
import type { SampleRecord } from "./record.ts";
import { finishRecord, setKeyMargin, startRecord } from "./sample_record_builder.ts";
import type { SimulationOptions } from "./simulation_options.ts";
import type { ReconciliationCalibration } from "../reconciliation/calibration.ts";

/** Reconciliation efficiency f at QBER q for a strategy. */
export type EfficiencyCurve = (q: number, strategy: "baseline" | "blind") => number;

/**
 * The efficiency curve of a calibration (docs/science.md §9.10): per strategy, the achieved f of the
 * rows interpolated linearly in QBER and held at the end values; f_select where a row has none.
 */
export function calibratedEfficiency(
  calibration: ReconciliationCalibration,
  fSelect: number,
): EfficiencyCurve {
  const curve = (strategy: "baseline" | "blind") => {
    const rows = calibration.rows.filter((r) => r.strategy === strategy)
      .map((r) => ({ q: r.qber, f: Number.isFinite(r.efficiency) ? r.efficiency : fSelect }))
      .sort((a, b) => a.q - b.q);
    return (q: number) => {
      if (rows.length === 0) return fSelect;
      if (q <= rows[0].q) return rows[0].f;
      const last = rows[rows.length - 1];
      if (q >= last.q) return last.f;
      let i = 1;
      while (rows[i].q < q) i++;
      const t = (q - rows[i - 1].q) / (rows[i].q - rows[i - 1].q);
      return rows[i - 1].f + t * (rows[i].f - rows[i - 1].f);
    };
  };
  const baseline = curve("baseline"), blind = curve("blind");
  return (q, strategy) => strategy === "blind" ? blind(q) : baseline(q);
}

/**
 * The expected-margin model of the simulator options: key model, test fractions, ε, q_hard,
 * frame length and hash bits from `sim`, f from `efficiency` (default: `f_select` for both).
 */
export function expectedModelOf(
  sim: SimulationOptions,
  efficiency?: EfficiencyCurve,
): ExpectedMarginModel {
  const f = sim.reconciliation.fSelect;
  return {
    keyModel: keyModelOf(sim.keyModel),
    testFraction: sim.testFraction,
    blindTestFraction: sim.blindTestFraction,
    epsilonSec: sim.epsilonSec,
    qberHardLimit: sim.qberHardLimit,
    efficiency: efficiency ?? (() => f),
    codeLength: sim.reconciliation.codeLength,
    hashBits: sim.reconciliation.hashBits,
  };
}

/** Q_exp and r_eff of a point under the simulator's link and storage models. */
export function expectedPhysicsOf(point: ParameterPoint, sim: SimulationOptions): ExpectedPhysics {
  return {
    qExpected: pointExpectedQber(point, sim),
    rEff: pointEffectiveR(point, sim.storageDecoherence),
  };
}

/** The exact expected margins of a point (docs/science.md §8.7). */
export function exactMargin(
  point: ParameterPoint,
  sim: SimulationOptions,
  model: ExpectedMarginModel,
): ExpectedMargin {
  const physics = expectedPhysicsOf(point, sim);
  return expectedMargin({
    qExpected: physics.qExpected,
    rEff: physics.rEff,
    nu: point.storageRateNu,
    numPairs: point.numPairs,
    strategy: point.strategy,
    source: pointSource(point, sim.sourceMeanPairs),
  }, model);
}

/** The physics of the point under the campaign's link and storage models. */
export interface ExpectedPhysics {
  qExpected: number;
  rEff: number;
}

/** A standard normal draw from two uniforms (Box–Muller). */
function standardNormal(u1: number, u2: number): number {
  return Math.sqrt(-2 * Math.log(1 - u1)) * Math.cos(2 * Math.PI * u2);
}

/**
 * One `expected` sample.
 * @param noise σ of the additive Gaussian noise on the margin (bits per pair)
 */
export function expectedSimulateSample(
  point: ParameterPoint,
  sim: SimulationOptions,
  model: ExpectedMarginModel,
  seed: bigint,
  noise: number,
): SampleRecord {
  const physics = expectedPhysicsOf(point, sim);
  const exact = exactMargin(point, sim, model);
  const rng = stageRng(seed, "quantum");
  const z = noise > 0 ? standardNormal(rng.nextDouble(), rng.nextDouble()) : 0;
  const y = exact.cliffMargin + noise * z;
  const record = startRecord(seed);
  const d = record.diagnostics;
  d.m = exact.m;
  d.q_adj = exact.qAdj;
  d.q_expected = physics.qExpected;
  d.r_eff = physics.rEff;
  d.cliff_margin = y > 0 ? y : Math.min(y, 0);
  d.t_total = 0;
  record.execution_time_seconds = 0;
  record.qber_measured = physics.qExpected;
  setKeyMargin(record, d.cliff_margin, "analytic");
  if (!(y > 0)) {
    const stage = exact.qAdj > model.qberHardLimit ? "parameter_estimation" : "key_length";
    return finishRecord(record, stage, `expected margin ${y.toFixed(5)} ≤ 0`);
  }
  finishRecord(record, "none");
  record.net_efficiency = y;
  record.final_key_length = Math.floor(y * point.numPairs);
  return record;
}
