/// <reference lib="deno.worker" />
/**
 * Web Worker of {@link ensureCalibration} (lib/campaign/calibration_builds.ts): loads the code
 * family once from the code cache, then answers {@link CalibrationRequest}s, one (QBER, strategy)
 * at a time, with the row computed by `calibratePoint` (pure, seeded per grid point, so the row is
 * the same whichever worker computes it).
 * @module
 */
import { loadOrBuildCodeFamily } from "../../io/code_cache.ts";
import type { CodeFamily } from "../../reconciliation/code_family.ts";
import { calibratePoint } from "../../reconciliation/calibration_run.ts";
import type { CalibrationParams, CalibrationRow } from "../../reconciliation/calibration.ts";
import type { ReconciliationOptions, Strategy } from "../../reconciliation/types.ts";

/** main → worker. */
export interface CalibrationRequest {
  codesDir: string;
  seed: number;
  options: ReconciliationOptions;
  params: CalibrationParams;
  q: number;
  strategy: Strategy;
}

/** worker → main. */
export type CalibrationReply =
  | { type: "row"; row: CalibrationRow; ms: number }
  | { type: "error"; message: string };

let family: Promise<CodeFamily> | null = null;

self.onmessage = async (ev: MessageEvent<CalibrationRequest>) => {
  const { codesDir, seed, options, params, q, strategy } = ev.data;
  try {
    family ??= loadOrBuildCodeFamily(options, codesDir, { seed });
    const t0 = performance.now();
    const row = calibratePoint(await family, options, params, strategy, q);
    self.postMessage({ type: "row", row, ms: performance.now() - t0 } satisfies CalibrationReply);
  } catch (e) {
    self.postMessage({ type: "error", message: (e as Error).message } satisfies CalibrationReply);
  }
};
