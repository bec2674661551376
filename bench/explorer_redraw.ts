/// <reference lib="dom" />
/**
 * Redraw time of the cliff explorer in headless Chromium (one renderer thread) for twin
 * surrogates of `--rows` training rows each (default 10,000): random unit-box inputs and α with
 * the dev campaign's length scales (the mean's cost does not depend on the values). Writes
 * out/bench_explorer/explorer.html, drags four sliders in turn (two 'input' moves, then the
 * release 'change') and prints the redraw times (ms) and grids of the drag (coarse grid) and of
 * the release (full grid), and the page size.
 * Usage: ./deno run --no-prompt -R -W=./out -E --allow-run=/usr/bin/chromium --allow-sys
 *   bench/explorer_redraw.ts [--rows 10000]
 */
import { Xoshiro128StarStar } from "../lib/kernels/rng.ts";
import { tsLinalg } from "../lib/kernels/linalg/ts_linalg.ts";
import { GpModel, type GpState } from "../lib/surrogate/gp_model.ts";
import { TwinLandscape } from "../lib/surrogate/twin_landscape.ts";
import { tableCampaign } from "../lib/report/_test_synthetic_campaign.ts";
import {
  buildExplorerPayload,
  EXPLORER_STYLE,
  renderExplorerSection,
} from "../lib/report/cliff_explorer.ts";
import { twinPredictor } from "../lib/report/load_surrogate_predictor.ts";
import { explorerPrefilterOf } from "../lib/report/explorer_prefilter_script.ts";
import { parseConfig } from "../lib/io/config.ts";
import { launchChromium } from "../tests/chromium.ts";

const rowsFlag = Deno.args.indexOf("--rows");
const n = rowsFlag >= 0 ? Number(Deno.args[rowsFlag + 1]) : 10000;
const rng = new Xoshiro128StarStar(new Uint32Array([3, 1, 4, 1]));
const lengthScales = [0.9, 1.3, 100, 0.72, 100, 0.98, 10.3, 0.74];

function model(): GpModel {
  const state: GpState = {
    d: 8,
    n,
    x: new Float64Array(n * 8).map(() => rng.nextDouble()),
    y: new Float64Array(n),
    yMean: 0,
    yStd: 0.05,
    logTheta: Float64Array.from([...lengthScales.map(Math.log), Math.log(1.9), Math.log(0.07)]),
    alpha: new Float64Array(n).map(() => rng.nextDouble() - 0.5),
    jitter: 0,
    path: "exact",
    cholesky: null,
    loveR: null,
    loveRank: 0,
  };
  return new GpModel(state, tsLinalg);
}
const lo = [0.5, -0.7, 5, 0.94, -1, 0, -8, 4], hi = [1, 0, 10, 1, 0, 0.03, -5, 6];
const predictor = twinPredictor(new TwinLandscape(model(), model()), { lo, hi }, {
  columns: [],
  target: "cliff_margin",
  threshold: 0,
});
const payload = buildExplorerPayload({
  predictor,
  data: tableCampaign(),
  reference: lo.map((a, j) => (a + hi[j]) / 2),
  defaultAxes: [3, 0],
  keyModel: "project",
  campaignSeed: 1,
  colourLimit: 0.15,
  differenceLimit: 0.08,
  // the default campaign's pre-filter, evaluated on every grid node
  prefilter: explorerPrefilterOf("project", parseConfig("{}", {}).config.simulation),
})!;
const html = `<!doctype html><html><head><meta charset="utf-8"><style>${EXPLORER_STYLE}</style>` +
  `</head><body>${renderExplorerSection(payload)}</body></html>`;
await Deno.mkdir("out/bench_explorer", { recursive: true });
const file = `${Deno.cwd()}/out/bench_explorer/explorer.html`;
await Deno.writeTextFile(file, html);

const chromium = await launchChromium();
try {
  const page = await chromium.browser.newPage();
  await page.goto(`file://${file}`);
  await page.waitForSelector("#cliff-explorer[data-redraws='1']", { timeout: 120000 });
  const attr = (name: string) =>
    page.$eval("#cliff-explorer", (e, a) => e.getAttribute(a as string), name);
  // Dispatch `type` on a slider, wait for the next redraw; its time, GP time and grid.
  const step = async (field: string, f: number, type: "input" | "change") => {
    const before = Number(await attr("data-redraws"));
    await page.$eval(
      `#cx-s-${field}`,
      (e, v, t) => {
        const el = e as HTMLInputElement;
        el.value = String(Number(el.min) + (Number(el.max) - Number(el.min)) * (v as number));
        el.dispatchEvent(new Event(t as string, { bubbles: true }));
      },
      f,
      type,
    );
    await page.waitForFunction(
      (b) => Number(document.getElementById("cliff-explorer")!.getAttribute("data-redraws")) > b,
      { timeout: 60000 },
      before,
    );
    // one read, so that a refinement in between cannot mix two redraws
    return await page.$eval("#cliff-explorer", (e) => ({
      ms: Number(e.getAttribute("data-redraw-ms")),
      evalMs: Number(e.getAttribute("data-eval-ms")),
      grid: Number(e.getAttribute("data-grid")),
    }));
  };
  const drag: { ms: number; evalMs: number; grid: number }[] = [];
  const release: { ms: number; evalMs: number; grid: number }[] = [];
  const fields = ["storage_rate_nu", "wait_time_ns", "detector_error", "num_pairs"];
  for (let k = 0; k < 8; k++) {
    const field = fields[k % fields.length];
    // a drag: two 'input' moves, then the release ('change') at the last value
    drag.push(await step(field, (k + 1) / 10, "input"));
    drag.push(await step(field, (k + 1.5) / 10, "input"));
    release.push(await step(field, (k + 1.5) / 10, "change"));
  }
  const summary = (r: { ms: number; evalMs: number; grid: number }[]) => {
    const sorted = r.map((x) => x.ms).sort((a, b) => a - b);
    return {
      grids: [...new Set(r.map((x) => x.grid))],
      redrawMs: r.map((x) => x.ms),
      evalMs: r.map((x) => x.evalMs),
      medianMs: sorted[sorted.length >> 1],
      maxMs: sorted.at(-1),
    };
  };
  const coarse = Math.min(...drag.map((x) => x.grid));
  console.log(JSON.stringify({
    rowsPerStrategy: n,
    // a redraw the idle refinement made between two moves is counted apart
    drag: summary(drag.filter((x) => x.grid === coarse)),
    refinedBetweenMoves: drag.filter((x) => x.grid !== coarse).length,
    release: summary(release),
    pageBytes: new TextEncoder().encode(html).length,
  }));
} finally {
  await chromium.close();
}
