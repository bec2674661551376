// The page's pre-filter (EXPLORER_PREFILTER_JS, evaluated here as the browser would) against the
// campaign's own row pre-filter (createRowPrefilter → prefilter() of lib/science/prefilter.ts, the
// verdict the static maps grey out) at 400 random box points per setting: every link model, both
// detector-error modes, decoherence on and off, key models project and caligo, both rules. Margin
// and Q_exp to 1e-12 (the same float64 operations on the same inputs: equal up to the rounding of
// 10^x, which both compute with the same Math.pow/`**`), verdicts equal.
import { assert, assertEquals } from "../../tests/assert.ts";
import {
  createRowPrefilter,
  type PrefilterSimulationConfig,
} from "../campaign/prefilter_adapter.ts";
import { Xoshiro128StarStar } from "../kernels/rng.ts";
import { explorerPrefilterOf, loadExplorerPrefilter } from "./explorer_prefilter_script.ts";

const SEED = new Uint32Array([21, 22, 23, 24]);
// the widest box of docs/campaign.md §2.1 (stored units), N up to 10^7
const LO = [0, -3, 5, 0.501, -3, 0, -8, 4];
const HI = [1, 0, 9, 1, 0, 0.1, -3, 7];

function simulation(over: Partial<PrefilterSimulationConfig>): PrefilterSimulationConfig {
  return {
    key_model: "project",
    link_model: "heralded-double-click",
    bell_correction_failure: 0,
    detector_error: "physical",
    qber_hard_limit: 0.22,
    test_fraction: 0.1,
    blind_test_fraction: 0.05,
    epsilon_sec: 1e-10,
    storage_decoherence: { enabled: false, t1_ns: 1e9, t2_ns: 1e9 },
    ...over,
  };
}

const SETTINGS: ["project" | "caligo", Partial<PrefilterSimulationConfig>][] = [
  ["project", {}],
  ["project", { link_model: "depolarising" }],
  ["project", { link_model: "analytic" }],
  ["project", { detector_error: "caligo", bell_correction_failure: 0.05 }],
  ["project", { key_model: "caligo", link_model: "depolarising" }],
  ["project", { storage_decoherence: { enabled: true, t1_ns: 3e7, t2_ns: 1e7 } }],
  ["project", { qber_hard_limit: 0.11 }],
  ["caligo", {}],
];

Deno.test("EXPLORER_PREFILTER_JS verdict() matches the campaign's pre-filter (margin, Q_exp 1e-12)", () => {
  const page = loadExplorerPrefilter();
  const rng = new Xoshiro128StarStar(SEED);
  for (const [rule, over] of SETTINGS) {
    const sim = simulation(over);
    const cfg = explorerPrefilterOf(rule, sim);
    assert("prefilter" in cfg, JSON.stringify(over));
    const reference = createRowPrefilter(rule, sim);
    let ruledOut = 0;
    for (let k = 0; k < 400; k++) {
      const row = new Float64Array(9);
      for (let j = 0; j < 8; j++) row[j] = LO[j] + (HI[j] - LO[j]) * rng.nextDouble();
      const want = reference(row, Math.round(10 ** row[7]));
      const got = page.verdict(cfg.prefilter, row.subarray(0, 8));
      const where = `${rule} ${JSON.stringify(over)} seed ${SEED} point ${k} ${Array.from(row)}`;
      for (
        const [a, b, name] of [[got.margin, want.margin, "margin"], [
          got.qExpected,
          want.qExpected,
          "Q_exp",
        ]] as const
      ) {
        assert(
          Math.abs(a - b) <= 1e-12 * Math.max(1, Math.abs(b)),
          `${name} ${a} vs ${b}: ${where}`,
        );
      }
      assertEquals(got.feasible, want.isFeasible, where);
      if (!want.isFeasible) ruledOut++;
    }
    // both verdicts occur in every setting, so the comparison covers the boundary's two sides
    assert(ruledOut > 0 && ruledOut < 400, `${rule} ${JSON.stringify(over)}: ${ruledOut} of 400`);
  }
});

Deno.test("explorerPrefilterOf() names key model erven2014 as not drawn", () => {
  const cfg = explorerPrefilterOf("project", simulation({ key_model: "erven2014" }));
  assert("unsupported" in cfg && cfg.unsupported.includes("erven2014"));
  assert("prefilter" in explorerPrefilterOf("caligo", simulation({ key_model: "erven2014" })));
});
