/**
 * Phase 3 inside a campaign run (docs/campaign.md §10): the holdout (§10.4), the active-learning
 * loop of {@link runPhase3} with its checkpoints (§10.6), the final model `surrogate_final/` and
 * its boundary check on the holdout.
 * @module
 */
import type { CampaignPaths } from "../../io/campaign_dir.ts";
import { writeFileAtomicSync } from "../../io/checkpoint.ts";
import type { Logger } from "../../io/log.ts";
import type { Linalg } from "../../kernels/linalg/linalg.ts";
import { STRATEGIES, type TwinLandscape } from "../../surrogate/twin_landscape.ts";
import { createPhase1Design } from "../design.ts";
import { campaignPrefilter, campaignTaskGuards, type RowPrefilter } from "../prefilter_adapter.ts";
import type { CampaignSettings } from "../settings.ts";
import type { StoreSession } from "../store/store_session.ts";
import type { TaskGuards } from "../task_executor.ts";
import { ensureHoldout } from "./holdout.ts";
import { type HoldoutScores, holdoutScores } from "./holdout_scores.ts";
import type { SimulationRunner, StopToken } from "./phase1.ts";
import { fitTwinSurrogate, saveTwinSurrogate } from "./phase2.ts";
import { MissingModelError } from "./phase2_stage.ts";
import { type Phase3Summary, runPhase3 } from "./phase3.ts";
import { ITERATION_COLUMNS, PLAN_COLUMNS } from "./phase3_records.ts";

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
  if (!STRATEGIES.some((s) => o.twin.isFitted(s))) {
    throw new MissingModelError(
      "Phase 3 needs a fitted GP, but Phase 2 had no training rows (all samples skipped, " +
        "timed out or failed?); run more Phase 1 samples",
    );
  }
  const t0 = performance.now();
  const prefilter = campaignPrefilter(o.settings);
  const guards = campaignTaskGuards(o.settings);
  if (o.settings.phase3.holdoutSize > 0) await simulateHoldout(o, prefilter, guards);
  const summary = await runLoop(o, prefilter, guards, t0);
  const done = summary.status !== "stopped";
  writePhase3Checkpoint(o, summary.lastIteration + 1, null, summary.wallSeconds, done);
  o.session.checkpoint();
  const finalTwin = done ? await saveFinalModel(o, summary) : summary.twin;
  const holdout = o.settings.phase3.holdoutSize > 0
    ? holdoutScores(finalTwin, o.session.store.readGroup("holdout"), o.settings.phase2)
    : undefined;
  recordSummary(o, summary, holdout);
  return { ...summary, holdout };
}

/** The holdout rows still missing (a paired design of its own stream, §10.4). */
async function simulateHoldout(
  o: Phase3StageOptions,
  prefilter: RowPrefilter | null,
  guards: TaskGuards,
): Promise<void> {
  const { settings, session } = o;
  const committed = session.store.readGroup("holdout");
  await ensureHoldout({
    size: settings.phase3.holdoutSize,
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
    log: o.log,
  });
}

/** The active-learning loop on the store, checkpointed every `checkpointInterval` iterations. */
function runLoop(
  o: Phase3StageOptions,
  prefilter: RowPrefilter | null,
  guards: TaskGuards,
  t0: number,
): Promise<Phase3Summary> {
  const { settings, session } = o;
  let sinceCheckpoint = 0;
  // session.store is read at each use: a checkpoint reopens the file (a new store object)
  return runPhase3({
    settings: settings.phase3,
    surrogate: settings.phase2,
    phase1: session.store.readGroup("lhs_warmup"),
    active: session.store.readGroup("active_learning"),
    holdout: settings.phase3.holdoutSize > 0 ? session.store.readGroup("holdout") : null,
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
    log: o.log,
    stop: o.stop,
    onIteration: (k, record) => {
      writePhase3Checkpoint(o, k + 1, record, (performance.now() - t0) / 1000, false);
      if (++sinceCheckpoint >= settings.phase3.checkpointInterval) {
        session.checkpoint();
        sinceCheckpoint = 0;
      }
    },
  });
}

/** Condition the last θ on every row and save it as `surrogate_final/`. */
async function saveFinalModel(o: Phase3StageOptions, summary: Phase3Summary) {
  const fit = await fitTwinSurrogate({
    settings: o.settings.phase2,
    groups: [o.session.store.readGroup("lhs_warmup"), o.session.store.readGroup("active_learning")],
    linalg: o.linalg,
    log: o.log,
    fitIndex: summary.lastIteration + 2,
    initialLogTheta: thetaOf(summary.twin),
    restarts: 0,
    optimize: false,
    validate: false,
  });
  await saveTwinSurrogate(`${o.paths.dir}/surrogate_final`, fit, o.settings.phase2, {
    softwareVersion: o.softwareVersion,
    configSha256: o.configSha256,
  });
  return fit.twin;
}

/** Log the holdout check and the phase, and store the phase summary. */
function recordSummary(o: Phase3StageOptions, summary: Phase3Summary, holdout?: HoldoutScores) {
  for (const [s, h] of Object.entries(holdout?.byStrategy ?? {})) {
    o.log.info(
      `holdout, ${s}: boundary F1 ${
        Number.isFinite(h.f1) ? h.f1.toFixed(3) : "n/a"
      } on ${h.positives} secure and ${h.negatives} insecure rows`,
    );
  }
  o.session.store.setPhaseSummary("phase3", {
    status: summary.status,
    iterations: summary.iterations,
    samples: summary.samples,
    last_iteration: summary.lastIteration,
    f1_history: summary.f1History,
    wall_seconds: summary.wallSeconds,
    holdout: holdout?.byStrategy ?? null,
  });
  o.log.info(
    `Phase 3 ${summary.status}: ${summary.iterations} iterations, ${summary.samples} samples in ${
      summary.wallSeconds.toFixed(1)
    } s`,
  );
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
