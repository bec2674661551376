/**
 * End-to-end tests of Phases 2 and 3 through `deno task explore` with the fake simulator:
 * a run killed (SIGKILL) in the middle of Phase 3 and resumed with --continue-from reproduces
 * the uninterrupted run's `/active_learning` rows and plan exactly; 1 and 3 workers give the same
 * Phase 3 (its candidate scoring runs on worker pools sized by the worker count); --skip-phase2 on
 * a store without a model is a clear error.
 */
import { assert, assertEquals } from "../assert.ts";
import { openCampaignStore } from "../../lib/io/store/reader.ts";

const ROOT = new URL("../../", import.meta.url).pathname;
const BASE = "out/e2e_phase3";
const FIXTURE = new URL("../fixtures/campaign_fake_small.yaml", import.meta.url);

async function writeConfig(): Promise<string> {
  const text = (await Deno.readTextFile(FIXTURE))
    .replace("num_samples: 40", "num_samples: 24")
    .replace("num_iterations: 0", "num_iterations: 6\n  batch_size: 3\n  retrain_interval: 2");
  const path = `${BASE}/phase3.yaml`;
  await Deno.mkdir(`${ROOT}${BASE}`, { recursive: true });
  await Deno.writeTextFile(`${ROOT}${path}`, text);
  return path;
}

function command(args: string[]): Deno.Command {
  return new Deno.Command("bash", {
    args: ["tasks/_launch.sh", "explore", ...args],
    cwd: ROOT,
    env: { NO_COLOR: "1" },
    stdout: "piped",
    stderr: "piped",
  });
}

async function explore(args: string[]): Promise<{ code: number; stderr: string }> {
  const out = await command(args).output();
  return { code: out.code, stderr: new TextDecoder().decode(out.stderr) };
}

/** Phase 3 rows (sorted by id) and plan, without timings or worker ids. */
async function phase3Rows(dir: string) {
  const data = await openCampaignStore(`${ROOT}${dir}/exploration_data.h5`);
  const g = data.groups.active_learning;
  const order = Array.from(g.sampleId.keys()).sort((a, b) => g.sampleId[a] - g.sampleId[b]);
  const rows = order.map((i) =>
    JSON.stringify([
      g.sampleId[i],
      g.iteration[i],
      Array.from(g.inputs.subarray(9 * i, 9 * i + 9)),
      g.outcomes[i],
      String(g.keyMargin[i]),
    ])
  );
  const plan = data.matrices.plan;
  const planRows = Array.from(
    { length: plan.n },
    (_, i) => JSON.stringify(Array.from(plan.rows.subarray(i * 15, i * 15 + 15)).map(String)),
  ).sort();
  return { rows, planRows, iterations: data.matrices.iterations.n };
}

Deno.test("explore: SIGKILL in the middle of Phase 3, then --continue-from, equals the uninterrupted run", async () => {
  const config = await writeConfig();
  const tag = crypto.randomUUID().slice(0, 8);
  const reference = `${BASE}/ref_${tag}`, killed = `${BASE}/killed_${tag}`;
  const ref = await explore(["--config", config, "--output-dir", reference]);
  assertEquals(ref.code, 0, ref.stderr);
  const expected = await phase3Rows(reference);
  assertEquals(expected.iterations, 6);
  assertEquals(expected.rows.length, 18);

  // Kill the second run as soon as iteration 2 is logged (Phase 3 under way).
  const child = command(["--config", config, "--output-dir", killed]).spawn();
  const log = `${ROOT}${killed}/logs/campaign.log`;
  const end = Date.now() + 60_000;
  for (;;) {
    const text = await Deno.readTextFile(log).catch(() => "");
    if (text.includes("phase 3: iteration 2")) break;
    if (Date.now() > end) throw new Error("Phase 3 did not reach iteration 2");
    await new Promise((r) => setTimeout(r, 20));
  }
  child.kill("SIGKILL");
  const status = await child.status;
  await child.stdout.cancel();
  await child.stderr.cancel();
  assert(!status.success, "the killed run must not have completed");
  let resumed = { code: -1, stderr: "" };
  for (let i = 0; i < 2 && resumed.code !== 0; i++) {
    resumed = await explore(["--continue-from", killed]);
  }
  assertEquals(resumed.code, 0, resumed.stderr);
  const got = await phase3Rows(killed);
  assertEquals(got.iterations, 6);
  assertEquals(got.rows, expected.rows);
  assertEquals(got.planRows, expected.planRows);
});

Deno.test("explore: Phase 3 rows and plan are the same with 1 and 3 workers (candidates scored on worker pools of different sizes)", async () => {
  const config = await writeConfig();
  const tag = crypto.randomUUID().slice(0, 8);
  const runs = [];
  for (const workers of ["1", "3"]) {
    const dir = `${BASE}/workers${workers}_${tag}`;
    const r = await explore(["--config", config, "--output-dir", dir, "--workers", workers]);
    assertEquals(r.code, 0, r.stderr);
    runs.push(await phase3Rows(dir));
  }
  assertEquals(runs[0].iterations, 6);
  assertEquals(runs[1].rows, runs[0].rows);
  assertEquals(runs[1].planRows, runs[0].planRows);
});

Deno.test("explore: --skip-phase2 without a saved model exits 1 with a clear message", async () => {
  const config = await writeConfig();
  const dir = `${BASE}/nomodel_${crypto.randomUUID().slice(0, 8)}`;
  const first = await explore([
    "--config",
    config,
    "--output-dir",
    dir,
    "--skip-phase2",
    "--skip-phase3",
  ]);
  assertEquals(first.code, 0, first.stderr);
  const r = await explore(["--continue-from", dir, "--skip-phase1", "--skip-phase2"]);
  assertEquals(r.code, 1, r.stderr);
  assert(r.stderr.includes("--skip-phase2 needs the model"), r.stderr);
});
