/**
 * `paired_comparison_table` (docs/campaign.md §12.2, project addition): for every physical point
 * evaluated with both strategies, Δkey_margin = blind − baseline, summarised by region (success
 * in both, baseline only, blind only, neither).
 * @module
 */
import { CONTINUOUS_WIDTH, INPUT_WIDTH } from "./campaign_data.ts";
import type { DerivedRows } from "./derived_columns.ts";
import { fixed, percent, type ReportTable } from "./report_table.ts";

/** One physical point evaluated with both strategies (row indices into the derived rows). */
export interface StrategyPair {
  baseline: number;
  blind: number;
}

/**
 * Pairs of rows with identical 8 continuous stored inputs and different strategies (the paired
 * design of docs/campaign.md §3 gives ids 2j, 2j+1). The first row of each strategy per point is used.
 */
export function strategyPairs(rows: DerivedRows): StrategyPair[] {
  const seen = new Map<string, [number, number]>();
  for (let i = 0; i < rows.n; i++) {
    const key = Array.from(
      rows.inputs.subarray(i * INPUT_WIDTH, i * INPUT_WIDTH + CONTINUOUS_WIDTH),
    ).join(",");
    const slot = seen.get(key) ?? [-1, -1];
    const s = rows.isBlind[i];
    if (slot[s] < 0) slot[s] = i;
    seen.set(key, slot);
  }
  const pairs: StrategyPair[] = [];
  for (const [b, bl] of seen.values()) {
    if (b >= 0 && bl >= 0) pairs.push({ baseline: b, blind: bl });
  }
  return pairs;
}

function median(v: number[]): number {
  if (v.length === 0) return NaN;
  const s = [...v].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** Regions of the paired table, in row order. */
export const PAIR_REGIONS = ["both succeed", "baseline only", "blind only", "neither"] as const;

/** The paired comparison table (rows only for non-empty regions; none if no pairs). */
export function pairedComparisonTable(rows: DerivedRows): ReportTable {
  const deltas: number[][] = PAIR_REGIONS.map(() => []);
  for (const { baseline, blind } of strategyPairs(rows)) {
    const sb = rows.isSuccess[baseline];
    const sbl = rows.isSuccess[blind];
    const region = sb && sbl ? 0 : sb ? 1 : sbl ? 2 : 3;
    deltas[region].push(rows.keyMargin[blind] - rows.keyMargin[baseline]);
  }
  const out: string[][] = [];
  PAIR_REGIONS.forEach((name, k) => {
    const d = deltas[k].filter(Number.isFinite);
    if (deltas[k].length === 0) return;
    const mean = d.length ? d.reduce((a, b) => a + b, 0) / d.length : NaN;
    out.push([
      name,
      String(deltas[k].length),
      fixed(mean, 4),
      fixed(median(d), 4),
      d.length ? percent(d.filter((x) => x > 0).length / d.length) : "N/A",
    ]);
  });
  return {
    name: "paired_comparison_table",
    title: "Paired Strategy Comparison (blind − baseline key_margin)",
    columns: [
      "region",
      "pairs",
      "mean_delta_key_margin",
      "median_delta_key_margin",
      "blind_better_percent",
    ],
    rows: out,
  };
}
