/**
 * The open campaign store of a running campaign plus its checkpoint step (campaign.md §7.3): at
 * every checkpoint the file is closed, copied to `exploration_data.h5.bak` (tmp + rename) and
 * reopened. All synchronous, so no commit can interleave.
 * @module
 */
import { backupFileSync } from "../io/checkpoint.ts";
import { CampaignStore } from "../io/hdf5_store.ts";

/** The store of a campaign; `store` changes at each {@link StoreSession.checkpoint}. */
export class StoreSession {
  #store: CampaignStore;
  /** Time spent in checkpoints (close + copy + reopen), seconds. */
  checkpointSeconds = 0;

  constructor(readonly path: string, store: CampaignStore) {
    this.#store = store;
  }

  /** The open store. */
  get store(): CampaignStore {
    return this.#store;
  }

  /** Close, back up to `<path>.bak`, reopen. */
  checkpoint(): void {
    const t0 = performance.now();
    this.#store.close();
    backupFileSync(this.path);
    this.#store = CampaignStore.openForAppendSync(this.path).store;
    this.checkpointSeconds += (performance.now() - t0) / 1000;
  }

  /** Close the store (idempotent). */
  close(): void {
    this.#store.close();
  }
}
