/**
 * What every step of a campaign run after the setup reads: the flags, the directory and its
 * configuration, the settings resolved once from it, the campaign log, the store and the shard.
 * @module
 */
import type { Logger } from "../../io/log.ts";
import type { ShardSpec } from "../store/resume.ts";
import type { CampaignSettings } from "../settings.ts";
import type { StoreSession } from "../store/store_session.ts";
import type { CampaignRunOptions } from "./run_options.ts";
import type { RunDirectory } from "./setup.ts";

/** A campaign run in progress (docs/campaign.md §1). */
export interface RunContext {
  o: CampaignRunOptions;
  run: RunDirectory;
  settings: CampaignSettings;
  /** The campaign's log file (and stderr unless quiet). */
  log: Logger;
  session: StoreSession;
  /** The shard in shard mode (Phase 1 only, docs/campaign.md §7.5). */
  shard: ShardSpec | undefined;
}
