import { assert, assertEquals } from "../../../tests/assert.ts";
import { parseConfig } from "../../io/config.ts";
import { resolveCampaign } from "../settings.ts";
import { fitGpSync } from "../../surrogate/fit_gp.ts";
import { TwinLandscape } from "../../surrogate/twin_landscape.ts";
import { holdoutScores } from "./holdout_scores.ts";
import type { TrainingRows } from "../surrogate_data.ts";

const settings = resolveCampaign(parseConfig("", {}).config).phase2;

/** Holdout rows at the centre of the box with the given targets (baseline, then blind). */
function rows(targets: number[]): TrainingRows {
  const n = targets.length;
  const inputs = new Float64Array(9 * n);
  const lo = [0, -3, 5, 0.501, -3, 0, -9, 4], hi = [1, 0, 11, 1, 0, 0.1, -3, 7];
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < 8; j++) inputs[9 * i + j] = lo[j] + (hi[j] - lo[j]) * ((i + 1) / (n + 2));
    inputs[9 * i + 8] = i < n / 2 ? 0 : 1;
  }
  return {
    n,
    sampleId: Float64Array.from(targets, (_, i) => 2 ** 41 + i),
    inputs,
    outputs: new Float64Array(6 * n),
    outcomes: targets.map((t) => t > 0 ? "success" : "failure_security"),
    keyMargin: Float64Array.from(targets),
    cliffMargin: Float64Array.from(targets),
    iteration: new Int32Array(n).fill(-1),
  };
}

/** A GP that predicts about +c everywhere. */
function constantGp(c: number) {
  const x = Float64Array.from({ length: 16 }, (_, i) => (i % 4) / 3);
  const y = Float64Array.from({ length: 2 }, () => c).map((v, i) => v + 1e-3 * i);
  return fitGpSync({ x, y, d: 8 }, { optimize: false });
}

Deno.test("holdoutScores(): per-strategy F1 with class counts; n/a (never 1) when a class is missing", () => {
  const twin = new TwinLandscape(constantGp(0.05), constantGp(0.05));
  // baseline rows: both classes; blind rows: all insecure (no positive in the truth)
  const s = holdoutScores(twin, rows([0.1, -0.1, 0.2, -0.2, -0.3, -0.1]), settings);
  assertEquals([s.byStrategy.baseline!.positives, s.byStrategy.baseline!.negatives], [2, 1]);
  assertEquals([s.byStrategy.blind!.positives, s.byStrategy.blind!.negatives], [0, 3]);
  assert(Math.abs(s.byStrategy.baseline!.f1 - 0.8) < 1e-12, `${s.byStrategy.baseline!.f1}`);
  assert(Number.isNaN(s.byStrategy.blind!.f1));
  assertEquals([s.pooled.positives, s.pooled.negatives], [2, 4]);
});
