/**
 * A campaign run as `deno task explore` starts it (docs/campaign.md §1, §11), in the order of this
 * folder: the directory and configuration (setup.ts), the settings resolved once from it
 * (../settings.ts), the store (store_setup.ts), the phases (run_phases.ts on the pool of
 * simulation_pool.ts) and post-processing (postprocess_stage.ts). The caller (a task) maps the
 * result to an exit code and calls `Deno.exit`.
 * @module
 */
import { createLogger } from "../../io/log.ts";
import { resolveCampaign } from "../settings.ts";
import { runPhases } from "./run_phases.ts";
import type { RunContext } from "./run_context.ts";
import { type CampaignRunOptions, type CampaignRunResult, emptyResult } from "./run_options.ts";
import { runPostprocessStage } from "./postprocess_stage.ts";
import { type HeldLock, openRunDirectory, type RunDirectory } from "./setup.ts";
import { checkResumedStore, openRunStore, type RunStore } from "./store_setup.ts";

export {
  type CampaignRunOptions,
  type CampaignRunResult,
  type CampaignStatus,
  MissingStoreError,
  SOFTWARE_VERSION,
} from "./run_options.ts";

/**
 * Run a campaign; see the module documentation. The writer lock of the campaign directory
 * (lib/campaign/store/campaign_lock.ts) is held from before the first write to the return, and
 * released on every way out (errors, stops, checkpoint exits).
 * @throws CampaignLockedError (a CampaignDirError) if another live process writes the directory
 */
export async function runCampaign(o: CampaignRunOptions): Promise<CampaignRunResult> {
  const held: HeldLock = { lock: null };
  try {
    const run = await openRunDirectory(o, held);
    return "paths" in run ? await runInDirectory(o, run) : run;
  } finally {
    held.lock?.release();
  }
}

/** The run after the setup: log, store, phases, post-processing. */
async function runInDirectory(o: CampaignRunOptions, run: RunDirectory) {
  const settings = resolveCampaign(run.resolved.config);
  const resumed = o.continueFrom !== undefined;
  const log = createLogger({
    level: o.verbose ? "DEBUG" : settings.execution.logLevel,
    file: run.paths.log,
    name: "explore",
    stderr: !o.quiet,
  });
  log.info(`campaign directory: ${run.paths.dir}${resumed ? " (resuming)" : ""}`);
  let stored: RunStore;
  try {
    stored = await openRunStore(o, run, settings, log);
  } catch (e) {
    log.close();
    throw e;
  }
  const ctx: RunContext = { o, run, settings, log, ...stored };
  const result = emptyResult(run.paths.dir, resumed);
  try {
    if (resumed) checkResumedStore(run, stored, log);
    await runPhases(ctx, result);
  } finally {
    stored.session.close();
  }
  try {
    await runPostprocessStage(ctx, result);
  } finally {
    log.close();
  }
  return result;
}
