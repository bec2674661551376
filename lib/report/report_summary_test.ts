import { assert, assertEquals } from "../../tests/assert.ts";
import { analyticPredictor, DEFAULT_BOX } from "./_test_analytic_predictor.ts";
import { tableCampaign } from "./_test_synthetic_campaign.ts";
import { computeSummary } from "./report_summary.ts";

// The analytic surrogate's means depend on F (column 3), r (0), log10 η (4) and log10 p_d (6):
// μ_baseline = 2(F − 0.5) − 0.2 − 0.5 r + 0.05 log10 η, μ_blind = μ_baseline + 0.08 + 0.01 log10 p_d.
// Box fractions by a midpoint grid over those four columns: an integration independent of the
// summary's Monte-Carlo draw, which must agree within 4 standard errors.
function gridFractions(keep: (r: number) => boolean) {
  const steps = [120, 120, 40, 40], cols = [3, 0, 4, 6];
  const at = (k: number, i: number) => {
    const c = cols[k], lo = DEFAULT_BOX.lo[c], hi = DEFAULT_BOX.hi[c];
    return lo + (hi - lo) * (i + 0.5) / steps[k];
  };
  let baseline = 0, blind = 0, blindOnly = 0, total = 0;
  for (let a = 0; a < steps[0]; a++) {
    for (let b = 0; b < steps[1]; b++) {
      for (let c = 0; c < steps[2]; c++) {
        for (let d = 0; d < steps[3]; d++) {
          total++;
          const r = at(1, b);
          if (!keep(r)) continue;
          const base = 2 * (at(0, a) - 0.5) - 0.2 - 0.5 * r + 0.05 * at(2, c);
          const bl = base + 0.08 + 0.01 * at(3, d);
          if (base > 0) baseline++;
          if (bl > 0) blind++;
          if (bl > 0 && !(base > 0)) blindOnly++;
        }
      }
    }
  }
  return { baseline: baseline / total, blind: blind / total, blindOnly: blindOnly / total };
}

function near(got: number, want: number, m: number, what: string) {
  const se = Math.sqrt(Math.max(want * (1 - want), 1e-4) / m);
  assert(Math.abs(got - want) < 4 * se, `${what}: ${got} vs ${want} (4 s.e. ${4 * se})`);
}

Deno.test("computeSummary(): secure fractions of the box agree with a grid integration of the analytic surrogate", () => {
  const s = computeSummary({
    data: tableCampaign(),
    predictor: analyticPredictor(),
    campaignSeed: 7,
    keyModel: "project",
  });
  const want = gridFractions(() => true);
  assertEquals(s.ruledOutFraction, 0);
  const [baseline, blind] = s.strategies;
  near(baseline.secureFraction, want.baseline, s.boxPoints, "baseline");
  near(blind.secureFraction, want.blind, s.boxPoints, "blind");
  near(s.duel!.blindOnly, want.blindOnly, s.boxPoints, "blind only");
  for (const x of s.strategies) {
    assert(x.surelySecure <= x.secureFraction && x.secureFraction <= x.possiblySecure);
  }
});

Deno.test("computeSummary(): a point the pre-filter rules out is secure for neither strategy", () => {
  // rule out r > 0.5, where the analytic means are still positive on part of the box
  const ruledOut = (stored: Float64Array) => stored[0] > 0.5;
  const s = computeSummary({
    data: tableCampaign(),
    predictor: analyticPredictor(),
    campaignSeed: 7,
    keyModel: "project",
    ruledOut,
  });
  const want = gridFractions((r) => r <= 0.5);
  near(s.ruledOutFraction, 0.5, s.boxPoints, "ruled out");
  const [baseline, blind] = s.strategies;
  near(baseline.secureFraction, want.baseline, s.boxPoints, "baseline");
  near(blind.secureFraction, want.blind, s.boxPoints, "blind");
  near(s.duel!.blindOnly, want.blindOnly, s.boxPoints, "blind only");
  const unmasked = gridFractions(() => true);
  assert(unmasked.baseline - want.baseline > 0.05, "the masked region holds secure means");
  for (const x of s.strategies) {
    assert(x.possiblySecure <= 1 - s.ruledOutFraction + 1e-12);
    assert(x.expectedSecure <= 1 - s.ruledOutFraction + 1e-12);
  }
});
