/// <reference lib="dom" />
// The report of a small campaign in a real browser: the system Chromium driven by puppeteer-core
// over a pipe (tests/chromium.ts). It loads report.html from disk, checks the section order
// (#summary, #cliff-explorer, #diagnostics), the first redraw, moves a slider, switches an axis
// and clicks a map, and after each step compares the probe's posterior means shown in the page
// with openCliffMap(dir).predict of mod.ts at the same point (1e-9 relative, floor 1e-9·s_y: both
// sum the same n products in float64). No console message of type error or warning, no page
// error. A screenshot is kept in out/test_artefacts/cliff_explorer.png. Also: openCliffMap
// itself (fields, bounds errors, key model, num_pairs convention).
import { assert, assertEquals, assertRejects, assertThrows } from "../assert.ts";
import { REQUIREMENTS, testNeeding } from "../requires.ts";
import { launchChromium } from "../chromium.ts";
import {
  type CliffMapPoint,
  CONTINUOUS_PARAMETERS,
  openCliffMap,
  OutsideCampaignBoxError,
  parseConfig,
  toPhysical,
} from "../../mod.ts";
import { Xoshiro128StarStar } from "../../lib/kernels/rng.ts";
import { silentLogger } from "../../lib/io/log.ts";
import { saveSurrogate } from "../../lib/io/surrogate_store.ts";
import { fitGpSync } from "../../lib/surrogate/fit_gp.ts";
import { TwinLandscape } from "../../lib/surrogate/twin_landscape.ts";
import { FIXTURE_ATTRIBUTES, writeFixtureStore } from "../../lib/report/_test_store_fixture.ts";
import { tableCampaign } from "../../lib/report/_test_synthetic_campaign.ts";
import { runPostprocess } from "../../lib/report/postprocess.ts";
import { createRowPrefilter } from "../../lib/campaign/prefilter_adapter.ts";

const LO = [0.5, Math.log10(0.2), 5, 0.94, -1, 0, -8, 4];
const HI = [1, 0, 10, 1, 0, 0.03, -5, 6];
const SEED = new Uint32Array([11, 12, 13, 14]);

/** A campaign directory with the fixture store and a 120-row twin GP of a cliff-like target. */
async function smallCampaign(dir: string): Promise<void> {
  await Deno.mkdir(dir, { recursive: true });
  await writeFixtureStore(dir, tableCampaign());
  const rng = new Xoshiro128StarStar(SEED);
  const fit = (shift: number) => {
    const n = 120, x = new Float64Array(n * 8).map(() => rng.nextDouble());
    const y = new Float64Array(n).map((_, i) =>
      0.1 * (x[i * 8 + 3] - 0.6 + shift) - 0.05 * x[i * 8] + 0.02 * x[i * 8 + 7]
    );
    return fitGpSync({ x, y, d: 8 }, { optimize: false });
  };
  await saveSurrogate(`${dir}/surrogate_final`, new TwinLandscape(fit(0), fit(0.2)), {
    softwareVersion: "0.0.0-test",
    configSha256: "00",
    target: "cliff_margin",
    threshold: 0,
    bounds: { lo: LO, hi: HI },
    columns: CONTINUOUS_PARAMETERS.map((p) => p.stored),
  });
}

function pointOf(stored: number[], strategy: "baseline" | "blind"): CliffMapPoint {
  const p: Record<string, number | string> = { strategy };
  CONTINUOUS_PARAMETERS.forEach((q, j) => (p[q.field] = toPhysical(q, stored[j])));
  return p as unknown as CliffMapPoint;
}

Deno.test("openCliffMap() predicts in physical units, names key model and num_pairs, rejects points outside the box", async () => {
  const dir = await Deno.makeTempDir({ prefix: "cliff_map_api_" });
  try {
    await smallCampaign(dir);
    const map = await openCliffMap(dir);
    assertEquals(map.keyModel, "project");
    assertEquals(map.numPairs, "detected pairs");
    assertEquals(map.source, "surrogate_final/");
    const centre = LO.map((a, j) => (a + HI[j]) / 2);
    const r = map.predict([pointOf(centre, "baseline"), pointOf(centre, "blind")]);
    assertEquals(r.values.length, 2);
    assertEquals([r.keyModel, r.numPairs, r.target], ["project", "detected pairs", "cliff_margin"]);
    for (const v of r.values) {
      assert(v.sd > 0 && v.pSecure >= 0 && v.pSecure <= 1, JSON.stringify(v));
    }
    assert(r.values[1].mean > r.values[0].mean, "blind's target is shifted up by 0.02");
    const outside = { ...pointOf(centre, "blind"), num_pairs: 5e6 };
    const e = assertThrows(() => map.predict([outside]), OutsideCampaignBoxError);
    assertEquals((e as OutsideCampaignBoxError).argument, "num_pairs");
    assert(String((e as Error).message).includes("outside the campaign's box [10000, 1000000]"));
    const missing = { ...pointOf(centre, "blind") } as Record<string, unknown>;
    delete missing.wait_time_ns;
    assertThrows(() => map.predict([missing as unknown as CliffMapPoint]), Error, "wait_time_ns");
    await assertRejects(() => openCliffMap(`${dir}/nothing`), Error);

    // the pre-filter of the campaign's config (the fixture store's config_yaml: defaults there)
    assert(map.prefilter);
    const { config } = parseConfig(FIXTURE_ATTRIBUTES.config_yaml, {});
    const prefilter = createRowPrefilter(config.phase1.prefilter.rule, config.simulation);
    const rng = new Xoshiro128StarStar(new Uint32Array([5, 6, 7, 8]));
    let ruledOut = 0;
    for (let k = 0; k < 300; k++) {
      const stored = LO.map((a, j) => a + (HI[j] - a) * rng.nextDouble());
      const [v] = map.predict([pointOf(stored, k % 2 ? "blind" : "baseline")]).values;
      const row = Float64Array.from([...stored, 0]);
      const out = !prefilter(row, Math.round(10 ** stored[7])).isFeasible;
      assertEquals(v.ruledOut, out, `point ${k}`);
      if (out) assertEquals(v.pSecure, 0);
      ruledOut += out ? 1 : 0;
    }
    assert(ruledOut > 0 && ruledOut < 300, `${ruledOut} of 300 ruled out: both cases tested`);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

testNeeding(
  [REQUIREMENTS.chromium],
  "report.html cliff explorer in Chromium: sections in order, slider and axis redraw, probe = openCliffMap to 1e-9",
  async () => {
    const dir = `out/explorer_test_${Date.now()}`;
    const chromium = await launchChromium();
    try {
      await smallCampaign(dir);
      const { config } = parseConfig(
        "visualization:\n  enabled: false\ntables:\n  enabled: false\n",
        {},
      );
      await runPostprocess(dir, config, silentLogger, { sobolBasePoints: 256 });
      const map = await openCliffMap(dir);
      const prefilter = createRowPrefilter(
        config.phase1.prefilter.rule,
        config.simulation,
      );
      const page = await chromium.browser.newPage();
      const problems: string[] = [];
      page.on("console", (m) => {
        if (m.type() === "error" || m.type() === "warn") problems.push(`${m.type()}: ${m.text()}`);
      });
      page.on("pageerror", (e) => problems.push(`pageerror: ${e}`));
      page.on("request", (r) => {
        if (!r.url().startsWith("file:") && !r.url().startsWith("data:")) {
          problems.push(`request: ${r.url()}`);
        }
      });
      await page.setViewport({ width: 1280, height: 1400 });
      await page.goto(`file://${Deno.cwd()}/${dir}/report.html`);
      const redraws = () =>
        page.$eval("#cliff-explorer", (e) => Number(e.getAttribute("data-redraws")));
      await page.waitForFunction(
        () => Number(document.getElementById("cliff-explorer")?.getAttribute("data-redraws")) >= 1,
        { timeout: 30000 },
      );
      const order = await page.evaluate(() =>
        ["summary", "cliff-explorer", "diagnostics"].map((id) => {
          const el = document.getElementById(id);
          return el ? el.getBoundingClientRect().top + globalThis.scrollY : -1;
        })
      );
      assert(order[0] >= 0 && order[0] < order[1] && order[1] < order[2], `order ${order}`);
      assert(await page.$("#cx-legend-ruled-out"), "legend entry of the pre-filtered region");

      const checkProbe = async (step: string) => {
        const stored = JSON.parse(
          await page.$eval("#cx-probe-point", (e) => e.getAttribute("data-stored")!),
        );
        const shown = await page.evaluate(() =>
          ["baseline", "blind"].map((s) =>
            Number(document.getElementById(`cx-probe-mean-${s}`)!.getAttribute("data-value"))
          )
        );
        const expected = map.predict([pointOf(stored, "baseline"), pointOf(stored, "blind")]);
        // the page's pre-filter verdict at the probe = the campaign's row pre-filter
        const verdict = await page.$eval("#cx-probe-prefilter", (e) =>
          [
            e.getAttribute("data-value"),
            Number(e.getAttribute("data-margin")),
          ] as [string, number]);
        const want = prefilter(Float64Array.from([...stored, 0]), Math.round(10 ** stored[7]));
        assertEquals(verdict[0], want.isFeasible ? "passes" : "ruled out", `${step}: pre-filter`);
        assert(Math.abs(verdict[1] - want.margin) <= 1e-12, `${step}: pre-filter margin`);
        shown.forEach((v, k) => {
          const e = expected.values[k].mean;
          assert(
            Math.abs(v - e) <= 1e-9 * Math.max(Math.abs(e), 0.01),
            `${step}: page ${v} vs openCliffMap ${e}`,
          );
        });
        return stored as number[];
      };
      const first = await checkProbe("initial");

      // Move the ν slider (not on an axis by default).
      let before = await redraws();
      const axes = await page.evaluate(() => [
        (document.getElementById("cx-axis-x") as HTMLSelectElement).value,
        (document.getElementById("cx-axis-y") as HTMLSelectElement).value,
      ]);
      const free = CONTINUOUS_PARAMETERS.findIndex((_, j) => !axes.includes(String(j)));
      const field = CONTINUOUS_PARAMETERS[free].field;
      const fullGrid = await page.$eval("#cliff-explorer", (e) => e.getAttribute("data-grid"));
      // A drag ('input'): the redraw of the next frame is on the coarse grid (read right after it,
      // before the idle refinement can run).
      const dragGrid = await page.$eval(`#cx-s-${field}`, async (e) => {
        const el = e as HTMLInputElement;
        el.value = String(Number(el.min) + 0.8 * (Number(el.max) - Number(el.min)));
        el.dispatchEvent(new Event("input", { bubbles: true }));
        await new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)));
        return document.getElementById("cliff-explorer")!.getAttribute("data-grid");
      });
      assertEquals(dragGrid, "14", "coarse grid while dragging");
      assert(Number(await redraws()) > before, "redrawn while dragging");
      await checkProbe("drag");
      // The release ('change'): the full grid again.
      await page.$eval(
        `#cx-s-${field}`,
        (e) => e.dispatchEvent(new Event("change", { bubbles: true })),
      );
      await page.waitForFunction(
        (g) => document.getElementById("cliff-explorer")!.getAttribute("data-grid") === g,
        { timeout: 30000 },
        fullGrid,
      );
      const moved = await checkProbe("slider");
      assert(
        Math.abs(moved[free] - (LO[free] + 0.8 * (HI[free] - LO[free]))) < 1e-9,
        "slider value",
      );
      assert(moved[free] !== first[free]);
      const ms = await page.$eval(
        "#cliff-explorer",
        (e) => Number(e.getAttribute("data-redraw-ms")),
      );
      assert(ms > 0 && ms < 2000, `redraw ${ms} ms`);

      // Switch the x axis to e_det (column 5): its slider is disabled, the others stay.
      before = await redraws();
      const newX = axes.includes("5") ? "6" : "5";
      await page.select("#cx-axis-x", newX);
      await page.waitForFunction(
        (b) => Number(document.getElementById("cliff-explorer")!.getAttribute("data-redraws")) > b,
        { timeout: 30000 },
        before,
      );
      const disabled = await page.$eval(
        `#cx-s-${CONTINUOUS_PARAMETERS[Number(newX)].field}`,
        (e) => (e as HTMLInputElement).disabled,
      );
      assert(disabled, "the slider of the new x axis is disabled");
      await checkProbe("axis");

      // Click the blind map at 3/4 of its width and 1/4 of its height: the probe moves there.
      before = await redraws();
      const box = (await (await page.$("#cx-canvas-blind"))!.boundingBox())!;
      await page.mouse.click(
        box.x + 58 + 0.75 * (box.width - 74),
        box.y + 10 + 0.25 * (box.height - 52),
      );
      await page.waitForFunction(
        (b) => Number(document.getElementById("cliff-explorer")!.getAttribute("data-redraws")) > b,
        { timeout: 30000 },
        before,
      );
      const clicked = await checkProbe("click");
      const j = Number(newX);
      assert(Math.abs(clicked[j] - (LO[j] + 0.75 * (HI[j] - LO[j]))) < 0.02 * (HI[j] - LO[j]));

      await Deno.mkdir("out/test_artefacts", { recursive: true });
      await (await page.$("#cliff-explorer"))!.screenshot({
        path: "out/test_artefacts/cliff_explorer.png",
      });
      assertEquals(problems, [], "console errors, page errors or network requests");
    } finally {
      await chromium.close();
      await Deno.remove(dir, { recursive: true });
    }
  },
);
