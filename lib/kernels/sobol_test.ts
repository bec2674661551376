import { assert, assertEquals, assertNotEquals } from "../../tests/assert.ts";
import { campaignRng } from "./rng.ts";
import { createSobolSequence } from "./sobol.ts";

const reference = JSON.parse(
  await Deno.readTextFile(
    new URL("../../tests/fixtures/campaign_sobol_scipy.json", import.meta.url),
  ),
) as { first64: number[][]; index1000to1003: number[][] };

Deno.test("createSobolSequence() equals SciPy's unscrambled 8-D points (first 64, 1000–1003)", () => {
  const s = createSobolSequence(8);
  const out = new Float64Array(8);
  reference.first64.forEach((p, i) => assertEquals(Array.from(s.point(i, out)), p, `point ${i}`));
  reference.index1000to1003.forEach((p, i) =>
    assertEquals(Array.from(s.point(1000 + i, out)), p, `point ${1000 + i}`)
  );
});

Deno.test("createSobolSequence() dimension 1 is van der Corput in Gray-code order", () => {
  const s = createSobolSequence(1);
  const out = new Float64Array(1);
  const got = [0, 1, 2, 3, 4, 5, 6, 7].map((i) => s.point(i, out)[0]);
  assertEquals(got, [0, 0.5, 0.75, 0.25, 0.375, 0.875, 0.625, 0.125]);
});

/** Count of points per elementary interval [k/2^m1, (k+1)/2^m1) × [l/2^m2, …) in dims (a, b). */
function isBalanced(points: Float64Array[], a: number, b: number, m1: number, m2: number): boolean {
  const counts = new Map<number, number>();
  for (const p of points) {
    const key = Math.floor(p[a] * 2 ** m1) * 4096 + Math.floor(p[b] * 2 ** m2);
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  const expected = points.length / 2 ** (m1 + m2);
  return counts.size === 2 ** (m1 + m2) && [...counts.values()].every((c) => c === expected);
}

Deno.test("createSobolSequence() scrambled prefixes of 2^m points stay stratified per dimension", () => {
  const s = createSobolSequence(8, campaignRng(7, "design"));
  for (const m of [4, 6, 8]) {
    const pts = Array.from({ length: 2 ** m }, (_, i) => s.point(i, new Float64Array(8)));
    for (let d = 0; d < 8; d++) {
      // every 1-D projection of a 2^m prefix is a (0, m, 1)-net: one point per 1/2^m interval
      const cells = new Set(pts.map((p) => Math.floor(p[d] * 2 ** m)));
      assertEquals(cells.size, 2 ** m, `m=${m} dim=${d}`);
    }
    // dims 1 and 2 form a (0, m, 2)-net in base 2
    assert(isBalanced(pts, 0, 1, 2, m - 2), `m=${m}`);
  }
});

Deno.test("createSobolSequence() same seed identical, different seed different", () => {
  const a = createSobolSequence(8, campaignRng(1, "design"));
  const b = createSobolSequence(8, campaignRng(1, "design"));
  const c = createSobolSequence(8, campaignRng(2, "design"));
  for (const i of [0, 1, 17, 4095]) {
    const pa = Array.from(a.point(i, new Float64Array(8)));
    assertEquals(pa, Array.from(b.point(i, new Float64Array(8))));
    assertNotEquals(pa, Array.from(c.point(i, new Float64Array(8))));
    assert(pa.every((x) => x >= 0 && x < 1));
  }
});
