// Every key the schema accepts either acts (changing it changes the resolved settings) or is on
// the list of keys accepted for Caligo compatibility and ignored, with exactly one warning naming
// it (docs/campaign.md §11.4). The walk covers every leaf of the defaults plus the optional keys,
// so a new key fails here until it is wired into lib/campaign/settings.ts or listed below.
import { stringify } from "yaml";
import { assert, assertEquals } from "../../tests/assert.ts";
import { ConfigError } from "../errors.ts";
import { type CampaignConfig, parseConfig } from "../io/config.ts";
import {
  defaultReconciliationOptions,
  defaultSimulationOptions,
} from "../protocol/simulation_options.ts";
import { type CampaignSettings, resolveCampaign, simulationOptionsOf } from "./settings.ts";

/** Keys accepted for compatibility with Caligo's configs, ignored with a warning, and a value. */
const IGNORED: Record<string, unknown> = {
  "execution.worker_pool.start_method": "fork",
  "phase1.use_streaming": true,
  "phase2.gp.normalize_y": false,
  "phase2.gp.chunk_size": 100,
  "phase2.gp.iterative_mll": true,
  "phase2.cpu_surrogate.enabled": true,
  "phase2.cpu_surrogate.chunk_size": 100,
  "phase2.cpu_surrogate.num_threads": 4,
  "phase2.cpu_surrogate.training_iterations": 150,
  "phase2.cpu_surrogate.learning_rate": 0.05,
  "phase3.guardrail.enabled": true,
  "phase3.guardrail.threshold": 0.9,
  "store.swmr": true,
  "visualization.colormaps.efficiency": "magma",
  "visualization.colormaps.divergence": "PuOr",
  "visualization.colormaps.sensitivity": "inferno",
  "visualization.style": "seaborn-v0_8-whitegrid",
};

/** Caligo aliases of `phase2.gp` keys (they act through the project key) and their values. */
const OPTIONAL_ACTING: Record<string, unknown> = {
  "phase2.cpu_surrogate.max_cholesky_size": 2000,
  "phase2.cpu_surrogate.lanczos_iterations": 50,
  "phase2.cpu_surrogate.use_love": false,
};

/** Keys with one allowed value: they act by being that value. */
const SINGLE_VALUED = new Set(["phase2.gp.kernel_type"]);

/** Keys that act only when another key enables them: set together with it. */
const ENABLED_BY: Record<string, Record<string, unknown>> = {
  "phase2.cross_validation.n_folds": { "phase2.cross_validation.enabled": true },
};

/** Values for arrays whose default is empty. */
const EMPTY_ARRAY_VALUES: Record<string, unknown> = {
  "visualization.figures": ["death_valley"],
  "tables.tables": ["summary_table"],
};

const DEFAULTS = parseConfig("", {}, "<defaults>").config;
const BASE = resolveCampaign(DEFAULTS);

function leafKeys(value: unknown, path: string[] = []): string[] {
  if (value !== null && typeof value === "object" && !Array.isArray(value)) {
    return Object.entries(value).flatMap(([k, v]) => leafKeys(v, [...path, k]));
  }
  return [path.join(".")];
}

function nested(entries: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(entries)) {
    const parts = key.split(".");
    let node = out;
    for (const p of parts.slice(0, -1)) node = (node[p] ??= {}) as Record<string, unknown>;
    node[parts.at(-1)!] = value;
  }
  return out;
}

function load(entries: Record<string, unknown>) {
  return parseConfig(stringify(nested(entries)), {}, "<test>");
}

function defaultAt(key: string): unknown {
  return key.split(".").reduce<unknown>((v, k) => (v as Record<string, unknown>)[k], DEFAULTS);
}

function tryParse(entries: Record<string, unknown>): unknown {
  try {
    load(entries);
    return undefined;
  } catch (e) {
    if (e instanceof ConfigError) return e;
    throw e;
  }
}

/** A valid value of `key` other than its default, or undefined when there is none. */
function alternative(key: string, context: Record<string, unknown>): unknown {
  const v = defaultAt(key);
  const candidates: unknown[] = [];
  if (typeof v === "boolean") candidates.push(!v);
  if (typeof v === "number") {
    candidates.push(v * 2, v / 2, v + 1, v - 1, v + 0.01, v - 0.01, v * 4, v / 4, 4096, 0.3);
  }
  if (Array.isArray(v)) candidates.push(v.length > 1 ? v.slice(0, 1) : EMPTY_ARRAY_VALUES[key]);
  if (typeof v === "string") {
    const error = tryParse({ ...context, [key]: "no-such-value" });
    const allowed = error ? [...String(error).matchAll(/"([^"]+)"/g)].map((m) => m[1]) : [];
    candidates.push(...(error ? allowed.filter((a) => a !== v) : ["other-value"]));
  }
  return candidates.find((c) =>
    c !== undefined && JSON.stringify(c) !== JSON.stringify(v) &&
    tryParse({ ...context, [key]: c }) === undefined
  );
}

const same = (a: CampaignSettings, b: CampaignSettings) => JSON.stringify(a) === JSON.stringify(b);

Deno.test("every schema key acts on the resolved settings or is ignored with one warning", () => {
  const keys = [...leafKeys(DEFAULTS), ...Object.keys(IGNORED), ...Object.keys(OPTIONAL_ACTING)];
  const visited = new Set<string>();
  for (const key of new Set(keys)) {
    visited.add(key);
    const context = ENABLED_BY[key] ?? {};
    const value = IGNORED[key] ?? OPTIONAL_ACTING[key] ?? alternative(key, context);
    if (value === undefined) {
      assert(SINGLE_VALUED.has(key), `${key}: no alternative value found`);
      continue;
    }
    const base = resolveCampaign(load(context).config);
    const { config, warnings } = load({ ...context, [key]: value });
    const naming = warnings.filter((w) => w.startsWith(key));
    if (key in IGNORED) {
      assert(same(resolveCampaign(config), base), `${key} is listed as ignored but acts`);
      assertEquals(naming.length, 1, `${key}: one warning, got ${JSON.stringify(warnings)}`);
    } else {
      assert(!same(resolveCampaign(config), base), `${key} = ${JSON.stringify(value)} is ignored`);
      assertEquals(naming, [], `${key} acts but warns`);
    }
  }
  for (const key of Object.keys(IGNORED)) assert(visited.has(key), `${key} is not a schema key`);
  assert(visited.size > 130, `${visited.size} keys walked`);
});

Deno.test("resolveCampaign(): frozen through, and `ucb` resolves to its equivalent `lcb`", () => {
  const s = resolveCampaign(load({ "phase3.acquisition.type": "ucb" }).config);
  assertEquals(s.phase3.acquisition.type, "lcb");
  for (const o of [s, s.phase2.gp, s.phase3.acquisition, s.simulation.options.reconciliation]) {
    assert(Object.isFrozen(o));
  }
  assert(!Object.isFrozen(DEFAULTS.phase3), "the config itself is left alone");
});

Deno.test("phase1.batch_size is both the commit unit and the design's LHS batch", () => {
  const s = resolveCampaign(load({ "phase1.batch_size": 25 }).config);
  assertEquals([s.phase1.commitBatchSize, s.design.batchSize], [25, 25]);
});

Deno.test("the simulator's default options are the YAML defaults (t1_ns, t2_ns included)", () => {
  const fromYaml = simulationOptionsOf(DEFAULTS.simulation);
  assertEquals(fromYaml, {
    ...defaultSimulationOptions(),
    reconciliation: {
      ...defaultReconciliationOptions(),
      codeFamily: "caligo",
      calibrationFrames: 1000,
    },
  });
  assertEquals(BASE.simulation.options.storageDecoherence, {
    enabled: false,
    t1Ns: 1e9,
    t2Ns: 1e9,
  });
});

Deno.test("key_model: caligo changes the key model only, as `simulate --key-model caligo` does", () => {
  const s = resolveCampaign(load({ "simulation.key_model": "caligo" }).config).simulation.options;
  assertEquals(s.keyModel, "caligo");
  assertEquals([s.leakage, s.reconciliation.leakage], ["elkouss", "elkouss"]);
  const cfg: CampaignConfig = structuredClone(DEFAULTS);
  cfg.simulation.key_model = "caligo";
  assertEquals(simulationOptionsOf(cfg.simulation), s);
});
