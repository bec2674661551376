/**
 * Phases 2 and 3 inside a campaign run: load the linear-algebra backend, fit and save the twin
 * surrogate (or load it with --skip-phase2), run the holdout and the active-learning loop with
 * checkpoints, and save the final model (docs/campaign.md §1, §9, §10).
 * @module
 */
import { type CampaignPaths } from "../io/campaign_dir.ts";
import { writeFileAtomicSync } from "../io/checkpoint.ts";
import type { CampaignSettings, ExecutionSettings, Phase2Settings } from "./settings.ts";
import type { Logger } from "../io/log.ts";
import {
  AOCL_SHIM_PATH,
  BLIS_FLAME_SHIM_PATH,
  OPENBLAS_PATH,
  selectLinalg,
} from "../io/blas_loader.ts";
import { loadSurrogate } from "../io/surrogate_store.ts";
import type { Linalg } from "../kernels/linalg/linalg.ts";
import { tsLinalg } from "../kernels/linalg/ts_linalg.ts";
import { STRATEGIES, type TwinLandscape } from "../surrogate/twin_landscape.ts";
import { CaligoError } from "../errors.ts";
import { createPhase1Design } from "./design.ts";
import { ensureHoldout } from "./holdout.ts";
import { holdoutScores } from "./holdout_scores.ts";
import { fitTwinSurrogate, saveTwinSurrogate, type TwinFit } from "./phase2.ts";
import type { SimulationRunner, StopToken } from "./phase1.ts";
import { type Phase3Summary, runPhase3 } from "./phase3.ts";
import { ITERATION_COLUMNS, PLAN_COLUMNS } from "./phase3_records.ts";
import { campaignPrefilter, campaignTaskGuards } from "./prefilter_adapter.ts";
import type { StoreSession } from "./store_session.ts";

/** --skip-phase2 without a saved model, or Phase 3 without any fitted GP (exit 1). */
export class MissingModelError extends CaligoError {}

/** The linear-algebra backend of `execution.blas.library`, with a log line of the choice. */
export async function campaignLinalg(
  execution: Pick<ExecutionSettings, "blasLibrary" | "blasThreadsPerWorker">,
  log: Logger,
): Promise<{ linalg: Linalg; description: string; close: () => void }> {
  const library = execution.blasLibrary, threads = execution.blasThreadsPerWorker;
  if (library === "none") {
    log.info("linear algebra: ts (execution.blas.library = none)");
    return { linalg: tsLinalg, description: "ts (configured)", close: () => {} };
  }
  const candidates = library === "openblas"
    ? [OPENBLAS_PATH]
    : library === "blis"
    ? [BLIS_FLAME_SHIM_PATH, AOCL_SHIM_PATH]
    : undefined;
  const chosen = await selectLinalg({ threads, candidates });
  log.info(`linear algebra: ${chosen.description}`);
  for (const e of chosen.errors) log.debug(`blas: ${e}`);
  return chosen;
}

/** Fit the twin GPs on the store and save them to `surrogate/` (Phase 2). */
export async function runPhase2Stage(
  settings: Phase2Settings,
  configSha256: string,
  softwareVersion: string,
  session: StoreSession,
  paths: CampaignPaths,
  linalg: Linalg,
  log: Logger,
): Promise<TwinFit> {
  const t0 = performance.now();
  const groups = [
    session.store.readGroup("lhs_warmup"),
    session.store.readGroup("active_learning"),
  ];
  const fit = await fitTwinSurrogate({ settings, groups, linalg, log, fitIndex: 0 });
  await saveTwinSurrogate(`${paths.dir}/surrogate`, fit, settings, {
    softwareVersion,
    configSha256,
  });
  const seconds = (performance.now() - t0) / 1000;
  session.store.setPhaseSummary("phase2", {
    metrics: fit.metrics,
    divergence: fit.divergence,
    wall_seconds: seconds,
  });
  log.info(
    `Phase 2 complete in ${seconds.toFixed(1)} s; divergence: mean |μ_blind − μ_baseline| ${
      fit.divergence.meanAbsDifference.toFixed(4)
    }, max ${fit.divergence.maxAbsDifference.toFixed(4)}${
      fit.divergence.nonFinite ? ", NON-FINITE predictions" : ""
    }`,
  );
  return fit;
}

/** Load the Phase 2 model for --skip-phase2 (exit 1 without one). */
export async function loadPhase2Model(
  paths: CampaignPaths,
  linalg: Linalg,
): Promise<TwinLandscape> {
  try {
    return (await loadSurrogate(`${paths.dir}/surrogate`, linalg)).twin;
  } catch (e) {
    throw new MissingModelError(
      `--skip-phase2 needs the model ${paths.dir}/surrogate: ${(e as Error).message}`,
      { cause: e },
    );
  }
}

/** Options of {@link runPhase3Stage}. */
export interface Phase3StageOptions {
  settings: CampaignSettings;
  configSha256: string;
  softwareVersion: string;
  twin: TwinLandscape;
  session: StoreSession;
  paths: CampaignPaths;
  pool: SimulationRunner;
  linalg: Linalg;
  stop: StopToken;
  log: Logger;
}

/** The holdout, the active-learning loop, and the final model `surrogate_final/`. */
export async function runPhase3Stage(o: Phase3StageOptions): Promise<Phase3Summary> {
  const { settings, session, log } = o;
  const p3 = settings.phase3;
  if (!STRATEGIES.some((s) => o.twin.isFitted(s))) {
    throw new MissingModelError(
      "Phase 3 needs a fitted GP, but Phase 2 had no training rows (all samples skipped, " +
        "timed out or failed?); run more Phase 1 samples",
    );
  }
  const t0 = performance.now();
  const prefilter = campaignPrefilter(settings);
  const guards = campaignTaskGuards(settings);
  if (p3.holdoutSize > 0) {
    const committed = session.store.readGroup("holdout");
    await ensureHoldout({
      size: p3.holdoutSize,
      campaignSeed: settings.seed,
      design: createPhase1Design({
        ...settings.design,
        strategy: "paired",
        strategyRatio: 0.5,
        stream: "holdout",
      }),
      committedIds: new Set(committed.sampleId),
      pool: o.pool,
      prefilter,
      guards,
      commit: (rows) => session.store.append("holdout", rows),
      log,
    });
  }
  let sinceCheckpoint = 0;
  const summary = await runPhase3({
    settings: p3,
    surrogate: settings.phase2,
    phase1: session.store.readGroup("lhs_warmup"),
    active: session.store.readGroup("active_learning"),
    holdout: p3.holdoutSize > 0 ? session.store.readGroup("holdout") : null,
    plan: session.store.readActiveMatrix("plan"),
    iterations: session.store.readActiveMatrix("iterations"),
    initialTwin: o.twin,
    store: {
      appendRows: (group, rows) => session.store.append(group, rows),
      appendPlan: (rows) => session.store.appendActiveMatrix("plan", rows, PLAN_COLUMNS),
      appendIteration: (row) =>
        session.store.appendActiveMatrix("iterations", row, ITERATION_COLUMNS),
    },
    pool: o.pool,
    prefilter,
    guards,
    linalg: o.linalg,
    log,
    stop: o.stop,
    onIteration: (k, record) => {
      writePhase3Checkpoint(o, k + 1, record, (performance.now() - t0) / 1000, false);
      if (++sinceCheckpoint >= p3.checkpointInterval) {
        session.checkpoint();
        sinceCheckpoint = 0;
      }
    },
  });
  const done = summary.status !== "stopped";
  writePhase3Checkpoint(o, summary.lastIteration + 1, null, summary.wallSeconds, done);
  session.checkpoint();
  let finalTwin = summary.twin;
  if (done) {
    const fit = await fitTwinSurrogate({
      settings: settings.phase2,
      groups: [session.store.readGroup("lhs_warmup"), session.store.readGroup("active_learning")],
      linalg: o.linalg,
      log,
      fitIndex: summary.lastIteration + 2,
      initialLogTheta: thetaOf(summary.twin),
      restarts: 0,
      optimize: false,
      validate: false,
    });
    await saveTwinSurrogate(`${o.paths.dir}/surrogate_final`, fit, settings.phase2, {
      softwareVersion: o.softwareVersion,
      configSha256: o.configSha256,
    });
    finalTwin = fit.twin;
  }
  const holdout = p3.holdoutSize > 0
    ? holdoutScores(finalTwin, session.store.readGroup("holdout"), settings.phase2)
    : undefined;
  for (const [s, h] of Object.entries(holdout?.byStrategy ?? {})) {
    log.info(
      `holdout, ${s}: boundary F1 ${
        Number.isFinite(h.f1) ? h.f1.toFixed(3) : "n/a"
      } on ${h.positives} secure and ${h.negatives} insecure rows`,
    );
  }
  session.store.setPhaseSummary("phase3", {
    status: summary.status,
    iterations: summary.iterations,
    samples: summary.samples,
    last_iteration: summary.lastIteration,
    f1_history: summary.f1History,
    wall_seconds: summary.wallSeconds,
    holdout: holdout?.byStrategy ?? null,
  });
  log.info(
    `Phase 3 ${summary.status}: ${summary.iterations} iterations, ${summary.samples} samples in ${
      summary.wallSeconds.toFixed(1)
    } s`,
  );
  return { ...summary, holdout };
}

function thetaOf(twin: TwinLandscape) {
  const out: Partial<Record<"baseline" | "blind", Float64Array>> = {};
  for (const s of STRATEGIES) if (twin.isFitted(s)) out[s] = twin.model(s).state.logTheta;
  return out;
}

function writePhase3Checkpoint(
  o: Phase3StageOptions,
  nextIteration: number,
  record: Record<string, number> | null,
  elapsedS: number,
  complete: boolean,
): void {
  const theta: Record<string, number[]> = {};
  for (const s of STRATEGIES) {
    if (o.twin.isFitted(s)) theta[s] = Array.from(o.twin.model(s).state.logTheta);
  }
  const json = {
    schema: "caligo-ts/phase3-checkpoint/1",
    config_sha256: o.configSha256,
    next_iteration: nextIteration,
    total_active_samples: o.session.store.committedRows("active_learning"),
    last_record: record,
    initial_theta: theta,
    elapsed_s: elapsedS,
    written_utc: new Date().toISOString(),
    complete,
  };
  writeFileAtomicSync(
    o.paths.phase3Checkpoint,
    new TextEncoder().encode(JSON.stringify(json, null, 2)),
  );
}
