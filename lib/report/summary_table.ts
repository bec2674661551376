/**
 * `summary_table` "Exploration Summary Statistics" (docs/campaign.md §12.2 item 1), computed from the
 * rows (all groups except holdout): measured QBER, real key lengths, outcome counts.
 * @module
 */
import type { DerivedRows } from "./derived_columns.ts";
import { fixed, maskedMean, percent, type ReportTable } from "./report_table.ts";

/**
 * The summary table. "Mean QBER" and "QBER Range" use the measured QBER (`qber_measured`, finite
 * values only; Caligo printed its formula), "Mean Model QBER" the model column of §12.1.
 * Project rows after Caligo's: Mean Model QBER, Mean key_margin (Success), Skipped, Timeouts,
 * Errors.
 */
export function summaryTable(rows: DerivedRows): ReportTable {
  const n = rows.n;
  let successes = 0;
  let blind = 0;
  let skipped = 0;
  let timeouts = 0;
  let errors = 0;
  let maxEff = -Infinity;
  let qMin = Infinity;
  let qMax = -Infinity;
  let maxDist = -Infinity;
  for (let i = 0; i < n; i++) {
    const o = rows.outcomes[i];
    if (rows.isSuccess[i]) {
      successes++;
      maxDist = Math.max(maxDist, rows.distanceKm[i]);
    }
    if (rows.isBlind[i]) blind++;
    if (o.startsWith("skipped")) skipped++;
    if (o === "failure_timeout") timeouts++;
    if (o === "failure_error") errors++;
    if (Number.isFinite(rows.netEfficiency[i])) maxEff = Math.max(maxEff, rows.netEfficiency[i]);
    const q = rows.qberMeasured[i];
    if (Number.isFinite(q)) {
      qMin = Math.min(qMin, q);
      qMax = Math.max(qMax, q);
    }
  }
  const success = (i: number) => rows.isSuccess[i] === 1;
  const meanSuccess = maskedMean(rows.netEfficiency, success);
  return {
    name: "summary_table",
    title: "Exploration Summary Statistics",
    columns: ["Metric", "Value"],
    rows: [
      ["Total Samples", String(n)],
      ["Successful Executions", String(successes)],
      ["Success Rate", n > 0 ? percent(successes / n) : "N/A"],
      ["Mean Efficiency (All)", fixed(maskedMean(rows.netEfficiency), 4)],
      ["Mean Efficiency (Success)", fixed(meanSuccess, 4)],
      ["Max Efficiency", fixed(maxEff, 4)],
      ["Mean QBER", fixed(maskedMean(rows.qberMeasured), 4)],
      ["QBER Range", qMin <= qMax ? `[${qMin.toFixed(4)}, ${qMax.toFixed(4)}]` : "N/A"],
      ["Baseline Samples", String(n - blind)],
      ["Blind Samples", String(blind)],
      ["Max Distance (Success)", successes > 0 ? `${maxDist.toFixed(1)} km` : "N/A"],
      ["Mean Model QBER", fixed(maskedMean(rows.qber), 4)],
      ["Mean key_margin (Success)", fixed(maskedMean(rows.keyMargin, success), 4)],
      ["Skipped", String(skipped)],
      ["Timeouts", String(timeouts)],
      ["Errors", String(errors)],
    ],
  };
}
