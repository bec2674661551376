/**
 * The phases of a campaign run in order (docs/campaign.md §1): Phase 1 on the simulation pool,
 * then (not in shard mode, and only while the run is complete and no signal came) the Phase 2 fit
 * and the Phase 3 loop on the same pool. Each phase skipped by a flag is named in the summary.
 * @module
 */
import type { Linalg } from "../../kernels/linalg/linalg.ts";
import type { TwinLandscape } from "../../surrogate/twin_landscape.ts";
import { runPhase1Stage } from "../phases/phase1_stage.ts";
import { campaignLinalg, loadPhase2Model, runPhase2Stage } from "../phases/phase2_stage.ts";
import { runPhase3Stage } from "../phases/phase3_stage.ts";
import { shardText } from "../store/resume.ts";
import { holdoutSummary, phase2Summary } from "./result_summary.ts";
import type { RunContext } from "./run_context.ts";
import { type CampaignRunResult, markStopped, SOFTWARE_VERSION } from "./run_options.ts";
import { PoolHolder } from "./simulation_pool.ts";

/** Run the phases into `result`; the pool is closed on every way out. */
export async function runPhases(ctx: RunContext, result: CampaignRunResult): Promise<void> {
  const pools = new PoolHolder(ctx.settings, ctx.o, ctx.log, ctx.session);
  try {
    await phase1Step(ctx, result, pools);
    if (ctx.shard) {
      const note = `shard mode (--shard ${shardText(ctx.shard)}): Phase 1 only; run ` +
        "'deno task merge' on the campaign directory, then Phases 2–3 on the merged store";
      result.phasesSkipped.phase2 = note;
      result.phasesSkipped.phase3 = note;
      ctx.log.info(note);
    }
    await surrogatePhases(ctx, result, pools);
    if (result.status === "complete" && ctx.o.stop.reason !== null && ctx.shard === undefined) {
      // a signal during Phase 2 (or between phases): the phases after it did not run, so the
      // run is stopped, not complete (exit 143/75/130 and a resume, issue #18)
      markStopped(result, ctx.o.stop);
    }
  } finally {
    const abandoned = await pools.close();
    if (abandoned > 0) ctx.log.warn(`${abandoned} workers did not stop; the process exits anyway`);
  }
}

async function phase1Step(ctx: RunContext, result: CampaignRunResult, pools: PoolHolder) {
  const { o } = ctx;
  if (o.skipPhase1) {
    result.phasesSkipped.phase1 = "--skip-phase1";
    return;
  }
  const summary = await runPhase1Stage({
    ...ctx,
    configSha256: ctx.run.resolved.sha256,
    paths: ctx.run.paths,
    pool: await pools.get(),
    stop: o.stop,
    shardTarget: o.shardTarget,
    copyBackDir: o.copyBackDir,
  });
  result.phase1 = summary;
  result.phasesRun.push("phase1");
  if (summary.status !== "complete") {
    result.status = summary.status;
    result.stopReason = summary.stopReason;
  }
}

/** Phases 2 and 3 with the linear algebra of the settings (closed after Phase 3). */
async function surrogatePhases(ctx: RunContext, result: CampaignRunResult, pools: PoolHolder) {
  const { o } = ctx;
  const proceed = () =>
    result.status === "complete" && o.stop.reason === null && ctx.shard === undefined;
  let la: Awaited<ReturnType<typeof campaignLinalg>> | null = null;
  if (proceed() && !(o.skipPhase2 && o.skipPhase3)) {
    la = await campaignLinalg(ctx.settings.execution, ctx.log);
  }
  let twin: TwinLandscape | null = null;
  if (o.skipPhase2) {
    result.phasesSkipped.phase2 = "--skip-phase2";
    if (!o.skipPhase3 && la) twin = await loadPhase2Model(ctx.run.paths, la.linalg);
  } else if (proceed() && la) {
    twin = await phase2Step(ctx, result, la.linalg);
  }
  if (o.skipPhase3) {
    result.phasesSkipped.phase3 = "--skip-phase3";
  } else if (proceed() && twin && la) {
    await phase3Step(ctx, result, pools, twin, la.linalg);
  }
  la?.close();
}

async function phase2Step(ctx: RunContext, result: CampaignRunResult, linalg: Linalg) {
  const fit = await runPhase2Stage(
    ctx.settings.phase2,
    ctx.run.resolved.sha256,
    SOFTWARE_VERSION,
    ctx.session,
    ctx.run.paths,
    linalg,
    ctx.log,
  );
  result.phase2 = phase2Summary(fit);
  result.phasesRun.push("phase2");
  return fit.twin;
}

async function phase3Step(
  ctx: RunContext,
  result: CampaignRunResult,
  pools: PoolHolder,
  twin: TwinLandscape,
  linalg: Linalg,
) {
  const summary = await runPhase3Stage({
    ...ctx,
    configSha256: ctx.run.resolved.sha256,
    softwareVersion: SOFTWARE_VERSION,
    twin,
    paths: ctx.run.paths,
    pool: await pools.get(),
    linalg,
    stop: ctx.o.stop,
  });
  result.phasesRun.push("phase3");
  result.phase3 = {
    status: summary.status,
    iterations: summary.iterations,
    samples: summary.samples,
    f1History: summary.f1History,
  };
  if (summary.holdout) result.holdout = holdoutSummary(summary.holdout);
  if (summary.status === "stopped") markStopped(result, ctx.o.stop);
}
