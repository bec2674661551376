/**
 * Copy-back of a campaign that runs on node-local scratch (docs/campaign.md §7.5, docs/faults.md):
 * at every checkpoint the run copies its closed store and its checkpoint to a second directory
 * (the shard's directory on the shared file system), so a node that dies loses at most one
 * checkpoint interval instead of everything since the task started.
 *
 * Every file is replaced atomically: written to `<name>.copy-tmp`, fsynced, renamed. The store is
 * copied from the checkpoint's backup `exploration_data.h5.bak`, a closed file, never from the
 * open store. The destination's previous store is first renamed to its `.bak`, so the
 * destination always holds a whole store (the new one, or the previous one as the backup that a
 * resume falls back to) and the previous checkpoint's rows stay available. The campaign lock
 * and temporary files are never copied (a copied lock would belong to a dead process).
 * @module
 */
import { CAMPAIGN_FILES, type CampaignPaths } from "./campaign_dir.ts";
import { pathExistsSync } from "./path_exists.ts";

function syncFile(path: string): void {
  const f = Deno.openSync(path, { read: true, write: true });
  try {
    f.syncSync();
  } finally {
    f.close();
  }
}

function copyAtomicSync(from: string, to: string): void {
  const tmp = `${to}.copy-tmp`;
  Deno.copyFileSync(from, tmp);
  syncFile(tmp);
  Deno.renameSync(tmp, to);
}

/** What one copy-back moved. */
export interface CopyBackResult {
  /** Bytes copied. */
  bytes: number;
  /** Wall time, ms. */
  ms: number;
}

/**
 * Copy the campaign of `src` to `destDir` (created if missing): the config (once), the store
 * (from `src.storeBackup`, which the caller has just written from the closed store), the
 * checkpoint files that exist and the log. Call it after a checkpoint, when the backup and the
 * checkpoint JSON describe the same committed rows.
 */
export function copyBackCampaignSync(src: CampaignPaths, destDir: string): CopyBackResult {
  const t0 = performance.now();
  const dest = destDir.replace(/\/+$/, "") || "/";
  Deno.mkdirSync(`${dest}/${CAMPAIGN_FILES.logDir}`, { recursive: true });
  let bytes = 0;
  const copy = (from: string, name: string) => {
    copyAtomicSync(from, `${dest}/${name}`);
    bytes += Deno.statSync(from).size;
  };
  if (!pathExistsSync(`${dest}/${CAMPAIGN_FILES.config}`)) copy(src.config, CAMPAIGN_FILES.config);
  // the new store, next to the destination (same file system), before anything is replaced
  const storeTmp = `${dest}/${CAMPAIGN_FILES.store}.copy-tmp`;
  Deno.copyFileSync(src.storeBackup, storeTmp);
  syncFile(storeTmp);
  bytes += Deno.statSync(storeTmp).size;
  if (pathExistsSync(`${dest}/${CAMPAIGN_FILES.store}`)) {
    Deno.renameSync(`${dest}/${CAMPAIGN_FILES.store}`, `${dest}/${CAMPAIGN_FILES.storeBackup}`);
  }
  Deno.renameSync(storeTmp, `${dest}/${CAMPAIGN_FILES.store}`);
  for (
    const [path, name] of [
      [src.phase1Checkpoint, CAMPAIGN_FILES.phase1Checkpoint],
      [src.phase3Checkpoint, CAMPAIGN_FILES.phase3Checkpoint],
      [src.log, CAMPAIGN_FILES.log],
    ] as const
  ) {
    if (pathExistsSync(path)) copy(path, name);
  }
  return { bytes, ms: performance.now() - t0 };
}
