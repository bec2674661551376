import { assert, assertClose, assertEquals } from "../../tests/assert.ts";
import {
  expectedSizes,
  finiteSizeMu,
  hoeffdingCountInterval,
  hoeffdingInterval,
  minPairsPassing,
  statisticalFluctuation,
} from "./finite_size.ts";

Deno.test("finiteSizeMu() matches Caligo reference values (§14.2)", () => {
  assertClose(finiteSizeMu(1000, 500), 0.270893, 5e-7);
  assertClose(finiteSizeMu(10000, 100000), 0.051820, 5e-7);
  // 500 errors in 10 000 test bits: Q̂ = 0.05 exactly.
  assertEquals(500 / 10000, 0.05);
  assertEquals(finiteSizeMu(0, 10), Infinity);
});

Deno.test("finiteSizeMu() at expected baseline sizes matches §14.2", () => {
  const cases: [number, number][] = [
    [1e4, 0.2329],
    [2e4, 0.1647],
    [5e4, 0.1042],
    [1e5, 0.0737],
    [1e6, 0.0233],
  ];
  for (const [n, v] of cases) {
    const { t, k } = expectedSizes(n, 0.1);
    assertClose(finiteSizeMu(t, k), v, 5e-5, `N=${n}`);
  }
});

Deno.test("minPairsPassing() matches the expected sizes of §14.2 within 0.5 %", () => {
  const cases: [number, number][] = [
    [0, 11220],
    [0.01, 12320],
    [0.02, 13580],
    [0.03, 15040],
    [0.05, 18781],
    [0.08, 27685],
    [0.10, 37681],
  ];
  for (const [q, n] of cases) {
    const got = minPairsPassing(q);
    assert(Math.abs(got - n) <= 0.005 * n, `q=${q}: ${got} vs ${n}`);
  }
  assertEquals(minPairsPassing(0.22), Infinity);
});

Deno.test("statisticalFluctuation() matches §14.2 [H]", () => {
  const mu = statisticalFluctuation(100000, 5000);
  assertClose(mu, 0.071607, 5e-7);
  assert(mu > 0.05 && mu < 0.1);
  assertClose(statisticalFluctuation(10000, 1000), 0.163952, 5e-7);
  assert(statisticalFluctuation(100, 10) > 0.1);
});

Deno.test("hoeffdingInterval() and hoeffdingCountInterval() match §14.2 [H]", () => {
  const [lo, hi] = hoeffdingInterval(10000, 0.5);
  assertClose(lo, 0.465562, 5e-7);
  assertClose(hi, 0.534438, 5e-7);
  assertEquals(hoeffdingCountInterval(10000, 0.5), [4655, 5345]);
  const [lo2, hi2] = hoeffdingInterval(10000, 0.015);
  assertEquals(lo2, 0);
  assertClose(hi2, 0.049438, 5e-7);
});
