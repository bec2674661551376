import { assert, assertEquals } from "../../../tests/assert.ts";
import { campaignRng } from "../../kernels/rng.ts";
import { fitGpSync } from "../../surrogate/fit_gp.ts";
import { KrigingBeliever } from "../../surrogate/kriging_believer.ts";
import { straddle } from "../../active/acquisition.ts";
import { type CandidatePool, selectBatch } from "../../active/batch_selection.ts";
import { excludeNearTraining, predictMeanStd, storedRowOf } from "./phase3_candidates.ts";

const D = 8;

function points(n: number, name: string): Float64Array {
  const rng = campaignRng(3, name);
  return Float64Array.from({ length: n * D }, () => rng.nextDouble());
}

Deno.test("excludeNearTraining() marks exactly the candidates within 1e-6 of a training row", () => {
  const training = points(20, "train");
  const candidates = new Float64Array(5 * D);
  candidates.set(training.subarray(3 * D, 4 * D), 0); // duplicate of row 3
  candidates.set(training.subarray(7 * D, 8 * D), D); // row 7 shifted by 5e-7 in one column
  candidates[D + 2] += 5e-7;
  candidates.set(training.subarray(9 * D, 10 * D), 2 * D); // row 9 shifted by 1e-5
  candidates[2 * D] += 1e-5;
  candidates.set(points(2, "far"), 3 * D);
  assertEquals(Array.from(excludeNearTraining(candidates, training)), [1, 1, 0, 0, 0]);
});

Deno.test("storedRowOf() maps the unit box to stored columns with an exact integer N", () => {
  const bounds = { lo: [0, -3, 5, 0.501, -3, 0, -8, 4], hi: [1, 0, 9, 1, 0, 0.1, -3, 6] };
  const { row, numPairs } = storedRowOf([0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5], true, bounds);
  assertEquals(numPairs, 100000);
  assertEquals(row[7], 5);
  assertEquals(row[8], 1);
  assertEquals(row[0], 0.5);
});

Deno.test("Kriging-believer batches on a fitted GP contain no near-duplicates or training points", async () => {
  const x = points(40, "gp-train");
  const y = Float64Array.from({ length: 40 }, (_, i) => x[i * D] + x[i * D + 1] - 1);
  const gp = fitGpSync({ x, y, d: D }, { seed: 2 });
  // A pool with repeated candidates and copies of training rows.
  const base = points(150, "gp-pool");
  const pool = new Float64Array(200 * D);
  pool.set(base);
  pool.set(base.subarray(0, 30 * D), 150 * D); // 30 exact repeats
  pool.set(x.subarray(0, 20 * D), 180 * D); // 20 training rows
  const excluded = excludeNearTraining(pool, x);
  const { mean, std } = await predictMeanStd(gp, pool);
  const kb = new KrigingBeliever(gp, pool);
  const s2 = gp.state.yStd ** 2;
  const candidates: CandidatePool = {
    x: pool,
    d: D,
    mean,
    std,
    excluded,
    condition(i) {
      kb.conditionOnPick(i);
      for (let j = 0; j < std.length; j++) std[j] = Math.sqrt(kb.latentVariance[j] * s2);
    },
  };
  const picks = selectBatch([candidates], (m, s, out) => straddle(m, s, 1.96, 0, out), {
    method: "kriging_believer",
    q: 16,
  });
  assertEquals(picks.length, 16);
  const chosen = picks.map((p) => pool.subarray(p.index * D, p.index * D + D));
  for (let a = 0; a < chosen.length; a++) {
    assert(!excluded[picks[a].index], `pick ${a} is a training row`);
    for (let b = 0; b < a; b++) {
      let r2 = 0;
      for (let j = 0; j < D; j++) r2 += (chosen[a][j] - chosen[b][j]) ** 2;
      assert(Math.sqrt(r2) > 1e-6, `picks ${a} and ${b} coincide`);
    }
  }
});
