import { assertEquals, assertNotEquals } from "../../tests/assert.ts";
import { campaignRng, sampleSeed, seedHex, stageRng, Xoshiro128StarStar } from "./rng.ts";

// Reference outputs of the authors' xoshiro128starstar.c seeded with s = {1, 2, 3, 4}.
Deno.test("Xoshiro128StarStar.nextUint32() matches the reference implementation", () => {
  const rng = new Xoshiro128StarStar(new Uint32Array([1, 2, 3, 4]));
  const got = Array.from({ length: 6 }, () => rng.nextUint32());
  assertEquals(got, [11520, 0, 5927040, 70819200, 2031721883, 1637235492]);
});

Deno.test("Xoshiro128StarStar replaces the all-zero state by word 0 = 1", () => {
  const a = new Xoshiro128StarStar(new Uint32Array(4));
  const b = new Xoshiro128StarStar(new Uint32Array([1, 0, 0, 0]));
  for (let i = 0; i < 10; i++) assertEquals(a.nextUint32(), b.nextUint32());
});

Deno.test("nextDouble() is uniform on [0, 1): mean and variance within 5σ over 1e5 draws", () => {
  const rng = campaignRng(7, "test/uniform");
  const n = 100_000;
  let sum = 0, sumSq = 0, min = 1, max = 0;
  for (let i = 0; i < n; i++) {
    const u = rng.nextDouble();
    sum += u;
    sumSq += u * u;
    if (u < min) min = u;
    if (u > max) max = u;
  }
  const mean = sum / n;
  // Var(U) = 1/12, Var(U²) = 4/45: standard errors of the two moments.
  if (Math.abs(mean - 0.5) > 5 * Math.sqrt(1 / 12 / n)) throw new Error(`mean ${mean}`);
  if (Math.abs(sumSq / n - 1 / 3) > 5 * Math.sqrt(4 / 45 / n)) {
    throw new Error(`E[U²] ${sumSq / n}`);
  }
  if (min < 0 || max >= 1) throw new Error(`range [${min}, ${max}]`);
});

Deno.test("nextBelow() stays in range and hits every value of a small range", () => {
  const rng = campaignRng(1, "test/below");
  const seen = new Uint32Array(7);
  for (let i = 0; i < 7000; i++) seen[rng.nextBelow(7)]++;
  for (let v = 0; v < 7; v++) {
    // Binomial(7000, 1/7): mean 1000, sd ≈ 29.3; 5σ ≈ 147.
    if (Math.abs(seen[v] - 1000) > 147) throw new Error(`value ${v} seen ${seen[v]} times`);
  }
});

Deno.test("sampleSeed() is a pure function of (campaign seed, phase, id)", () => {
  assertEquals(sampleSeed(42, "phase1", 17), sampleSeed(42, "phase1", 17));
  assertNotEquals(sampleSeed(42, "phase1", 17), sampleSeed(42, "phase1", 18));
  assertNotEquals(sampleSeed(42, "phase1", 17), sampleSeed(43, "phase1", 17));
  assertNotEquals(sampleSeed(42, "phase1", 17), sampleSeed(42, "phase3", 17));
  assertEquals(seedHex(sampleSeed(42, "phase1", 17)).length, 16);
});

Deno.test("stageRng() streams of one sample are independent of draw order in other stages", () => {
  const seed = sampleSeed(42, "phase1", 3);
  const quantumFirst = stageRng(seed, "quantum");
  const q1 = [quantumFirst.nextUint32(), quantumFirst.nextUint32()];
  const detector = stageRng(seed, "detector");
  for (let i = 0; i < 100; i++) detector.nextUint32();
  const quantumAgain = stageRng(seed, "quantum");
  assertEquals([quantumAgain.nextUint32(), quantumAgain.nextUint32()], q1);
  assertNotEquals(stageRng(seed, "detector").nextUint32(), q1[0]);
});

Deno.test("sampleSeed() follows the documented SHA-256 derivation", async () => {
  const text = "caligo-ts/v1|42|phase1|0";
  const digest = new Uint8Array(
    await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text)),
  );
  const expected = new DataView(digest.buffer).getBigUint64(0, false);
  assertEquals(sampleSeed(42, "phase1", 0), expected);
});
