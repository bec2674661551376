/**
 * F1 versus samples from `cliff-bench --json` results (one JSON file per budget): the figure the
 * README shows (docs/img/cliff-bench-f1.png) and a Markdown table for docs/performance.md.
 *
 *   ./deno run --allow-read --allow-write=docs/img bench/cliff_bench_curve.ts out/cbc-*.json
 * @module
 */
import { createPngRenderer, renderSvg } from "../lib/report/vega_render.ts";

interface Run {
  meanF1: number;
}
interface BenchJson {
  budget: number;
  config: string;
  noise: number;
  seeds: number[];
  methods: Record<string, { meanF1: number; minF1: number; seconds: number; runs: Run[] }>;
}

const results: BenchJson[] = [];
for (const path of Deno.args) results.push(JSON.parse(await Deno.readTextFile(path)));
results.sort((a, b) => a.budget - b.budget);
const points = results.flatMap((r) =>
  Object.entries(r.methods).flatMap(([method, m]) =>
    m.runs.map((run) => ({ method, samples: r.budget, f1: run.meanF1, kind: "seed" }))
      .concat([{ method, samples: r.budget, f1: m.meanF1, kind: "mean" }])
  )
);
const spec = {
  $schema: "https://vega.github.io/schema/vega-lite/v6.json",
  title: `cliff-bench: boundary F1 vs simulator samples (${results[0]?.config}, σ = ${
    results[0]?.noise ?? 0
  })`,
  width: 420,
  height: 260,
  layer: [
    {
      data: { values: points.filter((p) => p.kind === "mean") },
      mark: { type: "line", point: true },
      encoding: {
        x: { field: "samples", type: "quantitative", scale: { type: "log" }, title: "samples" },
        y: {
          field: "f1",
          type: "quantitative",
          scale: { zero: false },
          title: "F1 of the secure class (mean of both strategies)",
        },
        color: { field: "method", type: "nominal" },
      },
    },
    {
      data: { values: points.filter((p) => p.kind === "seed") },
      mark: { type: "point", opacity: 0.4, size: 20 },
      encoding: {
        x: { field: "samples", type: "quantitative" },
        y: { field: "f1", type: "quantitative" },
        color: { field: "method", type: "nominal" },
      },
    },
  ],
};
const png = (await createPngRenderer()).render(await renderSvg(spec), 2);
await Deno.writeFile("docs/img/cliff-bench-f1.png", png);
const methods = Object.keys(results[0]?.methods ?? {});
console.log(`| samples | ${methods.join(" | ")} |`);
console.log(`| --- | ${methods.map(() => "---").join(" | ")} |`);
for (const r of results) {
  const cells = methods.map((m) =>
    `${r.methods[m].meanF1.toFixed(3)} (min ${r.methods[m].minF1.toFixed(3)})`
  );
  console.log(`| ${r.budget} | ${cells.join(" | ")} |`);
}
