import { assertEquals, assertThrows } from "../../../tests/assert.ts";
import { InvalidArgumentError } from "../../errors.ts";
import { caligoDistribution, degreeCounts } from "./degree_distributions.ts";

Deno.test("degreeCounts() reproduces the degree profile of Caligo's n = 4096 rate-0.5 code exactly", () => {
  // tests/fixtures/ldpc_README.md: the shipped matrix's variable and check degree counts.
  const c = degreeCounts(caligoDistribution(0.5), 4096, 2048);
  assertEquals(c.edges, 22562);
  const v = Object.fromEntries(
    Array.from(c.variables.degrees, (d, i) => [d, c.variables.counts[i]]),
  );
  assertEquals(v, {
    2: 1629,
    3: 1431,
    4: 104,
    5: 11,
    6: 177,
    8: 152,
    9: 140,
    10: 29,
    11: 3,
    14: 99,
    15: 197,
    17: 20,
    47: 4,
    49: 3,
    55: 1,
    56: 0,
    57: 44,
    58: 24,
    59: 20,
    66: 8,
  });
  assertEquals(Array.from(c.checks.degrees), [10, 12, 13, 14]);
  assertEquals(Array.from(c.checks.counts), [1074, 881, 52, 41]);
});

Deno.test("degreeCounts() balances the edge counts of both sides for every rate and length", () => {
  for (const n of [512, 4096, 16384]) {
    for (let r = 50; r <= 90; r += 5) {
      const checks = Math.round(n * (1 - r / 100));
      const c = degreeCounts(caligoDistribution(r / 100), n, checks);
      let ev = 0, ec = 0, nv = 0, nc = 0;
      c.variables.degrees.forEach((
        d,
        i,
      ) => (ev += d * c.variables.counts[i], nv += c.variables.counts[i]));
      c.checks.degrees.forEach((d, i) => (ec += d * c.checks.counts[i], nc += c.checks.counts[i]));
      assertEquals([ev, ec, nv, nc], [c.edges, c.edges, n, checks], `n ${n} rate ${r / 100}`);
    }
  }
});

Deno.test("caligoDistribution() rejects rates outside the table", () => {
  assertThrows(() => caligoDistribution(0.52), InvalidArgumentError, "0.50, 0.55");
});
