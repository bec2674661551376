import { assert, assertEquals } from "../../tests/assert.ts";
import { Xoshiro128StarStar } from "../kernels/rng.ts";
import { toeplitzHashBitSliced } from "../kernels/toeplitz.ts";
import { amplifyOtStrings, randomBits } from "./privacy_amplification.ts";

const rng = (s: number) => new Xoshiro128StarStar(new Uint32Array([s, 1, 4, 9]));

Deno.test("amplifyOtStrings() hashes with seeds s0 then s1 from the toeplitz stream", () => {
  const m = 700, l = 300;
  const x0 = randomBits(rng(1), new Uint8Array(m));
  const x1 = randomBits(rng(2), new Uint8Array(m));
  const keys = amplifyOtStrings(x0, x1, x1.slice(), 1, l, rng(3));
  const stream = rng(3);
  const s0 = randomBits(stream, new Uint8Array(m + l - 1));
  const s1 = randomBits(stream, new Uint8Array(m + l - 1));
  assertEquals(keys.s0, toeplitzHashBitSliced(s0, x0, new Uint8Array(l)));
  assertEquals(keys.s1, toeplitzHashBitSliced(s1, x1, new Uint8Array(l)));
  assertEquals(keys.sC, keys.s1);
  assert(keys.isCorrect);
});

Deno.test("amplifyOtStrings() detects Bob's wrong string", () => {
  const m = 500, l = 200;
  const x0 = randomBits(rng(5), new Uint8Array(m));
  const x1 = randomBits(rng(6), new Uint8Array(m));
  const bad = x0.slice();
  bad[17] ^= 1;
  const keys = amplifyOtStrings(x0, x1, bad, 0, l, rng(7));
  assert(!keys.isCorrect);
});
