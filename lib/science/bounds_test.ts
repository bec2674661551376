import { assert, assertClose, assertEquals } from "../../tests/assert.ts";
import {
  capacityMargin,
  dominantBound,
  dupuisKonig,
  effectiveStorageNoise,
  h2,
  hBoundedStorage,
  hMin,
  lupo,
  nsmEntropy,
  rationalAdversaryRate,
  storageCapacity,
  strictlyLessMargin,
  strongConverseExponent,
} from "./bounds.ts";
import {
  EPSILON_COR,
  EPSILON_SEC,
  keyPenaltyBits,
  QBER_HARD_LIMIT,
  QBER_WARNING_THRESHOLD,
  R_CROSSOVER,
  R_TILDE,
} from "./constants.ts";

Deno.test("h2() matches Caligo's tests (§14.1, tolerance 0.01)", () => {
  assertClose(h2(0), 1, 0.01);
  assertClose(h2(1), -1, 0.01);
  assertClose(h2(0.5), 0.192645, 0.01);
});

Deno.test("dupuisKonig() matches Caligo reference values (§14.1, tolerance 0.02)", () => {
  const cases: [number, number][] = [[0, 1], [0.1, 0.957], [0.3, 0.655], [0.5, 0.305]];
  for (const [r, v] of cases) assertClose(dupuisKonig(r), v, 0.02, `r=${r}`);
  for (const r of [0.7, 0.75, 0.8, 0.9]) assertClose(dupuisKonig(r), 0, 0.02, `r=${r}`);
  assert(Math.abs(dupuisKonig(0.25) - 0.75) < 0.05);
});

Deno.test("lupo() is 1 − r", () => {
  for (const r of [0, 0.3, 0.75, 1]) assertClose(lupo(r), 1 - r, 0.001);
});

Deno.test("hMin() matches Caligo reference values (§14.1)", () => {
  assertClose(hMin(0.1), 0.957, 0.001);
  assertClose(hMin(0.75), 0.25, 0.001);
  assertClose(hMin(0.9), 0.1, 0.001);
});

Deno.test("h2(), dupuisKonig(), lupo(), hMin() reproduce the §14.1 table", () => {
  const table: [number, number, number, number, number][] = [
    [0, 1, 1, 1, 1],
    [0.05, 0.98922, 0.98922, 0.95, 0.98922],
    [0.1, 0.957356, 0.957356, 0.9, 0.957356],
    [0.2, 0.836501, 0.836501, 0.8, 0.836501],
    [0.25, 0.752072, 0.752072, 0.75, 0.752072],
    [0.3, 0.655172, 0.655172, 0.7, 0.7],
    [0.4, 0.434403, 0.443601, 0.6, 0.6],
    [0.5, 0.192645, 0.305150, 0.5, 0.5],
    [0.6, -0.0566, 0, 0.4, 0.4],
    [0.75, -0.4263, 0, 0.25, 0.25],
    [0.9, -0.7782, 0, 0.1, 0.1],
    [1, -1, 0, 0, 0],
  ];
  for (const [r, vh2, vdk, vl, vmin] of table) {
    // Tolerance: half a unit in the last printed digit of each value.
    const tol = (v: number) => (String(v).split(".")[1]?.length ?? 0) >= 6 ? 5e-7 : 5e-5;
    assertClose(h2(r), vh2, tol(vh2), `h2(${r})`);
    assertClose(dupuisKonig(r), vdk, tol(vdk), `DK(${r})`);
    assertClose(lupo(r), vl, 1e-12, `lupo(${r})`);
    assertClose(hMin(r), vmin, tol(vmin), `hMin(${r})`);
  }
});

Deno.test("rationalAdversaryRate() is min(1/2, h_min) (§14.1 [H])", () => {
  assertClose(rationalAdversaryRate(0), 0.5, 0.001);
  assertClose(rationalAdversaryRate(0.3), 0.5, 0.001);
  assertClose(rationalAdversaryRate(0.75), 0.25, 0.001);
});

Deno.test("hBoundedStorage() matches §14.1", () => {
  const cases: [number, number, number][] = [
    [0.75, 1, 0.25],
    [0.75, 0.5, 0.375],
    [0.75, 0, 0.5],
    [0.75, 0.002, 0.4995],
    [0.3, 0.5, 0.6],
  ];
  for (const [r, nu, v] of cases) assertClose(hBoundedStorage(r, nu), v, 1e-6, `(${r}, ${nu})`);
});

Deno.test("strongConverseExponent() matches values computed with Caligo's functions", () => {
  assertClose(strongConverseExponent(0.5, 0), 0, 1e-4);
  assertClose(strongConverseExponent(0.5, 0.5), 0.0894, 1e-4);
  assertClose(strongConverseExponent(0.75, 0.9), 0.1291, 1e-4);
});

Deno.test("storageCapacity() matches §14.1 and capacityMargin() uses it", () => {
  const cases: [number, number][] = [
    [0.25, 0.045566],
    [0.5, 0.188722],
    [0.75, 0.456436],
    [0.9, 0.713603],
    [0.99, 0.954585],
  ];
  for (const [r, v] of cases) assertClose(storageCapacity(r), v, 1e-6, `r=${r}`);
  assertClose(capacityMargin(0.99, 0.6), 0.5 - 0.572751, 1e-6);
});

Deno.test("constants match §14.1", () => {
  assertEquals(QBER_WARNING_THRESHOLD, 0.11);
  assertEquals(QBER_HARD_LIMIT, 0.22);
  assertEquals(R_TILDE, 0.7798);
  assertEquals(R_CROSSOVER, 0.25);
  assertEquals(EPSILON_SEC, 1e-10);
  assertEquals(EPSILON_COR, 1e-6);
  assertClose(keyPenaltyBits(), 67.438562, 5e-7);
});

Deno.test("nsmEntropy() reports the dominant bound (§14.1 [H])", () => {
  const half = nsmEntropy(0.5, 1000);
  assertClose(half.entropyBits, 500, 1e-9);
  assertEquals(half.dominant, "lupo");
  const zero = nsmEntropy(0, 1000);
  assertEquals(zero.rate, 1);
  assertEquals(zero.dominant, "dupuis_konig");
  assertEquals(dominantBound(0.2), "dupuis_konig");
  assertEquals(dominantBound(0.26), "lupo");
});

Deno.test("strictlyLessMargin() fails at (r 0.9, Q 0.03)", () => {
  assertClose(strictlyLessMargin(0.9, 0.03), 0.1 - 0.194392, 1e-6);
});

Deno.test("effectiveStorageNoise() decays with Γ = (1/T1 + 1/T2)/2", () => {
  assertEquals(effectiveStorageNoise(0.8, 1e9, Infinity, Infinity), 0.8);
  assertClose(effectiveStorageNoise(0.8, 1e6, 1e6, 1e6), 0.8 * Math.exp(-1), 1e-15);
  assertClose(effectiveStorageNoise(0.8, 2e6, 1e6, Infinity), 0.8 * Math.exp(-1), 1e-15);
});
