/**
 * Read a campaign directory into {@link CampaignData} through the store's one reader
 * (`openCampaignStore`, lib/io/store/reader.ts): the committed rows, the Phase 3 plan and
 * iteration records (`/active_learning`, docs/campaign.md §10.5) and the run record. Works on a
 * campaign that stopped half-way (only committed rows are read).
 * @module
 */
import { CaligoError } from "../errors.ts";
import { openCampaignStore } from "../io/store/reader.ts";
import type { CampaignData } from "../io/store/schema.ts";

/** File name of the store inside a campaign directory (docs/campaign.md §1). */
export const STORE_FILE = "exploration_data.h5";

/** The campaign directory has no store: nothing to report (tasks exit with code 2). */
export class NoCampaignStoreError extends CaligoError {
  constructor(readonly dir: string, readonly reason: string) {
    super(`${dir}: ${reason}`);
  }
}

/** The kind of entry at `path`, or undefined when there is none. */
async function entryKind(path: string): Promise<"file" | "directory" | "other" | undefined> {
  try {
    const info = await Deno.stat(path);
    return info.isFile ? "file" : info.isDirectory ? "directory" : "other";
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return undefined;
    throw e;
  }
}

/**
 * Load the campaign in `dir`, from `storePath` when given (a snapshot of a live campaign's store,
 * lib/campaign/store/live_snapshot.ts).
 * @throws NoCampaignStoreError if `dir` or its `exploration_data.h5` is missing
 * @throws FileFormatError if the store cannot be read
 */
export async function loadCampaignData(
  dir: string,
  storePath = `${dir}/${STORE_FILE}`,
): Promise<CampaignData> {
  if ((await entryKind(dir)) !== "directory") {
    throw new NoCampaignStoreError(dir, "no such campaign directory");
  }
  const path = storePath;
  if ((await entryKind(path)) !== "file") {
    throw new NoCampaignStoreError(dir, `no campaign store (${STORE_FILE}) in this directory`);
  }
  return await openCampaignStore(path);
}
