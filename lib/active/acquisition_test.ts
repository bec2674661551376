import { assert, assertClose, assertEquals, assertThrows } from "../../tests/assert.ts";
import { InvalidArgumentError } from "../errors.ts";
import {
  closestToThreshold,
  expectedImprovement,
  lowerConfidenceBound,
  normalCdf,
  scoreAcquisition,
  straddle,
} from "./acquisition.ts";

const f64 = (...v: number[]) => new Float64Array(v);

Deno.test("straddle() equals κσ − |μ − t| on hand-computed cases", () => {
  const out = straddle(f64(0, 0.3, -0.2, 1), f64(0.1, 0.1, 0.5, 0), 1.96, 0.1, new Float64Array(4));
  assertClose(out[0], 0.196 - 0.1, 1e-15);
  assertClose(out[1], 0.196 - 0.2, 1e-15);
  assertClose(out[2], 0.98 - 0.3, 1e-15);
  assertClose(out[3], -0.9, 1e-15);
});

Deno.test("lowerConfidenceBound() equals −μ + κσ", () => {
  const out = lowerConfidenceBound(f64(1, -1), f64(0.5, 2), 2, new Float64Array(2));
  assertEquals(Array.from(out), [0, 5]);
});

Deno.test("expectedImprovement() matches d·Φ(z) + σ·φ(z) and is 0 for σ ≤ 1e-12", () => {
  // best = 0, μ = 0, ξ = 0, σ = 1 → d = 0, EI = φ(0) = 0.398942.
  const out = expectedImprovement(f64(0, 0, 5, -5), f64(1, 0, 1, 1), 0, 0, new Float64Array(4));
  assertClose(out[0], 0.3989422804, 1e-7);
  assertEquals(out[1], 0);
  assert(out[2] >= 0 && out[2] < 1e-5, `far above best: ${out[2]}`);
  // μ far below the incumbent: EI ≈ d = 5.
  assertClose(out[3], 5, 1e-6);
});

Deno.test("normalCdf() matches tabulated values", () => {
  assertClose(normalCdf(0), 0.5, 1e-7);
  assertClose(normalCdf(1.96), 0.9750021, 2e-7);
  assertClose(normalCdf(-1), 0.1586553, 2e-7);
});

Deno.test("scoreAcquisition() rejects unknown names, length mismatch, missing incumbent", () => {
  const params = { kappa: 1.96, threshold: 0, xi: 0.01 };
  assertThrows(
    () => scoreAcquisition("thompson" as "ei", f64(0), f64(1), params, f64(0)),
    InvalidArgumentError,
    "acquisition",
  );
  assertThrows(
    () => scoreAcquisition("straddle", f64(0, 1), f64(1), params, f64(0, 0)),
    InvalidArgumentError,
  );
  assertThrows(
    () => scoreAcquisition("ei", f64(0), f64(1), params, f64(0)),
    InvalidArgumentError,
    "incumbent",
  );
});

Deno.test("closestToThreshold() picks the observation nearest to t", () => {
  assertEquals(closestToThreshold([0.5, -0.05, 0.2], 0), -0.05);
});

Deno.test("scoreAcquisition() stays finite at the box corners (σ = 0, huge μ)", () => {
  const out = scoreAcquisition(
    "straddle",
    f64(1e300, -1e300, 0),
    f64(0, 0, 0),
    { kappa: 1.96, threshold: 0, xi: 0.01 },
    new Float64Array(3),
  );
  assert(out.every(Number.isFinite), Array.from(out).join(","));
});
