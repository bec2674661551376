import { assert, assertEquals } from "../../../tests/assert.ts";
import { Xoshiro128StarStar } from "../rng.ts";
import { createLinkModel, type LinkModelName, type LinkPhysics } from "./link_model.ts";
import { applyDetectorError, sampleEprRounds } from "./epr_sampler.ts";
import { bernoulliDraw, bernoulliThreshold } from "./bernoulli.ts";

const N = 100_000;

function run(name: LinkModelName, physics: LinkPhysics, seed: number) {
  const link = createLinkModel(name, physics);
  const ta = new Uint8Array(N),
    a = new Uint8Array(N),
    tb = new Uint8Array(N),
    b = new Uint8Array(N);
  sampleEprRounds(N, link.errorZ, link.errorX, rng(seed), ta, a, tb, b);
  applyDetectorError(b, N, link.detectorFlipProb, rng(seed + 1000));
  let matched = 0, errors = 0, mismatchedDiff = 0, mismatched = 0, ones = 0;
  for (let i = 0; i < N; i++) {
    ones += ta[i];
    if (ta[i] === tb[i]) {
      matched++;
      errors += a[i] ^ b[i];
    } else {
      mismatched++;
      mismatchedDiff += a[i] ^ b[i];
    }
  }
  return { link, matched, errors, mismatched, mismatchedDiff, ones };
}

function rng(seed: number) {
  return new Xoshiro128StarStar(new Uint32Array([seed, 0x9e3779b9, seed * 7 + 1, 12345]));
}

/** |x − n·p| ≤ 4·sqrt(n·p·(1−p)): binomial 4σ band. */
function within4Sigma(x: number, n: number, p: number): boolean {
  return Math.abs(x - n * p) <= 4 * Math.sqrt(n * p * (1 - p)) + 1e-9;
}

Deno.test("sampleEprRounds() matched QBER of each link model is within 4σ of Q_exp at 5 points", () => {
  const points: LinkPhysics[] = [
    { channelFidelity: 0.95, detectionEfficiency: 1, detectorError: 0, darkCountProb: 1e-9 },
    { channelFidelity: 0.99, detectionEfficiency: 0.1, detectorError: 0.005, darkCountProb: 1e-4 },
    { channelFidelity: 0.99, detectionEfficiency: 0.001, detectorError: 0.01, darkCountProb: 1e-5 },
    { channelFidelity: 0.9, detectionEfficiency: 0.5, detectorError: 0.1, darkCountProb: 1e-3 },
    {
      channelFidelity: 0.99,
      detectionEfficiency: 1,
      detectorError: 0,
      darkCountProb: 1e-9,
      bellCorrectionFailure: 0.1,
    },
  ];
  const names: LinkModelName[] = ["heralded-double-click", "depolarising", "analytic"];
  let seed = 1;
  for (const name of names) {
    for (const physics of points) {
      const r = run(name, physics, seed++);
      assert(
        within4Sigma(r.errors, r.matched, r.link.expectedQber),
        `${name} ${JSON.stringify(physics)} seed ${
          seed - 1
        }: ${r.errors}/${r.matched} vs ${r.link.expectedQber}`,
      );
      assert(within4Sigma(r.matched, N, 0.5), `matched ${r.matched}, seed ${seed - 1}`);
      assert(within4Sigma(r.mismatchedDiff, r.mismatched, 0.5), `mismatched rounds not uniform`);
      assert(within4Sigma(r.ones, N, 0.5), `θA not Bernoulli(1/2)`);
    }
  }
});

// A large dark-count probability (inside the science domain, outside the campaign box) makes the
// Z-anticorrelated bunching branch heavy, so Z and X error rates differ by ≈ 0.14.
Deno.test("sampleEprRounds() Z and X errors follow their own rates (heralded, bunching branch)", () => {
  const physics = {
    channelFidelity: 0.99,
    detectionEfficiency: 1,
    detectorError: 0,
    darkCountProb: 0.2,
  };
  const link = createLinkModel("heralded-double-click", physics);
  assert(link.errorZ - link.errorX > 0.05);
  const ta = new Uint8Array(N),
    a = new Uint8Array(N),
    tb = new Uint8Array(N),
    b = new Uint8Array(N);
  sampleEprRounds(N, link.errorZ, link.errorX, rng(77), ta, a, tb, b);
  const count = [[0, 0], [0, 0]];
  for (let i = 0; i < N; i++) {
    if (ta[i] === tb[i]) {
      count[ta[i]][0]++;
      count[ta[i]][1] += a[i] ^ b[i];
    }
  }
  assert(within4Sigma(count[0][1], count[0][0], link.errorZ), `Z: ${count[0][1]}/${count[0][0]}`);
  assert(within4Sigma(count[1][1], count[1][0], link.errorX), `X: ${count[1][1]}/${count[1][0]}`);
});

Deno.test("sampleEprRounds() is deterministic per seed and handles n not a multiple of 32", () => {
  const n = 1000 + 7;
  const out = () => {
    const arrs = [new Uint8Array(n), new Uint8Array(n), new Uint8Array(n), new Uint8Array(n)];
    sampleEprRounds(n, 0.1, 0.2, rng(5), arrs[0], arrs[1], arrs[2], arrs[3]);
    return arrs;
  };
  assertEquals(out(), out());
  const zero = [new Uint8Array(0), new Uint8Array(0), new Uint8Array(0), new Uint8Array(0)];
  sampleEprRounds(0, 0.1, 0.2, rng(5), zero[0], zero[1], zero[2], zero[3]);
});

Deno.test("applyDetectorError() flips each bit with probability e (4σ)", () => {
  const b = new Uint8Array(N);
  const flips = applyDetectorError(b, N, 0.07, rng(9));
  let ones = 0;
  for (let i = 0; i < N; i++) ones += b[i];
  assertEquals(ones, flips);
  assert(within4Sigma(flips, N, 0.07), `flips ${flips}`);
  assertEquals(applyDetectorError(b, N, 0, rng(9)), 0);
});

Deno.test("bernoulliDraw() is exact at p = 0 and p = 1 and unbiased at p = 0.3 (4σ)", () => {
  const r = rng(11);
  const zero = bernoulliThreshold(0), one = bernoulliThreshold(1), p3 = bernoulliThreshold(0.3);
  let c = 0;
  for (let i = 0; i < 20000; i++) {
    assertEquals(bernoulliDraw(r, zero), 0);
    assertEquals(bernoulliDraw(r, one), 1);
    c += bernoulliDraw(r, p3);
  }
  assert(within4Sigma(c, 20000, 0.3));
});
