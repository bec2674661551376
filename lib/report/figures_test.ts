// Every figure renders to a valid SVG with marks in the degenerate cases of the issue: empty
// Phase 3, no successes, one strategy only, no surrogate (and a normal campaign with a surrogate).
import { assert, assertClose, assertEquals } from "../../tests/assert.ts";
import { analyticPredictor } from "./_test_analytic_predictor.ts";
import {
  syntheticCampaign,
  syntheticGroup,
  TABLE_ROWS_PHASE1,
  tableCampaign,
} from "./_test_synthetic_campaign.ts";
import { type CampaignData, emptyGroupData } from "../io/store/schema.ts";
import { deriveRows } from "./derived_columns.ts";
import { boundsFromJson, type FigureContext } from "./figure_context.ts";
import { buildFigures } from "./figures.ts";
import { computeSensitivity } from "./sensitivity_figure.ts";
import { cliffCrossSectionFigure } from "./cliff_cross_section_figure.ts";
import { cliffMapFigures } from "./cliff_map_figure.ts";
import { EXTRAPOLATED, RULED_OUT_COLOUR } from "./map_provenance.ts";
import { strategyDuelFigure } from "./strategy_duel_figure.ts";
import { surrogateTrustFigure } from "./surrogate_trust_figure.ts";
import type { SurrogatePredictor } from "./surrogate_predictor.ts";
import { renderSvg } from "./vega_render.ts";

function context(data: CampaignData, predictor?: SurrogatePredictor): FigureContext {
  return {
    data,
    rows: deriveRows(data, {}),
    holdout: deriveRows(data, {}, ["holdout"]),
    predictor,
    threshold: 0,
    campaignSeed: 7,
    sobolBasePoints: 256,
  };
}

/** Valid SVG with at least one mark group and no "NaN" coordinates. */
function assertSvg(svg: string, name: string) {
  assert(svg.startsWith("<svg") && svg.trimEnd().endsWith("</svg>"), `${name}: not an SVG`);
  assert(/class="mark-/.test(svg), `${name}: no marks`);
  assert(!/="[^"]*NaN/.test(svg), `${name}: NaN attribute`);
}

async function renderAll(ctx: FigureContext, names?: string[]) {
  const figs = buildFigures(ctx, names);
  for (const f of figs) assertSvg(await renderSvg(f.spec), f.name);
  return figs;
}

const SMALL = [
  "cliff_cross_section",
  "strategy_duel",
  "surrogate_trustworthiness",
  "acquisition_dynamics",
];

Deno.test("buildFigures() renders every figure with placeholders for an empty Phase 3 and no surrogate", async () => {
  const data = tableCampaign();
  data.groups.active_learning = emptyGroupData();
  const figs = await renderAll(context(data));
  const placeholders = figs.filter((f) => f.placeholder).map((f) => f.name);
  assert(placeholders.includes("acquisition_dynamics"), placeholders.join());
  assert(placeholders.includes("cliff_cross_section") && placeholders.includes("sensitivity"));
  assert(placeholders.includes("cliff_map_r_F") && placeholders.includes("run_performance"));
  assert(!placeholders.includes("death_valley") && !placeholders.includes("security_volume"));
});

Deno.test("buildFigures() renders with a surrogate, including no successes and one strategy", async () => {
  const p = analyticPredictor();
  // no successes: every outcome a failure
  const failed = tableCampaign();
  failed.groups.lhs_warmup.outcomes = failed.groups.lhs_warmup.outcomes.map(() => "failure_qber");
  failed.groups.active_learning.outcomes = failed.groups.active_learning.outcomes.map(() =>
    "failure_security"
  );
  const figs = await renderAll(context(failed, p), [...SMALL, "security_volume"]);
  assertEquals(figs.find((f) => f.name === "cliff_cross_section")?.placeholder, true);
  assertEquals(figs.find((f) => f.name === "cliff_map_r_F")?.placeholder, false);
  // one strategy: baseline rows only → strategy duel has no pairs but still a GP panel
  const baseline = TABLE_ROWS_PHASE1.filter((r) => !r.blind);
  const one: CampaignData = {
    ...tableCampaign(),
    groups: {
      lhs_warmup: syntheticGroup(baseline),
      active_learning: emptyGroupData(),
      holdout: emptyGroupData(),
    },
  };
  const duel = (await renderAll(context(one, p), ["strategy_duel"]))[0];
  assert(JSON.stringify(duel.spec).includes("No paired samples"));
});

Deno.test("buildFigures() renders an empty store (no rows at all) without crashing", async () => {
  const data = syntheticCampaign({
    lhs_warmup: emptyGroupData(),
    active_learning: emptyGroupData(),
    holdout: emptyGroupData(),
  });
  const figs = await renderAll(context(data), [
    "death_valley",
    "security_volume",
    "exploration_progress",
    "hyperparameters",
  ]);
  assert(figs.every((f) => f.placeholder), figs.map((f) => `${f.name}:${f.placeholder}`).join());
});

Deno.test("buildFigures() selects by config name (empty = all)", () => {
  const ctx = context(tableCampaign());
  assertEquals(buildFigures(ctx, ["death_valley"]).map((f) => f.name), ["death_valley"]);
  assertEquals(buildFigures(ctx).length, 14); // 4 cliff maps + 10
});

Deno.test("computeSensitivity() gives the analytic first-order indices of the surrogate mean", () => {
  // μ_baseline = 2F − 1.2 − 0.5r + 0.05·log η with F ~ U(0.501, 1), r ~ U(0, 1), log η ~ U(−3, 0):
  // V_F = 4·0.499²/12 = 0.083000, V_r = 0.25/12 = 0.020833, V_η = 0.0025·9/12 = 0.001875,
  // V = 0.105708 → S_F = 0.7852, S_r = 0.1971, S_η = 0.0177, others 0. N = 4096: SE ≈ 0.01.
  const ctx = { ...context(tableCampaign(), analyticPredictor()), sobolBasePoints: 4096 };
  const s = computeSensitivity(ctx).sobol.filter((v) => v.strategy === "baseline");
  const by = (c: string) => s.find((v) => v.column === c)!.value!;
  assertClose(by("F"), 0.7852, 0.03, "S_F");
  assertClose(by("r"), 0.1971, 0.03, "S_r");
  assertClose(by("log10 η"), 0.0177, 0.03, "S_η");
  assertClose(by("log10 N"), 0, 0.03, "S_N");
});

Deno.test("strategyDuelFigure() labels come from the data (GP slice share and pair counts)", () => {
  // Δμ = log10 η + 1.5 on a 25-point grid over [−3, 0]: positive at 12 of 25 columns → 48 %
  const base = analyticPredictor();
  const p = {
    ...base,
    predict: (s: "baseline" | "blind", x: Float64Array) => {
      const r = base.predict("baseline", x);
      if (s === "blind") {
        for (let i = 0; i < r.mean.length; i++) {
          r.mean[i] += x[i * 8 + 4] + 1.5;
        }
      }
      return r;
    },
  };
  const f = strategyDuelFigure(context(tableCampaign(), p));
  const title = (f.spec.title as { subtitle: string }).subtitle;
  assertEquals(title, "GP slice: blind ahead on 48 % of the slice; pairs: blind ahead in 3 of 3");
});

Deno.test("buildFigures() reads F1, acquisition and θ columns of the iteration records", () => {
  const data = tableCampaign();
  // two iterations; θ columns hold ln ℓ, so log10 ℓ = ln ℓ / ln 10
  data.matrices.iterations = {
    n: 2,
    columns: ["iteration", "refit", "f1_holdout", "acq_max", "theta_baseline_0", "theta_blind_3"],
    rows: new Float64Array([0, 1, 0.5, 0.3, Math.LN10, -Math.LN10, 1, 1, 0.7, 0.2, 0, 0]),
  };
  const figs = buildFigures(context(data), [
    "hyperparameters",
    "acquisition_dynamics",
    "exploration_progress",
  ]);
  const hyper = figs.find((f) => f.name === "hyperparameters")!;
  assertEquals(hyper.placeholder, false);
  const values = (hyper.spec.data as { values: { value: number; column: string }[] }).values;
  assertEquals(values.map((v) => [v.column, v.value]), [["r", 1], ["r", 0], ["F", -1], ["F", 0]]);
  const text = JSON.stringify(figs);
  assert(text.includes('"statistic":"acq_max"') && text.includes('"metric":"f1_holdout"'));
  assert(!text.includes("No Phase 3 iterations recorded"));
});

Deno.test("boundsFromJson() converts the stored YAML bounds to stored units", () => {
  const json = JSON.stringify({
    storage_noise_r: { min: 0, max: 1 },
    storage_rate_nu: { min: 0.001, max: 1 },
    wait_time_ns: { min_log: 5, max_log: 9 },
    channel_fidelity: { min: 0.501, max: 1 },
    detection_efficiency: { min_log: -3, max_log: 0 },
    detector_error: { min: 0, max: 0.1 },
    dark_count_prob: { min_log: -8, max_log: -3 },
    num_pairs: { min_log: 4, max_log: 6 },
  });
  const b = boundsFromJson(json)!;
  assertEquals(Array.from(b.lo), [0, -3, 5, 0.501, -3, 0, -8, 4]);
  assertEquals(Array.from(b.hi), [1, 0, 9, 1, 0, 0.1, -3, 6]);
  assertEquals(boundsFromJson("{}"), undefined);
  assertEquals(boundsFromJson(undefined), undefined);
});

Deno.test("surrogateTrustFigure() renders a means-only model (σ NaN) with a stated placeholder", async () => {
  const base = analyticPredictor();
  const p = {
    ...base,
    predict: (s: "baseline" | "blind", x: Float64Array) => ({
      mean: base.predict(s, x).mean,
      std: new Float64Array(x.length / 8).fill(NaN),
    }),
  };
  const f = surrogateTrustFigure(context(tableCampaign(), p));
  assertSvg(await renderSvg(f.spec), f.name);
  const text = JSON.stringify(f.spec);
  assert(
    text.includes("σ unavailable (means-only model)") && text.includes("1 points, σ unavailable"),
  );
});

Deno.test("cliff map, cross-section and duel fade extrapolated values and grey out pre-filtered ones", async () => {
  // pre-filter: r > 0.5 (column 0) or log10 η < −2 (column 4) ruled out; σ inflated 10× so that
  // the slices hold extrapolated values near μ = t
  const base = analyticPredictor();
  const p = {
    ...base,
    predict: (s: "baseline" | "blind", x: Float64Array) => {
      const r = base.predict(s, x);
      return { mean: r.mean, std: r.std.map((v) => 10 * v + 0.05) };
    },
  };
  const ctx: FigureContext = {
    ...context(tableCampaign(), p),
    ruledOut: (stored) => stored[0] > 0.5 || stored[4] < -2,
  };
  const figs = [
    cliffMapFigures(ctx, [[0, 3]])[0],
    cliffCrossSectionFigure(ctx),
    strategyDuelFigure(ctx),
  ];
  for (const f of figs) {
    const text = JSON.stringify(f.spec);
    assert(text.includes(RULED_OUT_COLOUR), `${f.name}: no grey layer`);
    assert(text.includes(EXTRAPOLATED), `${f.name}: nothing faded`);
    assertSvg(await renderSvg(f.spec), f.name);
  }
  // no pre-filter: no grey layer
  const plain = cliffCrossSectionFigure(context(tableCampaign(), p));
  assert(!JSON.stringify(plain.spec).includes(RULED_OUT_COLOUR));
});
