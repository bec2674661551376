/**
 * Phase 2 inside a campaign run (docs/campaign.md §9): the linear-algebra backend of the
 * settings, the twin surrogate fitted on the store and saved to `surrogate/`, or loaded from there
 * with --skip-phase2.
 * @module
 */
import type { CampaignPaths } from "../../io/campaign_dir.ts";
import {
  AOCL_SHIM_PATH,
  BLIS_FLAME_SHIM_PATH,
  OPENBLAS_PATH,
  selectLinalg,
} from "../../io/blas_loader.ts";
import type { Logger } from "../../io/log.ts";
import { loadSurrogate } from "../../io/surrogate_store.ts";
import type { Linalg } from "../../kernels/linalg/linalg.ts";
import { tsLinalg } from "../../kernels/linalg/ts_linalg.ts";
import type { TwinLandscape } from "../../surrogate/twin_landscape.ts";
import { CaligoError } from "../../errors.ts";
import type { ExecutionSettings, Phase2Settings } from "../settings.ts";
import type { StoreSession } from "../store/store_session.ts";
import { fitTwinSurrogate, saveTwinSurrogate, type TwinFit } from "./phase2.ts";

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
