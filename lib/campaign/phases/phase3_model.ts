/**
 * The Phase-3 model between iterations (docs/campaign.md §10.3–§10.4): the twin GPs conditioned on
 * the rows so far with fixed θ or re-fitted warm-started, their θ and fit columns of the iteration
 * record, and their labels and uncertainty on the reference set.
 * @module
 */
import type { Linalg } from "../../kernels/linalg/linalg.ts";
import type { Logger } from "../../io/log.ts";
import { aboveThreshold } from "../../active/level_set_metrics.ts";
import { STRATEGIES, type Strategy, type TwinLandscape } from "../../surrogate/twin_landscape.ts";
import type { ScoringPools } from "../workers/scoring_pools.ts";
import type { Phase2Settings, Phase3Settings } from "../settings.ts";
import { GP_INPUT_DIMENSION, type TrainingRows } from "../surrogate_data.ts";
import { fitTwinSurrogate } from "./phase2.ts";
import { predictMeanStd } from "./phase3_candidates.ts";
import { emptyIterationRecord, thetaFromRow } from "./phase3_records.ts";
import type { RowBook } from "./phase3_row_book.ts";

const D = GP_INPUT_DIMENSION;

/** What conditioning the GPs needs. */
export interface ModelContext {
  surrogate: Phase2Settings;
  linalg: Linalg;
  log: Logger;
}

/** Condition (or re-fit, warm-started) both GPs on `rows`. */
export async function conditionTwin(
  o: ModelContext,
  rows: TrainingRows[],
  theta: Partial<Record<Strategy, Float64Array>>,
  refit: boolean,
  k: number,
): Promise<TwinLandscape> {
  const fit = await fitTwinSurrogate({
    settings: o.surrogate,
    groups: rows,
    linalg: o.linalg,
    log: o.log,
    fitIndex: k + 1,
    initialLogTheta: theta,
    restarts: refit ? o.surrogate.gp.refitRestarts : 0,
    optimize: refit,
    validate: false,
  });
  return fit.twin;
}

export function thetaOf(row: ArrayLike<number>): Partial<Record<Strategy, Float64Array>> {
  return { baseline: thetaFromRow(row, "baseline"), blind: thetaFromRow(row, "blind") };
}

export function thetaOfTwin(twin: TwinLandscape): Partial<Record<Strategy, Float64Array>> {
  const out: Partial<Record<Strategy, Float64Array>> = {};
  for (const s of STRATEGIES) if (twin.isFitted(s)) out[s] = twin.model(s).state.logTheta.slice();
  return out;
}

export function fillModelColumns(
  record: ReturnType<typeof emptyIterationRecord>,
  twin: TwinLandscape,
  book: RowBook,
  surrogate: Phase2Settings,
): void {
  for (const s of STRATEGIES) {
    record[`n_train_${s}`] = book.training(s, surrogate).n;
    if (!twin.isFitted(s)) continue;
    const gp = twin.model(s);
    gp.state.logTheta.forEach((v, i) => (record[`theta_${s}_${i}` as keyof typeof record] = v));
    const report = gp.fitReport;
    record[`mll_${s}`] = report ? report.restarts[report.bestRestart]?.mll ?? NaN : NaN;
  }
}

/** Labels μ > t of both GPs on the reference set (baseline rows first). */
export function referenceLabels(
  twin: TwinLandscape,
  reference: Float64Array,
  t: number,
): Uint8Array {
  const m = reference.length / D;
  const out = new Uint8Array(2 * m);
  STRATEGIES.forEach((s, i) => {
    if (!twin.isFitted(s)) return;
    const { mean } = twin.model(s).predict(reference, { variance: "none" });
    aboveThreshold(mean, t, out.subarray(i * m, (i + 1) * m));
  });
  return out;
}

/** Fraction of reference points (both GPs) with |μ − t| < κσ. */
export async function uncertainFraction(
  twin: TwinLandscape,
  reference: Float64Array,
  acquisition: Phase3Settings["acquisition"],
  scorers: ScoringPools | null,
): Promise<number> {
  const { kappa, threshold: t } = acquisition;
  let uncertain = 0, total = 0;
  for (const s of STRATEGIES) {
    if (!twin.isFitted(s)) continue;
    const { mean, std } = await predictMeanStd(twin.model(s), reference, scorers?.get(s));
    for (let i = 0; i < mean.length; i++) if (Math.abs(mean[i] - t) < kappa * std[i]) uncertain++;
    total += mean.length;
  }
  return total ? uncertain / total : NaN;
}
