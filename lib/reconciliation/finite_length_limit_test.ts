import { assert, assertClose, assertThrows } from "../../tests/assert.ts";
import { InvalidArgumentError } from "../errors.ts";
import {
  efficiencyLimit,
  minimumLeakageBits,
  normalApproximationLeakageBits,
} from "./finite_length_limit.ts";

/** log₂ of the least number of error patterns, taken most probable first, whose mass ≥ 1 − ε. */
function bruteForceLeakage(n: number, q: number, fer: number): number {
  const probabilities: number[] = [];
  for (let e = 0; e < 1 << n; e++) {
    let w = 0;
    for (let x = e; x; x >>= 1) w += x & 1;
    probabilities.push(q ** w * (1 - q) ** (n - w));
  }
  probabilities.sort((a, b) => b - a);
  let mass = 0;
  for (let count = 1; count <= probabilities.length; count++) {
    mass += probabilities[count - 1];
    if (mass >= 1 - fer - 1e-12) return Math.log2(count);
  }
  return n;
}

Deno.test("minimumLeakageBits() equals the brute-force count of the most likely patterns (n = 12)", () => {
  for (const q of [0.02, 0.05, 0.11, 0.3]) {
    for (const fer of [0.5, 0.1, 0.01, 1e-3]) {
      assertClose(
        minimumLeakageBits(12, q, fer),
        bruteForceLeakage(12, q, fer),
        1e-9,
        `q ${q} ε ${fer}`,
      );
    }
  }
});

Deno.test("minimumLeakageBits() and its normal approximation differ by O(1) bits", () => {
  // Strassen's expansion n·h + √(nV)·Φ⁻¹(1 − ε) − ½ log₂ n leaves an O(1) remainder: a few bits
  // out of thousands, at every length.
  for (const n of [4096, 16384, 65536, 262144]) {
    for (const q of [0.01, 0.02, 0.05, 0.08, 0.11]) {
      const exact = minimumLeakageBits(n, q, 0.01);
      const approx = normalApproximationLeakageBits(n, q, 0.01);
      assert(Math.abs(exact - approx) < 4, `n ${n} q ${q}: ${exact} vs ${approx}`);
    }
  }
});

Deno.test("efficiencyLimit() at the default code length: 1.098 at 2 %, 1.066 at 4 %, 1.143 at 1 %", () => {
  // Independent check: the normal approximation computed by hand (Python, math.log2 and
  // statistics.NormalDist) gives 1.0977, 1.0657, 1.1434 at n = 16384, ε = 1e-2.
  assertClose(efficiencyLimit(16384, 0.02, 0.01), 1.098, 0.002);
  assertClose(efficiencyLimit(16384, 0.04, 0.01), 1.066, 0.002);
  assertClose(efficiencyLimit(16384, 0.01, 0.01), 1.143, 0.002);
});

Deno.test("efficiencyLimit() falls towards 1 with the length and rises as ε shrinks", () => {
  let previous = Infinity;
  for (const n of [1024, 4096, 16384, 65536, 1 << 20]) {
    const f = efficiencyLimit(n, 0.05, 0.01);
    assert(f < previous && f > 1, `n ${n}: ${f}`);
    previous = f;
  }
  assert(previous < 1.01);
  assert(efficiencyLimit(16384, 0.05, 1e-4) > efficiencyLimit(16384, 0.05, 1e-2));
});

Deno.test("minimumLeakageBits() rejects arguments outside its domain in one line", () => {
  assertThrows(() => minimumLeakageBits(0, 0.1, 0.01), InvalidArgumentError);
  assertThrows(() => minimumLeakageBits(100, 0.5, 0.01), InvalidArgumentError);
  assertThrows(() => minimumLeakageBits(100, 0.1, 0), InvalidArgumentError);
});
