// Speed targets of issue 8: the report of a 10,000-row campaign in ≤ 20 s on 2 cores, and PNG
// rendering ≤ 0.5 s per figure. Run: ./deno bench -P lib/report/postprocess_bench.ts
// The surrogate is a GP with 10,000 training rows loaded means-only (what the report does for a
// large exact model saved without its Cholesky factor), predicting with the TypeScript kernels.
import { parseConfig } from "../io/config.ts";
import { silentLogger } from "../io/log.ts";
import { tsLinalg } from "../kernels/linalg/ts_linalg.ts";
import { Xoshiro128StarStar } from "../kernels/rng.ts";
import { GpModel } from "../surrogate/gp_model.ts";
import { TwinLandscape } from "../surrogate/twin_landscape.ts";
import { DEFAULT_BOX } from "./_test_analytic_predictor.ts";
import { writeFixtureStore } from "./_test_store_fixture.ts";
import { largeCampaign } from "./_test_synthetic_campaign.ts";
import { deriveRows } from "./derived_columns.ts";
import { buildFigures } from "./figures.ts";
import { loadCampaignData } from "./load_campaign_data.ts";
import { twinPredictor } from "./load_surrogate_predictor.ts";
import { runPostprocess } from "./postprocess.ts";
import { createPngRenderer, renderSvg } from "./vega_render.ts";

const rng = new Xoshiro128StarStar(new Uint32Array([8, 6, 7, 5]));
const data = largeCampaign(4000, 2000, 500, rng); // 8000 + 2000 rows (+ 500 holdout)

function randomGp(n: number): GpModel {
  const x = new Float64Array(n * 8).map(() => rng.nextDouble());
  const alpha = new Float64Array(n).map(() => (rng.nextDouble() - 0.5) * 0.01);
  const logTheta = new Float64Array([...new Array(8).fill(Math.log(0.5)), 0, Math.log(1e-2)]);
  return new GpModel({
    d: 8,
    n,
    x,
    y: new Float64Array(n),
    yMean: 0,
    yStd: 0.3,
    logTheta,
    alpha,
    jitter: 0,
    path: "exact",
    cholesky: null,
    loveR: null,
    loveRank: 0,
  }, tsLinalg);
}
const predictor = twinPredictor(
  new TwinLandscape(randomGp(5000), randomGp(5000)),
  DEFAULT_BOX,
  { columns: ["r", "nu", "dt", "F", "eta", "edet", "pd", "N"], target: "key_margin", threshold: 0 },
);
const { config } = parseConfig("", {});

Deno.bench({
  name: "runPostprocess() 10,000 rows + 500 holdout, GP 2×5000 training rows, svg+png+html",
  n: 1,
  warmup: 0,
  async fn() {
    const dir = await Deno.makeTempDir({ prefix: "report_bench_" });
    const r = await runPostprocess(dir, config, silentLogger, { data, predictor });
    console.log(JSON.stringify(r.timings));
    await Deno.remove(dir, { recursive: true });
  },
});

const ctx = {
  data,
  rows: deriveRows(data, {}),
  holdout: deriveRows(data, {}, ["holdout"]),
  predictor,
  threshold: 0,
  campaignSeed: 1,
  sobolBasePoints: 512,
};
const figures = buildFigures(ctx, ["cliff_cross_section", "death_valley", "security_volume"]);
const svgs = await Promise.all(figures.map((f) => renderSvg(f.spec)));
const png = await createPngRenderer();

Deno.bench({
  name:
    `PNG of the ${figures.length} largest figures (per figure = total / ${figures.length}), dpi 150`,
  n: 3,
  warmup: 1,
  fn() {
    for (const s of svgs) png.render(s, 150 / 96);
  },
});

const storeDir = await Deno.makeTempDir({ prefix: "report_bench_store_" });
await writeFixtureStore(storeDir, data);

Deno.bench({
  name: "loadCampaignData() 10,500-row store (h5wasm)",
  n: 3,
  warmup: 1,
  async fn() {
    const d = await loadCampaignData(storeDir);
    if (d.groups.lhs_warmup.n !== 8000) throw new Error("rows");
  },
});
