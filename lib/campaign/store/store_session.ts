/**
 * The open campaign store of a running campaign plus its checkpoint step (docs/campaign.md §7.3): at
 * every checkpoint the file is closed, copied to `exploration_data.h5.bak` (tmp + rename) and
 * reopened. All synchronous, so no commit can interleave.
 *
 * The copy costs time proportional to the file, so copying at every Phase 1 checkpoint makes the
 * total cost quadratic in the number of rows (a 17 MB store copied and fsynced every 5 commits took
 * 1.7 % of a 10,000-sample phase, and the share grows with the file). Phase 1 therefore asks for
 * `budgeted` checkpoints: the copy is skipped while the time since the last copy is shorter than
 * that copy's duration divided by {@link BACKUP_TIME_SHARE}. Skipping only costs recomputation
 * after a crash — Phase 1 resumes from the sample ids in the (backup) file — never data.
 * @module
 */
import { backupFileSync } from "../../io/checkpoint.ts";
import { CampaignStore, StoreWriteError } from "../../io/store/writer.ts";
import { failHdf5WritesTo } from "../../io/store/hdf5_write_faults.ts";
import { diskFullCopyError, type WriteFaults } from "./write_faults.ts";

/** Largest share of wall time that `budgeted` backup copies may take. */
export const BACKUP_TIME_SHARE = 0.02;

/** The store of a campaign; `store` changes at each {@link StoreSession.checkpoint}. */
export class StoreSession {
  #store: CampaignStore;
  /** Time spent in checkpoints (close + copy + reopen), seconds. */
  checkpointSeconds = 0;
  /** Backup copies made and skipped (budgeted checkpoints). */
  backups = 0;
  backupsSkipped = 0;
  #lastBackupEnd = -Infinity;
  #lastBackupMs = 0;

  /** Row commits and store copies so far, counted for the test-only write faults. */
  #commits = 0;
  #copies = 0;

  /**
   * @param writeFaults test-only: the commit and checkpoint that fail as on a full disk
   * (`CALIGO_TEST_WRITE_FAULTS`, lib/campaign/store/write_faults.ts)
   */
  constructor(readonly path: string, store: CampaignStore, readonly writeFaults?: WriteFaults) {
    this.#store = this.#armed(store);
  }

  /** `store` with the commit fault hooked in, when one is set: the disk fills up at that flush. */
  #armed(store: CampaignStore): CampaignStore {
    const k = this.writeFaults?.commit;
    if (k !== undefined) {
      store.beforeCommitFlush = () => {
        if (++this.#commits === k) failHdf5WritesTo(this.path);
      };
    }
    return store;
  }

  /** The open store. */
  get store(): CampaignStore {
    return this.#store;
  }

  /**
   * Close, back up to `<path>.bak`, reopen. With `budgeted`, skip the whole step (the store is
   * already flushed at every commit) while the last copy is too recent for the time budget.
   * @returns whether a backup copy was made
   */
  checkpoint(mode: "always" | "budgeted" = "always"): boolean {
    const t0 = performance.now();
    if (mode === "budgeted" && t0 - this.#lastBackupEnd < this.#lastBackupMs / BACKUP_TIME_SHARE) {
      this.backupsSkipped++;
      return false;
    }
    const closed = this.#store;
    closed.close();
    const k = this.writeFaults?.checkpoint;
    try {
      backupFileSync(this.path, {
        beforeCopy: k === undefined ? undefined : (from, to) => {
          if (++this.#copies === k) throw diskFullCopyError(from, to);
        },
      });
    } catch (e) {
      // the closed store is whole: reopen it, so the campaign's error path finds it open
      this.#store = this.#armed(
        CampaignStore.openForAppendSync(this.path, { checksumsFrom: closed }).store,
      );
      throw new StoreWriteError(`${this.path}.bak`, "checkpoint (copy of the store)", e);
    }
    this.#store = this.#armed(
      CampaignStore.openForAppendSync(this.path, { checksumsFrom: closed }).store,
    );
    const t1 = performance.now();
    this.#lastBackupEnd = t1;
    this.#lastBackupMs = t1 - t0;
    this.backups++;
    this.checkpointSeconds += (t1 - t0) / 1000;
    return true;
  }

  /** Close the store (idempotent). */
  close(): void {
    this.#store.close();
  }
}
