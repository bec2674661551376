/**
 * The store of a campaign run (docs/campaign.md §7): created with the run's root attributes, or
 * reopened for a resume after checking that it was made by this configuration and simulator,
 * falling back to the backup when the main file is damaged (§7.3); the shard it belongs to
 * (§7.5) and the Phase-1 checkpoint compared with the committed rows (§7.4).
 * @module
 */
import { FileFormatError } from "../../errors.ts";
import { CampaignDirError, type CampaignPaths } from "../../io/campaign_dir.ts";
import { type Phase1Checkpoint, readCheckpointSync } from "../../io/checkpoint.ts";
import type { CampaignConfig } from "../../io/config.ts";
import { readRootAttributes } from "../../io/store/reader.ts";
import { type RootAttributes, SCHEMA_VERSION } from "../../io/store/schema.ts";
import { CampaignStore } from "../../io/store/writer.ts";
import type { Logger } from "../../io/log.ts";
import { pathExistsSync } from "../../io/path_exists.ts";
import { keyModelOf } from "../../science/key_model.ts";
import {
  compareCheckpoint,
  parseShardText,
  phase1ResumeState,
  type ShardSpec,
  shardText,
} from "../store/resume.ts";
import type { CampaignSettings } from "../settings.ts";
import { StoreSession } from "../store/store_session.ts";
import { parseWriteFaults } from "../store/write_faults.ts";
import { type CampaignRunOptions, SOFTWARE_VERSION } from "./run_options.ts";
import type { RunDirectory } from "./setup.ts";

/** `simulator_version` of campaigns run with the fake simulator. */
export const FAKE_SIMULATOR_VERSION = "fake/2";

/** `simulator_version` of each simulator (bumped when a row of the same seed changes). */
const SIMULATOR_VERSIONS = {
  real: "caligo-ts/protocol-3",
  fake: FAKE_SIMULATOR_VERSION,
  expected: "caligo-ts/expected-1",
} as const;

/** The run's store session and, in shard mode, its shard. */
export interface RunStore {
  session: StoreSession;
  shard: ShardSpec | undefined;
}

/**
 * Create the store of a fresh run, or check and reopen the store of a resumed one.
 * @throws CampaignDirError (exit 2) when a resumed store belongs to another config, simulator
 *   or shard; nothing is modified then
 */
export async function openRunStore(
  o: CampaignRunOptions,
  run: RunDirectory,
  settings: CampaignSettings,
  log: Logger,
): Promise<RunStore> {
  const { paths, resolved } = run;
  const resumed = o.continueFrom !== undefined;
  // checked read-only first, so that a refused store is not touched (checkResumedStore repeats it
  // on the file actually reopened, which may be the backup)
  const attrs = resumed ? await readRootAttributes(paths.store) : null;
  if (attrs !== null) checkRunIdentity((name) => attrs[name], run);
  const store = resumed
    ? await reopenStore(paths, attrs ?? {}, log)
    : await CampaignStore.create(paths.store, rootAttributes(resolved.config, resolved, o.shard));
  let shard: ShardSpec | undefined;
  try {
    shard = shardOf(settings, resumed ? storedShard(store, paths.dir, o.shard) : o.shard);
  } catch (e) {
    store.close();
    throw e;
  }
  if (shard) log.info(`shard ${shardText(shard)}: Phase 1 only (docs/campaign.md §7.5)`);
  const faults = parseWriteFaults(o.env.CALIGO_TEST_WRITE_FAULTS);
  return { session: new StoreSession(paths.store, store, faults), shard };
}

/**
 * The reopened store of a resume: made by this config and simulator; the notes of the Phase-1
 * checkpoint against the committed rows are logged as warnings.
 */
export function checkResumedStore(run: RunDirectory, s: RunStore, log: Logger): void {
  const store = s.session.store;
  checkRunIdentity((name) => store.rootAttribute(name), run);
  const ckpt = readCheckpointSync<Phase1Checkpoint>(
    run.paths.phase1Checkpoint,
    "caligo-ts/phase1-checkpoint/1",
  );
  if (!ckpt) return;
  const c = store.committedOutcomes("lhs_warmup");
  const state = phase1ResumeState(c.sampleId, c.outcomeCode, s.shard);
  for (const note of compareCheckpoint(ckpt, state, run.resolved.sha256)) log.warn(note);
}

function rootAttributes(
  config: CampaignConfig,
  resolved: { yaml: string; sha256: string },
  shard: { index: number; count: number } | undefined,
): RootAttributes {
  const sim = config.simulation, rec = sim.reconciliation;
  const attributes: RootAttributes = {
    schema_version: SCHEMA_VERSION,
    software_version: SOFTWARE_VERSION,
    simulator_version: SIMULATOR_VERSIONS[sim.simulator],
    created_utc: new Date().toISOString(),
    campaign_seed: config.execution.random_seed,
    config_yaml: resolved.yaml,
    config_sha256: resolved.sha256,
    bounds_json: JSON.stringify(config.bounds),
    link_model: sim.link_model,
    key_model: sim.key_model,
    leakage: sim.leakage,
    num_pairs_convention: keyModelOf(sim.key_model).numPairsConvention,
    codes_id: sim.simulator !== "real"
      ? "none"
      : `n${rec.code_length}-${rec.mother_rates.join(",")}${
        rec.code_family === "caligo" ? "" : `-${rec.code_family}`
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
  return shard === undefined ? attributes : { ...attributes, shard: shardText(shard) };
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
async function reopenStore(
  paths: CampaignPaths,
  attrs: Record<string, string | number>,
  log: Logger,
): Promise<CampaignStore> {
  try {
    const { store, truncated, cleanlyClosed } = await CampaignStore.openForAppend(
      paths.store,
      { verify: true },
    );
    if (!cleanlyClosed && pathExistsSync(paths.storeBackup)) {
      store.close();
      return await restoreCheckpointCopy(paths, log);
    }
    for (const [g, n] of Object.entries(truncated)) {
      if (n > 0) log.warn(`/${g}: dropped ${n} uncommitted rows left by a crash`);
    }
    return store;
  } catch (e) {
    if (!(e instanceof FileFormatError)) throw e;
    if (attrs.writer_open === 1 && !pathExistsSync(paths.storeBackup)) {
      return await startStoreAgain(paths, attrs, e, log);
    }
    return await restoreBackup(paths, e, log);
  }
}

/**
 * A writer killed before its first checkpoint left damaged rows (HDF5 has no crash consistency)
 * and no checkpoint copy: the store is kept aside and started again with its root attributes, and
 * every row is recomputed from its seed (docs/faults.md). A store damaged at rest (closed cleanly)
 * is refused instead, since its rows may be the only copy of a long run.
 */
async function startStoreAgain(
  paths: CampaignPaths,
  attrs: Record<string, string | number>,
  error: FileFormatError,
  log: Logger,
): Promise<CampaignStore> {
  const aside = `${paths.store}.crashed-${Date.now()}`;
  Deno.renameSync(paths.store, aside);
  log.warn(
    `${error.message}; its writer was killed before the first checkpoint: kept it as ${aside} ` +
      `and starting the store again (its rows are recomputed)`,
  );
  const { writer_open: _, ...root } = attrs;
  return await CampaignStore.create(paths.store, root as unknown as RootAttributes);
}

/**
 * The writer died with the file open: HDF5 has no crash consistency, so even committed chunks may
 * be damaged. The checkpoint copy was made from a closed file; the rows after it are recomputed
 * deterministically.
 */
async function restoreCheckpointCopy(paths: CampaignPaths, log: Logger): Promise<CampaignStore> {
  const aside = `${paths.store}.crashed-${Date.now()}`;
  Deno.renameSync(paths.store, aside);
  Deno.copyFileSync(paths.storeBackup, paths.store);
  log.warn(
    `${paths.store} was not closed by its writer (killed?); kept it as ${aside} and ` +
      `resuming from the last checkpoint copy (later rows are recomputed)`,
  );
  return (await CampaignStore.openForAppend(paths.store, { verify: true })).store;
}

/** The main file is unreadable or damaged: use the backup if it passes the same check. */
async function restoreBackup(
  paths: CampaignPaths,
  error: FileFormatError,
  log: Logger,
): Promise<CampaignStore> {
  let backupOk = false;
  try {
    (await CampaignStore.openForAppend(paths.storeBackup, { verify: true })).store.close();
    backupOk = true;
  } catch { /* no usable backup */ }
  if (!backupOk) throw error;
  const aside = `${paths.store}.corrupt-${Date.now()}`;
  try {
    Deno.renameSync(paths.store, aside);
    log.warn(`${error.message}; moved it to ${aside} and resuming from the backup`);
  } catch (renameError) {
    if (!(renameError instanceof Deno.errors.NotFound)) throw renameError;
    log.warn(`${paths.store} is missing; resuming from the backup`);
  }
  Deno.copyFileSync(paths.storeBackup, paths.store);
  return (await CampaignStore.openForAppend(paths.store)).store;
}

/**
 * A resumed store must have been made with this config and this simulator version.
 * @throws CampaignDirError (exit 2) naming the difference
 */
function checkRunIdentity(
  attribute: (name: string) => string | number | undefined,
  run: RunDirectory,
): void {
  const { paths, resolved } = run;
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

/** The shard with the design's pairing mode, or undefined. */
function shardOf(
  settings: CampaignSettings,
  shard: { index: number; count: number } | undefined,
): ShardSpec | undefined {
  return shard === undefined
    ? undefined
    : { ...shard, paired: settings.design.strategy === "paired" };
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
