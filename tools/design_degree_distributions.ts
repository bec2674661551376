/**
 * Design the BSC degree distributions of the `de-bsc` family (lib/kernels/ldpc/degree_design.ts)
 * and print them as JSON lines, one per rate: `{"rate", "lambda", "rho", "threshold", "runs", "s"}`.
 * The result is pasted into `DE_BSC_DEGREE_DISTRIBUTIONS` (lib/kernels/ldpc/degree_distributions.ts).
 * Usage: ./deno run tools/design_degree_distributions.ts [rates, default 0.35,0.40,0.45] [maxRuns]
 * [start λ as JSON, e.g. '[[2,0.22],[3,0.26],[6,0.12],[12,0.16],[20,0.24]]'] [threshold step, 0.0005]
 * (the high rates need a finer step: at R = 0.9 the threshold is ≈ 0.011, so 0.0005 is a 5 % gain
 * per move; their rows were made with 0.0001 from Caligo's row, docs/science.md §9.1).
 */
import { designBscDistribution } from "../lib/kernels/ldpc/degree_design.ts";

const rates = (Deno.args[0] ?? "0.35,0.40,0.45").split(",").map(Number);
const maxRuns = Number(Deno.args[1] ?? 120);
// Start: a hand-made λ over degrees 2, 3, 6, 12, 20 (mass shifts between them during the climb).
const START: Array<[number, number]> = Deno.args[2] !== undefined
  ? JSON.parse(Deno.args[2])
  : [[2, 0.22], [3, 0.22], [6, 0.16], [12, 0.2], [20, 0.2]];
for (const rate of rates) {
  const t0 = performance.now();
  const thresholdStep = Deno.args[3] !== undefined ? Number(Deno.args[3]) : undefined;
  const r = designBscDistribution(rate, { start: START, maxRuns, thresholdStep });
  console.log(JSON.stringify({
    rate,
    lambda: r.distribution.lambda,
    rho: r.distribution.rho,
    threshold: Math.round(r.threshold * 1e4) / 1e4,
    runs: r.runs,
    s: Math.round((performance.now() - t0) / 100) / 10,
  }));
}
