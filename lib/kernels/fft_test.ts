import { assertClose, assertThrows } from "../../tests/assert.ts";
import { InvalidArgumentError } from "../errors.ts";
import { createFftPlan, nextPowerOfTwo } from "./fft.ts";
import { Xoshiro128StarStar } from "./rng.ts";

Deno.test("createFftPlan() matches the direct DFT and inverts (n = 1 … 64)", () => {
  const rng = new Xoshiro128StarStar(new Uint32Array([1, 2, 3, 4]));
  for (const n of [1, 2, 4, 8, 64]) {
    const re = Float64Array.from({ length: n }, () => rng.nextDouble() - 0.5);
    const im = Float64Array.from({ length: n }, () => rng.nextDouble() - 0.5);
    const r2 = re.slice(), i2 = im.slice();
    createFftPlan(n).transform(r2, i2, false);
    for (let k = 0; k < n; k++) {
      let sr = 0, si = 0;
      for (let j = 0; j < n; j++) {
        const a = -2 * Math.PI * j * k / n;
        sr += re[j] * Math.cos(a) - im[j] * Math.sin(a);
        si += re[j] * Math.sin(a) + im[j] * Math.cos(a);
      }
      // float64 round-off of an n-term sum of O(1) values.
      assertClose(r2[k], sr, 1e-12, `n=${n} k=${k}`);
      assertClose(i2[k], si, 1e-12, `n=${n} k=${k}`);
    }
    createFftPlan(n).transform(r2, i2, true);
    for (let j = 0; j < n; j++) assertClose(r2[j], re[j], 1e-14);
  }
});

Deno.test("createFftPlan() rejects sizes that are not powers of two", () => {
  assertThrows(() => createFftPlan(12), InvalidArgumentError, "size");
  assertClose(nextPowerOfTwo(1025), 2048, 0);
});

Deno.test("createFftPlan() bit-reversed forward and inverse match the natural-order transform", () => {
  const rng = new Xoshiro128StarStar(new Uint32Array([5, 6, 7, 8]));
  for (const n of [1, 2, 4, 8, 32, 128]) {
    const plan = createFftPlan(n);
    const re = Float64Array.from({ length: n }, () => rng.nextDouble() - 0.5);
    const im = Float64Array.from({ length: n }, () => rng.nextDouble() - 0.5);
    const nr = re.slice(), ni = im.slice();
    plan.transform(nr, ni, false);
    const br = re.slice(), bi = im.slice();
    plan.forwardToBitReversed(br, bi);
    for (let r = 0; r < n; r++) {
      assertClose(br[r], nr[plan.bitReversal[r]], 1e-12, `n=${n} r=${r}`);
      assertClose(bi[r], ni[plan.bitReversal[r]], 1e-12, `n=${n} r=${r}`);
    }
    plan.inverseFromBitReversed(br, bi);
    for (let j = 0; j < n; j++) assertClose(br[j], re[j], 1e-14, `n=${n} j=${j}`);
  }
});
