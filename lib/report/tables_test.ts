// Table values on the 8-row synthetic campaign of _test_synthetic_campaign.ts, computed by hand
// (docs/campaign.md §12.1–12.2). Rows (index: strategy, outcome, y, key_margin, measured Q, Q_exp):
// 0 base success .10 .05 .012 .01 | 1 blind success .12 .07 .011 .01 | 2 base failure_qber 0 −.1 .2 .03
// 3 blind success .02 .01 .031 .03 | 4 base skipped 0 −.5 NaN .21 | 5 blind success .04 .03 .05 .05
// 6 base failure_security 0 −.02 .06 .07 | 7 blind success .02 .005 .055 .07; holdout row ignored.
import { assert, assertClose, assertEquals } from "../../tests/assert.ts";
import { tableCampaign } from "./_test_synthetic_campaign.ts";
import { deathValleyTable } from "./death_valley_table.ts";
import { deriveRows, distanceKm, modelQber, theoreticalEfficiency } from "./derived_columns.ts";
import {
  adversaryStrength,
  feasibilityTable,
  pyExp0,
  theoreticalReachKm,
} from "./feasibility_table.ts";
import { pairedComparisonTable, strategyPairs } from "./paired_comparison_table.ts";
import { tableToCsv, tableToLatex, tableToMarkdown } from "./report_table.ts";
import { strategyTable } from "./strategy_table.ts";
import { summaryTable } from "./summary_table.ts";

const rows = deriveRows(tableCampaign(), { qberSource: "model" });

Deno.test("deriveRows() keeps Phase 1 and Phase 3 rows, drops holdout, uses stored Q_exp", () => {
  assertEquals(rows.n, 8);
  assertEquals(Array.from(rows.qber), [0.01, 0.01, 0.03, 0.03, 0.21, 0.05, 0.07, 0.07]);
  assertClose(rows.distanceKm[0], 50, 1e-9);
  assertClose(rows.distanceKm[4], 100, 1e-9);
  assertEquals(rows.distanceKm[2], 0);
  assertEquals(Array.from(rows.isBlind), [0, 1, 0, 1, 0, 1, 0, 1]);
});

Deno.test("theoreticalEfficiency() matches the hand computation of docs/campaign.md §12.1", () => {
  // N = 1e6: k = 1e5, μ = 0.0164696, 1 − 2h(0.0264696) = 0.647268 (Python, math module)
  assertClose(theoreticalEfficiency(0.01, 1e6), 0.6472684096, 1e-9);
  // N = 1e4: μ = 0.16478, 1 − 2h(0.17478) < 0 → clipped to 0
  assertEquals(theoreticalEfficiency(0.01, 1e4), 0);
  assertEquals(theoreticalEfficiency(0.22, 1e9), 0);
  assertEquals(distanceKm(0.9), 0);
  assertEquals(distanceKm(0), 0);
});

Deno.test("modelQber() is Q_exp of the link, or Caligo's E1 with qber_source erven", () => {
  // docs/science.md §14.3: heralded (0.99, 0.1, 1e-4, e 0.005) → 0.021703; E1 (0.95, .01, .9, 1e-5) → 0.0350005
  assertClose(modelQber(0.99, 0.1, 0.005, 1e-4, {}), 0.021703, 5e-7);
  assertClose(modelQber(0.95, 0.9, 0.01, 1e-5, { qberSource: "erven" }), 0.0350005, 1e-10);
  assertClose(modelQber(0.95, 1, 0.01, 0, { linkModel: "depolarising" }), 0.042667, 5e-7);
});

Deno.test("summaryTable() gives the hand-computed statistics", () => {
  const t = summaryTable(rows);
  assertEquals(t.rows, [
    ["Total Samples", "8"],
    ["Successful Executions", "5"],
    ["Success Rate", "62.5%"],
    ["Mean Efficiency (All)", "0.0375"], // 0.30 / 8
    ["Mean Efficiency (Success)", "0.0600"], // 0.30 / 5
    ["Max Efficiency", "0.1200"],
    ["Mean QBER", "0.0599"], // measured: 0.419 / 7 (NaN excluded)
    ["QBER Range", "[0.0110, 0.2000]"],
    ["Baseline Samples", "4"],
    ["Blind Samples", "4"],
    ["Max Distance (Success)", "50.0 km"],
    ["Mean Model QBER", "0.0600"], // 0.48 / 8
    ["Mean key_margin (Success)", "0.0330"], // 0.165 / 5
    ["Skipped", "1"],
    ["Timeouts", "0"],
    ["Errors", "0"],
  ]);
});

Deno.test("summaryTable() prints N/A without successes or rows", () => {
  const empty = deriveRows(tableCampaign(), {}, []);
  const t = summaryTable(empty);
  assertEquals(t.rows[0], ["Total Samples", "0"]);
  assertEquals(t.rows[2], ["Success Rate", "N/A"]);
  assertEquals(t.rows[4], ["Mean Efficiency (Success)", "N/A"]);
  assertEquals(t.rows[10], ["Max Distance (Success)", "N/A"]);
});

Deno.test("deathValleyTable() gives theoretical minima of §12.2 and empirical minima", () => {
  const t = deathValleyTable(rows, [0.01, 0.03, 0.05, 0.08, 0.10, 0.21]);
  assertEquals(t.rows, [
    ["1.0", "847", "10,000", "11.8x", "100.0%"], // 10000/847 = 11.81
    ["3.0", "1,595", "20,000", "12.5x", "50.0%"], // 20000/1595 = 12.54
    ["5.0", "3,265", "50,000", "15.3x", "100.0%"], // 50000/3265 = 15.31
    ["8.0", "15,570", "NO DATA", "N/A", "N/A"],
    ["10.0", "154,990", "NO DATA", "N/A", "N/A"],
    ["21.0", "N/A", "FAIL", "N/A", "0.0%"],
  ]);
});

Deno.test("feasibilityTable() classifies each (r, p_d) cell", () => {
  const opts = { qberSource: "model" as const };
  const t = feasibilityTable(rows, [0.9, 0.8, 0.5], [1e-6, 1e-5, 1e-4], opts);
  assertEquals(t.rows.length, 9);
  assertEquals(t.rows[0], ["0.90", "Strong", "1e-06", "50 km", "Not Limited"]); // rows 0, 1
  const reach = theoreticalReachKm(1e-5, opts).toFixed(0);
  assertEquals(t.rows[1], ["0.90", "Strong", "1e-05", `${reach} km`, "Theoretical"]);
  assertEquals(t.rows[3], ["0.80", "Moderate", "1e-06", "0 km", "Not Limited"]); // row 5 (r .75)
  assertEquals(t.rows[4], ["0.80", "Moderate", "1e-05", "0 km", "Signal-to-Noise"]); // rows 2, 3
  assertEquals(t.rows[6], ["0.50", "Weak", "1e-06", "0 km", "NSM Security Bound"]); // rows 6, 7
  assertEquals(t.rows[8], ["0.50", "Weak", "1e-04", "0 km (Insecure)", "Always Insecure"]); // row 4
});

Deno.test("theoreticalReachKm() is 499 km with E1 and the Q_exp crossing of 11 % otherwise", () => {
  // E1 at F .99, e .01: ≤ 0.015 + p_d/2 < 0.11 everywhere → low = 500 − 500/512
  assertEquals(theoreticalReachKm(1e-4, { qberSource: "erven" }).toFixed(0), "499");
  const km = theoreticalReachKm(1e-5, {});
  const q = (d: number) => modelQber(0.99, 0.8 * 10 ** (-0.02 * d), 0.01, 1e-5, {});
  assert(km > 0 && km < 499, `reach ${km}`);
  assert(q(km) < 0.11 && q(km + 1) >= 0.11, `Q(${km}) = ${q(km)}, Q(+1) = ${q(km + 1)}`);
  assertEquals(adversaryStrength(0.85), "Strong");
  assertEquals(adversaryStrength(0.75), "Moderate");
  assertEquals(pyExp0(1e-4), "1e-04");
});

Deno.test("strategyTable() picks winners from the row means", () => {
  assertEquals(strategyTable(rows, 15000).rows, [
    // N < 15000: base (.10, 0) mean .05, blind (.12, .02) mean .07 → (.07 − .05)/.05 = 40 %
    [
      "Low Latency (N < 15000)",
      "Blind",
      "+40.0% Efficiency",
      "Blind adapts better to high QBER variance",
    ],
    // F > .98: base .10, blind (.12, .04) .08 → |Δ| / .10 = 20 %
    [
      "High Fidelity (F > 0.98)",
      "Baseline",
      "+20.0% Efficiency",
      "Low QBER regime favors static rates",
    ],
    // p_d > 1e-4: only row 4 (baseline) → blind rate NaN → Either
    [
      "Burst Noise (P_dark > 10^-4)",
      "Either",
      "Similar performance",
      "Both strategies robust here",
    ],
    // 0 < y < .05: rows 3, 5, 7 (all blind)
    ["Critical Safety (Margin < 5%)", "Blind", "Better success rate", "Adaptive recovery"],
  ]);
  // default threshold 5000: no row has N < 5000
  assertEquals(strategyTable(rows).rows[0][0], "High Fidelity (F > 0.98)");
});

Deno.test("pairedComparisonTable() summarises blind − baseline key_margin by region", () => {
  assertEquals(strategyPairs(rows), [
    { baseline: 0, blind: 1 },
    { baseline: 2, blind: 3 },
    { baseline: 6, blind: 7 },
  ]);
  assertEquals(pairedComparisonTable(rows).rows, [
    ["both succeed", "1", "0.0200", "0.0200", "100.0%"], // .07 − .05
    ["blind only", "2", "0.0675", "0.0675", "100.0%"], // (.11 + .025) / 2
  ]);
});

Deno.test("tableToCsv() / tableToMarkdown() / tableToLatex() format the same cells", () => {
  const t = deathValleyTable(rows, [0.01]);
  assertEquals(
    tableToCsv(t),
    'qber_percent,min_n_theoretical,min_n_empirical,safety_factor,success_rate_percent\n1.0,847,"10,000",11.8x,100.0%\n',
  );
  const md = tableToMarkdown(t).split("\n");
  assertEquals(md[0], "# Death Valley Lookup Table (Minimum Viable Block Size)");
  assertEquals(md[1], "");
  assertEquals(md[4], "| 1.0 | 847 | 10,000 | 11.8x | 100.0% |");
  assert(tableToLatex(t).includes("1.0 & 847 & 10,000 & 11.8x & 100.0\\% \\\\"));
});
