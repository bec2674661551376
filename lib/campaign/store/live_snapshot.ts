/**
 * The store that `report` reads (docs/faults.md "`report` on a live campaign"). With no live
 * writer, the store itself. While `explore` or `merge` holds the campaign's writer lock
 * (lib/campaign/store/campaign_lock.ts), a consistent snapshot instead, never the file being written:
 * 1. a private byte copy of the store (`.report-snapshot-<pid>.h5` in the campaign directory),
 *    used if it opens and its committed rows match their checksums (campaign.md §7.3); a copy
 *    that overlapped a commit may not, so it is retaken a few times;
 * 2. otherwise the last checkpoint's backup `exploration_data.h5.bak` (written by tmp + rename,
 *    so always a whole file), if it verifies.
 * Either way one line says what is read. Reading never writes to the store or its backup.
 * @module
 */
import { FileFormatError } from "../../errors.ts";
import { CAMPAIGN_FILES } from "../../io/campaign_dir.ts";
import { openCampaignStore } from "../../io/store/reader.ts";
import { STORE_GROUPS } from "../../io/store/schema.ts";
import {
  hostName,
  LOCK_FILE,
  LOCK_STALE_AFTER_MS,
  lockOwnerAlive,
  type LockRecord,
  readCampaignLock,
  staleReason,
} from "./campaign_lock.ts";

/** The store file to read and what it is. */
export interface StoreSnapshot {
  /** The file to read: the store, a private copy of it, or its backup. */
  path: string;
  /** One line naming the live writer and what is read instead; undefined with no live writer. */
  note?: string;
  /** Remove the private copy, if one was made (idempotent). */
  dispose(): void;
}

/** Options of {@link readableStore} (defaults suit a commit of a few ms). */
export interface SnapshotOptions {
  /** Copies tried before falling back to the backup (default 4). */
  attempts?: number;
  /** Wait between copies, ms (default 250). */
  retryMs?: number;
}

/** The process holding the writer lock of `dir`, or null when no live process does. */
export function liveWriter(dir: string, now = Date.now()): LockRecord | null {
  const lock = readCampaignLock(dir);
  if (lock === null) return null;
  const host = hostName();
  const alive = lock.host === host ? lockOwnerAlive(`${dir}/${LOCK_FILE}`) : null;
  const stale = staleReason(lock, { host, now, staleAfterMs: LOCK_STALE_AFTER_MS, alive });
  return stale === null ? lock : null;
}

/**
 * The store of campaign `dir` to read, as described in the module doc.
 * @throws FileFormatError naming the store when a writer is live and neither a copy nor the
 * backup verifies
 */
export async function readableStore(
  dir: string,
  options: SnapshotOptions = {},
): Promise<StoreSnapshot> {
  const store = `${dir}/${CAMPAIGN_FILES.store}`;
  const writer = liveWriter(dir);
  if (writer === null) return { path: store, dispose: () => {} };
  const who = `${dir} is being written by ${writer.owner} (pid ${writer.pid} on ${writer.host})`;
  const copy = `${dir}/.report-snapshot-${Deno.pid}.h5`;
  let why = "";
  for (let attempt = 0; attempt < (options.attempts ?? 4); attempt++) {
    if (attempt > 0) await new Promise((r) => setTimeout(r, options.retryMs ?? 250));
    try {
      Deno.copyFileSync(store, copy);
      const rows = await verifiedRows(copy);
      const at = new Date().toISOString().slice(11, 19);
      const note = `${who}: reading a copy of its committed rows taken at ${at} UTC (${rows} ` +
        "rows, checksums verified)";
      return { path: copy, note, dispose: () => removeIfPresent(copy) };
    } catch (e) {
      if (e instanceof Deno.errors.NotCapable) throw e;
      why = (e as Error).message.split("\n")[0];
    }
  }
  removeIfPresent(copy);
  return await backupSnapshot(dir, who, why);
}

/** The checkpoint's backup as the snapshot, when it verifies. */
async function backupSnapshot(dir: string, who: string, why: string): Promise<StoreSnapshot> {
  const backup = `${dir}/${CAMPAIGN_FILES.storeBackup}`;
  try {
    const rows = await verifiedRows(backup);
    const written = Deno.statSync(backup).mtime?.toISOString().slice(11, 19) ?? "?";
    const note = `${who}: reading the last checkpoint's backup ${CAMPAIGN_FILES.storeBackup} ` +
      `(${rows} rows, written ${written} UTC); no copy of the live store verified (${why})`;
    return { path: backup, note, dispose: () => {} };
  } catch (e) {
    if (e instanceof Deno.errors.NotCapable) throw e;
    throw new FileFormatError(
      `${dir}/${CAMPAIGN_FILES.store}`,
      `${who.slice(dir.length + 1)}, and neither a copy of it nor its backup reads consistently ` +
        `(${why}; backup: ${(e as Error).message.split("\n")[0]}); run report again when the ` +
        "writer has ended",
    );
  }
}

/** Committed rows of the store at `path` after checking them against their checksums. */
async function verifiedRows(path: string): Promise<number> {
  const data = await openCampaignStore(path, { verify: true });
  return STORE_GROUPS.reduce((n, g) => n + data.groups[g].n, 0);
}

function removeIfPresent(path: string): void {
  try {
    Deno.removeSync(path);
  } catch (e) {
    if (!(e instanceof Deno.errors.NotFound)) throw e;
  }
}
