/**
 * The first step of a campaign run (docs/campaign.md §7, §11.2): the campaign directory and its
 * configuration. A fresh run loads `--config`, applies `--seed`/`--workers`, makes the directory
 * and saves `config.resolved.yaml`; a resumed run reads that file back (its hash is the store's
 * `config_sha256`). The writer lock is taken before the first write (lib/campaign/store/campaign_lock.ts).
 * @module
 */
import { stringify } from "yaml";
import { ConfigError, UsageError } from "../../errors.ts";
import { sha256, toHex } from "../../kernels/sha256.ts";
import {
  type CampaignPaths,
  defaultOutputDir,
  prepareFreshCampaignDir,
  requireCampaignDir,
} from "../../io/campaign_dir.ts";
import { writeFileAtomicSync } from "../../io/checkpoint.ts";
import { type CampaignConfig, loadConfig, parseConfig } from "../../io/config.ts";
import type { Logger } from "../../io/log.ts";
import { acquireCampaignLock, type CampaignLock } from "../store/campaign_lock.ts";
import { planOf } from "./plan.ts";
import {
  type CampaignRunOptions,
  type CampaignRunResult,
  emptyResult,
  MissingStoreError,
} from "./run_options.ts";

/** The configuration a run uses: validated, as YAML text, and that text's SHA-256. */
export interface ResolvedConfig {
  config: CampaignConfig;
  yaml: string;
  sha256: string;
}

/** The campaign directory and configuration of a run. */
export interface RunDirectory {
  paths: CampaignPaths;
  resolved: ResolvedConfig;
}

/** Holds the writer lock from its acquisition to the end of the run. */
export interface HeldLock {
  lock: CampaignLock | null;
}

/**
 * The run's directory and configuration, or with `--validate` the plan it would run.
 * @throws ConfigError, UsageError, CampaignDirError (exit 2); MissingStoreError (exit 1)
 */
export async function openRunDirectory(
  o: CampaignRunOptions,
  held: HeldLock,
): Promise<RunDirectory | CampaignRunResult> {
  const run = o.continueFrom !== undefined
    ? resumedDirectory(o, held)
    : await freshDirectory(o, held);
  if (!("paths" in run) || !o.validate) return run;
  return validatedResult(o, run.paths.dir, run.resolved.config);
}

/** `--continue-from DIR`: the directory's saved configuration, read back as it was written. */
function resumedDirectory(o: CampaignRunOptions, held: HeldLock): RunDirectory {
  if (o.seed !== undefined) {
    throw new ConfigError("--seed", o.seed, "applies to fresh runs only, not with --continue-from");
  }
  const paths = requireCampaignDir(o.continueFrom!);
  checkCopyBack(o.copyBackDir, paths.dir);
  if (!o.validate) held.lock = lockDir(paths.dir, o.log);
  const text = Deno.readTextFileSync(paths.config);
  const parsed = parseConfig(text, o.env, paths.config);
  const resolved = { config: parsed.config, yaml: text, sha256: toHex(sha256(text)) };
  if (o.configExplicit) {
    o.log.warn(`--config ${o.configPath} ignored: resuming with ${paths.config}`);
  }
  if (o.workers !== undefined) resolved.config.execution.num_workers = o.workers;
  return { paths, resolved };
}

/** A fresh run: `--config` with the flags' overrides, in a new directory. */
async function freshDirectory(
  o: CampaignRunOptions,
  held: HeldLock,
): Promise<RunDirectory | CampaignRunResult> {
  const loaded = await loadConfig(o.configPath, o.env);
  for (const w of loaded.warnings) o.log.warn(w);
  const resolved = withOverrides(loaded, o.seed, o.workers);
  const dir = o.outputDir ?? defaultOutputDir(resolved.config.output, new Date());
  checkCopyBack(o.copyBackDir, dir);
  if (o.validate) return validatedResult(o, dir, resolved.config);
  if (o.skipPhase1) {
    throw new MissingStoreError(
      dir,
      "--skip-phase1 needs an existing store; use --continue-from DIR",
    );
  }
  const paths = prepareFreshCampaignDir(dir);
  held.lock = lockDir(paths.dir, o.log);
  writeFileAtomicSync(paths.config, new TextEncoder().encode(resolved.yaml));
  return { paths, resolved };
}

/** The `--validate` answer: the plan, nothing written. */
function validatedResult(o: CampaignRunOptions, dir: string, config: CampaignConfig) {
  const plan = planOf(config, dir, o);
  return { ...emptyResult(dir, o.continueFrom !== undefined), status: "validated" as const, plan };
}

function withOverrides(
  loaded: ResolvedConfig,
  seed: number | undefined,
  workers: number | undefined,
): ResolvedConfig {
  if (seed === undefined && workers === undefined) return loaded;
  const config = structuredClone(loaded.config);
  if (seed !== undefined) config.execution.random_seed = seed;
  if (workers !== undefined) config.execution.num_workers = workers;
  const yaml = stringify(config, { lineWidth: 0 });
  return { config, yaml, sha256: toHex(sha256(yaml)) };
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

/** `--copy-back DIR` must not be the campaign directory itself. */
function checkCopyBack(copyBackDir: string | undefined, dir: string): void {
  const norm = (p: string) => p.replace(/\/+$/, "");
  if (copyBackDir !== undefined && norm(copyBackDir) === norm(dir)) {
    throw new UsageError("--copy-back: must differ from the campaign directory it copies");
  }
}
