/**
 * `strategy_table` "Strategy Selection Guidelines" (docs/campaign.md §12.2 item 4): four scenarios,
 * each listed only when its mask selects rows.
 * @module
 */
import type { DerivedRows } from "./derived_columns.ts";
import { maskedMean, type ReportTable } from "./report_table.ts";

function means(rows: DerivedRows, mask: (i: number) => boolean): [number, number, number] {
  let count = 0;
  for (let i = 0; i < rows.n; i++) if (mask(i)) count++;
  const base = maskedMean(rows.netEfficiency, (i) => mask(i) && rows.isBlind[i] === 0);
  const blind = maskedMean(rows.netEfficiency, (i) => mask(i) && rows.isBlind[i] === 1);
  return [count, base, blind];
}

function successRate(rows: DerivedRows, mask: (i: number) => boolean, blind: 0 | 1): number {
  let c = 0;
  let s = 0;
  for (let i = 0; i < rows.n; i++) {
    if (mask(i) && rows.isBlind[i] === blind) {
      c++;
      s += rows.isSuccess[i];
    }
  }
  return c > 0 ? s / c : NaN;
}

/**
 * The strategy table. Means of a strategy with no rows in a mask are NaN, and a comparison with
 * NaN is false (as pandas), so the fallback recommendation applies.
 * @param lowLatencyN threshold of the "Low Latency" scenario (`tables.low_latency_n`, 5000)
 */
export function strategyTable(rows: DerivedRows, lowLatencyN = 5000): ReportTable {
  const out: string[][] = [];
  const pct = (x: number) => Number.isFinite(x) ? `+${(100 * x).toFixed(1)}% Efficiency` : "N/A";

  const low = (i: number) => rows.numPairs[i] < lowLatencyN;
  const [nLow, bLow, blLow] = means(rows, low);
  if (nLow > 0) {
    const name = `Low Latency (N < ${lowLatencyN})`;
    if (blLow > bLow) {
      out.push([
        name,
        "Blind",
        bLow === 0 ? "Similar" : pct((blLow - bLow) / bLow),
        "Blind adapts better to high QBER variance",
      ]);
    } else out.push([name, "Baseline", "Guaranteed bounds", "Static rate more stable"]);
  }

  const hf = (i: number) => rows.channelFidelity[i] > 0.98;
  const [nHf, bHf, blHf] = means(rows, hf);
  if (nHf > 0) {
    const blindWins = blHf > bHf;
    const denom = Math.max(Number.isFinite(bHf) ? bHf : 0, Number.isFinite(blHf) ? blHf : 0, 0.001);
    out.push([
      "High Fidelity (F > 0.98)",
      blindWins ? "Blind" : "Baseline",
      pct(Math.abs(blHf - bHf) / denom),
      blindWins ? "Adaptive still beneficial" : "Low QBER regime favors static rates",
    ]);
  }

  const burst = (i: number) => rows.darkCountProb[i] > 1e-4;
  const [nBurst] = means(rows, burst);
  if (nBurst > 0) {
    if (successRate(rows, burst, 1) > successRate(rows, burst, 0)) {
      out.push([
        "Burst Noise (P_dark > 10^-4)",
        "Blind",
        "Prevents Abort",
        "Adaptive handles dark count bursts",
      ]);
    } else {
      out.push([
        "Burst Noise (P_dark > 10^-4)",
        "Either",
        "Similar performance",
        "Both strategies robust here",
      ]);
    }
  }

  let critBase = 0;
  let critBlind = 0;
  for (let i = 0; i < rows.n; i++) {
    const y = rows.netEfficiency[i];
    if (y > 0 && y < 0.05) rows.isBlind[i] ? critBlind++ : critBase++;
  }
  if (critBase + critBlind > 0) {
    out.push(
      critBase > critBlind
        ? [
          "Critical Safety (Margin < 5%)",
          "Baseline",
          "Guaranteed Leakage Cap",
          "Deterministic error correction",
        ]
        : ["Critical Safety (Margin < 5%)", "Blind", "Better success rate", "Adaptive recovery"],
    );
  }
  return {
    name: "strategy_table",
    title: "Strategy Selection Guidelines",
    columns: ["scenario", "recommended_strategy", "expected_gain", "rationale"],
    rows: out,
  };
}
