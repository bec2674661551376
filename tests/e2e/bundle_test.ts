/**
 * `deno task bundle` builds dist/ (explore.js plus its worker modules and a README), and the
 * README's `deno run` command, run from a copy of dist/ in an empty folder (no deno.json, no
 * node_modules, no sources), completes a fake-simulator campaign; `deno task compile` fails with
 * one line pointing to the bundle where the Deno runtime download is unreachable.
 */
import { assert, assertEquals } from "../assert.ts";
import { openCampaignStore } from "../../lib/io/store/reader.ts";

const ROOT = new URL("../../", import.meta.url).pathname.replace(/\/$/, "");
const decoder = new TextDecoder();

async function run(cmd: string, args: string[], cwd: string) {
  const out = await new Deno.Command(cmd, {
    args,
    cwd,
    env: { NO_COLOR: "1" },
    stdout: "piped",
    stderr: "piped",
  }).output();
  return { code: out.code, stdout: decoder.decode(out.stdout), stderr: decoder.decode(out.stderr) };
}

Deno.test("deno task bundle: dist/ runs a fake campaign from an empty folder with the README command", async () => {
  const built = await run(`${ROOT}/deno`, ["task", "bundle"], ROOT);
  assertEquals(built.code, 0, built.stderr);
  const readme = await Deno.readTextFile(`${ROOT}/dist/README.md`);
  // the README's command: the fenced block starting with "deno run"
  const block = /```\n(deno run[^`]*)```/.exec(readme);
  assert(block, readme);
  const words = block[1].replace(/\\\n/g, " ").trim().split(/\s+/);
  const tmp = await Deno.makeTempDir({ prefix: "caligo_bundle_" });
  try {
    for (
      const f of [
        "explore.js",
        "sim_worker.js",
        "gp_restart_worker.js",
        "gp_predict_worker.js",
        "code_build_worker.js",
      ]
    ) {
      await Deno.copyFile(`${ROOT}/dist/${f}`, `${tmp}/${f}`);
    }
    for (const e of Deno.readDirSync(`${ROOT}/dist`)) {
      if (e.name.endsWith(".ts")) await Deno.copyFile(`${ROOT}/dist/${e.name}`, `${tmp}/${e.name}`);
    }
    const config = (await Deno.readTextFile(`${ROOT}/tests/fixtures/campaign_fake_small.yaml`))
      .replace("num_samples: 40", "num_samples: 10");
    await Deno.writeTextFile(`${tmp}/fake.yaml`, config);
    const args = words.slice(1).map((w) =>
      w === "/path/to/dist/explore.js"
        ? "explore.js"
        : w === "my_campaign.yaml"
        ? "fake.yaml"
        : w === "out/my_campaign"
        ? "out/c"
        : w
    );
    assertEquals(args.filter((a) => a === "explore.js").length, 1, words.join(" "));
    const r = await run(Deno.execPath(), args, tmp);
    assertEquals(r.code, 0, r.stderr);
    const summary = JSON.parse(r.stdout);
    assertEquals(summary.phasesRun, ["phase1", "phase2", "phase3"]);
    const data = await openCampaignStore(`${tmp}/out/c/exploration_data.h5`);
    assertEquals(data.groups.lhs_warmup.n, summary.phase1.committedRows);
    assertEquals(summary.phase1.executed, 10);
  } finally {
    await Deno.remove(tmp, { recursive: true });
  }
});

Deno.test("deno task compile: fails with one line naming the bundle when it cannot build", async () => {
  const r = await run(`${ROOT}/deno`, ["task", "compile"], ROOT);
  if (r.code === 0) {
    // the runtime download is reachable here: a binary was built
    await Deno.stat(`${ROOT}/dist/caligo-explore`);
    return;
  }
  assertEquals(r.code, 1, r.stderr);
  const lines = r.stderr.split("\n").filter((l) => l.startsWith("compile:"));
  assertEquals(lines.length, 1, r.stderr);
  assert(lines[0].includes("deno task bundle"), lines[0]);
  assert(!r.stderr.includes("Stack backtrace") && !/\n\s+at /.test(r.stderr), r.stderr);
});
