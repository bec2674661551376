import { assert, assertEquals } from "../../tests/assert.ts";
import { stageRng } from "../kernels/rng.ts";
import { fakeSimulateSample } from "./fake_simulate_sample.ts";
import { createParameterPoint } from "./parameter_point.ts";

const point = (f: number) =>
  createParameterPoint({
    storageNoiseR: 0.3,
    storageRateNu: 1,
    waitTimeNs: 1e6,
    channelFidelity: f,
    detectionEfficiency: 1,
    detectorError: 0,
    darkCountProb: 1e-9,
    numPairs: 10000,
    strategy: "baseline",
  });

Deno.test("fakeSimulateSample() follows docs/campaign.md §14: key_margin = 2(F − 0.5) − 0.2 + U", () => {
  for (let s = 0n; s < 50n; s++) {
    const u = -0.1 + 0.2 * stageRng(s, "quantum").nextDouble();
    for (const f of [0.55, 0.62, 0.9]) {
      const r = fakeSimulateSample(point(f), s);
      const km = 2 * (f - 0.5) - 0.2 + u;
      assertEquals(r.key_margin, km);
      if (f < 0.6) {
        assertEquals([r.outcome, r.diagnostics.key_margin_kind, r.net_efficiency], [
          "failure_qber",
          1,
          0,
        ]);
      } else if (km > 0) {
        assertEquals([r.outcome, r.net_efficiency], ["success", km]);
      } else {
        assertEquals([r.outcome, r.net_efficiency], ["failure_security", 0]);
      }
    }
  }
  // F = 0.62: margin 0.04 + U is positive for some seeds and not for others.
  const outcomes = new Set(
    Array.from({ length: 50 }, (_, s) => fakeSimulateSample(point(0.62), BigInt(s)).outcome),
  );
  assert(outcomes.has("success") && outcomes.has("failure_security"));
  assertEquals(fakeSimulateSample(point(0.9), 3n), fakeSimulateSample(point(0.9), 3n));
});
