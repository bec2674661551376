/**
 * `feasibility_table` "Zone of Feasibility Matrix" (docs/campaign.md §12.2 item 3): per storage-noise
 * level r and dark-count level p_d, the largest distance that produced a key and what limits it.
 * @module
 */
import { QBER_WARNING_THRESHOLD } from "../science/constants.ts";
import { type DerivedRows, modelQber, type QberModelOptions } from "./derived_columns.ts";
import type { ReportTable } from "./report_table.ts";

/** Python's "%.0e": one significant digit, two-digit exponent ("1e-06"). */
export function pyExp0(x: number): string {
  const [m, e] = x.toExponential(0).split("e");
  const sign = e.startsWith("-") ? "-" : "+";
  return `${m}e${sign}${e.replace(/^[+-]/, "").padStart(2, "0")}`;
}

/**
 * Adversary strength of a storage-noise level (project labels, docs/science.md §1.2: high r = strong).
 * @example
 * ```ts
 * import { adversaryStrength } from "./feasibility_table.ts";
 * console.assert(adversaryStrength(0.9) === "Strong" && adversaryStrength(0.5) === "Weak");
 * ```
 */
export function adversaryStrength(r: number): "Strong" | "Moderate" | "Weak" {
  return r >= 0.85 ? "Strong" : r >= 0.75 ? "Moderate" : "Weak";
}

/**
 * Theoretical reach with no data (docs/campaign.md §12.2): bisection on [0, 500] km while
 * high − low > 1 km; mid is feasible iff the model QBER at F = 0.99, e_det = 0.01,
 * η = 0.8·10^(−0.02·mid) and p_d is below 0.11. Returns low (km).
 */
export function theoreticalReachKm(darkCountProb: number, options: QberModelOptions): number {
  let low = 0;
  let high = 500;
  while (high - low > 1) {
    const mid = (low + high) / 2;
    const eta = 0.8 * 10 ** (-0.02 * mid);
    const q = modelQber(0.99, eta, 0.01, darkCountProb, options);
    if (q < QBER_WARNING_THRESHOLD) low = mid;
    else high = mid;
  }
  return low;
}

/** The feasibility matrix over `storageNoiseLevels` × `darkCountLevels`. */
export function feasibilityTable(
  rows: DerivedRows,
  storageNoiseLevels: readonly number[],
  darkCountLevels: readonly number[],
  options: QberModelOptions,
): ReportTable {
  const out: string[][] = [];
  for (const level of storageNoiseLevels) {
    for (const pd of darkCountLevels) {
      const lp = Math.log10(pd);
      let count = 0;
      let successes = 0;
      let maxDist = 0;
      let failQ = 0;
      let failQn = 0;
      for (let i = 0; i < rows.n; i++) {
        const r = rows.storageNoiseR[i];
        const lpd = Math.log10(rows.darkCountProb[i]);
        if (!(r >= level - 0.05 && r < level + 0.05 && lpd >= lp - 0.5 && lpd < lp + 0.5)) continue;
        count++;
        if (rows.isSuccess[i]) {
          successes++;
          maxDist = Math.max(maxDist, rows.distanceKm[i]);
        } else if (Number.isFinite(rows.qber[i])) {
          failQ += rows.qber[i];
          failQn++;
        }
      }
      let distance: string;
      let factor: string;
      if (count === 0) {
        distance = `${theoreticalReachKm(pd, options).toFixed(0)} km`;
        factor = "Theoretical";
      } else if (successes === 0) {
        distance = "0 km (Insecure)";
        factor = "Always Insecure";
      } else {
        distance = `${maxDist.toFixed(0)} km`;
        const failures = count - successes;
        factor = failures === 0
          ? "Not Limited"
          : failQn > 0 && failQ / failQn > QBER_WARNING_THRESHOLD
          ? "QBER Threshold"
          : level < 0.8
          ? "NSM Security Bound"
          : "Signal-to-Noise";
      }
      out.push([level.toFixed(2), adversaryStrength(level), pyExp0(pd), distance, factor]);
    }
  }
  return {
    name: "feasibility_table",
    title: "Zone of Feasibility Matrix",
    columns: [
      "storage_noise_r",
      "adversary_strength",
      "dark_count_prob",
      "max_distance_km",
      "limiting_factor",
    ],
    rows: out,
  };
}
