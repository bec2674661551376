/**
 * Post-processing at the end of a complete run (docs/campaign.md §12): tables, figures and the
 * report, unless the run is a shard, a flag or the config turns them off, or the run did not
 * complete. A signal during it stops the run (exit 143/75/130) and `--continue-from` redoes it.
 * @module
 */
import { runPostprocess } from "../../report/postprocess.ts";
import { shardText } from "../store/resume.ts";
import type { RunContext } from "./run_context.ts";
import { type CampaignRunResult, markStopped } from "./run_options.ts";

/** Run or skip post-processing; the summary says which, and why. */
export async function runPostprocessStage(
  ctx: RunContext,
  result: CampaignRunResult,
): Promise<void> {
  const { o, shard } = ctx;
  if (shard) {
    result.phasesSkipped.postprocess = `shard mode (--shard ${shardText(shard)})`;
  } else if (o.skipPostprocess) {
    result.phasesSkipped.postprocess = "--skip-postprocess";
  } else if (!ctx.settings.postprocess.enabled) {
    result.phasesSkipped.postprocess = "report, tables and visualization disabled in the config";
  } else if (result.status === "complete" && o.stop.reason === null) {
    await postprocess(ctx, result);
  }
}

async function postprocess(ctx: RunContext, result: CampaignRunResult): Promise<void> {
  const { o, log } = ctx;
  const t0 = performance.now();
  const post = await runPostprocess(ctx.run.paths.dir, ctx.run.resolved.config, log, {
    shouldStop: () => o.stop.reason !== null,
  });
  if (post.stopped) {
    // a signal during post-processing (issue #18): the report is incomplete, so the run is
    // stopped (exit 143/75/130) and --continue-from redoes the post-processing
    markStopped(result, o.stop);
    result.phasesSkipped.postprocess = `stopped by ${o.stop.reason}`;
    log.warn(`post-processing stopped by ${o.stop.reason}; --continue-from redoes it`);
    return;
  }
  result.phasesRun.push("postprocess");
  log.info(
    `post-processing done in ${
      ((performance.now() - t0) / 1000).toFixed(1)
    } s: ${post.figures.length} figures, ${post.tables.length} tables${
      post.html ? `, ${post.html}` : ""
    }`,
  );
}
