import { sampleBinomial } from "./binomial.ts";
import { Xoshiro128StarStar } from "./rng.ts";

function rng(seed: number) {
  return new Xoshiro128StarStar(new Uint32Array([seed, 7, 11, 13]));
}

function assert(cond: boolean, message: string): void {
  if (!cond) throw new Error(message);
}

Deno.test("sampleBinomial: edge cases", () => {
  const r = rng(1);
  assert(sampleBinomial(0, 0.3, r) === 0, "n = 0");
  assert(sampleBinomial(100, 0, r) === 0, "p = 0");
  assert(sampleBinomial(100, 1, r) === 100, "p = 1");
});

Deno.test("sampleBinomial: mean and variance over 4000 draws at small and large p", () => {
  for (const [n, p] of [[1000, 0.014], [1000, 0.3], [1000, 0.93], [50, 0.5]]) {
    const r = rng(Math.round(n * p));
    let s = 0;
    let s2 = 0;
    const draws = 4000;
    for (let i = 0; i < draws; i++) {
      const k = sampleBinomial(n, p, r);
      assert(k >= 0 && k <= n && Number.isInteger(k), `k = ${k} out of range`);
      s += k;
      s2 += k * k;
    }
    const mean = s / draws;
    const variance = s2 / draws - mean * mean;
    const sd = Math.sqrt(n * p * (1 - p));
    // mean within 5 standard errors; variance within 10 %
    assert(Math.abs(mean - n * p) < 5 * sd / Math.sqrt(draws), `mean ${mean} vs ${n * p}`);
    assert(Math.abs(variance / (sd * sd) - 1) < 0.1, `variance ${variance} vs ${sd * sd}`);
  }
});

Deno.test("sampleBinomial: 10^8 trials at p = 0.0141 is fast and centred", () => {
  const r = rng(5);
  const t = performance.now();
  const k = sampleBinomial(1e8, 0.0141, r);
  const ms = performance.now() - t;
  assert(Math.abs(k - 1.41e6) < 6 * Math.sqrt(1.41e6), `k = ${k}`);
  assert(ms < 2000, `took ${ms} ms`);
});
