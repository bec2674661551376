/**
 * The task table: every CLI of the project, its entry file, its flags and how its run uses
 * paths. `tasks/_launch.ts` reads it to grant each run exactly the paths named on its command
 * line and in its config; each task parses its arguments with the same declaration
 * (`parseTaskFlags(TASKS.<name>, Deno.args)`). Adding a task is one entry here plus
 * `"<name>": "bash tasks/_launch.sh <name>"` in deno.json.
 * @module
 */
import type { FlagSpec, TaskSpec } from "./_flags.ts";
import { decoderFlagValues } from "../lib/kernels/ldpc/decoder_registry.ts";
import { parseConfig } from "../lib/io/config.ts";
import { defaultCalibrationParams } from "../lib/reconciliation/calibration.ts";

const str = (extra: Partial<FlagSpec> = {}): FlagSpec => ({ type: "string", ...extra });
const bool = (extra: Partial<FlagSpec> = {}): FlagSpec => ({ type: "boolean", ...extra });

/** `--decoder` values: the registered decoders plus Caligo's short names (spa, minsum). */
export const DECODER_FLAG_VALUES = decoderFlagValues().join("|");

/**
 * Defaults of the code-family flags (`codes`, `calibrate`): the config schema's, so a flag left out
 * means what the YAML key left out means (docs/campaign.md §11.4).
 */
const RECONCILIATION = parseConfig("", {}).config.simulation.reconciliation;
const FAMILY_FLAGS = {
  length: str({ default: String(RECONCILIATION.code_length) }),
  family: str({ default: RECONCILIATION.code_family }),
  rates: str(),
  "codes-dir": str({ default: RECONCILIATION.codes_dir, path: "write-dir" }),
  jobs: str(),
  decoder: str({ default: RECONCILIATION.decoder }),
  alpha: str({ default: String(RECONCILIATION.nms_alpha) }),
  iterations: str({ default: String(RECONCILIATION.max_iterations) }),
  modulation: str({ default: String(RECONCILIATION.modulation_fraction) }),
  "blind-rounds": str({ default: String(RECONCILIATION.blind_max_rounds) }),
} as const;
const CALIBRATION = defaultCalibrationParams();

/** Every task of the project, by `deno task` name. */
export const TASKS = {
  explore: {
    file: "tasks/explore.ts",
    usage: "[--config PATH] [--output-dir DIR | --continue-from DIR] [--workers N] [--seed N] " +
      "[--skip-phase1|2|3] [--skip-postprocess] [--shard I/K [--shard-target N]] " +
      "[--copy-back DIR] [--validate] [-v]",
    summary: "Run or resume a campaign: Phase 1 samples, Phase 2 surrogates, Phase 3 active " +
      "learning, then tables, figures and report.html in the campaign directory.",
    flags: {
      config: str({ path: "read-file" }),
      "output-dir": str({ path: "write-dir" }),
      "continue-from": str({ path: "update-dir" }),
      workers: str(),
      seed: str(),
      shard: str(),
      "shard-target": str(),
      "copy-back": str({ path: "write-dir" }),
      "skip-phase1": bool({ default: false }),
      "skip-phase2": bool({ default: false }),
      "skip-phase3": bool({ default: false }),
      "skip-postprocess": bool({ default: false }),
      validate: bool({ default: false }),
      "no-gpu": bool({ default: false, hidden: true }),
      "gpu-device": str({ hidden: true }),
      verbose: bool({ short: "v", default: false }),
      "fake-draws-per-pair": str({ hidden: true }),
    },
    configFlag: "config",
    campaignFlag: "continue-from",
    defaultConfig: "configs/dry_run.yaml",
    configPaths: [
      { key: "output.base_dir", unless: ["output-dir", "continue-from", "validate"] },
      { key: "simulation.reconciliation.codes_dir" },
    ],
    ffi: true,
    fonts: true,
  },
  merge: {
    file: "tasks/merge.ts",
    usage: "[--config PATH] DIR",
    summary: "Merge the Phase 1 shard stores DIR/shards/shard*/ of a job array into " +
      "DIR/exploration_data.h5 (then explore --continue-from DIR --skip-phase1).",
    flags: { config: str({ path: "read-file" }) },
    positionals: [{ name: "DIR", path: "update-dir" }],
  },
  report: {
    file: "tasks/report.ts",
    usage: "--campaign DIR [--config PATH] [-v]",
    summary: "Tables, figures and report.html of an existing campaign directory.",
    flags: {
      campaign: str({ path: "update-dir" }),
      config: str({ path: "read-file" }),
      verbose: bool({ short: "v" }),
    },
    positionals: [{ name: "DIR", path: "update-dir", optional: true }],
    fonts: true,
  },
  simulate: {
    file: "tasks/simulate.ts",
    usage: "[--campaign DIR [--sample-id ID] | --config PATH] [--point JSON | --r --nu --dt " +
      "--F --eta --edet --pd --N --strategy] [simulation flags] [--json]",
    summary: "Simulate one OT sample at one point and print its record; with --campaign or " +
      "--config the simulation settings are that campaign's, with --sample-id a stored sample " +
      "is re-run with its own seed and compared with its stored row.",
    flags: {
      campaign: str({ path: "read-dir" }),
      config: str({ path: "read-file" }),
      "sample-id": str(),
      point: str(),
      strategy: str(),
      r: str(),
      nu: str(),
      dt: str(),
      F: str(),
      eta: str(),
      edet: str(),
      pd: str(),
      N: str(),
      link: str(),
      "key-model": str(),
      "source-mean-pairs": str(),
      leakage: str(),
      "code-length": str(),
      rates: str(),
      "f-select": str(),
      decoder: str(),
      seed: str(),
      "sample-seed": str(),
      "codes-dir": str({ path: "write-dir" }),
      "lengths-only": bool(),
      uncalibrated: bool(),
      json: bool(),
    },
    configFlag: "config",
    campaignFlag: "campaign",
    configPaths: [{ key: "simulation.reconciliation.codes_dir", unless: ["codes-dir"] }],
  },
  codes: {
    file: "tasks/codes.ts",
    usage: "[--length 16384[,65536…]] [--family caligo|de-bsc] [--rates LIST] [--seed S] " +
      "[--codes-dir DIR] [--jobs J]",
    summary: "Build (or verify from the cache) the LDPC mother-code family and time each code.",
    flags: {
      ...FAMILY_FLAGS,
      seed: str({ default: "1" }),
      "no-calibrate": bool({ default: false }),
    },
  },
  "ldpc-curve": {
    file: "tasks/ldpc_curve.ts",
    usage: "(--matrix FILE | --code n=N,rate=auto|R0) [--qber LIST] [--frames N] " +
      `[--decoder ${DECODER_FLAG_VALUES}] [--json]`,
    summary: "Frame-error rate, iterations, decode time and efficiency versus QBER for a CSR " +
      "text matrix or a mother code of the cached family.",
    flags: {
      matrix: str({ path: "read-file" }),
      code: str(),
      qber: str({ default: "0.02,0.04,0.06,0.08,0.10" }),
      frames: str({ default: "100" }),
      decoder: str({ default: "spa-layered" }),
      iterations: str({ default: "50" }),
      "no-early-stop": bool({ default: false }),
      seed: str({ default: "1" }),
      alpha: str({ default: "0.8" }),
      "f-select": str({ default: "1.16" }),
      modulation: str({ default: "0.1" }),
      leakage: str({ default: "elkouss" }),
      "codes-dir": str({ default: "codes", path: "write-dir" }),
      json: bool({ default: false }),
    },
  },
  calibrate: {
    file: "tasks/calibrate.ts",
    usage: "[--length N] [--qber LIST] [--f-grid LIST|LO:STEP:HI] [--frames N] [--target-fer P] " +
      "[--confidence C] [--decoder NAME] [--family caligo|de-bsc] [--rates LIST] [--codes-dir DIR] " +
      "[--jobs J] [--dry] [--json]",
    summary: "Per QBER, the smallest f on the grid whose frames reach FER ≤ target, baseline " +
      "and blind; cached beside the codes as <id>.calibration.json (explore, codes and " +
      "simulate make it on their own when missing).",
    flags: {
      ...FAMILY_FLAGS,
      qber: str({ default: CALIBRATION.qber.join(",") }),
      "f-grid": str({ default: "1:0.02:3" }),
      frames: str({ default: String(RECONCILIATION.calibration_frames) }),
      "target-fer": str({ default: String(CALIBRATION.targetFer) }),
      confidence: str({ default: String(CALIBRATION.confidence) }),
      seed: str({ default: String(CALIBRATION.seed) }),
      dry: bool({ default: false }),
      json: bool({ default: false }),
    },
  },
  "lse-bench": {
    file: "tasks/lse_bench.ts",
    usage: "[--problem branin|hartmann6] [--q N] [--seeds N] [--budget N] [--init N] " +
      "[--method M]... [--json]",
    summary: "Level-set estimation benchmarks (Branin, −Hartmann-6): F1 versus evaluations.",
    flags: {
      problem: str({ default: "hartmann6" }),
      q: str(),
      seeds: str(),
      budget: str(),
      init: str(),
      method: str({ multiple: true }),
      pool: str(),
      "eval-pool": str(),
      json: bool({ default: false }),
    },
  },
  "cliff-bench": {
    file: "tasks/cliff_bench.ts",
    usage: "[--budget 2000] [--seeds 5] [--test-points 20000] [--noise SIGMA] [--method NAME]... " +
      "[--phase1-fraction 0.5] [--restarts R] [--batch Q] [--config PATH] [--workers N] " +
      "[--work-dir DIR] [--json]",
    summary: "Ground-truth cliff benchmark: the campaign's Phase 1 → 2 → 3 against the exact " +
      "expected margin, F1 of the final boundary on test points that never enter training " +
      "(methods: default, sobol, caligo, with_skipped, timse).",
    flags: {
      budget: str({ default: "2000" }),
      seeds: str({ default: "5" }),
      "test-points": str({ default: "20000" }),
      noise: str({ default: "0" }),
      method: str({ multiple: true }),
      "phase1-fraction": str({ default: "0.5" }),
      restarts: str(),
      batch: str(),
      config: str({ default: "configs/qia_challenge.yaml", path: "read-file" }),
      workers: str({ default: "2" }),
      "work-dir": str({ default: "out/cliff-bench", path: "write-dir" }),
      json: bool({ default: false }),
    },
    configFlag: "config",
    configPaths: [{ key: "simulation.reconciliation.codes_dir" }],
    ffi: true,
  },
} satisfies Record<string, TaskSpec>;

/** A task name of {@link TASKS}. */
export type TaskName = keyof typeof TASKS;
