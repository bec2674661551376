/// <reference lib="deno.worker" />
/**
 * Web Worker of {@link ensureCalibration} (lib/campaign/workers/calibration_builds.ts), served by
 * {@link serveWorker}: loads the code family once from the code cache at init, then answers
 * {@link CalibrationTask}s, one (QBER, strategy) at a time, with the row computed by
 * `calibratePoint` (pure, seeded per grid point, so the row is the same whichever worker computes
 * it).
 * @module
 */
import { loadOrBuildCodeFamily } from "../../io/code_cache.ts";
import type { CodeFamily } from "../../reconciliation/code_family.ts";
import { calibratePoint } from "../../reconciliation/calibration_run.ts";
import type { CalibrationParams, CalibrationRow } from "../../reconciliation/calibration.ts";
import type { ReconciliationOptions, Strategy } from "../../reconciliation/types.ts";
import { serveWorker } from "./worker_protocol.ts";

/** Init payload: where the codes are and what to calibrate. */
export interface CalibrationInit {
  codesDir: string;
  seed: number;
  options: ReconciliationOptions;
  params: CalibrationParams;
}

/** One grid point. */
export interface CalibrationTask {
  q: number;
  strategy: Strategy;
}

/** Its row and the time it took, ms. */
export interface CalibrationReply {
  row: CalibrationRow;
  ms: number;
}

interface CalibrationWorkerState {
  init: CalibrationInit;
  family: CodeFamily;
}

serveWorker<CalibrationWorkerState, CalibrationTask, CalibrationReply>(self, {
  async init(payload) {
    const init = payload as CalibrationInit;
    const family = await loadOrBuildCodeFamily(init.options, init.codesDir, { seed: init.seed });
    return { init, family };
  },
  run({ q, strategy }, { init, family }) {
    const t0 = performance.now();
    const row = calibratePoint(family, init.options, init.params, strategy, q);
    return { row, ms: performance.now() - t0 };
  },
});
