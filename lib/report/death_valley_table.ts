/**
 * `death_valley_table` "Death Valley Lookup Table (Minimum Viable Block Size)" (docs/campaign.md
 * §12.2 item 2): per QBER level, the theoretical minimum N and the smallest N that succeeded.
 * @module
 */
import { binaryEntropy } from "../science/entropy.ts";
import { EPSILON_SEC, QBER_WARNING_THRESHOLD } from "../science/constants.ts";
import type { DerivedRows } from "./derived_columns.ts";
import { percent, type ReportTable } from "./report_table.ts";

/**
 * Theoretical minimum block size int((ln(4/ε)/(1 − 2h(q)))²) clamped to [100, 1e7]; 100 if
 * q ≤ 0; NaN (printed "N/A") if q ≥ 0.11.
 * @example
 * ```ts
 * import { minNTheoretical } from "./death_valley_table.ts";
 * console.assert(minNTheoretical(0.01) === 847);
 * ```
 */
export function minNTheoretical(q: number): number {
  if (q >= QBER_WARNING_THRESHOLD) return NaN;
  if (q <= 0) return 100;
  const v = Math.trunc((Math.log(4 / EPSILON_SEC) / (1 - 2 * binaryEntropy(q))) ** 2);
  return Math.min(1e7, Math.max(100, v));
}

/** Integer with thousands separators ("15,570"). */
export function thousands(v: number): string {
  return Math.round(v).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ",");
}

/** The death-valley table over `qberLevels` (rows with q − 0.005 ≤ qber < q + 0.005). */
export function deathValleyTable(rows: DerivedRows, qberLevels: readonly number[]): ReportTable {
  const out: string[][] = [];
  for (const q of qberLevels) {
    let count = 0;
    let successes = 0;
    let minN = Infinity;
    for (let i = 0; i < rows.n; i++) {
      const v = rows.qber[i];
      if (!(v >= q - 0.005 && v < q + 0.005)) continue;
      count++;
      if (rows.isSuccess[i]) {
        successes++;
        minN = Math.min(minN, rows.numPairs[i]);
      }
    }
    const theory = minNTheoretical(q);
    const empirical = count === 0 ? "NO DATA" : successes === 0 ? "FAIL" : thousands(minN);
    const safety = successes > 0 && Number.isFinite(theory)
      ? `${(minN / theory).toFixed(1)}x`
      : "N/A";
    out.push([
      (100 * q).toFixed(1),
      Number.isFinite(theory) ? thousands(theory) : "N/A",
      empirical,
      safety,
      count > 0 ? percent(successes / count) : "N/A",
    ]);
  }
  return {
    name: "death_valley_table",
    title: "Death Valley Lookup Table (Minimum Viable Block Size)",
    columns: [
      "qber_percent",
      "min_n_theoretical",
      "min_n_empirical",
      "safety_factor",
      "success_rate_percent",
    ],
    rows: out,
  };
}
