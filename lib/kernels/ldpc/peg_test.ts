import { assert, assertEquals, assertNotEquals } from "../../../tests/assert.ts";
import { Xoshiro128StarStar } from "../rng.ts";
import { buildPegCode } from "./peg.ts";
import { caligoDistribution, degreeCounts } from "./degree_distributions.ts";
import { checkDegrees, tannerGirth, variableDegrees } from "./parity_check_matrix.ts";

const rng = (seed: number) => new Xoshiro128StarStar(Uint32Array.of(seed, 1, 2, 3));

function histogram(a: Int32Array): Record<number, number> {
  const h: Record<number, number> = {};
  for (const d of a) h[d] = (h[d] ?? 0) + 1;
  return h;
}

Deno.test("buildPegCode() meets the requested degree distribution of Caligo's rate-0.5 table at n = 512", () => {
  const c = degreeCounts(caligoDistribution(0.5), 512, 256);
  const { matrix, overflowEdges } = buildPegCode(c.variables, c.checks, rng(1));
  assertEquals(overflowEdges, 0);
  const want = (x: typeof c.variables) =>
    Object.fromEntries(Array.from(x.degrees, (d, i) => [d, x.counts[i]]).filter(([, k]) => k > 0));
  assertEquals(histogram(variableDegrees(matrix)), want(c.variables));
  assertEquals(histogram(checkDegrees(matrix)), want(c.checks));
});

Deno.test("buildPegCode() builds no 4-cycles where the degrees allow it (n = 600, degrees 2/3/4, checks 6)", () => {
  const v = { degrees: Int32Array.of(2, 3, 4), counts: Int32Array.of(300, 200, 100) }; // 1600 edges
  const c = { degrees: Int32Array.of(5, 6), counts: Int32Array.of(200, 100) }; // 1600 edges
  const { matrix, girth } = buildPegCode(v, c, rng(7));
  assert(girth >= 6, `construction girth ${girth}`);
  const measured = tannerGirth(matrix, 8);
  assert(measured >= 6, `measured girth ${measured}`);
  assertEquals(measured === Infinity ? Infinity : Math.min(measured, 8), Math.min(girth, 8));
});

Deno.test("buildPegCode() is deterministic for a seed and changes with it", () => {
  const c = degreeCounts(caligoDistribution(0.7), 400, 120);
  const a = buildPegCode(c.variables, c.checks, rng(3)).matrix;
  const b = buildPegCode(c.variables, c.checks, rng(3)).matrix;
  const d = buildPegCode(c.variables, c.checks, rng(4)).matrix;
  assertEquals(a.colIdx, b.colIdx);
  assertEquals(a.rowPtr, b.rowPtr);
  assertNotEquals(a.colIdx, d.colIdx);
});
