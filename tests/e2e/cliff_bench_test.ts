/**
 * `deno task cliff-bench` on a tiny budget (docs/campaign.md §10.8): the JSON shape, test points that
 * never enter training, and the exact labels coming from the science functions alone.
 */
import { assert, assertEquals } from "../assert.ts";
import { parseConfig } from "../../lib/io/config.ts";
import { openCampaignStore } from "../../lib/io/store/reader.ts";
import { resolveCampaign } from "../../lib/campaign/settings.ts";
import { benchConfig, cliffTestPoints, exactLabels } from "../../lib/campaign/cliff_bench.ts";
import { expectedMargin } from "../../lib/science/expected_margin.ts";
import { keyModelOf } from "../../lib/science/key_model.ts";
import { pointEffectiveR, pointExpectedQber } from "../../lib/science/prefilter.ts";
import { decodeRow } from "../../lib/protocol/parameter_point.ts";

const ROOT = new URL("../../", import.meta.url).pathname;
const KEEP = "out/e2e_cliff_bench";

Deno.test({
  name: "cliff-bench --json: shape, disjoint test points, exact labels from the science alone",
  sanitizeResources: false,
  async fn() {
    await Deno.remove(`${ROOT}${KEEP}`, { recursive: true }).catch(() => {});
    const out = await new Deno.Command("bash", {
      args: [
        "tasks/_launch.sh",
        "cliff-bench",
        "--budget",
        "40",
        "--seeds",
        "1",
        "--test-points",
        "300",
        "--restarts",
        "0",
        "--method",
        "default",
        "--method",
        "sobol",
        "--work-dir",
        KEEP,
        "--json",
      ],
      cwd: ROOT,
      env: { NO_COLOR: "1", CALIGO_WORKERS: "2" },
      stdout: "piped",
      stderr: "piped",
    }).output();
    const stderr = new TextDecoder().decode(out.stderr);
    assertEquals(out.code, 0, stderr);
    const json = JSON.parse(new TextDecoder().decode(out.stdout));
    assertEquals(json.budget, 40);
    assertEquals(json.seeds, [1]);
    assertEquals(Object.keys(json.methods).sort(), ["default", "sobol"]);
    for (const m of Object.values(json.methods) as Record<string, number>[]) {
      for (const k of ["meanF1", "minF1", "samples", "seconds"]) {
        assert(typeof m[k] === "number", `${k} is a number`);
      }
      assertEquals(m.samples, 40);
      assert(m.meanF1 >= 0 && m.meanF1 <= 1);
    }

    // Test points never enter training: no stored design row equals a test point.
    const yaml = await Deno.readTextFile(`${ROOT}${KEEP}/default-seed1.yaml`);
    const config = parseConfig(yaml, {}).config;
    const points = cliffTestPoints(config, 300, 1);
    const store = await openCampaignStore(`${ROOT}${KEEP}/default-seed1/exploration_data.h5`);
    const keys = new Set<string>();
    for (const g of ["lhs_warmup", "active_learning"] as const) {
      const d = store.groups[g];
      for (let i = 0; i < d.n; i++) {
        keys.add(Array.from(d.inputs.subarray(i * 9, i * 9 + 8)).join());
      }
    }
    assert(keys.size >= 20, `${keys.size} distinct training inputs (strategies paired)`);
    for (let i = 0; i < 300; i++) {
      assert(!keys.has(Array.from(points.subarray(i * 9, i * 9 + 8)).join()), `test point ${i}`);
    }

    // The exact labels are the sign of the science function at the point, nothing else.
    const labels = exactLabels(resolveCampaign(config), points, "baseline");
    let secure = 0;
    for (let i = 0; i < 300; i++) {
      const p = decodeRow(points.subarray(i * 9, i * 9 + 9), undefined, { maxPairs: Infinity });
      const sim = config.simulation;
      const e = expectedMargin({
        qExpected: pointExpectedQber(p, { linkModel: sim.link_model }),
        rEff: pointEffectiveR(p),
        nu: p.storageRateNu,
        numPairs: p.numPairs,
        strategy: "baseline",
      }, {
        keyModel: keyModelOf(sim.key_model),
        testFraction: sim.test_fraction,
        blindTestFraction: sim.blind_test_fraction,
        epsilonSec: sim.epsilon_sec,
        qberHardLimit: sim.qber_hard_limit,
        efficiency: () => sim.reconciliation.f_select,
        codeLength: sim.reconciliation.code_length,
        hashBits: sim.reconciliation.hash_bits,
      });
      assertEquals(labels[i], e.cliffMargin > 0 ? 1 : 0, `point ${i}`);
      secure += labels[i];
    }
    assert(secure > 30 && secure < 270, `both classes among the test points (${secure})`);
  },
});

Deno.test("benchConfig() splits the budget and applies each method's settings", () => {
  const base = parseConfig("phase3:\n  batch_size: 16\n", {}).config;
  const d = benchConfig(base, "default", 3, { budget: 100, noise: 0.01, phase1Fraction: 0.5 });
  assertEquals(
    [d.phase1.num_samples, d.phase3.batch_size, d.phase3.num_iterations, d.execution.random_seed],
    [50, 5, 10, 3], // batch: the config's 16, at most a tenth of the 50 Phase-3 samples
  );
  assertEquals([d.simulation.simulator, d.simulation.expected_noise], ["expected", 0.01]);
  const s = benchConfig(base, "sobol", 3, { budget: 100, noise: 0, phase1Fraction: 0.5 });
  assertEquals([s.phase1.num_samples, s.phase3.num_iterations], [100, 0]);
  const c = benchConfig(base, "caligo", 3, { budget: 100, noise: 0, phase1Fraction: 0.5 });
  assertEquals(
    [c.phase2.target, c.phase2.gp.isotropic, c.phase3.acquisition.use_sobol],
    ["net_efficiency", true, false],
  );
});
