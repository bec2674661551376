import { assert, assertClose, assertEquals } from "../../../tests/assert.ts";
import { parseConfig } from "../../io/config.ts";
import { resolveCampaign } from "../settings.ts";
import { silentLogger } from "../../io/log.ts";
import { campaignRng } from "../../kernels/rng.ts";
import { tsLinalg } from "../../kernels/linalg/ts_linalg.ts";
import type { Outcome } from "../../protocol/record.ts";
import { fitTwinSurrogate, regressionMetrics } from "./phase2.ts";
import type { TrainingRows } from "../surrogate_data.ts";

/** n rows per strategy with key_margin = F − 0.75 (a smooth cliff in one column). */
function rows(n: number, extraOutcomes: Outcome[] = []): TrainingRows {
  const rng = campaignRng(9, "phase2-test");
  const total = 2 * n + extraOutcomes.length;
  const inputs = new Float64Array(total * 9), keyMargin = new Float64Array(total);
  const outcomes: Outcome[] = [];
  for (let i = 0; i < total; i++) {
    const u = Array.from({ length: 8 }, () => rng.nextDouble());
    const row = [
      u[0],
      -3 + 3 * u[1],
      5 + 4 * u[2],
      0.501 + 0.499 * u[3],
      -3 + 3 * u[4],
      0.1 * u[5],
      -8 + 5 * u[6],
      4 + 2 * u[7],
      i % 2,
    ];
    inputs.set(row, i * 9);
    keyMargin[i] = row[3] - 0.75;
    outcomes.push(
      i < 2 * n ? (keyMargin[i] > 0 ? "success" : "failure_security") : extraOutcomes[i - 2 * n],
    );
  }
  return {
    n: total,
    sampleId: Float64Array.from({ length: total }, (_, i) => i),
    inputs,
    outputs: new Float64Array(total * 6),
    outcomes,
    keyMargin,
    cliffMargin: keyMargin,
    iteration: new Int32Array(total).fill(-1),
  };
}

Deno.test("regressionMetrics() gives R² = 1, RMSE = 0 and F1 = 1 for perfect predictions", () => {
  const y = new Float64Array([-0.2, -0.1, 0.1, 0.3]);
  const m = regressionMetrics(y, y.slice(), new Float64Array(4).fill(0.01), 0);
  assertEquals([m.r2, m.rmse, m.boundaryF1], [1, 0, 1]);
  assertClose(m.nlpd, 0.5 * Math.log(2 * Math.PI * 0.01), 1e-12);
});

Deno.test("fitTwinSurrogate() validates and cross-validates each strategy with its own GP", async () => {
  const { config } = parseConfig(
    "phase2:\n  cross_validation: { enabled: true, n_folds: 4 }\n  gp: { n_restarts_optimizer: 0 }\n",
    {},
  );
  // Timeouts and errors never train the model (docs/campaign.md §9.1).
  const data = rows(30, ["failure_timeout", "failure_error"]);
  const fit = await fitTwinSurrogate({
    settings: resolveCampaign(config).phase2,
    groups: [data],
    linalg: tsLinalg,
    log: silentLogger,
    fitIndex: 0,
  });
  for (const s of ["baseline", "blind"] as const) {
    const m = fit.metrics[s]!;
    assertEquals(m.nRows, 30); // the timeout and error rows are not training rows
    assert(m.nValidation === 6 && m.nTrain === 24, `${s}: ${m.nTrain}/${m.nValidation}`);
    assert(m.r2 > 0.95, `${s} validation R² ${m.r2}`);
    assertEquals(m.crossValidation?.folds, 4);
    assert(m.crossValidation!.r2 > 0.95, `${s} CV R² ${m.crossValidation!.r2}`);
    assert(m.crossValidation!.boundaryF1 > 0.9, `${s} CV F1 ${m.crossValidation!.boundaryF1}`);
  }
  assert(Number.isFinite(fit.divergence.meanAbsDifference));
});

Deno.test("fitTwinSurrogate() leaves out a hand-edited NaN input with one warning per strategy; the GP stays finite", async () => {
  const { config } = parseConfig("phase2:\n  gp: { n_restarts_optimizer: 0 }\n", {});
  const data = rows(20);
  data.inputs[4 * 9 + 3] = NaN; // sample 4 (baseline): F
  const warnings: string[] = [];
  const log = { ...silentLogger, warn: (m: string) => warnings.push(m) };
  const fit = await fitTwinSurrogate({
    settings: resolveCampaign(config).phase2,
    groups: [data],
    linalg: tsLinalg,
    log,
    fitIndex: 0,
  });
  assertEquals(
    warnings.filter((w) => w.includes("NaN or infinite input")).length,
    1,
    warnings.join("\n"),
  );
  assert(
    warnings[0].startsWith("baseline GP: 1 stored rows") && warnings[0].includes("sample ids 4"),
  );
  assertEquals(fit.metrics.baseline!.nRows, 19);
  assert(Number.isFinite(fit.divergence.meanAbsDifference));
});
