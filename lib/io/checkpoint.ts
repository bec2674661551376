/**
 * Checkpoint files (docs/campaign.md §8) and the store backup (§7.3): JSON written atomically
 * (`<name>.tmp`, fsync, rename) and a byte copy of the store under `<name>.bak` (tmp + fsync +
 * rename). Synchronous on purpose: a checkpoint runs between commits on the main thread and
 * nothing else may touch the files meanwhile. Checkpoints are advisory: the store wins.
 * @module
 */
import { CaligoError, FileFormatError } from "../errors.ts";

/** Phase 1 checkpoint (docs/campaign.md §8). */
export interface Phase1Checkpoint {
  schema: "caligo-ts/phase1-checkpoint/1";
  config_sha256: string;
  campaign_seed: number;
  /** Next design id the dispatcher would consider. */
  next_id: number;
  /** Committed executed (non-skipped) rows. */
  executed: number;
  /** Committed skipped rows. */
  skipped: number;
  committed_rows: number;
  failures_by_outcome: Record<string, number>;
  /** executed / (executed + skipped). */
  yield: number;
  elapsed_s: number;
  written_utc: string;
  complete: boolean;
}

function fsyncDir(dir: string): void {
  try {
    const d = Deno.openSync(dir, { read: true });
    try {
      d.syncSync();
    } finally {
      d.close();
    }
  } catch {
    // directories cannot be opened for sync on every platform; the rename is still atomic
  }
}

function dirOf(path: string): string {
  const i = path.lastIndexOf("/");
  return i < 0 ? "." : i === 0 ? "/" : path.slice(0, i);
}

/**
 * A checkpoint or other atomic file write failed (a full disk, a quota, an I/O error): one line
 * naming the file; the previous version of the file is intact (docs/faults.md "A full disk").
 */
export class FileWriteError extends CaligoError {
  constructor(readonly file: string, cause: unknown) {
    super(`${file}: write failed: ${String((cause as Error)?.message ?? cause)}`, { cause });
  }
}

/**
 * Write `bytes` to `path` atomically: `<path>.tmp`, fsync, rename, fsync of the directory.
 * @throws FileWriteError if a write fails (the tmp file removed, `path` as it was); a permission
 * error passes unchanged
 */
export function writeFileAtomicSync(path: string, bytes: Uint8Array): void {
  const tmp = `${path}.tmp`;
  try {
    const f = Deno.openSync(tmp, { write: true, create: true, truncate: true });
    try {
      let off = 0;
      while (off < bytes.length) off += f.writeSync(bytes.subarray(off));
      f.syncSync();
    } finally {
      f.close();
    }
  } catch (e) {
    if (e instanceof Deno.errors.NotCapable || e instanceof Deno.errors.PermissionDenied) throw e;
    try {
      Deno.removeSync(tmp);
    } catch { /* not created */ }
    throw new FileWriteError(path, e);
  }
  Deno.renameSync(tmp, path);
  fsyncDir(dirOf(path));
}

/**
 * Write a checkpoint as pretty JSON, atomically.
 * @example
 * ```ts ignore
 * writeCheckpointSync("out/c/phase1_checkpoint.json", { schema: "x", next_id: 3 });
 * ```
 */
export function writeCheckpointSync(path: string, value: unknown): void {
  writeFileAtomicSync(path, new TextEncoder().encode(JSON.stringify(value, null, 2) + "\n"));
}

/**
 * Read a checkpoint.
 * @returns the parsed object, or null if the file does not exist
 * @throws FileFormatError if it is not valid JSON or its `schema` differs from `schema`
 */
export function readCheckpointSync<T extends { schema: string }>(
  path: string,
  schema: T["schema"],
): T | null {
  let text: string;
  try {
    text = Deno.readTextFileSync(path);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return null;
    throw e;
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new FileFormatError(path, `corrupt checkpoint (${(e as Error).message})`, { cause: e });
  }
  if (
    typeof value !== "object" || value === null || (value as { schema?: unknown }).schema !== schema
  ) {
    throw new FileFormatError(path, `not a checkpoint of schema ${schema}`);
  }
  return value as T;
}

/**
 * Copy `path` to `<path>.bak` atomically (tmp + fsync + rename). The source must be closed or
 * flushed by its writer first. A failed copy (a full disk) removes its partial tmp file and leaves
 * the previous `<path>.bak` as it was.
 * @param options.beforeCopy test-only: called just before the copy, where a full disk fails; it may
 * throw that failure (lib/campaign/store/write_faults.ts)
 */
export function backupFileSync(
  path: string,
  options: { beforeCopy?: (from: string, to: string) => void } = {},
): void {
  const tmp = `${path}.bak.tmp`;
  try {
    options.beforeCopy?.(path, tmp);
    Deno.copyFileSync(path, tmp);
    const f = Deno.openSync(tmp, { read: true, write: true });
    try {
      f.syncSync();
    } finally {
      f.close();
    }
  } catch (e) {
    try {
      Deno.removeSync(tmp);
    } catch { /* not created */ }
    throw e;
  }
  Deno.renameSync(tmp, `${path}.bak`);
  fsyncDir(dirOf(path));
}
