/**
 * `simulate --campaign DIR --sample-id ID` re-runs a stored sample with its own seed and the
 * campaign's settings and reproduces its stored row bit for bit. The campaign is a tiny Phase 1
 * (4 samples, two n = 4096 mother codes built into a private codes directory) run from a config
 * outside the project, through the same launcher as `deno task`.
 */
import { assert, assertEquals } from "../assert.ts";
import { openCampaignStore } from "../../lib/io/store/reader.ts";
import { launchTask as launch } from "../_test_launch.ts";

const ROOT = new URL("../..", import.meta.url).pathname.replace(/\/$/, "");

Deno.test("simulate --campaign --sample-id reproduces every stored Phase 1 row bit for bit", async () => {
  const tmp = await Deno.makeTempDir({ prefix: "simulate repro " });
  try {
    await Deno.writeTextFile(
      `${tmp}/repro.yaml`,
      `output: { base_dir: ${tmp}/unused, campaign_name: repro, timestamped: false }
execution: { num_workers: 1, random_seed: 7 }
simulation:
  reconciliation: { code_length: 4096, mother_rates: [0.5, 0.7], f_select: 1.4, codes_dir: "${tmp}/codes" }
bounds:
  num_pairs: { min_log: 4, max_log: 4.3 }
  channel_fidelity: { min: 0.97, max: 1.0 }
  detection_efficiency: { min_log: -0.3, max_log: 0 }
phase1: { num_samples: 4, batch_size: 2 }
visualization: { enabled: false }
tables: { enabled: false }
report: { enabled: false }
`,
    );
    const run = await launch(
      tmp,
      "explore",
      "--config",
      "repro.yaml",
      "--output-dir",
      "run",
      "--skip-phase2",
      "--skip-phase3",
      "--skip-postprocess",
    );
    assertEquals(run.code, 0, run.stderr);
    const data = await openCampaignStore(`${tmp}/run/exploration_data.h5`);
    const g = data.groups.lhs_warmup;
    assertEquals(g.n, 4);
    assert(g.outcomes.includes("success"), `no successful sample: ${g.outcomes.join(", ")}`);
    for (let i = 0; i < g.n; i++) {
      const r = await launch(
        tmp,
        "simulate",
        "--campaign",
        "run",
        "--sample-id",
        String(g.sampleId[i]),
        "--json",
      );
      assertEquals(r.code, 0, r.stderr);
      assert(r.stderr.includes("reproduced its stored row bit for bit"), r.stderr);
      const record = JSON.parse(r.stdout);
      assertEquals(record.outcome, g.outcomes[i]);
      assertEquals(BigInt(`0x${record.seed}`), g.seed[i]);
    }
    // a settings flag that changes the simulation is reported as a difference (exit 1)
    const success = g.outcomes.indexOf("success");
    const changed = await launch(
      tmp,
      "simulate",
      "--campaign",
      "run",
      "--sample-id",
      String(g.sampleId[success]),
      "--leakage",
      "conservative",
    );
    assertEquals(changed.code, 1, changed.stderr);
    assert(changed.stderr.includes("differs from its stored row"), changed.stderr);
    // the point comes from the store: point flags are refused
    const clash = await launch(
      tmp,
      "simulate",
      "--campaign",
      "run",
      "--sample-id",
      "0",
      "--F",
      "0.9",
    );
    assertEquals(clash.code, 2);
    assert(clash.stderr.startsWith("simulate: --F: not allowed with --sample-id"), clash.stderr);
  } finally {
    await Deno.remove(tmp, { recursive: true });
  }
});

Deno.test("simulate --key-model caligo changes only the key model, like key_model in YAML", async () => {
  const base = [
    "simulate",
    "--code-length",
    "256",
    "--rates",
    "0.5",
    "--F",
    "0.6",
    "--N",
    "10000",
    "--json",
  ];
  const tmp = await Deno.makeTempDir({ prefix: "simulate_cfg_" });
  try {
    const r = await launch(ROOT, ...base, "--key-model", "caligo", "--codes-dir", tmp);
    assertEquals(r.code, 0, r.stderr);
    await Deno.writeTextFile(`${tmp}/k.yaml`, "simulation: { key_model: caligo }\n");
    const y = await launch(tmp, ...base, "--config", "k.yaml", "--codes-dir", tmp);
    assertEquals(y.code, 0, y.stderr);
    const a = JSON.parse(r.stdout), b = JSON.parse(y.stdout);
    a.execution_time_seconds = b.execution_time_seconds = 0;
    for (const k of Object.keys(a.diagnostics)) {
      if (k.startsWith("t_")) a.diagnostics[k] = b.diagnostics[k] = 0;
    }
    assertEquals(a, b);
  } finally {
    await Deno.remove(tmp, { recursive: true });
  }
});
