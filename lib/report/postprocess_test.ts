// End-to-end post-processing: runPostprocess() on a fixture store, `deno task report` as a
// subprocess (exit 2 without a store; a full report otherwise), and the headless-Chromium check of
// report.html. The browser check loads the page from file:// with `--dump-dom`, console logging
// on stderr (`--enable-logging=stderr --v=0`) and a Content-Security-Policy that forbids external
// requests, then requires: (1) no console message at all (errors, uncaught exceptions and CSP
// violations all appear as "CONSOLE" lines), (2) the page's own count of figures whose inline
// <svg> has a group and a non-zero rendered width equals the number of figures, (3) the DOM holds
// one non-empty <svg> per figure. Needs `chromium` (Debian package) on PATH;
// without it the check is skipped with one line (tests/requires.ts).
import { REQUIREMENTS, testNeeding } from "../../tests/requires.ts";
import { assert, assertEquals } from "../../tests/assert.ts";
import { parseConfig } from "../io/config.ts";
import { silentLogger } from "../io/log.ts";
import { analyticPredictor } from "./_test_analytic_predictor.ts";
import { writeFixtureStore, writeFixtureSurrogate } from "./_test_store_fixture.ts";
import { tableCampaign } from "./_test_synthetic_campaign.ts";
import { buildTables, runPostprocess } from "./postprocess.ts";
import { tableToCsv } from "./report_table.ts";

const REPO = new URL("../../", import.meta.url).pathname;

Deno.test("runPostprocess() writes the selected tables, figure specs, SVGs and report.html", async () => {
  const dir = await Deno.makeTempDir({ prefix: "report_pp_" });
  try {
    const data = tableCampaign();
    const { config } = parseConfig(
      "visualization:\n  format: svg\n  figures: [death_valley, sensitivity]\n" +
        "tables:\n  formats: [csv, latex]\n  tables: [summary_table, death_valley_table]\n",
      {},
    );
    const r = await runPostprocess(dir, config, silentLogger, {
      data,
      predictor: analyticPredictor(),
      sobolBasePoints: 128,
    });
    assertEquals(r.tables, [
      "tables/summary_table.csv",
      "tables/death_valley_table.csv",
      "tables/death_valley_table.tex",
    ]);
    assertEquals(r.figures, [
      "figures/death_valley.vl.json",
      "figures/death_valley.svg",
      "figures/sensitivity.vl.json",
      "figures/sensitivity.svg",
    ]);
    const csv = await Deno.readTextFile(`${dir}/tables/summary_table.csv`);
    assertEquals(csv, tableToCsv(buildTables(data, config)[0]));
    const spec = JSON.parse(await Deno.readTextFile(`${dir}/figures/sensitivity.vl.json`));
    assert(JSON.stringify(spec).includes("first-order Sobol index"));
    const html = await Deno.readTextFile(`${dir}/report.html`);
    assert(html.includes('data-figures-expected="2"') && html.includes("Death Valley Lookup"));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

function reportTask(dir: string): Promise<Deno.CommandOutput> {
  return new Deno.Command("bash", {
    args: ["tasks/_launch.sh", "report", "--campaign", dir],
    cwd: REPO,
    stdout: "piped",
    stderr: "piped",
  }).output();
}

Deno.test("tasks/report.ts exits 2 with a one-line message for a directory without a store", async () => {
  const dir = `out/report_test_nostore_${Date.now()}`;
  await Deno.mkdir(`${REPO}${dir}`, { recursive: true });
  try {
    const out = await reportTask(dir);
    const err = new TextDecoder().decode(out.stderr).split("\n")
      .filter((l) => l && !l.includes("experimental feature"));
    assertEquals(out.code, 2);
    // the launcher hands the task the absolute path
    assertEquals(err, [
      `error: ${REPO}${dir}: no campaign store (exploration_data.h5) in this directory`,
    ]);
  } finally {
    await Deno.remove(`${REPO}${dir}`, { recursive: true });
  }
});

testNeeding(
  [REQUIREMENTS.chromium],
  "tasks/report.ts report.html loads in headless Chromium without console errors, every figure rendered",
  async () => {
    const dir = `out/report_test_e2e_${Date.now()}`;
    await Deno.mkdir(`${REPO}${dir}`, { recursive: true });
    const profile = await Deno.makeTempDir({ prefix: "report_chromium_" });
    try {
      await writeFixtureStore(`${REPO}${dir}`, tableCampaign());
      await writeFixtureSurrogate(`${REPO}${dir}/surrogate_final`);
      const run = await reportTask(dir);
      assertEquals(run.code, 0, new TextDecoder().decode(run.stderr));
      for (
        const f of [
          "tables/death_valley_table.tex",
          "figures/death_valley.png",
          "figures/cliff_map_r_F.vl.json",
        ]
      ) {
        assert((await Deno.stat(`${REPO}${dir}/${f}`)).size > 0, f);
      }
      const html = `${REPO}${dir}/report.html`;
      const page = await Deno.readTextFile(html);
      assert(!page.includes("No surrogate model in this campaign"), "surrogate figures rendered");
      const browser = await new Deno.Command("chromium", {
        args: [
          "--headless",
          "--no-sandbox",
          "--disable-gpu",
          "--disable-background-networking",
          "--disable-component-update",
          "--disable-sync",
          "--no-first-run",
          `--user-data-dir=${profile}`,
          "--enable-logging=stderr",
          "--v=0",
          "--virtual-time-budget=5000",
          "--dump-dom",
          `file://${html}`,
        ],
        stdout: "piped",
        stderr: "piped",
      }).output();
      const dom = new TextDecoder().decode(browser.stdout);
      const log = new TextDecoder().decode(browser.stderr);
      assertEquals(browser.code, 0, log.slice(-2000));
      const consoleLines = log.split("\n").filter((l) => /:CONSOLE[:(]/.test(l));
      assertEquals(consoleLines, [], "console messages");
      const expected = Number(dom.match(/data-figures-expected="(\d+)"/)?.[1]);
      const rendered = Number(dom.match(/data-figures-rendered="(\d+)"/)?.[1]);
      assert(expected >= 10, `expected ${expected} figures`);
      assertEquals(rendered, expected, "figures rendered (script count)");
      const figures = dom.split('<div class="figure').slice(1);
      assertEquals(figures.length, expected);
      for (const f of figures) assert(/<svg[^>]*>[\s\S]*<g[\s\S]*<\/svg>/.test(f), f.slice(0, 120));
    } finally {
      await Deno.remove(`${REPO}${dir}`, { recursive: true });
      await Deno.remove(profile, { recursive: true });
    }
  },
);
