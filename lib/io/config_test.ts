import { assert, assertEquals, assertRejects, assertThrows } from "../../tests/assert.ts";
import { ConfigError } from "../errors.ts";
import { loadConfig, parseConfig } from "./config.ts";

const configsDir = new URL("../../configs/", import.meta.url);

Deno.test("parseConfig() fills every default of docs/campaign.md §11.3 from an empty file", () => {
  const { config, warnings } = parseConfig("", {});
  assertEquals(config.execution.num_workers, 16);
  assertEquals(config.execution.timeout_seconds, 300);
  assertEquals(config.execution.random_seed, 42);
  assertEquals(config.phase1.num_samples, 2000);
  assertEquals(config.phase1.design.method, "sobol");
  assertEquals(config.phase2.gp.exact_max_n, 10000);
  assertEquals(config.phase3.acquisition.kappa, 1.96);
  assertEquals(config.simulation.link_model, "heralded-double-click");
  assertEquals(config.simulation.reconciliation.mother_rates.length, 9);
  assertEquals(config.bounds.channel_fidelity, { min: 0.501, max: 1 });
  assertEquals(config.bounds.num_pairs, { min_log: 4, max_log: 6 });
  assertEquals(warnings, []);
});

Deno.test("parseConfig() expands ${VAR} and ${VAR:-default} and coerces numeric strings", () => {
  const text = [
    "output:",
    "  base_dir: ${SCRATCH:-exploration_results}/x",
    "execution:",
    "  num_workers: ${SLURM_CPUS_ON_NODE:-16}",
    "  timeout_seconds: ${T}",
    "store:",
    "  swmr: ${SWMR:-TRUE}",
  ].join("\n");
  const { config } = parseConfig(text, { SLURM_CPUS_ON_NODE: "192", T: "12.5" });
  assertEquals(config.output.base_dir, "exploration_results/x");
  assertEquals(config.execution.num_workers, 192);
  assertEquals(config.execution.timeout_seconds, 12.5);
  assertEquals(config.store.swmr, true);
});

Deno.test("parseConfig() rejects an unset ${VAR} without default, naming the key", () => {
  const e = assertThrows(
    () => parseConfig("output:\n  base_dir: ${NOPE}\n", {}),
    ConfigError,
    "NOPE",
  );
  assertEquals(e.path, "output.base_dir");
});

Deno.test("parseConfig() rejects an unknown key with a did-you-mean and its line", () => {
  const e = assertThrows(
    () => parseConfig("phase1:\n  num_sample: 10\n", {}),
    ConfigError,
    'did you mean "num_samples"',
  );
  assertEquals(e.path, "phase1.num_sample");
  assert(e.message.includes("line 2"), e.message);
  assertThrows(() => parseConfig("phas1: {}\n", {}), ConfigError, 'did you mean "phase1"');
});

Deno.test("parseConfig() rejects a wrong type naming the key and the value", () => {
  const e = assertThrows(
    () => parseConfig("execution:\n  num_workers: 8x\n", {}),
    ConfigError,
    "execution.num_workers",
  );
  assertEquals(e.value, "8x");
  assert(e.message.includes('"8x"'), e.message);
  assertThrows(
    () => parseConfig("execution:\n  num_workers: 2.5\n", {}),
    ConfigError,
    "integer",
  );
  assertThrows(
    () => parseConfig("simulation:\n  link_model: netsquid\n", {}),
    ConfigError,
    'must be one of "heralded-double-click", "depolarising", "analytic"',
  );
});

Deno.test("parseConfig() rejects out-of-range values (q < 1, κ < 0, unknown acquisition)", () => {
  assertThrows(() => parseConfig("phase3:\n  batch_size: 0\n", {}), ConfigError, "batch_size");
  assertThrows(
    () => parseConfig("phase3:\n  acquisition:\n    kappa: -1\n", {}),
    ConfigError,
    "phase3.acquisition.kappa: must be ≥ 0",
  );
  assertThrows(
    () => parseConfig("phase3:\n  acquisition:\n    type: thompson\n", {}),
    ConfigError,
    "phase3.acquisition.type",
  );
});

Deno.test("parseConfig() rejects inverted bounds and bounds outside docs/science.md §1.1", () => {
  const inverted = assertThrows(
    () => parseConfig("bounds:\n  storage_noise_r: { min: 0.9, max: 0.2 }\n", {}),
    ConfigError,
    "min must be less than max",
  );
  assertEquals(inverted.path, "bounds.storage_noise_r");
  assertThrows(
    () => parseConfig("bounds:\n  channel_fidelity: { min: 0.5, max: 1 }\n", {}),
    ConfigError,
    "bounds.channel_fidelity.min: must lie in (0.5, 1]",
  );
  assertThrows(
    () => parseConfig("bounds:\n  detection_efficiency: { min_log: -3, max_log: 0.1 }\n", {}),
    ConfigError,
    "bounds.detection_efficiency.max_log",
  );
  assertThrows(
    () => parseConfig("bounds:\n  num_pairs: { min_log: 4, max_log: 8 }\n", {}),
    ConfigError,
    "exceeds simulation.max_pairs",
  );
});

Deno.test("parseConfig() reports malformed YAML with its line number", () => {
  const e = assertThrows(
    () => parseConfig("phase1:\n  num_samples: [1, 2\nphase2: {}\n", {}, "bad.yaml"),
    ConfigError,
    "malformed YAML",
  );
  assert(/bad\.yaml line \d+/.test(e.message), e.message);
});

Deno.test("parseConfig() maps Caligo aliases and warns about ignored keys", () => {
  const text = [
    "phase2:",
    "  cpu_surrogate: { max_cholesky_size: 2000, num_threads: 4 }",
    "phase3:",
    "  acquisition: { type: ucb }",
    "visualization:",
    "  figures: [efficiency_landscape, cliff_detection, radar_plot]",
  ].join("\n");
  const { config, warnings } = parseConfig(text, {});
  assertEquals(config.phase2.gp.exact_max_n, 2000);
  assertEquals(config.phase3.acquisition.type, "lcb");
  assertEquals(config.visualization.figures, ["death_valley", "cliff_cross_section"]);
  assert(warnings.some((w) => w.includes("num_threads")), warnings.join("; "));
  assert(warnings.some((w) => w.includes("radar_plot")), warnings.join("; "));
});

Deno.test("parseConfig() hashes the resolved config: same input, same digest", () => {
  const a = parseConfig("execution: { num_workers: 3 }", {});
  const b = parseConfig("execution:\n  num_workers: 3\n", {});
  const c = parseConfig("execution: { num_workers: 4 }", {});
  assertEquals(a.sha256, b.sha256);
  assert(a.sha256 !== c.sha256);
  assertEquals(parseConfig(a.yaml, {}).sha256, a.sha256);
});

Deno.test("loadConfig() loads the four shipped presets", async () => {
  const names = ["dry_run.yaml", "dry_run_test.yaml", "qia_challenge.yaml", "hpc_genoa.yaml"];
  for (const name of names) {
    const { config } = await loadConfig(new URL(name, configsDir).pathname, {});
    assert(config.phase1.num_samples > 0, name);
  }
  const hpc = await loadConfig(new URL("hpc_genoa.yaml", configsDir).pathname, {
    CALIGO_SCRATCH_DIR: "/scratch/job1",
  });
  assertEquals(hpc.config.output.base_dir, "/scratch/job1");
  assertEquals(hpc.config.execution.num_workers, 172);
  assertEquals(hpc.config.phase2.gp.exact_max_n, 10000);
  const qia = await loadConfig(new URL("qia_challenge.yaml", configsDir).pathname, {});
  assertEquals(qia.config.bounds.storage_noise_r, { min: 0.6, max: 0.95 });
  assertEquals(qia.config.phase3.batch_size, 256);
});

Deno.test("loadConfig() names a missing file", async () => {
  const e = await assertRejects(
    () => loadConfig("configs/does_not_exist.yaml", {}),
    ConfigError,
    "file not found",
  );
  assertEquals(e.path, "--config");
});

Deno.test("parseConfig() warns about enabled keys this version does not implement", () => {
  const { warnings } = parseConfig(
    "phase2:\n  gp: { iterative_mll: true }\nphase3:\n  guardrail: { enabled: true }\nstore: { swmr: true }\n",
    {},
  );
  for (const key of ["phase3.guardrail.enabled", "phase2.gp.iterative_mll", "store.swmr"]) {
    assert(warnings.some((w) => w.startsWith(key) && w.includes("not implemented")), key);
  }
  assertEquals(parseConfig("", {}).warnings, []);
});
