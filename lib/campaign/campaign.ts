/**
 * A campaign run as `deno task explore` starts it (docs/campaign.md §1, §11): choose or check the
 * campaign directory, resolve and store the configuration, create or reopen the HDF5 store
 * (falling back to the backup when the main file is unreadable, §7.3), run the phases that exist
 * and return a summary. Phases 2, 3 and post-processing are reported as not available until they
 * are wired in. The caller (a task) maps the result to an exit code and calls `Deno.exit`.
 * @module
 */
import { stringify } from "yaml";
import { ConfigError, FileFormatError, UsageError } from "../errors.ts";
import { sha256, toHex } from "../kernels/sha256.ts";
import {
  CampaignDirError,
  type CampaignPaths,
  defaultOutputDir,
  prepareFreshCampaignDir,
  requireCampaignDir,
} from "../io/campaign_dir.ts";
import {
  type Phase1Checkpoint,
  readCheckpointSync,
  writeFileAtomicSync,
} from "../io/checkpoint.ts";
import { type CampaignConfig, loadConfig, parseConfig } from "../io/config.ts";
import {
  CampaignStore,
  readRootAttributes,
  type RootAttributes,
  SCHEMA_VERSION,
} from "../io/hdf5_store.ts";
import { createLogger, type Logger } from "../io/log.ts";
import { createProgress } from "../io/progress.ts";
import { createPhase1Design } from "./design.ts";
import { type Phase1Summary, runPhase1, type StopToken } from "./phase1.ts";
import { campaignPrefilter, createRowRounds } from "./prefilter_adapter.ts";
import {
  compareCheckpoint,
  parseShardText,
  phase1ResumeState,
  type ShardSpec,
  shardTargetSamples,
  shardText,
} from "./resume.ts";
import type { SimulateTask } from "./sample_rows.ts";
import type { SimWorkerInit, SimWorkerResult } from "./sim_worker.ts";
import { parseFakeFaults } from "./fake_faults.ts";
import { StoreSession } from "./store_session.ts";
import { parseWriteFaults } from "./write_faults.ts";
import { WorkerPool } from "./worker_pool.ts";
import { loadOrBuildCodeFamily } from "../io/code_cache.ts";
import { copyBackCampaignSync } from "../io/copy_back.ts";
import type { ReconciliationCalibration } from "../reconciliation/calibration.ts";
import type { CodeFamily } from "../reconciliation/code_family.ts";
import type { ReconciliationOptions } from "../reconciliation/types.ts";
import { cachedCalibration, describeCalibration, ensureCalibration } from "./calibration_builds.ts";
import { buildCodesInParallel } from "./code_builds.ts";
import { acquireCampaignLock, type CampaignLock } from "./campaign_lock.ts";
import { runPostprocess } from "../report/postprocess.ts";
import type { Strategy, TwinLandscape } from "../surrogate/twin_landscape.ts";
import type { HoldoutScore, HoldoutScores } from "./holdout_scores.ts";
import type { StrategyMetrics, TwinFit } from "./phase2.ts";
import { type CampaignSettings, resolveCampaign } from "./settings.ts";
import { keyModelOf } from "../science/key_model.ts";
import {
  campaignLinalg,
  loadPhase2Model,
  runPhase2Stage,
  runPhase3Stage,
} from "./surrogate_stages.ts";
import { campaignWorkerUrl } from "./worker_url.ts";
import { pathExistsSync } from "../io/path_exists.ts";

/** Software version stored in the HDF5 root attributes. */
export const SOFTWARE_VERSION = "caligo-ts 0.1.0";
/** `simulator_version` of campaigns run with the fake simulator. */
export const FAKE_SIMULATOR_VERSION = "fake/2";

/** `simulator_version` of each simulator (bumped when a row of the same seed changes). */
const SIMULATOR_VERSIONS = {
  real: "caligo-ts/protocol-2",
  fake: FAKE_SIMULATOR_VERSION,
  expected: "caligo-ts/expected-1",
} as const;
/** Commit at least every 30 s when rows are waiting (docs/campaign.md §5.3). */
export const COMMIT_INTERVAL_MS = 30_000;

/** Options of {@link runCampaign} (the flags of docs/campaign.md §11.1). */
export interface CampaignRunOptions {
  configPath: string;
  /** Whether `--config` was given explicitly. */
  configExplicit: boolean;
  env: Record<string, string | undefined>;
  outputDir?: string;
  continueFrom?: string;
  seed?: number;
  workers?: number;
  skipPhase1: boolean;
  skipPhase2: boolean;
  skipPhase3: boolean;
  skipPostprocess: boolean;
  validate: boolean;
  verbose: boolean;
  stop: StopToken;
  /** Bootstrap logger (stderr) used until the campaign log file exists. */
  log: Logger;
  /** Worker module, overridable for bundles. */
  workerUrl?: URL;
  /** Log to the campaign's log file only, not to stderr (benchmarks running many campaigns). */
  quiet?: boolean;
  /** Synthetic work of the fake simulator (benchmarks), draws per pair. */
  fakeDrawsPerPair?: number;
  /**
   * `--shard I/K` (docs/campaign.md §7.5): Phase 1 only, for the shard's ids. On a resume it must match
   * the store's `shard` attribute, which is used when the flag is left out.
   */
  shard?: { index: number; count: number };
  /**
   * `--shard-target N`: executed rows this shard aims for instead of
   * ⌈1.25 · num_samples / K⌉ + 2 (to extend a shard the merge found too short).
   */
  shardTarget?: number;
  /**
   * `--copy-back DIR`: after every Phase 1 checkpoint, copy the campaign (closed store, checkpoint,
   * log) to DIR atomically (lib/io/copy_back.ts), e.g. from node scratch to the shared file
   * system, so a node that dies loses at most one checkpoint interval.
   */
  copyBackDir?: string;
}

/** How the run ended. */
export type CampaignStatus =
  | "complete"
  | "validated"
  | "stopped"
  | "pool_exhausted"
  | "design_exhausted";

/** Machine-readable result of a run (the JSON summary on stdout). */
export interface CampaignRunResult {
  status: CampaignStatus;
  stopReason: string | null;
  outputDir: string | null;
  resumed: boolean;
  phasesRun: string[];
  phasesSkipped: Record<string, string>;
  phase1?: Omit<Phase1Summary, "workers"> & { workers: Phase1Summary["workers"] };
  /** Phase 3: how it ended and the boundary F1 after each iteration (holdout, else stability). */
  phase3?: { status: string; iterations: number; samples: number; f1History: number[] };
  /** Phase 2 validation per strategy (R² and RMSE of the target on simulated rows). */
  phase2?: Partial<Record<Strategy, { validationR2: number | null; rmse: number | null }>>;
  /** The final model's boundary check on the holdout, per strategy (F1 null: a class missing). */
  holdout?: Partial<
    Record<Strategy, { f1: number | null; positives: number; negatives: number }>
  >;
  plan?: Record<string, unknown>;
}

/** The --skip-phase1 flag was given but there is no store to continue with (exit 1). */
export class MissingStoreError extends CampaignDirError {}

function withOverrides(
  loaded: { config: CampaignConfig; yaml: string; sha256: string },
  seed: number | undefined,
  workers: number | undefined,
): { config: CampaignConfig; yaml: string; sha256: string } {
  if (seed === undefined && workers === undefined) return loaded;
  const config = structuredClone(loaded.config);
  if (seed !== undefined) config.execution.random_seed = seed;
  if (workers !== undefined) config.execution.num_workers = workers;
  const yaml = stringify(config, { lineWidth: 0 });
  return { config, yaml, sha256: toHex(sha256(yaml)) };
}

function rootAttributes(config: CampaignConfig, yaml: string, sha: string): RootAttributes {
  const sim = config.simulation;
  return {
    schema_version: SCHEMA_VERSION,
    software_version: SOFTWARE_VERSION,
    simulator_version: SIMULATOR_VERSIONS[sim.simulator],
    created_utc: new Date().toISOString(),
    campaign_seed: config.execution.random_seed,
    config_yaml: yaml,
    config_sha256: sha,
    bounds_json: JSON.stringify(config.bounds),
    link_model: sim.link_model,
    key_model: sim.key_model,
    leakage: sim.leakage,
    num_pairs_convention: keyModelOf(sim.key_model).numPairsConvention,
    codes_id: sim.simulator !== "real"
      ? "none"
      : `n${sim.reconciliation.code_length}-${sim.reconciliation.mother_rates.join(",")}${
        sim.reconciliation.code_family === "caligo" ? "" : `-${sim.reconciliation.code_family}`
      }`,
    blas_backend: "none (Phase 1 uses no BLAS)",
    compat_flags_json: JSON.stringify({
      detector_error: sim.detector_error,
      key_model: sim.key_model,
      leakage: sim.leakage,
      prefilter_rule: config.phase1.prefilter.rule,
      fidelity_marginal: config.phase1.design.fidelity_marginal,
    }),
  };
}

const finiteOrNull = (v: number) => Number.isFinite(v) ? v : null;

/** The JSON summary's `phase2` entry: validation R² and RMSE per fitted strategy. */
function phase2Summary(fit: TwinFit): CampaignRunResult["phase2"] {
  const out: CampaignRunResult["phase2"] = {};
  for (const [s, m] of Object.entries(fit.metrics) as [Strategy, StrategyMetrics][]) {
    out[s] = { validationR2: finiteOrNull(m.r2), rmse: finiteOrNull(m.rmse) };
  }
  return out;
}

/** The JSON summary's `holdout` entry. */
function holdoutSummary(h: HoldoutScores): CampaignRunResult["holdout"] {
  const out: CampaignRunResult["holdout"] = {};
  for (const [s, v] of Object.entries(h.byStrategy) as [Strategy, HoldoutScore][]) {
    out[s] = { f1: finiteOrNull(v.f1), positives: v.positives, negatives: v.negatives };
  }
  return out;
}

/**
 * Open the store for a resume; when unreadable, move it aside and use the backup (§7.3). Every
 * committed row of every group and matrix is read and checked against the checksums of the last
 * commit before the file is opened for writing (lib/io/store_checksums.ts): a crash during a
 * commit can leave a chunk that the file's index points to but that was never completely
 * written, and a disk can flip a bit, so a store that opens can still hold damaged rows. Such a
 * store is treated like one that does not open (the backup is used when it passes the same
 * check), and is never modified.
 */
async function reopenStore(paths: CampaignPaths, log: Logger): Promise<CampaignStore> {
  const verify = { verify: true };
  try {
    const { store, truncated, cleanlyClosed } = await CampaignStore.openForAppend(
      paths.store,
      verify,
    );
    if (!cleanlyClosed && pathExistsSync(paths.storeBackup)) {
      // The writer died with the file open: HDF5 has no crash consistency, so even committed
      // chunks may be damaged. The checkpoint copy was made from a closed file; the rows after
      // it are recomputed deterministically.
      store.close();
      const aside = `${paths.store}.crashed-${Date.now()}`;
      Deno.renameSync(paths.store, aside);
      Deno.copyFileSync(paths.storeBackup, paths.store);
      log.warn(
        `${paths.store} was not closed by its writer (killed?); kept it as ${aside} and ` +
          `resuming from the last checkpoint copy (later rows are recomputed)`,
      );
      return (await CampaignStore.openForAppend(paths.store, verify)).store;
    }
    for (const [g, n] of Object.entries(truncated)) {
      if (n > 0) log.warn(`/${g}: dropped ${n} uncommitted rows left by a crash`);
    }
    return store;
  } catch (e) {
    if (!(e instanceof FileFormatError)) throw e;
    let backupOk = false;
    try {
      (await CampaignStore.openForAppend(paths.storeBackup, verify)).store.close();
      backupOk = true;
    } catch { /* no usable backup */ }
    if (!backupOk) throw e;
    const aside = `${paths.store}.corrupt-${Date.now()}`;
    try {
      Deno.renameSync(paths.store, aside);
      log.warn(`${e.message}; moved it to ${aside} and resuming from the backup`);
    } catch (renameError) {
      if (!(renameError instanceof Deno.errors.NotFound)) throw renameError;
      log.warn(`${paths.store} is missing; resuming from the backup`);
    }
    Deno.copyFileSync(paths.storeBackup, paths.store);
    return (await CampaignStore.openForAppend(paths.store)).store;
  }
}

/**
 * Run a campaign; see the module documentation. The writer lock of the campaign directory
 * (lib/campaign/campaign_lock.ts) is held from before the first write to the return, and
 * released on every way out (errors, stops, checkpoint exits).
 * @throws CampaignLockedError (a CampaignDirError) if another live process writes the directory
 */
export async function runCampaign(o: CampaignRunOptions): Promise<CampaignRunResult> {
  const held: { lock: CampaignLock | null } = { lock: null };
  try {
    return await runLocked(o, held);
  } finally {
    held.lock?.release();
  }
}

function lockDir(dir: string, log: Logger): CampaignLock {
  return acquireCampaignLock(dir, {
    owner: "explore",
    onTakeover: (stale, why) =>
      log.warn(
        `${dir}: took over a stale lock${
          stale ? ` of pid ${stale.pid} on ${stale.host}` : ""
        } (${why})`,
      ),
    onLost: (holder) =>
      log.warn(
        `${dir}: the campaign lock was taken over by ${
          holder ? `pid ${holder.pid} on ${holder.host}` : "another process"
        } (this process stalled past the stale limit); stop this run`,
      ),
  });
}

/**
 * A resumed store must have been made with this config and this simulator version.
 * @throws CampaignDirError (exit 2) naming the difference
 */
function checkRunIdentity(
  attribute: (name: string) => string | number | undefined,
  paths: CampaignPaths,
  resolved: { config: CampaignConfig; sha256: string },
): void {
  const stored = attribute("config_sha256");
  if (stored !== resolved.sha256) {
    throw new CampaignDirError(
      paths.dir,
      `${paths.config} does not match the store (config_sha256 ${stored}); it was edited`,
    );
  }
  const storedSimulator = attribute("simulator_version");
  const simulator = SIMULATOR_VERSIONS[resolved.config.simulation.simulator];
  if (storedSimulator !== simulator) {
    throw new CampaignDirError(
      paths.dir,
      `the store was made by simulator ${storedSimulator}, this software runs ${simulator}; ` +
        "its rows cannot be continued (start a new campaign)",
    );
  }
}

/** `--copy-back DIR` must not be the campaign directory itself. */
function checkCopyBack(copyBackDir: string | undefined, dir: string): void {
  const norm = (p: string) => p.replace(/\/+$/, "");
  if (copyBackDir !== undefined && norm(copyBackDir) === norm(dir)) {
    throw new UsageError("--copy-back: must differ from the campaign directory it copies");
  }
}

async function runLocked(
  o: CampaignRunOptions,
  held: { lock: CampaignLock | null },
): Promise<CampaignRunResult> {
  let log = o.log;
  const resumed = o.continueFrom !== undefined;
  let paths: CampaignPaths;
  let resolved: { config: CampaignConfig; yaml: string; sha256: string };
  if (resumed) {
    if (o.seed !== undefined) {
      throw new ConfigError(
        "--seed",
        o.seed,
        "applies to fresh runs only, not with --continue-from",
      );
    }
    paths = requireCampaignDir(o.continueFrom!);
    checkCopyBack(o.copyBackDir, paths.dir);
    if (!o.validate) held.lock = lockDir(paths.dir, log);
    const text = Deno.readTextFileSync(paths.config);
    const parsed = parseConfig(text, o.env, paths.config);
    resolved = { config: parsed.config, yaml: text, sha256: toHex(sha256(text)) };
    if (o.configExplicit) {
      log.warn(`--config ${o.configPath} ignored: resuming with ${paths.config}`);
    }
    if (o.workers !== undefined) resolved.config.execution.num_workers = o.workers;
  } else {
    const loaded = await loadConfig(o.configPath, o.env);
    for (const w of loaded.warnings) log.warn(w);
    resolved = withOverrides(loaded, o.seed, o.workers);
    const dir = o.outputDir ?? defaultOutputDir(resolved.config.output, new Date());
    checkCopyBack(o.copyBackDir, dir);
    if (o.validate) {
      return {
        status: "validated",
        stopReason: null,
        outputDir: dir,
        resumed,
        phasesRun: [],
        phasesSkipped: {},
        plan: planOf(resolved.config, dir, o, shardOf(resolved.config, o.shard)),
      };
    }
    if (o.skipPhase1) {
      throw new MissingStoreError(
        dir,
        "--skip-phase1 needs an existing store; use --continue-from DIR",
      );
    }
    paths = prepareFreshCampaignDir(dir);
    held.lock = lockDir(paths.dir, log);
    writeFileAtomicSync(paths.config, new TextEncoder().encode(resolved.yaml));
  }
  const config = resolved.config;
  const settings = resolveCampaign(config);
  if (o.validate) {
    return {
      status: "validated",
      stopReason: null,
      outputDir: paths.dir,
      resumed,
      phasesRun: [],
      phasesSkipped: {},
      plan: planOf(config, paths.dir, o, shardOf(config, o.shard)),
    };
  }
  const fileLog = createLogger({
    level: o.verbose ? "DEBUG" : settings.execution.logLevel,
    file: paths.log,
    name: "explore",
    stderr: !o.quiet,
  });
  log = fileLog;
  log.info(`campaign directory: ${paths.dir}${resumed ? " (resuming)" : ""}`);
  if (resumed) {
    // checked read-only first, so that a refused store is not touched (the check below repeats
    // it on the file actually reopened, which may be the backup)
    const attrs = await readRootAttributes(paths.store);
    if (attrs !== null) {
      try {
        checkRunIdentity((name) => attrs[name], paths, resolved);
      } catch (e) {
        fileLog.close();
        throw e;
      }
    }
  }
  const store = resumed ? await reopenStore(paths, log) : await CampaignStore.create(
    paths.store,
    o.shard === undefined
      ? rootAttributes(config, resolved.yaml, resolved.sha256)
      : { ...rootAttributes(config, resolved.yaml, resolved.sha256), shard: shardText(o.shard) },
  );
  let shard: ShardSpec | undefined;
  try {
    shard = shardOf(config, resumed ? storedShard(store, paths.dir, o.shard) : o.shard);
  } catch (e) {
    store.close();
    fileLog.close();
    throw e;
  }
  if (shard) log.info(`shard ${shardText(shard)}: Phase 1 only (docs/campaign.md §7.5)`);
  const session = new StoreSession(
    paths.store,
    store,
    parseWriteFaults(o.env.CALIGO_TEST_WRITE_FAULTS),
  );
  const result: CampaignRunResult = {
    status: "complete",
    stopReason: null,
    outputDir: paths.dir,
    resumed,
    phasesRun: [],
    phasesSkipped: {},
  };
  try {
    if (resumed) {
      checkRunIdentity((name) => store.rootAttribute(name), paths, resolved);
      const ckpt = readCheckpointSync<Phase1Checkpoint>(
        paths.phase1Checkpoint,
        "caligo-ts/phase1-checkpoint/1",
      );
      if (ckpt) {
        const c = store.committedOutcomes("lhs_warmup");
        for (
          const note of compareCheckpoint(
            ckpt,
            phase1ResumeState(c.sampleId, c.outcomeCode, shard),
            resolved.sha256,
          )
        ) {
          log.warn(note);
        }
      }
    }
    const pools = new PoolHolder(settings, o, log, session);
    try {
      if (o.skipPhase1) {
        result.phasesSkipped.phase1 = "--skip-phase1";
      } else {
        const summary = await runPhase1Stage(
          settings,
          resolved.sha256,
          session,
          paths,
          o,
          log,
          await pools.get(),
          shard,
        );
        result.phase1 = summary;
        result.phasesRun.push("phase1");
        if (summary.status !== "complete") {
          result.status = summary.status;
          result.stopReason = summary.stopReason;
        }
      }
      if (shard) {
        const note = `shard mode (--shard ${shardText(shard)}): Phase 1 only; run ` +
          "'deno task merge' on the campaign directory, then Phases 2–3 on the merged store";
        result.phasesSkipped.phase2 = note;
        result.phasesSkipped.phase3 = note;
        log.info(note);
      }
      const proceed = () =>
        result.status === "complete" && o.stop.reason === null && shard === undefined;
      let twin: TwinLandscape | null = null;
      let la: Awaited<ReturnType<typeof campaignLinalg>> | null = null;
      if (proceed() && !(o.skipPhase2 && o.skipPhase3)) {
        la = await campaignLinalg(settings.execution, log);
      }
      if (o.skipPhase2) {
        result.phasesSkipped.phase2 = "--skip-phase2";
        if (!o.skipPhase3 && la) twin = await loadPhase2Model(paths, la.linalg);
      } else if (proceed() && la) {
        const fit = await runPhase2Stage(
          settings.phase2,
          resolved.sha256,
          SOFTWARE_VERSION,
          session,
          paths,
          la.linalg,
          log,
        );
        twin = fit.twin;
        result.phase2 = phase2Summary(fit);
        result.phasesRun.push("phase2");
      }
      if (o.skipPhase3) {
        result.phasesSkipped.phase3 = "--skip-phase3";
      } else if (proceed() && twin && la) {
        const summary = await runPhase3Stage({
          settings,
          configSha256: resolved.sha256,
          softwareVersion: SOFTWARE_VERSION,
          twin,
          session,
          paths,
          pool: await pools.get(),
          linalg: la.linalg,
          stop: o.stop,
          log,
        });
        result.phasesRun.push("phase3");
        result.phase3 = {
          status: summary.status,
          iterations: summary.iterations,
          samples: summary.samples,
          f1History: summary.f1History,
        };
        if (summary.holdout) result.holdout = holdoutSummary(summary.holdout);
        if (summary.status === "stopped") {
          result.status = "stopped";
          result.stopReason = o.stop.reason;
        }
      }
      la?.close();
      if (result.status === "complete" && o.stop.reason !== null && shard === undefined) {
        // a signal during Phase 2 (or between phases): the phases after it did not run, so the
        // run is stopped, not complete (exit 143/75/130 and a resume, issue #18)
        result.status = "stopped";
        result.stopReason = o.stop.reason;
      }
    } finally {
      const abandoned = await pools.close();
      if (abandoned > 0) log.warn(`${abandoned} workers did not stop; the process exits anyway`);
    }
  } finally {
    session.close();
  }
  try {
    if (shard) {
      result.phasesSkipped.postprocess = `shard mode (--shard ${shardText(shard)})`;
    } else if (o.skipPostprocess) {
      result.phasesSkipped.postprocess = "--skip-postprocess";
    } else if (!settings.postprocess.enabled) {
      result.phasesSkipped.postprocess = "report, tables and visualization disabled in the config";
    } else if (result.status === "complete" && o.stop.reason === null) {
      const t0 = performance.now();
      const post = await runPostprocess(paths.dir, config, log, {
        shouldStop: () => o.stop.reason !== null,
      });
      if (post.stopped) {
        // a signal during post-processing (issue #18): the report is incomplete, so the run is
        // stopped (exit 143/75/130) and --continue-from redoes the post-processing
        result.status = "stopped";
        result.stopReason = o.stop.reason;
        result.phasesSkipped.postprocess = `stopped by ${o.stop.reason}`;
        log.warn(`post-processing stopped by ${o.stop.reason}; --continue-from redoes it`);
        return result;
      }
      result.phasesRun.push("postprocess");
      log.info(
        `post-processing done in ${
          ((performance.now() - t0) / 1000).toFixed(1)
        } s: ${post.figures.length} figures, ${post.tables.length} tables${
          post.html ? `, ${post.html}` : ""
        }`,
      );
    }
  } finally {
    fileLog.close();
  }
  return result;
}

/** One worker pool for Phases 1 and 3, created on first use (codes built first, once). */
class PoolHolder {
  #pool: WorkerPool<SimulateTask, SimWorkerResult> | null = null;
  constructor(
    readonly settings: CampaignSettings,
    readonly o: CampaignRunOptions,
    readonly log: Logger,
    readonly session?: StoreSession,
  ) {}

  async get(): Promise<WorkerPool<SimulateTask, SimWorkerResult>> {
    if (this.#pool) return this.#pool;
    const { settings, o, log } = this;
    const ex = settings.execution, sim = settings.simulation;
    let calibration: ReconciliationCalibration | undefined;
    if (sim.simulator === "real") {
      // Build missing codes here, once, before the workers load them (a worker would otherwise
      // build them itself, in parallel with the others, past its init timeout).
      const t0 = performance.now();
      let built = 0;
      const reconciliation = sim.options.reconciliation;
      if (ex.numWorkers > 1) {
        // Long codes take minutes each: build the missing ones on the worker cores at once. The
        // workers are optional: if they fail, the codes still missing are built below, on this
        // thread (each code is seeded by its id, so they are the same codes).
        try {
          await buildCodesInParallel(
            reconciliation,
            sim.codesDir,
            ex.numWorkers,
            1,
            (r) => {
              built++;
              log.info(`LDPC code ${r.id} built in ${(r.ms / 1000).toFixed(1)} s (cached)`);
            },
          );
        } catch (e) {
          if (e instanceof Deno.errors.PermissionDenied) throw e;
          log.warn(`code build workers failed (${e}); building the missing codes on this thread`);
        }
      }
      const family = await loadOrBuildCodeFamily(
        reconciliation,
        sim.codesDir,
        {
          onCode: (r) => {
            if (r.source === "built") {
              built++;
              log.info(`LDPC code ${r.id} built in ${(r.ms / 1000).toFixed(1)} s (cached)`);
            }
          },
        },
      );
      if (built > 0) {
        log.info(`LDPC code family ready in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
      }
      calibration = await this.#calibrate(family, reconciliation);
    } else if (sim.simulator === "expected") {
      // The exact margin uses the family's calibrated efficiency when it is cached (never built).
      calibration = await cachedCalibration(sim.options.reconciliation, sim.codesDir) ??
        undefined;
      log.info(
        calibration
          ? `expected simulator: efficiency from calibration ${calibration.id}`
          : "expected simulator: no cached calibration of this code family; efficiency f_select",
      );
    }
    const init: SimWorkerInit = {
      simulation: sim,
      fakeDrawsPerPair: o.fakeDrawsPerPair,
      fakeFaults: parseFakeFaults(o.env.CALIGO_TEST_FAKE_FAULTS),
      calibration,
    };
    log.info(`starting ${ex.numWorkers} workers (${sim.simulator} simulator)`);
    this.#pool = await WorkerPool.create<SimulateTask, SimWorkerResult>({
      workerUrl: o.workerUrl ?? campaignWorkerUrl("sim_worker"),
      size: ex.numWorkers,
      initPayload: init,
      taskTimeoutMs: ex.taskTimeoutSeconds * 1000,
      initTimeoutMs: ex.workerInitTimeoutSeconds * 1000,
      maxRetries: ex.maxRetries,
      maxTasksPerChild: ex.maxTasksPerChild,
      maxHeapBytes: ex.memoryBudgetMb * 2 ** 20,
      onEvent: (m, level) => level === "debug" ? log.debug(m) : log.warn(m),
    });
    return this.#pool;
  }

  /**
   * The family's calibration (docs/science.md §9.10), loaded from the code cache or made now on the
   * worker cores; logged and recorded in the store's root attributes `calibration_id` and
   * `calibration_sha256`. A resumed store made with another calibration is refused.
   */
  async #calibrate(
    family: CodeFamily,
    reconciliation: ReconciliationOptions,
  ): Promise<ReconciliationCalibration> {
    const { settings, log, session } = this;
    const made = await ensureCalibration(
      family,
      reconciliation,
      settings.simulation.codesDir,
      { jobs: settings.execution.numWorkers },
    );
    const c = made.calibration;
    log.info(
      `calibration ${c.id} (sha256 ${c.sha256.slice(0, 12)}) ${
        made.source === "cache" ? "loaded" : "computed"
      } in ${(made.ms / 1000).toFixed(1)} s`,
    );
    for (const line of describeCalibration(c)) log.info(`calibration ${line}`);
    const unreachable = c.rows.filter((r) => !r.passed);
    if (unreachable.length > 0) {
      log.warn(
        `calibration: FER ≤ ${c.key.params.targetFer} not reached on the f grid at ` +
          unreachable.map((r) => `${r.strategy} q ${r.qber}`).join(", ") +
          " (the family's lowest rate is too high there)",
      );
    }
    if (session !== undefined) {
      const stored = session.store.rootAttribute("calibration_sha256");
      if (stored !== undefined && stored !== c.sha256) {
        throw new CampaignDirError(
          session.path,
          `the store was made with calibration sha256 ${stored}, the codes directory now has ` +
            `${c.id} (sha256 ${c.sha256}); restore the codes directory or start a new campaign`,
        );
      }
      if (stored === undefined) {
        session.store.setRootAttribute("calibration_id", c.id);
        session.store.setRootAttribute("calibration_sha256", c.sha256);
      }
    }
    return c;
  }

  /** Close the pool if it was created; returns the number of abandoned workers. */
  async close(): Promise<number> {
    return this.#pool ? await this.#pool.close() : 0;
  }
}

/** The shard with the design's pairing mode, or undefined. */
function shardOf(
  config: CampaignConfig,
  shard: { index: number; count: number } | undefined,
): ShardSpec | undefined {
  return shard === undefined
    ? undefined
    : { ...shard, paired: config.phase1.design.strategy === "paired" };
}

/**
 * The shard of a resumed store (root attribute `shard`): the flag, when given, must match it, and
 * a store without the attribute cannot be resumed as a shard.
 * @throws CampaignDirError on a mismatch (exit 2)
 */
function storedShard(
  store: CampaignStore,
  dir: string,
  flag: { index: number; count: number } | undefined,
): { index: number; count: number } | undefined {
  const attr = store.rootAttribute("shard");
  const stored = attr === undefined ? undefined : parseShardText(String(attr), "shard attribute");
  if (flag !== undefined && (stored === undefined || shardText(stored) !== shardText(flag))) {
    throw new CampaignDirError(
      dir,
      stored === undefined
        ? `--shard ${shardText(flag)}: this campaign was not run as a shard`
        : `--shard ${shardText(flag)} differs from the store's shard ${shardText(stored)}`,
    );
  }
  return stored;
}

async function runPhase1Stage(
  settings: CampaignSettings,
  configSha: string,
  session: StoreSession,
  paths: CampaignPaths,
  o: CampaignRunOptions,
  log: Logger,
  pool: WorkerPool<SimulateTask, SimWorkerResult>,
  shard?: ShardSpec,
): Promise<Phase1Summary> {
  const p1 = settings.phase1;
  // A shard walks the whole campaign's id range (the same design-point limit) but stops at its
  // own target of executed rows (docs/campaign.md §7.5).
  const numSamples = shard
    ? o.shardTarget ?? shardTargetSamples(p1.numSamples, shard.count)
    : p1.numSamples;
  const maxDesignPoints = shard && p1.maxDesignPoints <= 0
    ? 20 * p1.numSamples
    : p1.maxDesignPoints;
  const design = createPhase1Design(settings.design);
  session.store.setDesignJson("lhs_warmup", design.describe());
  try {
    const summary = await runPhase1({
      campaignSeed: settings.seed,
      configSha256: configSha,
      numSamples,
      commitBatchSize: p1.commitBatchSize,
      commitIntervalMs: COMMIT_INTERVAL_MS,
      checkpointInterval: p1.checkpointInterval,
      maxDesignPoints,
      maxInFlight: 2 * pool.size,
      memoryBudgetBytes: settings.execution.memoryBudgetMb * 2 ** 20,
      maxPairs: settings.simulation.options.maxPairs,
      simulatedRounds: createRowRounds(settings.simulation.options),
      design,
      prefilter: campaignPrefilter(settings),
      pool,
      session,
      checkpointPath: paths.phase1Checkpoint,
      stop: o.stop,
      log,
      progress: createProgress({
        label: shard ? `Phase 1 shard ${shardText(shard)}` : "Phase 1",
        total: numSamples,
      }),
      shard,
      onCheckpoint: o.copyBackDir === undefined ? undefined : () => {
        try {
          const c = copyBackCampaignSync(paths, o.copyBackDir!);
          log.debug(`copied back to ${o.copyBackDir} (${c.bytes} bytes, ${c.ms.toFixed(0)} ms)`);
        } catch (e) {
          if (e instanceof Deno.errors.NotCapable) throw e;
          log.warn(`copy-back to ${o.copyBackDir} failed (${(e as Error).message}); continuing`);
        }
      },
    });
    logSummary(summary, log);
    return summary;
  } finally {
    // the pool lives on for Phase 3 (closed by the caller)
  }
}

function logSummary(s: Phase1Summary, log: Logger): void {
  const failures = Object.entries(s.byOutcome).filter(([k, v]) => k !== "success" && v > 0)
    .map(([k, v]) => `${k} ${v}`).join(", ") || "none";
  log.info(
    `Phase 1 ${s.status}: ${s.executed} executed, ${s.skipped} skipped, ${s.rowsThisRun} rows this run in ` +
      `${s.wallSeconds.toFixed(1)} s (${
        s.samplesPerSecond.toFixed(1)
      } rows/s), worker utilisation ` +
      `${(100 * s.workerUtilisation).toFixed(0)}%, peak RSS ${s.peakRssMb.toFixed(0)} MB, store ` +
      `${
        (100 * s.storeFraction).toFixed(1)
      }% of wall time; outcomes other than success: ${failures}`,
  );
}

function planOf(
  config: CampaignConfig,
  dir: string,
  o: CampaignRunOptions,
  shard?: ShardSpec,
): Record<string, unknown> {
  if (shard) {
    return {
      output_dir: dir,
      workers: config.execution.num_workers,
      simulator: config.simulation.simulator,
      shard: shardText(shard),
      phase1: {
        num_samples: config.phase1.num_samples,
        shard_target: shardTargetSamples(config.phase1.num_samples, shard.count),
        commit_batch: config.phase1.batch_size,
        design: config.phase1.design,
        prefilter: config.phase1.prefilter,
      },
      phase2: "skip (shard mode)",
      phase3: "skip (shard mode)",
      postprocess: "skip (shard mode)",
    };
  }
  return {
    output_dir: dir,
    workers: config.execution.num_workers,
    simulator: config.simulation.simulator,
    phase1: o.skipPhase1 ? "skip" : {
      num_samples: config.phase1.num_samples,
      commit_batch: config.phase1.batch_size,
      design: config.phase1.design,
      prefilter: config.phase1.prefilter,
    },
    phase2: o.skipPhase2 ? "skip" : { target: config.phase2.target, gp: config.phase2.gp },
    phase3: o.skipPhase3 ? "skip" : {
      num_iterations: config.phase3.num_iterations,
      batch_size: config.phase3.batch_size,
      acquisition: config.phase3.acquisition,
      batch: config.phase3.batch,
      holdout: config.phase3.holdout.size,
    },
    postprocess: o.skipPostprocess ? "skip" : {
      tables: config.tables.enabled,
      figures: config.visualization.enabled,
      report: config.report.enabled,
    },
  };
}
