/**
 * `deno task simulate`: simulate one OT sample at one parameter point and print its record.
 *
 *   ./deno task simulate --r 0.3 --nu 0.01 --F 0.98 --eta 0.5 --N 1e5 --strategy blind
 *   ./deno task simulate --config my.yaml --point '{"storage_noise_r":0.3,"num_pairs":1e5}' --json
 *   ./deno task simulate --campaign DIR --sample-id 17
 *
 * Simulation settings (code length, mother rates, f_select and its calibration, link, key and
 * leakage models, decoder, …) come from the `simulation` section of `--config FILE`, of the
 * campaign `--campaign DIR` ran with (its config.resolved.yaml), or of the YAML defaults; the
 * flags --link, --key-model (project, caligo, erven2014), --source-mean-pairs (μ, erven2014 only),
 * --leakage, --code-length, --rates, --f-select, --decoder,
 * --lengths-only and --codes-dir override single settings; --uncalibrated chooses rates with the
 * fixed f_sel 1.16 / 1.1 instead of the family's calibration (otherwise loaded from the codes
 * directory, or made there first as `explore` does). These (the same defaults as the YAML: no flag
 * changes another setting). The point: --point JSON (Caligo's field names) or --r --nu --dt --F
 * --eta --edet --pd --N --strategy (defaults: r 0.3, ν 1, Δt 1e6 ns, F 0.99, η 1, e_det 0,
 * p_d 1e-9, N 1e5, baseline). Seed: --sample-seed HEX, or --seed S (campaign seed, default 42;
 * sample seed = sampleSeed(S, "phase1", 0)).
 *
 * `--campaign DIR --sample-id ID` re-runs the stored sample ID with its stored point, N and seed
 * and the campaign's settings, and compares the new record with the stored row column by column,
 * bit for bit (timings and the retry count aside). --json prints the record as one JSON object
 * on stdout (NaN as null), else a summary goes to stderr. Exit 0 when the sample ran (any
 * outcome) and, with --sample-id, matched its row; 1 when it did not match or on an unexpected
 * error; 2 on invalid input.
 * @module
 */
import { ConfigError, InvalidArgumentError, UsageError } from "../lib/errors.ts";
import { type CampaignConfig, loadConfig, parseConfig } from "../lib/io/config.ts";
import { CAMPAIGN_FILES } from "../lib/io/campaign_dir.ts";
import { openCampaignStore } from "../lib/io/store/reader.ts";
import { STORE_GROUPS, type StoreGroup } from "../lib/io/store/schema.ts";
import { simulationOptionsOf } from "../lib/campaign/settings.ts";
import { fakeSimulateSample } from "../lib/protocol/fake_simulate_sample.ts";
import { decodeRow } from "../lib/protocol/parameter_point.ts";
import {
  DIAGNOSTIC_COLUMNS,
  diagnosticsRow,
  OUTPUT_COLUMNS,
  outputsRow,
  TIMING_COLUMNS,
} from "../lib/protocol/record.ts";
import { isPathError, parseDecoderFlag, unexpectedErrorLine } from "./_cli.ts";
import {
  choiceFlag,
  type FlagValues,
  helpText,
  numberFlag,
  numberListFlag,
  parseTaskFlags,
  stringFlag,
} from "./_flags.ts";
import { TASKS } from "./_tasks.ts";
import { loadOrBuildCodeFamily } from "../lib/io/code_cache.ts";
import { ensureCalibration } from "../lib/campaign/workers/calibration_builds.ts";
import { LINK_MODEL_NAMES } from "../lib/kernels/link/link_model.ts";
import { sampleSeed, seedHex } from "../lib/kernels/rng.ts";
import { createParameterPoint, type ParameterPoint } from "../lib/protocol/parameter_point.ts";
import type { SampleRecord } from "../lib/protocol/record.ts";
import { simulateSample } from "../lib/protocol/simulate_sample.ts";
import { pointMaxPairs, type SimulationOptions } from "../lib/protocol/simulation_options.ts";
import { KEY_MODEL_NAMES } from "../lib/science/key_model.ts";

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

function pointFromFlags(values: FlagValues, maxPairs: number): ParameterPoint {
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
    const v = numberFlag(values, flag);
    if (v !== undefined) fields[name] = v;
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
  }, { maxPairs });
}

/**
 * The simulation settings: those of `config` (a campaign's, a YAML file's or the YAML defaults),
 * then each settings flag given overrides its one setting.
 */
function simulationFromFlags(values: FlagValues, config: CampaignConfig): SimulationOptions {
  const sim = simulationOptionsOf(config.simulation);
  const rec = { ...sim.reconciliation };
  sim.linkModel = choiceFlag(values, "link", LINK_MODEL_NAMES) ?? sim.linkModel;
  sim.keyModel = choiceFlag(values, "key-model", KEY_MODEL_NAMES) ?? sim.keyModel;
  sim.sourceMeanPairs =
    numberFlag(values, "source-mean-pairs", { min: 0, max: 1, exclusiveMin: true }) ??
      sim.sourceMeanPairs;
  const leakage = choiceFlag(values, "leakage", ["elkouss", "conservative", "caligo"] as const);
  if (leakage !== undefined) sim.leakage = rec.leakage = leakage;
  rec.codeLength = numberFlag(values, "code-length", { integer: true, min: 64 }) ??
    rec.codeLength;
  rec.motherRates = numberListFlag(values, "rates", { min: 0, max: 0.9999, exclusiveMin: true }) ??
    rec.motherRates;
  rec.fSelect = numberFlag(values, "f-select", { min: 1, max: 3 }) ?? rec.fSelect;
  const decoder = stringFlag(values, "decoder");
  if (decoder !== undefined) rec.decoder = parseDecoderFlag(decoder);
  sim.reconciliation = rec;
  if (values["lengths-only"] === true) sim.privacyAmplification = "lengths_only";
  return sim;
}

function seedFromFlags(values: FlagValues): bigint {
  if (typeof values["sample-seed"] === "string") {
    const hex = values["sample-seed"].replace(/^0x/i, "");
    if (!/^[0-9a-fA-F]{1,16}$/.test(hex)) {
      throw new UsageError(
        `--sample-seed: expected up to 16 hex digits, got ${JSON.stringify(values["sample-seed"])}`,
      );
    }
    return BigInt(`0x${hex}`);
  }
  const campaignSeed = numberFlag(values, "seed", { integer: true, min: 0 }) ?? 42;
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

/** The config whose `simulation` section the run uses (see the module documentation). */
async function configFromFlags(values: FlagValues, env: Record<string, string>) {
  const campaign = stringFlag(values, "campaign");
  const configPath = stringFlag(values, "config");
  if (campaign !== undefined && configPath !== undefined) {
    throw new UsageError("--campaign and --config are exclusive: a campaign has its own config");
  }
  if (campaign !== undefined) {
    const path = `${campaign}/${CAMPAIGN_FILES.config}`;
    return parseConfig(await Deno.readTextFile(path), env, path).config;
  }
  if (configPath !== undefined) return (await loadConfig(configPath, env)).config;
  return parseConfig("", env, "<defaults>").config;
}

/** Flags that set the point or seed: not allowed with --sample-id (the stored ones are used). */
const POINT_FLAGS = ["point", "strategy", "seed", "sample-seed", ...Object.keys(SHORT_FLAGS)];
/** Diagnostics that are not a function of the seed: timings and the retry count. */
const UNREPRODUCIBLE = new Set<string>(["retries", ...TIMING_COLUMNS]);

/** The stored sample `id` of the campaign in `dir`: its group and row. */
async function storedSample(dir: string, id: number) {
  const data = await openCampaignStore(`${dir}/${CAMPAIGN_FILES.store}`);
  for (const group of STORE_GROUPS) {
    const g = data.groups[group as StoreGroup];
    for (let i = 0; i < g.n; i++) {
      if (g.sampleId[i] !== id) continue;
      const width = g.diagnosticColumns.length;
      return {
        group,
        inputs: g.inputs.slice(i * 9, i * 9 + 9),
        outputs: g.outputs.slice(i * OUTPUT_COLUMNS.length, (i + 1) * OUTPUT_COLUMNS.length),
        outcome: g.outcomes[i],
        seed: g.seed[i],
        numPairs: g.numPairs[i],
        keyMargin: g.keyMargin[i],
        diagnostics: g.diagnostics.slice(i * width, (i + 1) * width),
        diagnosticColumns: g.diagnosticColumns,
      };
    }
  }
  throw new UsageError(`--sample-id: no sample ${id} in ${dir}/${CAMPAIGN_FILES.store}`);
}

/** Bitwise equality of two float64 values (NaN equals NaN, +0 differs from −0). */
function sameBits(a: number, b: number): boolean {
  return Object.is(a, b);
}

/** Columns where `record` differs from the stored row (empty: reproduced bit for bit). */
function differences(
  stored: Awaited<ReturnType<typeof storedSample>>,
  record: SampleRecord,
): string[] {
  const diff: string[] = [];
  if (stored.outcome !== record.outcome) diff.push(`outcome ${stored.outcome} → ${record.outcome}`);
  if (!sameBits(stored.keyMargin, record.key_margin)) {
    diff.push(`key_margin ${stored.keyMargin} → ${record.key_margin}`);
  }
  const outputs = outputsRow(record);
  OUTPUT_COLUMNS.forEach((c, j) => {
    if (!sameBits(stored.outputs[j], outputs[j])) {
      diff.push(`${c} ${stored.outputs[j]} → ${outputs[j]}`);
    }
  });
  const diagnostics = diagnosticsRow(record);
  stored.diagnosticColumns.forEach((c, j) => {
    const k = (DIAGNOSTIC_COLUMNS as readonly string[]).indexOf(c);
    if (k < 0 || UNREPRODUCIBLE.has(c)) return;
    if (!sameBits(stored.diagnostics[j], diagnostics[k])) {
      diff.push(`${c} ${stored.diagnostics[j]} → ${diagnostics[k]}`);
    }
  });
  return diff;
}

async function main(): Promise<number> {
  const { values } = parseTaskFlags(TASKS.simulate, Deno.args);
  if (values.help) {
    console.log(helpText("simulate", TASKS.simulate));
    return 0;
  }
  const env = Deno.env.toObject();
  const config = await configFromFlags(values, env);
  const simulation = simulationFromFlags(values, config);
  const codesDir = stringFlag(values, "codes-dir") ?? config.simulation.reconciliation.codes_dir;
  const sampleIdFlag = numberFlag(values, "sample-id", { integer: true, min: 0 });
  const campaign = stringFlag(values, "campaign");
  let point: ParameterPoint;
  let seed: bigint;
  let stored: Awaited<ReturnType<typeof storedSample>> | undefined;
  if (sampleIdFlag !== undefined) {
    if (campaign === undefined) throw new UsageError("--sample-id: needs --campaign DIR");
    const clash = POINT_FLAGS.find((f) => values[f] !== undefined);
    if (clash !== undefined) {
      throw new UsageError(`--${clash}: not allowed with --sample-id (the stored point is used)`);
    }
    stored = await storedSample(campaign, sampleIdFlag);
    point = decodeRow(stored.inputs, stored.numPairs, { maxPairs: pointMaxPairs(simulation) });
    seed = stored.seed;
  } else {
    point = pointFromFlags(values, pointMaxPairs(simulation));
    seed = seedFromFlags(values);
  }
  let record: SampleRecord;
  if (config.simulation.simulator === "fake") {
    record = fakeSimulateSample(point, seed);
  } else {
    const family = await loadOrBuildCodeFamily(simulation.reconciliation, codesDir);
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
    record = simulateSample(point, { seed, family, simulation, now: () => performance.now() });
  }
  if (values.json === true) console.log(JSON.stringify(record));
  else console.error(summary(point, record));
  if (record.seed !== seedHex(seed)) return 1;
  if (stored !== undefined) {
    if (stored.outcome.startsWith("skipped")) {
      console.error(
        `sample ${sampleIdFlag} (${stored.group}) was ${stored.outcome}: the campaign did not ` +
          "simulate it, so there is no row to compare",
      );
      return 0;
    }
    const diff = differences(stored, record);
    if (diff.length > 0) {
      console.error(`sample ${sampleIdFlag} (${stored.group}) differs from its stored row:`);
      for (const d of diff) console.error(`  ${d}`);
      return 1;
    }
    console.error(
      `sample ${sampleIdFlag} (${stored.group}): reproduced its stored row bit for bit ` +
        "(timings and retries aside)",
    );
  }
  return 0;
}

let code: number;
try {
  code = await main();
} catch (e) {
  if (
    e instanceof UsageError || e instanceof InvalidArgumentError || e instanceof ConfigError ||
    isPathError(e)
  ) {
    console.error(`simulate: ${(e as Error).message}`);
    code = 2;
  } else {
    console.error(`simulate: unexpected error: ${unexpectedErrorLine(e)}`);
    code = 1;
  }
}
Deno.exit(code);
