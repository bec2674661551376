/**
 * `deno task simulate`: simulate one OT sample at one parameter point and print its record.
 *
 *   ./deno task simulate --point '{"storage_noise_r":0.3,"storage_rate_nu":0.01,
 *     "wait_time_ns":1e6,"channel_fidelity":0.98,"detection_efficiency":0.5,
 *     "detector_error":0.005,"dark_count_prob":1e-7,"num_pairs":100000,"strategy":"baseline"}' --json
 *   ./deno task simulate --r 0.3 --nu 0.01 --F 0.98 --eta 0.5 --N 1e5 --strategy blind
 *
 * Flags: --point JSON (Caligo's field names) or --r --nu --dt --F --eta --edet --pd --N
 * --strategy (defaults: r 0.3, ν 1, Δt 1e6 ns, F 0.99, η 1, e_det 0, p_d 1e-9, N 1e5, baseline);
 * --link heralded-double-click|depolarising|analytic; --key-model project|caligo (caligo also
 * selects --leakage caligo unless given); --leakage elkouss|conservative|caligo; --seed S
 * (campaign seed, default 42; sample seed = sampleSeed(S, "phase1", 0)); --sample-seed HEX;
 * --code-length 16384; --rates 0.50,…,0.90 (mother rates); --codes-dir codes; --lengths-only;
 * --uncalibrated (rate choice with the fixed f_sel 1.16 / 1.1 instead of the family's calibration,
 * which is otherwise loaded from the codes directory or made there first, as `explore` does);
 * --json (record as one JSON object on stdout, NaN as null), else a summary on stderr. Exit 0 when the sample ran (any outcome),
 * 2 on invalid input, 1 on an unexpected error.
 * @module
 */
import { parseArgs } from "node:util";
import { ConfigError, InvalidArgumentError, UsageError } from "../lib/errors.ts";
import { loadOrBuildCodeFamily } from "../lib/io/code_cache.ts";
import { ensureCalibration } from "../lib/campaign/calibration_builds.ts";
import { LINK_MODEL_NAMES, type LinkModelName } from "../lib/kernels/link/link_model.ts";
import { sampleSeed, seedHex } from "../lib/kernels/rng.ts";
import { createParameterPoint, type ParameterPoint } from "../lib/protocol/parameter_point.ts";
import type { SampleRecord } from "../lib/protocol/record.ts";
import { simulateSample } from "../lib/protocol/simulate_sample.ts";
import {
  defaultSimulationOptions,
  type SimulationOptions,
} from "../lib/protocol/simulation_options.ts";

const SHORT_FLAGS = {
  r: "storage_noise_r",
  nu: "storage_rate_nu",
  dt: "wait_time_ns",
  F: "channel_fidelity",
  eta: "detection_efficiency",
  edet: "detector_error",
  pd: "dark_count_prob",
  N: "num_pairs",
} as const;

const DEFAULT_POINT: Record<string, number | string> = {
  storage_noise_r: 0.3,
  storage_rate_nu: 1,
  wait_time_ns: 1e6,
  channel_fidelity: 0.99,
  detection_efficiency: 1,
  detector_error: 0,
  dark_count_prob: 1e-9,
  num_pairs: 1e5,
  strategy: "baseline",
};

function parseFlags() {
  const stringFlags = [
    "point",
    "strategy",
    "link",
    "key-model",
    "leakage",
    "seed",
    "sample-seed",
    "code-length",
    "rates",
    "codes-dir",
    ...Object.keys(SHORT_FLAGS),
  ];
  const options: Record<string, { type: "string" | "boolean" }> = {};
  for (const f of stringFlags) options[f] = { type: "string" };
  options.json = { type: "boolean" };
  options["lengths-only"] = { type: "boolean" };
  options.uncalibrated = { type: "boolean" };
  try {
    return parseArgs({ args: Deno.args, options, strict: true, allowPositionals: false })
      .values as Record<
        string,
        string | boolean | undefined
      >;
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
}

function parseNumber(flag: string, text: string): number {
  const v = Number(text);
  if (text.trim() === "" || Number.isNaN(v)) {
    throw new UsageError(`--${flag}: expected a number, got ${JSON.stringify(text)}`);
  }
  return v;
}

function pointFromFlags(values: Record<string, string | boolean | undefined>): ParameterPoint {
  const fields: Record<string, unknown> = { ...DEFAULT_POINT };
  if (typeof values.point === "string") {
    let parsed: unknown;
    try {
      parsed = JSON.parse(values.point);
    } catch (e) {
      throw new UsageError(`--point: invalid JSON (${(e as Error).message})`);
    }
    if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
      throw new UsageError("--point: expected a JSON object");
    }
    for (const [key, value] of Object.entries(parsed)) {
      if (!(key in DEFAULT_POINT)) {
        throw new UsageError(`--point: unknown field ${JSON.stringify(key)}`);
      }
      fields[key] = value;
    }
  }
  for (const [flag, name] of Object.entries(SHORT_FLAGS)) {
    const text = values[flag];
    if (typeof text === "string") fields[name] = parseNumber(flag, text);
  }
  if (typeof values.strategy === "string") fields.strategy = values.strategy;
  return createParameterPoint({
    storageNoiseR: fields.storage_noise_r as number,
    storageRateNu: fields.storage_rate_nu as number,
    waitTimeNs: fields.wait_time_ns as number,
    channelFidelity: fields.channel_fidelity as number,
    detectionEfficiency: fields.detection_efficiency as number,
    detectorError: fields.detector_error as number,
    darkCountProb: fields.dark_count_prob as number,
    numPairs: fields.num_pairs as number,
    strategy: fields.strategy as ParameterPoint["strategy"],
  });
}

function simulationFromFlags(
  values: Record<string, string | boolean | undefined>,
): SimulationOptions {
  const sim = defaultSimulationOptions();
  if (typeof values.link === "string") {
    if (!(LINK_MODEL_NAMES as readonly string[]).includes(values.link)) {
      throw new UsageError(
        `--link: expected one of ${LINK_MODEL_NAMES.join(", ")}, got ${
          JSON.stringify(values.link)
        }`,
      );
    }
    sim.linkModel = values.link as LinkModelName;
  }
  if (typeof values["key-model"] === "string") {
    const k = values["key-model"];
    if (k !== "project" && k !== "caligo") {
      throw new UsageError(`--key-model: expected project or caligo, got ${JSON.stringify(k)}`);
    }
    sim.keyModel = k;
    // science.md §8.2: K1 charges Caligo's leakage unless --leakage overrides it.
    if (k === "caligo") sim.leakage = "caligo";
  }
  if (typeof values.leakage === "string") {
    const leakage = values.leakage;
    if (leakage !== "elkouss" && leakage !== "conservative" && leakage !== "caligo") {
      throw new UsageError(
        `--leakage: expected elkouss, conservative or caligo, got ${JSON.stringify(leakage)}`,
      );
    }
    sim.leakage = leakage;
  }
  if (typeof values["code-length"] === "string") {
    const n = parseNumber("code-length", values["code-length"]);
    if (!Number.isInteger(n) || n < 64) {
      throw new UsageError(`--code-length: expected an integer ≥ 64, got ${values["code-length"]}`);
    }
    sim.reconciliation = { ...sim.reconciliation, codeLength: n };
  }
  if (typeof values.rates === "string") {
    const rates = values.rates.split(",").map((text) => {
      const r = Number(text);
      if (!(r > 0 && r < 1)) {
        throw new UsageError(`--rates: expected rates in (0, 1), got ${JSON.stringify(text)}`);
      }
      return r;
    });
    sim.reconciliation = { ...sim.reconciliation, motherRates: rates };
  }
  if (values["lengths-only"] === true) sim.privacyAmplification = "lengths_only";
  return sim;
}

function seedFromFlags(values: Record<string, string | boolean | undefined>): bigint {
  if (typeof values["sample-seed"] === "string") {
    const hex = values["sample-seed"].replace(/^0x/i, "");
    if (!/^[0-9a-fA-F]{1,16}$/.test(hex)) {
      throw new UsageError(
        `--sample-seed: expected up to 16 hex digits, got ${JSON.stringify(values["sample-seed"])}`,
      );
    }
    return BigInt(`0x${hex}`);
  }
  const campaignSeed = typeof values.seed === "string" ? parseNumber("seed", values.seed) : 42;
  if (!Number.isSafeInteger(campaignSeed)) {
    throw new UsageError(`--seed: expected an integer, got ${values.seed}`);
  }
  return sampleSeed(campaignSeed, "phase1", 0);
}

function summary(point: ParameterPoint, record: SampleRecord): string {
  const d = record.diagnostics;
  const f = (v: number, digits = 4) => (Number.isFinite(v) ? v.toFixed(digits) : String(v));
  return [
    `point: r=${point.storageNoiseR} ν=${point.storageRateNu} Δt=${point.waitTimeNs} ns F=${point.channelFidelity} ` +
    `η=${point.detectionEfficiency} e_det=${point.detectorError} p_d=${point.darkCountProb} N=${point.numPairs} ${point.strategy}`,
    `seed ${record.seed}: ${record.outcome} (stage ${record.abort_stage})${
      record.error_message ? ` — ${record.error_message}` : ""
    }`,
    `key_margin ${f(record.key_margin, 6)} (kind code ${d.key_margin_kind}), net_efficiency ${
      f(record.net_efficiency, 6)
    }, ` +
    `final key ${record.final_key_length} bits`,
    `m ${record.raw_key_length}, m_v ${d.m_v}, Q̂ ${f(d.q_hat)}, μ ${f(d.mu)}, Q_adj ${
      f(d.q_adj)
    }, Q_exp ${f(d.q_expected)}, ` +
    `Q_true ${f(d.qber_true)}`,
    `reconciliation: blocks ${d.blocks_verified}/${d.blocks}, leak ${record.leakage_bits} bits, f ${
      f(record.reconciliation_efficiency, 3)
    }, ` +
    `R0 ${d.mother_rate}, iterations ${d.decoder_iterations}`,
    `time ${f(record.execution_time_seconds, 3)} s (sampling ${
      f(d.t_sampling, 3)
    }, reconciliation ${f(d.t_reconciliation, 3)}, PA ${f(d.t_pa, 3)})`,
    ...record.warnings.map((w) => `warning: ${w}`),
  ].join("\n");
}

async function main(): Promise<number> {
  const values = parseFlags();
  const point = pointFromFlags(values);
  const simulation = simulationFromFlags(values);
  const seed = seedFromFlags(values);
  const codesDir = typeof values["codes-dir"] === "string" ? values["codes-dir"] : "codes";
  const family = await loadOrBuildCodeFamily(
    {
      codeLength: simulation.reconciliation.codeLength,
      motherRates: simulation.reconciliation.motherRates,
    },
    codesDir,
  );
  if (values.uncalibrated !== true) {
    const made = await ensureCalibration(family, simulation.reconciliation, codesDir, {
      jobs: navigator.hardwareConcurrency,
    });
    family.calibration = made.calibration;
    console.error(
      `calibration ${made.calibration.id} (sha256 ${made.calibration.sha256.slice(0, 12)}) ${
        made.source === "cache" ? "loaded" : "computed"
      } in ${(made.ms / 1000).toFixed(1)} s`,
    );
  }
  const record = simulateSample(point, { seed, family, simulation, now: () => performance.now() });
  if (values.json === true) console.log(JSON.stringify(record));
  else console.error(summary(point, record));
  if (record.seed !== seedHex(seed)) return 1;
  return 0;
}

let code: number;
try {
  code = await main();
} catch (e) {
  if (e instanceof UsageError || e instanceof InvalidArgumentError || e instanceof ConfigError) {
    console.error(`simulate: ${e.message}`);
    code = 2;
  } else if (e instanceof Deno.errors.PermissionDenied || (e as Error)?.name === "NotCapable") {
    throw e;
  } else {
    console.error(`simulate: unexpected error: ${(e as Error)?.stack ?? e}`);
    code = 1;
  }
}
Deno.exit(code);
