import { assert, assertEquals, assertThrows } from "../../../tests/assert.ts";
import { InvalidArgumentError } from "../../errors.ts";
import { Xoshiro128StarStar } from "../rng.ts";
import {
  type CheckRule,
  FIXED_POINT_SCALE,
  fixedRowUpdate,
  floatRowUpdate,
  normalizedMinSum,
  offsetMinSum,
  sumProduct,
} from "./check_rules.ts";

/** r of one check with inputs `q` and syndrome bit `flip`, through the rule's row update. */
function row(rule: CheckRule, q: number[], flip = 0): number[] {
  const r = new Float64Array(q.length);
  floatRowUpdate(rule, q.length)(Float64Array.from(q), 0, r, 0, q.length, flip);
  return Array.from(r);
}

/** Exact sum-product message of each edge: 2·atanh(Π_{other} tanh(q/2)), times (−1)^flip. */
function exactSumProduct(q: number[], flip = 0): number[] {
  return q.map((_, e) => {
    const p = q.reduce((acc, x, k) => (k === e ? acc : acc * Math.tanh(x / 2)), 1);
    return (flip ? -2 : 2) * Math.atanh(p);
  });
}

/** Seeded rows of degree 3–12, LLRs of either sign with magnitudes log-uniform in [0.01, 20]. */
function randomRows(seed: number, count: number): number[][] {
  const rng = new Xoshiro128StarStar(Uint32Array.of(seed, 3, 5, 7));
  return Array.from({ length: count }, () =>
    Array.from({ length: 3 + rng.nextBelow(10) }, () => {
      const magnitude = 0.01 * 2000 ** rng.nextDouble();
      return rng.nextDouble() < 0.5 ? -magnitude : magnitude;
    }));
}

Deno.test("min-sum rules: |r| = α·min or max(min − β, 0) of the other edges, sign of their product and the syndrome", () => {
  assertEquals(row(normalizedMinSum(0.5), [2, -4, 6]), [-2, 1, -1]);
  assertEquals(row(normalizedMinSum(0.5), [2, -4, 6], 1), [2, -1, 1]);
  assertEquals(row(offsetMinSum(1), [2, -4, 6]), [-3, 1, -1]);
  assertEquals(row(offsetMinSum(3), [2, -4, 6]), [-1, 0, -0]);
  assertEquals(row(normalizedMinSum(1), [0, 5]), [5, 0]); // punctured input: nothing to send it
});

Deno.test("fixed-point min-sum rules agree with the float rules within one unit (1/64 LLR), seed 7", () => {
  for (const rule of [normalizedMinSum(0.8), offsetMinSum(0.5), offsetMinSum(0)]) {
    for (const q of randomRows(7, 40)) {
      const units = Int32Array.from(q, (x) => Math.round(x * FIXED_POINT_SCALE));
      const r = new Int32Array(q.length);
      fixedRowUpdate(rule)(units, 0, r, 0, q.length, 1);
      const float = row(rule, Array.from(units, (u) => u / FIXED_POINT_SCALE), 1);
      r.forEach((u, e) => {
        const label = `${rule.kind} q = ${q.map((x) => x.toFixed(3))} edge ${e}`;
        assert(Math.abs(u / FIXED_POINT_SCALE - float[e]) <= 1 / FIXED_POINT_SCALE, label);
      });
    }
  }
});

Deno.test("sum-product (tanh) matches 2·atanh(Π tanh(q/2)) to 1e-9, with Caligo's handling of zero inputs", () => {
  for (const q of randomRows(11, 40)) {
    for (const flip of [0, 1]) {
      const exact = exactSumProduct(q, flip);
      row(sumProduct("tanh"), q, flip).forEach((r, e) =>
        assert(Math.abs(r - exact[e]) <= 1e-9 * (1 + Math.abs(exact[e])), `q = ${q}, edge ${e}`)
      );
    }
  }
  // One punctured input: only its own edge hears the others; two: nothing is sent.
  const one = row(sumProduct("tanh"), [0, 2, -3]);
  assertEquals(one.slice(1), [0, 0]);
  assert(Math.abs(one[0] - exactSumProduct([0, 2, -3])[0]) < 1e-12, `${one}`);
  assertEquals(row(sumProduct("tanh"), [0, 0, 4]), [0, 0, 0]);
});

Deno.test("sum-product (φ table) matches 2·atanh(Π tanh(q/2)) within 0.003 + 1 %, seed 13", () => {
  for (const q of randomRows(13, 60)) {
    const exact = exactSumProduct(q);
    row(sumProduct(), q).forEach((r, e) => {
      const bound = 0.003 + 0.01 * Math.abs(exact[e]);
      assert(Math.abs(r - exact[e]) <= bound, `q = ${q}, edge ${e}: ${r} vs ${exact[e]}`);
    });
  }
});

Deno.test("a row update reads and writes only its own edges of the schedule's arrays", () => {
  const q = Float64Array.of(9, 9, 1, -2, 3, 9), r = new Float64Array(6).fill(7);
  floatRowUpdate(normalizedMinSum(1), 3)(q, 2, r, 1, 3, 0);
  assertEquals(Array.from(r), [7, -2, 1, -1, 7, 7]);
});

Deno.test("check rule constructors reject parameters out of range", () => {
  assertThrows(() => normalizedMinSum(0), InvalidArgumentError, "alpha");
  assertThrows(() => offsetMinSum(Infinity), InvalidArgumentError, "beta");
  assertThrows(() => sumProduct("exact" as never), InvalidArgumentError, "evaluation");
});
