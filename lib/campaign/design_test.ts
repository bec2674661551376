import { assert, assertClose, assertEquals, assertNotEquals } from "../../tests/assert.ts";
import { campaignRng } from "../kernels/rng.ts";
import { parseConfig } from "../io/config.ts";
import {
  applyMarginals,
  createPhase1Design,
  type DesignBounds,
  type DesignOptions,
  isBlindAlternate,
  lhsBatch,
} from "./design.ts";

/** The schema's default box (docs/campaign.md §2.1). */
const DEFAULT_BOUNDS: DesignBounds = parseConfig("", {}).config.bounds;

function opts(over: Partial<DesignOptions> = {}): DesignOptions {
  return {
    campaignSeed: 42,
    bounds: DEFAULT_BOUNDS,
    method: "sobol",
    strategy: "paired",
    fidelityMarginal: "beta21",
    strategyRatio: 0.5,
    batchSize: 8,
    ...over,
  };
}

Deno.test("createPhase1Design() paired mode: ids 2j and 2j+1 share design point j", () => {
  const d = createPhase1Design(opts());
  for (const j of [0, 1, 5, 123]) {
    const a = d.sample(2 * j), b = d.sample(2 * j + 1);
    assertEquals(a.designIndex, j);
    assertEquals(b.designIndex, j);
    assertEquals(Array.from(a.row.subarray(0, 8)), Array.from(b.row.subarray(0, 8)));
    assertEquals([a.row[8], b.row[8]], [0, 1]);
    assertEquals(a.numPairs, b.numPairs);
  }
});

Deno.test("createPhase1Design() marginals stay within the bounds (narrow F too)", () => {
  const narrow = { ...DEFAULT_BOUNDS, channel_fidelity: { min: 0.9, max: 0.95 } };
  for (const method of ["sobol", "lhs_batch"] as const) {
    const d = createPhase1Design(opts({ method, bounds: narrow }));
    for (let i = 0; i < 2000; i++) {
      const { row, numPairs } = d.sample(i);
      assert(row[0] >= 0 && row[0] <= 1);
      assert(row[1] >= -3 && row[1] <= 0);
      assert(row[2] >= 5 && row[2] <= 9);
      assert(row[3] >= 0.9 && row[3] <= 0.95, `F ${row[3]}`);
      assert(row[4] >= -3 && row[4] <= 0);
      assert(row[5] >= 0 && row[5] <= 0.1);
      assert(row[6] >= -8 && row[6] <= -3);
      assert(Number.isInteger(numPairs) && numPairs >= 1e4 && numPairs <= 1e6);
      assertEquals(row[7], Math.log10(numPairs));
    }
  }
});

Deno.test("applyMarginals() maps u by the documented inverse CDFs", () => {
  const out = new Float64Array(9);
  const n = applyMarginals(
    [0.25, 0.5, 0.5, 0.25, 1 / 3, 0.5, 0.2, 0.5],
    DEFAULT_BOUNDS,
    "beta21",
    out,
  );
  assertClose(out[0], 0.25, 1e-15);
  assertClose(out[1], -1.5, 1e-15);
  assertClose(out[2], 7, 1e-15);
  assertClose(out[3], 0.501 + 0.5 * 0.499, 1e-15); // √0.25 = 0.5
  assertClose(out[4], -2, 1e-15);
  assertClose(out[6], -7, 1e-15);
  assertEquals(n, 100_000);
  assertEquals(out[7], 5);
  applyMarginals([0, 0, 0, 0.25, 0, 0, 0, 0], DEFAULT_BOUNDS, "uniform", out);
  assertClose(out[3], 0.501 + 0.25 * 0.499, 1e-15);
});

Deno.test("createPhase1Design() same seed identical, different seed different", () => {
  for (const method of ["sobol", "lhs_batch"] as const) {
    const a = createPhase1Design(opts({ method })), b = createPhase1Design(opts({ method }));
    const c = createPhase1Design(opts({ method, campaignSeed: 43 }));
    const rows = (d: typeof a) => Array.from({ length: 20 }, (_, i) => Array.from(d.sample(i).row));
    assertEquals(rows(a), rows(b));
    assertNotEquals(rows(a), rows(c));
  }
});

Deno.test("createPhase1Design() random access equals sequential order (prefix property)", () => {
  const d = createPhase1Design(opts({ method: "lhs_batch", batchSize: 5 }));
  const seq = Array.from({ length: 30 }, (_, i) => Array.from(d.unitPoint(i)));
  const fresh = createPhase1Design(opts({ method: "lhs_batch", batchSize: 5 }));
  for (const i of [29, 3, 17, 0, 11]) assertEquals(Array.from(fresh.unitPoint(i)), seq[i]);
  // every LHS batch is a Latin hypercube: one point per stratum and dimension
  for (let b = 0; b < 6; b++) {
    for (let k = 0; k < 8; k++) {
      const cells = new Set(seq.slice(5 * b, 5 * b + 5).map((p) => Math.floor(p[k] * 5)));
      assertEquals(cells.size, 5);
    }
  }
});

Deno.test("lhsBatch() puts one point in each of the n strata per dimension", () => {
  const x = lhsBatch(50, 3, campaignRng(1, "t"));
  for (let k = 0; k < 3; k++) {
    assertEquals(
      new Set(Array.from({ length: 50 }, (_, i) => Math.floor(x[i * 3 + k] * 50))).size,
      50,
    );
  }
});

Deno.test("isBlindAlternate() ratio 0.7 over 1000 ids gives a blind fraction in [0.65, 0.75]", () => {
  let blind = 0;
  for (let i = 0; i < 1000; i++) if (isBlindAlternate(i, 0.7)) blind++;
  assert(blind >= 650 && blind <= 750, `${blind}`);
  // golden-ratio rule keeps every prefix balanced: within 2/√… of the ratio after 100 ids
  let prefix = 0;
  for (let i = 0; i < 100; i++) if (isBlindAlternate(i, 0.3)) prefix++;
  assert(Math.abs(prefix - 30) <= 3, `${prefix}`);
  assertEquals([0, 1, 2, 3].map((i) => isBlindAlternate(i, 0.5)), [false, true, false, true]);
});

Deno.test("createPhase1Design() alternate mode gives each id its own design point", () => {
  const d = createPhase1Design(opts({ strategy: "alternate" }));
  assertEquals(d.sample(7).designIndex, 7);
  assertNotEquals(
    Array.from(d.sample(6).row.subarray(0, 8)),
    Array.from(d.sample(7).row.subarray(0, 8)),
  );
});
