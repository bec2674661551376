/**
 * The real pipeline end to end (docs/campaign.md §14 "Pipeline"): `explore` on configs/dry_run_test.yaml
 * with the real simulator (LDPC codes built on first use) runs Phases 1–3 and leaves a valid
 * store: the configured numbers of executed Phase-1 samples and Phase-3 rows, real outputs, a
 * plan and an iteration record per iteration, both models, and a copy of the calibration the
 * store recorded.
 */
import { assert, assertEquals } from "../assert.ts";
import { openCampaignStore } from "../../lib/io/store/reader.ts";

const ROOT = new URL("../../", import.meta.url).pathname;

Deno.test("explore: configs/dry_run_test.yaml with the real simulator runs all three phases", async () => {
  const dir = `out/e2e_dry/run_${crypto.randomUUID().slice(0, 8)}`;
  const out = await new Deno.Command("bash", {
    args: [
      "tasks/_launch.sh",
      "explore",
      "--config",
      "configs/dry_run_test.yaml",
      "--output-dir",
      dir,
      "--workers",
      "2",
    ],
    cwd: ROOT,
    env: { NO_COLOR: "1" },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const stderr = new TextDecoder().decode(out.stderr);
  assertEquals(out.code, 0, stderr);
  const summary = JSON.parse(new TextDecoder().decode(out.stdout));
  assertEquals(summary.phasesRun, ["phase1", "phase2", "phase3"]);
  assertEquals(summary.phase1.executed, 10);
  assertEquals(summary.phase3.iterations, 5);
  const data = await openCampaignStore(`${ROOT}${dir}/exploration_data.h5`);
  const p1 = data.groups.lhs_warmup, p3 = data.groups.active_learning;
  const executed = p1.outcomes.filter((o) => !o.startsWith("skipped")).length;
  assertEquals(executed, 10);
  assertEquals(p3.n, 10);
  assertEquals(data.matrices.plan.n, 10);
  assertEquals(data.matrices.iterations.n, 5);
  // Real outputs: every executed row has a finite key margin unless it timed out or errored,
  // and raw key lengths (m) are positive integers whenever reconciliation ran.
  for (const g of [p1, p3]) {
    for (let i = 0; i < g.n; i++) {
      const o = g.outcomes[i];
      if (o === "failure_timeout" || o === "failure_error") continue;
      assert(Number.isFinite(g.keyMargin[i]), `row ${g.sampleId[i]} (${o}) key_margin`);
      const raw = g.outputs[i * 6 + 1];
      if (o === "success") assert(Number.isInteger(raw) && raw > 0, `raw_key_length ${raw}`);
    }
  }
  for (const model of ["surrogate", "surrogate_final"]) {
    await Deno.stat(`${ROOT}${dir}/${model}/model.json`);
  }
  // The campaign keeps the calibration its rows were made with, as recorded in the store.
  const id = String(data.attributes.calibration_id);
  const copy = JSON.parse(await Deno.readTextFile(`${ROOT}${dir}/${id}.calibration.json`));
  assertEquals([copy.id, copy.sha256], [id, data.attributes.calibration_sha256]);
});
