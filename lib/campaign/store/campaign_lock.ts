/**
 * The writer lock of a campaign directory (docs/faults.md "One writer per campaign directory"):
 * `DIR/campaign.lock`, a small JSON file created with exclusive create (`O_CREAT|O_EXCL`, atomic
 * on local file systems and on NFSv3+/Lustre/GPFS, unlike `flock`), holding the owner's host,
 * pid, start time and a heartbeat timestamp that the owner rewrites every `heartbeatMs`.
 *
 * Taken by the process that writes (explore, also with --continue-from, and merge), never by a
 * launcher script. A second writer is refused with {@link CampaignLockedError} (exit 2). A lock is
 * stale — and taken over — when its host is this host and its pid is dead, or when its heartbeat
 * is older than `staleAfterMs` (a node that died, a SLURM requeue to another node). "Pid dead" is
 * read from an advisory `flock` that the owner holds on the lock file for its whole life (the
 * kernel drops it when the process dies, kill -9 included; Deno cannot read `/proc/<pid>` without
 * --allow-all); `flock` is trusted only between processes of one host, never across nodes.
 * Take-over is serialised by a second exclusive file, `campaign.lock.break`, so two processes
 * finding the same stale lock cannot both win.
 * @module
 */
import { CampaignDirError } from "../../io/campaign_dir.ts";

/** Name of the lock file inside a campaign directory. */
export const LOCK_FILE = "campaign.lock";
const SCHEMA = "caligo-ts/campaign-lock/1";

/** Heartbeat period by default, ms. */
export const LOCK_HEARTBEAT_MS = 30_000;
/** Age of the heartbeat after which a lock is stale whatever its host, ms (default). */
export const LOCK_STALE_AFTER_MS = 10 * 60_000;

/** Contents of `campaign.lock`. */
export interface LockRecord {
  schema: string;
  /** Which task holds it ("explore", "merge"). */
  owner: string;
  host: string;
  pid: number;
  /** Random id of this holding (tells a take-over apart from the same pid on another node). */
  token: string;
  startedAt: string;
  heartbeatAt: string;
  heartbeatMs: number;
}

/** The directory is locked by a live writer (exit code 2 in tasks). */
export class CampaignLockedError extends CampaignDirError {
  constructor(dir: string, readonly holder: LockRecord | null) {
    super(
      dir,
      holder
        ? `in use by ${holder.owner} (pid ${holder.pid} on ${holder.host}, started ${holder.startedAt}, ` +
          `heartbeat ${holder.heartbeatAt}); wait for it to end, or if it is dead remove ` +
          `${dir}/${LOCK_FILE}`
        : `in use: ${dir}/${LOCK_FILE} is being written by another process; try again`,
    );
  }
}

/** Options of {@link acquireCampaignLock}. */
export interface CampaignLockOptions {
  /** Task name recorded in the lock ("explore", "merge"). */
  owner: string;
  heartbeatMs?: number;
  staleAfterMs?: number;
  /** Called once if the lock was taken from this process (its heartbeat had stalled). */
  onLost?: (holder: LockRecord | null) => void;
  /** Called when a stale lock is taken over (for the log). */
  onTakeover?: (stale: LockRecord | null, why: string) => void;
  /** Clock, ms since the epoch (tests). */
  now?: () => number;
  /** This host's name (tests). */
  host?: string;
}

/** A held lock: `release()` removes the file if it is still ours; idempotent. */
export interface CampaignLock {
  readonly path: string;
  readonly record: LockRecord;
  /** Rewrite the heartbeat now (also done by the timer). */
  refresh(): void;
  release(): void;
}

/** This host's name, or "unknown-host" without the sys permission. */
export function hostName(): string {
  try {
    return Deno.hostname();
  } catch {
    return "unknown-host";
  }
}

/**
 * Whether the owner of the lock file at `path` (a process of this host) is alive: true while it
 * holds its `flock`, false when the lock is free, null when flock is not supported here.
 */
export function lockOwnerAlive(path: string): boolean | null {
  let f: Deno.FsFile;
  try {
    f = Deno.openSync(path, { read: true });
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return false;
    throw e;
  }
  try {
    if (!f.tryLockSync(true)) return true;
    f.unlockSync();
    return false;
  } catch (e) {
    if (e instanceof Deno.errors.NotCapable) throw e;
    return null;
  } finally {
    f.close();
  }
}

/** The lock record in `dir`, or null (none, or not readable as a lock). */
export function readCampaignLock(dir: string): LockRecord | null {
  try {
    const r = JSON.parse(Deno.readTextFileSync(`${dir}/${LOCK_FILE}`));
    return r?.schema === SCHEMA ? r as LockRecord : null;
  } catch (e) {
    if (e instanceof Deno.errors.NotCapable) throw e;
    return null;
  }
}

/**
 * Why `record` is stale (a sentence), or null when its owner may still be alive.
 * @example
 * ```ts
 * import { staleReason } from "./campaign_lock.ts";
 * const r = { schema: "", owner: "explore", host: "n1", pid: 7, token: "t", startedAt: "",
 *   heartbeatAt: new Date(0).toISOString(), heartbeatMs: 30000 };
 * console.assert(staleReason(r, { host: "n2", now: 1000, staleAfterMs: 60000 }) === null);
 * console.assert(staleReason(r, { host: "n1", now: 1000, staleAfterMs: 60000, alive: false }) !== null);
 * ```
 */
export function staleReason(
  record: LockRecord,
  o: { host: string; now: number; staleAfterMs: number; alive?: boolean | null },
): string | null {
  const ageMs = o.now - Date.parse(record.heartbeatAt);
  if (!(ageMs <= o.staleAfterMs)) {
    return `heartbeat ${(ageMs / 1000).toFixed(0)} s old (limit ${o.staleAfterMs / 1000} s)`;
  }
  if (record.host === o.host && o.alive === false) {
    return `pid ${record.pid} is not running on ${record.host}`;
  }
  return null;
}

/**
 * Take the writer lock of `dir`, taking over a stale one.
 * @throws CampaignLockedError if a live process holds it
 */
export function acquireCampaignLock(dir: string, options: CampaignLockOptions): CampaignLock {
  const path = `${dir}/${LOCK_FILE}`;
  const now = options.now ?? Date.now;
  const host = options.host ?? hostName();
  const heartbeatMs = options.heartbeatMs ?? LOCK_HEARTBEAT_MS;
  const staleAfterMs = options.staleAfterMs ?? LOCK_STALE_AFTER_MS;
  const started = new Date(now()).toISOString();
  const record: LockRecord = {
    schema: SCHEMA,
    owner: options.owner,
    host,
    pid: Deno.pid,
    token: crypto.randomUUID(),
    startedAt: started,
    heartbeatAt: started,
    heartbeatMs,
  };
  const text = () => JSON.stringify(record, null, 1) + "\n";

  for (let attempt = 0; attempt < 3; attempt++) {
    const file = createExclusive(path, text(), true);
    if (file) return held(path, file, record, text, options, now);
    const holder = readCampaignLock(dir);
    const alive = holder?.host === host ? lockOwnerAlive(path) : null;
    const why = holder
      ? staleReason(holder, { host, now: now(), staleAfterMs, alive })
      : unreadableStale(path, now(), staleAfterMs);
    if (why === null) throw new CampaignLockedError(dir, holder);
    if (!breakStale(dir, path, holder, now(), staleAfterMs)) continue; // someone else broke it
    options.onTakeover?.(holder, why);
  }
  throw new CampaignLockedError(dir, readCampaignLock(dir));
}

/**
 * Create `path` exclusively with `text`: null if it exists. With `keep`, the file stays open
 * under an exclusive flock (the owner's liveness mark); else it is closed.
 */
function createExclusive(path: string, text: string, keep = false): Deno.FsFile | null {
  let f: Deno.FsFile;
  try {
    f = Deno.openSync(path, { read: true, write: true, createNew: true });
  } catch (e) {
    if (e instanceof Deno.errors.AlreadyExists) return null;
    throw e;
  }
  try {
    if (keep) {
      try {
        f.tryLockSync(true);
      } catch { /* no flock here: liveness by heartbeat only */ }
    }
    f.writeSync(new TextEncoder().encode(text));
    f.syncSync();
  } catch (e) {
    f.close();
    throw e;
  }
  if (!keep) f.close();
  return f;
}

/** A lock file that is not valid JSON: stale once its mtime is older than the limit. */
function unreadableStale(path: string, now: number, staleAfterMs: number): string | null {
  try {
    const mtime = Deno.statSync(path).mtime?.getTime() ?? now;
    return now - mtime > staleAfterMs ? "unreadable lock file past the stale limit" : null;
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return "lock file vanished";
    throw e;
  }
}

/**
 * Remove the stale lock `seen` under the break file (exclusive create): only if the lock still
 * holds the same token. @returns whether the stale lock is gone.
 */
function breakStale(
  dir: string,
  path: string,
  seen: LockRecord | null,
  now: number,
  staleAfterMs: number,
): boolean {
  const breakPath = `${path}.break`;
  if (!createExclusive(breakPath, `${Deno.pid}\n`)) {
    // a break file left by a process killed while breaking: remove it when old
    if (unreadableStale(breakPath, now, Math.min(staleAfterMs, 60_000)) !== null) {
      Deno.removeSync(breakPath);
    }
    return false;
  }
  try {
    const current = readCampaignLock(dir);
    if ((current?.token ?? null) !== (seen?.token ?? null)) return false;
    Deno.removeSync(path);
    return true;
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return true;
    throw e;
  } finally {
    try {
      Deno.removeSync(breakPath);
    } catch { /* already gone */ }
  }
}

function held(
  path: string,
  file: Deno.FsFile,
  record: LockRecord,
  text: () => string,
  o: CampaignLockOptions,
  now: () => number,
): CampaignLock {
  const dir = path.slice(0, -LOCK_FILE.length - 1);
  let released = false, lost = false;
  const ours = () => readCampaignLock(dir)?.token === record.token;
  const refresh = () => {
    if (released || lost) return;
    if (!ours()) {
      lost = true;
      clearInterval(timer);
      o.onLost?.(readCampaignLock(dir));
      return;
    }
    // In place (the flock stays on this inode); same length every time (fixed-width timestamps),
    // so a reader sees the old or the new record.
    record.heartbeatAt = new Date(now()).toISOString();
    file.seekSync(0, Deno.SeekMode.Start);
    file.writeSync(new TextEncoder().encode(text()));
  };
  const timer = setInterval(() => {
    try {
      refresh();
    } catch { /* a failed heartbeat is retried at the next tick */ }
  }, record.heartbeatMs);
  Deno.unrefTimer(timer);
  const release = () => {
    if (released) return;
    released = true;
    clearInterval(timer);
    globalThis.removeEventListener("unload", release);
    try {
      if (ours()) Deno.removeSync(path);
    } catch { /* the directory may be gone */ }
    try {
      file.close(); // drops the flock
    } catch { /* already closed */ }
  };
  // Deno.exit() (e.g. a second SIGTERM) dispatches "unload": release even then.
  globalThis.addEventListener("unload", release);
  return { path, record, refresh, release };
}
