/**
 * The campaign directory (docs/campaign.md §1): its file names, how the output directory is chosen,
 * and the checks before a fresh run (never reuse a directory) or a resume (must hold a campaign).
 * @module
 */
import { CaligoError } from "../errors.ts";

/** File names inside a campaign directory (docs/campaign.md §1). */
export const CAMPAIGN_FILES = {
  store: "exploration_data.h5",
  storeBackup: "exploration_data.h5.bak",
  phase1Checkpoint: "phase1_checkpoint.json",
  phase3Checkpoint: "phase3_checkpoint.json",
  config: "config.resolved.yaml",
  logDir: "logs",
  log: "logs/campaign.log",
} as const;

/** Paths of one campaign directory. */
export interface CampaignPaths {
  dir: string;
  store: string;
  storeBackup: string;
  phase1Checkpoint: string;
  phase3Checkpoint: string;
  config: string;
  logDir: string;
  log: string;
}

/** The directory cannot be used for what was asked (exit code 2 in tasks). */
export class CampaignDirError extends CaligoError {
  constructor(readonly dir: string, readonly reason: string, options?: ErrorOptions) {
    super(`${dir}: ${reason}`, options);
  }
}

/** Paths of the campaign in `dir`. */
export function campaignPaths(dir: string): CampaignPaths {
  const d = dir.replace(/\/+$/, "") || "/";
  const at = (f: string) => `${d}/${f}`;
  return {
    dir: d,
    store: at(CAMPAIGN_FILES.store),
    storeBackup: at(CAMPAIGN_FILES.storeBackup),
    phase1Checkpoint: at(CAMPAIGN_FILES.phase1Checkpoint),
    phase3Checkpoint: at(CAMPAIGN_FILES.phase3Checkpoint),
    config: at(CAMPAIGN_FILES.config),
    logDir: at(CAMPAIGN_FILES.logDir),
    log: at(CAMPAIGN_FILES.log),
  };
}

/**
 * The output directory of a fresh run: `<base_dir>/<campaign_name>_<YYYYmmdd_HHMMSS>` (local
 * time) if `timestamped`, else `<base_dir>/<campaign_name>` (docs/campaign.md §1).
 * @example
 * ```ts
 * import { defaultOutputDir } from "./campaign_dir.ts";
 * const d = defaultOutputDir({ base_dir: "out", campaign_name: "c", timestamped: true },
 *   new Date(2026, 0, 2, 3, 4, 5));
 * console.assert(d === "out/c_20260102_030405");
 * ```
 */
export function defaultOutputDir(
  output: { base_dir: string; campaign_name: string; timestamped: boolean },
  now: Date,
): string {
  const base = output.base_dir.replace(/\/+$/, "");
  if (!output.timestamped) return `${base}/${output.campaign_name}`;
  const p = (n: number) => String(n).padStart(2, "0");
  const stamp = `${now.getFullYear()}${p(now.getMonth() + 1)}${p(now.getDate())}_` +
    `${p(now.getHours())}${p(now.getMinutes())}${p(now.getSeconds())}`;
  return `${base}/${output.campaign_name}_${stamp}`;
}

function exists(path: string): boolean {
  try {
    Deno.lstatSync(path);
    return true;
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return false;
    throw e;
  }
}

/** Whether `dir` holds a campaign (a store, its backup, a checkpoint or a resolved config). */
export function holdsCampaign(dir: string): boolean {
  const p = campaignPaths(dir);
  return [p.store, p.storeBackup, p.phase1Checkpoint, p.config].some(exists);
}

/**
 * Create the directory of a fresh campaign (and `logs/`). It may exist only if empty.
 * @throws CampaignDirError if it holds a campaign, holds other files, is not a directory, or
 * cannot be created or written
 */
export function prepareFreshCampaignDir(dir: string): CampaignPaths {
  const p = campaignPaths(dir);
  let info: Deno.FileInfo | null = null;
  try {
    info = Deno.statSync(p.dir);
  } catch (e) {
    if (e instanceof Deno.errors.NotCapable) throw e;
    if (!(e instanceof Deno.errors.NotFound)) {
      throw new CampaignDirError(p.dir, `cannot use this path (${(e as Error).message})`, {
        cause: e,
      });
    }
  }
  if (info !== null) {
    if (!info.isDirectory) throw new CampaignDirError(p.dir, "exists and is not a directory");
    if (holdsCampaign(p.dir)) {
      throw new CampaignDirError(
        p.dir,
        "already holds a campaign; resume it with --continue-from or choose another --output-dir",
      );
    }
    // a directory left by a run that died before writing its config holds only logs/ (and the
    // writer lock, campaign.lock*, checked by the caller)
    const isLeftover = (name: string) =>
      name === CAMPAIGN_FILES.logDir || name.startsWith("campaign.lock");
    if ([...Deno.readDirSync(p.dir)].some((e) => !isLeftover(e.name))) {
      throw new CampaignDirError(
        p.dir,
        "exists, is not empty and is not a campaign directory; refusing to write into it",
      );
    }
  }
  try {
    Deno.mkdirSync(p.logDir, { recursive: true });
    const probe = `${p.dir}/.write_probe`;
    Deno.writeTextFileSync(probe, "");
    Deno.removeSync(probe);
  } catch (e) {
    if (e instanceof Deno.errors.NotCapable) throw e;
    throw new CampaignDirError(
      p.dir,
      `cannot create or write the directory (${(e as Error).message})`,
      {
        cause: e,
      },
    );
  }
  return p;
}

/**
 * Check that `dir` holds a campaign to resume: the directory, its resolved config and its store
 * (or the store's backup).
 * @throws CampaignDirError otherwise
 */
export function requireCampaignDir(dir: string): CampaignPaths {
  const p = campaignPaths(dir);
  let info: Deno.FileInfo;
  try {
    info = Deno.statSync(p.dir);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) {
      throw new CampaignDirError(p.dir, "--continue-from: the directory does not exist", {
        cause: e,
      });
    }
    throw e;
  }
  if (!info.isDirectory) throw new CampaignDirError(p.dir, "--continue-from: not a directory");
  if (!exists(p.config)) {
    throw new CampaignDirError(
      p.dir,
      `--continue-from: no ${CAMPAIGN_FILES.config}; not a campaign directory`,
    );
  }
  if (!exists(p.store) && !exists(p.storeBackup)) {
    throw new CampaignDirError(
      p.dir,
      `--continue-from: no ${CAMPAIGN_FILES.store}; nothing to resume`,
    );
  }
  Deno.mkdirSync(p.logDir, { recursive: true });
  return p;
}
