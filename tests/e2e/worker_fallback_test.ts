/**
 * End-to-end test of issue #18 (docs/faults.md): the main thread has an FFI BLAS but the
 * prediction workers cannot load it (forced here with `CALIGO_WORKER_BLAS=ts`, as when the
 * BLIS/libflame shim is missing on a node). The campaign must finish with one warning and the same
 * Phase 3 rows and plan as a run whose workers load the main thread's library.
 */
import { assert, assertEquals } from "../assert.ts";
import { openCampaignStore } from "../../lib/io/store/reader.ts";

const ROOT = new URL("../../", import.meta.url).pathname;
const BASE = "out/e2e_fallback";
const FIXTURE = new URL("../fixtures/campaign_fake_small.yaml", import.meta.url);

async function writeConfig(): Promise<string> {
  const text = (await Deno.readTextFile(FIXTURE))
    .replace("num_samples: 40", "num_samples: 16")
    .replace("num_iterations: 0", "num_iterations: 3\n  batch_size: 2\n  retrain_interval: 2");
  const path = `${BASE}/fallback.yaml`;
  await Deno.mkdir(`${ROOT}${BASE}`, { recursive: true });
  await Deno.writeTextFile(`${ROOT}${path}`, text);
  return path;
}

async function explore(args: string[], env: Record<string, string>) {
  const out = await new Deno.Command("bash", {
    args: ["tasks/_launch.sh", "explore", ...args],
    cwd: ROOT,
    env: { NO_COLOR: "1", ...env },
    stdout: "piped",
    stderr: "piped",
  }).output();
  return { code: out.code, stderr: new TextDecoder().decode(out.stderr) };
}

async function phase3(dir: string) {
  const data = await openCampaignStore(`${ROOT}${dir}/exploration_data.h5`);
  const g = data.groups.active_learning;
  const rows = Array.from(g.sampleId.keys()).sort((a, b) => g.sampleId[a] - g.sampleId[b])
    .map((i) => JSON.stringify([g.sampleId[i], Array.from(g.inputs.subarray(9 * i, 9 * i + 9))]));
  const plan = data.matrices.plan;
  const planRows = Array.from(
    { length: plan.n },
    (_, i) => JSON.stringify(Array.from(plan.rows.subarray(i * 15, i * 15 + 15)).map(String)),
  );
  return { rows, planRows, iterations: data.matrices.iterations.n };
}

Deno.test("explore: prediction workers on the TS kernels under an FFI main thread → one warning, same Phase 3 as with pooled scoring", async () => {
  const config = await writeConfig();
  const tag = crypto.randomUUID().slice(0, 8);
  const pooled = `${BASE}/pooled_${tag}`, fallback = `${BASE}/fallback_${tag}`;
  const a = await explore(["--config", config, "--output-dir", pooled], {});
  assertEquals(a.code, 0, a.stderr);
  assert(a.stderr.includes("candidates scored on"), a.stderr);
  assert(!a.stderr.includes("scoring workers failed"), a.stderr);
  const b = await explore(["--config", config, "--output-dir", fallback], {
    CALIGO_WORKER_BLAS: "ts",
  });
  assertEquals(b.code, 0, b.stderr);
  assertEquals(b.stderr.split("scoring workers failed").length - 1, 1, b.stderr);
  const [ra, rb] = [await phase3(pooled), await phase3(fallback)];
  assertEquals(ra.iterations, 3);
  assertEquals(rb.rows, ra.rows);
  assertEquals(rb.planRows, ra.planRows);
});
