/**
 * Loading a campaign configuration (docs/campaign.md §11.2): YAML → `${VAR}` / `${VAR:-default}`
 * expansion in every string → strict zod schema with defaults → cross-field checks (bounds inside
 * the ranges of docs/science.md §1.1, min < max) → Caligo aliases and ignored keys (with warnings).
 * Every problem is a {@link ConfigError} naming the key path (and YAML line), the value and
 * what is allowed.
 * @module
 */
import { LineCounter, parseDocument, stringify } from "yaml";
import type { z } from "zod";
import { ConfigError } from "../errors.ts";
import { sha256, toHex } from "../kernels/sha256.ts";
import { keyModelOf } from "../science/key_model.ts";
import {
  type CampaignConfig,
  campaignConfigSchema,
  FIGURE_NAMES,
  TABLE_NAMES,
} from "./config_schema.ts";

export type { CampaignConfig } from "./config_schema.ts";

/** A loaded configuration with its provenance. */
export interface LoadedConfig {
  config: CampaignConfig;
  /** The resolved configuration (defaults filled, env expanded) as YAML text. */
  yaml: string;
  /** SHA-256 of `yaml`, hex. */
  sha256: string;
  /** Non-fatal notes: ignored Caligo keys, dropped figure names, alias resolution. */
  warnings: string[];
}

/** Keys that are valid but absent from the defaults object (optional, Caligo-only). */
const OPTIONAL_KEYS: Record<string, readonly string[]> = {
  "execution.worker_pool": ["start_method"],
  "phase1": ["use_streaming"],
  "phase2.cpu_surrogate": [
    "enabled",
    "max_cholesky_size",
    "lanczos_iterations",
    "use_love",
    "chunk_size",
    "num_threads",
    "training_iterations",
    "learning_rate",
  ],
  "visualization": ["style"],
};

/**
 * Keys accepted for compatibility with Caligo's configs that act on nothing here: each warns
 * once, when the YAML sets it (docs/campaign.md §11.4).
 */
const IGNORED_KEYS: readonly [key: string, why: string][] = [
  ["phase2.cpu_surrogate.enabled", "the GP always runs on the CPU"],
  ["phase2.cpu_surrogate.chunk_size", "predictions are not chunked"],
  ["phase2.gp.chunk_size", "predictions are not chunked"],
  ["phase3.guardrail.threshold", "the guardrail is not implemented"],
  ["visualization.colormaps.efficiency", "the figures use fixed Vega-Lite colour schemes"],
  ["visualization.colormaps.divergence", "the figures use fixed Vega-Lite colour schemes"],
  ["visualization.colormaps.sensitivity", "the figures use fixed Vega-Lite colour schemes"],
];

/** Caligo's figure and table names → the project's (docs/campaign.md §11.2). */
const CALIGO_NAME_MAP: Record<string, string> = {
  campaign_summary: "summary_table",
  efficiency_landscape: "death_valley",
  cliff_detection: "cliff_cross_section",
  convergence_curves: "exploration_progress",
  parameter_importance: "sensitivity",
};

/**
 * Validation ranges of the bounds in stored units (docs/science.md §1.1). `open` marks a strict
 * inequality at that end.
 */
const BOUND_RANGES: Record<
  keyof CampaignConfig["bounds"],
  { lo: number; hi: number; loOpen?: boolean; units: string; keys: [string, string] }
> = {
  storage_noise_r: { lo: 0, hi: 1, units: "r", keys: ["min", "max"] },
  storage_rate_nu: { lo: 0, hi: 1, loOpen: true, units: "ν (linear)", keys: ["min", "max"] },
  wait_time_ns: { lo: 5, hi: 11, units: "log10 Δt/ns", keys: ["min_log", "max_log"] },
  channel_fidelity: { lo: 0.5, hi: 1, loOpen: true, units: "F", keys: ["min", "max"] },
  detection_efficiency: { lo: -Infinity, hi: 0, units: "log10 η", keys: ["min_log", "max_log"] },
  detector_error: { lo: 0, hi: 0.1, units: "e_det", keys: ["min", "max"] },
  dark_count_prob: { lo: -9, hi: -3, units: "log10 p_d", keys: ["min_log", "max_log"] },
  num_pairs: { lo: 4, hi: 9, units: "log10 N", keys: ["min_log", "max_log"] },
};

/**
 * Parse, expand, validate and resolve a campaign YAML text.
 * @param text YAML source
 * @param env environment used for `${VAR}` expansion
 * @param source file name used in messages
 * @example
 * ```ts
 * import { parseConfig } from "./config.ts";
 * const { config } = parseConfig("execution:\n  num_workers: ${W:-3}\n", {}, "inline");
 * console.assert(config.execution.num_workers === 3);
 * ```
 */
export function parseConfig(
  text: string,
  env: Record<string, string | undefined>,
  source = "<config>",
): LoadedConfig {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, uniqueKeys: true });
  if (doc.errors.length > 0) {
    const err = doc.errors[0];
    const pos = err.linePos?.[0];
    const where = pos ? ` line ${pos.line}, column ${pos.col}` : "";
    throw new ConfigError(
      `${source}${where}`,
      undefined,
      `malformed YAML: ${err.message.split("\n")[0].replace(/ at line \d+, column \d+:?$/, "")}`,
    );
  }
  const raw = doc.toJS() ?? {};
  if (typeof raw !== "object" || Array.isArray(raw)) {
    throw new ConfigError(source, raw, "the top level must be a mapping of sections");
  }
  const lineOf = (path: readonly (string | number)[]): string => {
    const node = doc.getIn(path, true) as { range?: [number, number, number] } | undefined;
    const offset = node?.range?.[0];
    if (offset === undefined) return "";
    return ` (${source} line ${lineCounter.linePos(offset).line})`;
  };
  const expanded = expandEnv(raw, env, []);
  const warnings: string[] = [];
  const parsed = campaignConfigSchema.safeParse(expanded, { reportInput: true });
  if (!parsed.success) {
    throw issueToError(parsed.error.issues[0], expanded, lineOf);
  }
  const config = parsed.data;
  checkBounds(config, lineOf);
  checkCrossFields(config, lineOf);
  resolveAliases(config, expanded as Record<string, unknown>, warnings);
  const yaml = stringify(config, { lineWidth: 0 });
  return { config, yaml, sha256: toHex(sha256(yaml)), warnings };
}

/**
 * Read and resolve a campaign YAML file.
 * @throws ConfigError for a missing file or any invalid key
 */
export async function loadConfig(
  path: string,
  env: Record<string, string | undefined>,
): Promise<LoadedConfig> {
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) {
      throw new ConfigError("--config", path, "file not found", { cause: e });
    }
    if (e instanceof Deno.errors.IsADirectory) {
      throw new ConfigError("--config", path, "is a directory, expected a YAML file", { cause: e });
    }
    throw e;
  }
  return parseConfig(text, env, path);
}

const VAR = /\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g;

/** Expand `${VAR}` and `${VAR:-default}` in every string scalar of `value`. */
function expandEnv(
  value: unknown,
  env: Record<string, string | undefined>,
  path: (string | number)[],
): unknown {
  if (typeof value === "string") {
    return value.replace(VAR, (_match, name: string, fallback: string | undefined) => {
      const v = env[name];
      if (v !== undefined && v !== "") return v;
      if (fallback !== undefined) return fallback;
      throw new ConfigError(
        path.join("."),
        value,
        `environment variable ${name} is not set and has no default (write \${${name}:-value})`,
      );
    });
  }
  if (Array.isArray(value)) return value.map((v, i) => expandEnv(v, env, [...path, i]));
  if (value !== null && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = expandEnv(v, env, [...path, k]);
    return out;
  }
  return value;
}

function issueToError(
  issue: z.core.$ZodIssue,
  input: unknown,
  lineOf: (path: readonly (string | number)[]) => string,
): ConfigError {
  const keyPath = issue.path.filter((k): k is string | number => typeof k !== "symbol");
  const path = keyPath.map(String);
  const value = (issue as { input?: unknown }).input;
  switch (issue.code) {
    case "unrecognized_keys": {
      const key = issue.keys[0];
      const allowed = allowedKeys(path);
      const suggestion = closest(key, allowed);
      const hint = suggestion ? ` (did you mean "${suggestion}"?)` : "";
      return new ConfigError(
        [...path, key].join("."),
        undefined,
        `unknown key${hint}${lineOf([...path, key])}; allowed keys here: ${allowed.join(", ")}`,
      );
    }
    case "invalid_type":
      if (value === undefined && getIn(input, issue.path) === undefined) {
        return new ConfigError(path.join("."), undefined, `is required${lineOf(keyPath)}`);
      }
      return new ConfigError(
        path.join("."),
        value,
        `must be ${article(issue.expected)}${lineOf(keyPath)}`,
      );
    case "invalid_value":
      return new ConfigError(
        path.join("."),
        value,
        `must be one of ${issue.values.map((v) => JSON.stringify(v)).join(", ")}${lineOf(keyPath)}`,
      );
    case "too_small":
    case "too_big": {
      const bound = issue.code === "too_small" ? issue.minimum : issue.maximum;
      const op = issue.code === "too_small"
        ? (issue.inclusive ? "≥" : ">")
        : (issue.inclusive ? "≤" : "<");
      const what = issue.origin === "array" ? "have a length" : "be";
      return new ConfigError(
        path.join("."),
        value,
        `must ${what} ${op} ${String(bound)}${lineOf(keyPath)}`,
      );
    }
    case "not_multiple_of":
      return new ConfigError(path.join("."), value, `must be an integer${lineOf(keyPath)}`);
    default:
      return new ConfigError(path.join("."), value, `${issue.message}${lineOf(keyPath)}`);
  }
}

function article(expected: string): string {
  const word = expected === "int" ? "integer" : expected;
  return /^[aeiou]/.test(word) ? `an ${word}` : `a ${word}`;
}

function getIn(value: unknown, path: readonly PropertyKey[]): unknown {
  let v = value;
  for (const k of path) {
    if (v === null || typeof v !== "object") return undefined;
    v = (v as Record<PropertyKey, unknown>)[k];
  }
  return v;
}

/** The keys allowed at `path`, from the defaults object plus the optional Caligo keys. */
function allowedKeys(path: string[]): string[] {
  const defaults = campaignConfigSchema.parse({});
  const node = getIn(defaults, path);
  const keys = node && typeof node === "object" ? Object.keys(node) : [];
  return [...new Set([...keys, ...(OPTIONAL_KEYS[path.join(".")] ?? [])])];
}

/** The candidate nearest to `word` by edit distance, if it is close enough to be a typo. */
function closest(word: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const c of candidates) {
    const d = editDistance(word.toLowerCase(), c.toLowerCase());
    if (d < bestDistance) {
      bestDistance = d;
      best = c;
    }
  }
  return best !== undefined && bestDistance <= Math.max(2, Math.floor(word.length / 3))
    ? best
    : undefined;
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
      diagonal = above;
    }
  }
  return row[b.length];
}

function checkBounds(
  config: CampaignConfig,
  lineOf: (path: readonly (string | number)[]) => string,
): void {
  for (const [name, range] of Object.entries(BOUND_RANGES)) {
    const bound = config.bounds[name as keyof CampaignConfig["bounds"]] as Record<string, number>;
    const [kLo, kHi] = range.keys;
    for (const k of range.keys) {
      const v = bound[k];
      const tooLow = range.loOpen ? v <= range.lo : v < range.lo;
      if (tooLow || v > range.hi) {
        const lo = range.lo === -Infinity ? "−∞" : String(range.lo);
        throw new ConfigError(
          `bounds.${name}.${k}`,
          v,
          `must lie in ${range.loOpen ? "(" : "["}${lo}, ${range.hi}] (${range.units})${
            lineOf(["bounds", name, k])
          }`,
        );
      }
    }
    if (!(bound[kLo] < bound[kHi])) {
      throw new ConfigError(
        `bounds.${name}`,
        { [kLo]: bound[kLo], [kHi]: bound[kHi] },
        `${kLo} must be less than ${kHi}${lineOf(["bounds", name])}`,
      );
    }
  }
  const maxN = 10 ** config.bounds.num_pairs.max_log;
  const maxRounds = maxN * maxDetectionProb(config);
  if (maxRounds > config.simulation.max_pairs * (1 + 1e-12)) {
    const what = maxRounds === maxN
      ? `10^max_log = ${maxN.toExponential(2)}`
      : `the expected detected rounds of 10^max_log = ${maxN.toExponential(2)} pairs sent, ` +
        `${maxRounds.toExponential(2)},`;
    throw new ConfigError(
      "bounds.num_pairs.max_log",
      config.bounds.num_pairs.max_log,
      `${what} exceed${maxRounds === maxN ? "s" : ""} simulation.max_pairs = ${
        config.simulation.max_pairs.toExponential(2)
      } (memory guard); raise simulation.max_pairs or lower the bound${
        lineOf(["bounds", "num_pairs", "max_log"])
      }`,
    );
  }
}

/**
 * The largest share of N that the simulator runs as rounds over the box (docs/science.md §8.6): 1
 * when N counts detected pairs; under erven2014 Bob's click probability at the box's largest η
 * and p_d (it rises with both).
 */
function maxDetectionProb(config: CampaignConfig): number {
  const model = keyModelOf(config.simulation.key_model);
  if (model.numPairsConvention === "pairs detected") return 1;
  const b = config.bounds;
  return model.detectionProb({
    mu: config.simulation.source_mean_pairs,
    eta: Math.min(1, 10 ** b.detection_efficiency.max_log),
    eDet: b.detector_error.max,
    pDark: 10 ** b.dark_count_prob.max_log,
  });
}

function checkCrossFields(
  config: CampaignConfig,
  lineOf: (path: readonly (string | number)[]) => string,
): void {
  const sim = config.simulation;
  if (sim.qber_warn_limit > sim.qber_hard_limit) {
    throw new ConfigError(
      "simulation.qber_warn_limit",
      sim.qber_warn_limit,
      `must not exceed simulation.qber_hard_limit (${sim.qber_hard_limit})${
        lineOf(["simulation", "qber_warn_limit"])
      }`,
    );
  }
  const rates = sim.reconciliation.mother_rates;
  if (new Set(rates).size !== rates.length) {
    throw new ConfigError(
      "simulation.reconciliation.mother_rates",
      rates,
      `must not repeat a rate${lineOf(["simulation", "reconciliation", "mother_rates"])}`,
    );
  }
  if (config.phase2.gp.sod_size > config.phase2.gp.exact_max_n) {
    throw new ConfigError(
      "phase2.gp.sod_size",
      config.phase2.gp.sod_size,
      `must not exceed phase2.gp.exact_max_n (${config.phase2.gp.exact_max_n})${
        lineOf(["phase2", "gp", "sod_size"])
      }`,
    );
  }
}

/** Caligo aliases, ignored keys and name maps (docs/campaign.md §11.2), in place. */
function resolveAliases(
  config: CampaignConfig,
  raw: Record<string, unknown>,
  warnings: string[],
): void {
  const rawGp = (getIn(raw, ["phase2", "gp"]) ?? {}) as Record<string, unknown>;
  const cpu = config.phase2.cpu_surrogate;
  const aliases = [
    ["max_cholesky_size", "exact_max_n"],
    ["lanczos_iterations", "lanczos_iterations"],
    ["use_love", "use_love"],
    ["chunk_size", "chunk_size"],
  ] as const;
  for (const [caligoKey, projectKey] of aliases) {
    const v = cpu[caligoKey];
    if (v === undefined) continue;
    if (rawGp[projectKey] !== undefined) {
      warnings.push(
        `phase2.cpu_surrogate.${caligoKey} is overridden by phase2.gp.${projectKey} (project key wins)`,
      );
    } else {
      (config.phase2.gp as Record<string, unknown>)[projectKey] = v;
    }
  }
  for (const k of ["num_threads", "training_iterations", "learning_rate"] as const) {
    if (cpu[k] !== undefined) warnings.push(`phase2.cpu_surrogate.${k} is accepted and ignored`);
  }
  for (const [path, why] of IGNORED_KEYS) {
    if (getIn(raw, path.split(".")) !== undefined) {
      warnings.push(`${path} is accepted and ignored (${why})`);
    }
  }
  if (config.phase2.gp.normalize_y === false) {
    warnings.push(
      "phase2.gp.normalize_y: false is accepted and ignored (targets are always standardised)",
    );
  }
  if (config.execution.worker_pool.start_method !== undefined) {
    warnings.push("execution.worker_pool.start_method is accepted and ignored (Web Workers)");
  }
  if (config.phase1.use_streaming !== undefined) {
    warnings.push("phase1.use_streaming is accepted and ignored (results always stream)");
  }
  if (config.visualization.style !== undefined) {
    warnings.push("visualization.style is accepted and ignored (Vega-Lite figures)");
  }
  if (config.phase3.acquisition.type === "ucb") config.phase3.acquisition.type = "lcb";
  // Keys of the specification this version does not implement yet: never silently ignored.
  const notImplemented: [string, boolean][] = [
    ["phase2.gp.iterative_mll", config.phase2.gp.iterative_mll],
    ["phase3.guardrail.enabled", config.phase3.guardrail.enabled],
    ["store.swmr", config.store.swmr],
  ];
  for (const [key, on] of notImplemented) {
    if (on) warnings.push(`${key}: true is not implemented in this version and is ignored`);
  }
  config.visualization.figures = mapNames(
    config.visualization.figures,
    FIGURE_NAMES,
    "visualization.figures",
    warnings,
  );
  config.tables.tables = mapNames(config.tables.tables, TABLE_NAMES, "tables.tables", warnings);
}

function mapNames(
  names: string[],
  known: readonly string[],
  key: string,
  warnings: string[],
): string[] {
  const out: string[] = [];
  for (const name of names) {
    const mapped = known.includes(name) ? name : CALIGO_NAME_MAP[name];
    if (mapped !== undefined && known.includes(mapped)) {
      if (!out.includes(mapped)) out.push(mapped);
    } else {
      warnings.push(`${key}: "${name}" is not produced by this project and was dropped`);
    }
  }
  return out;
}
