import { assert, assertClose, assertEquals } from "../../tests/assert.ts";
import {
  binaryEntropy,
  binaryEntropyInverse,
  gammaFn,
  gammaInverse,
  gFunction,
  gInverse,
} from "./entropy.ts";

Deno.test("binaryEntropy() matches docs/science.md §14.1 and is symmetric", () => {
  assertEquals(binaryEntropy(0.5), 1);
  assertEquals(binaryEntropy(0), 0);
  assertEquals(binaryEntropy(1), 0);
  assertClose(binaryEntropy(0.11), 0.499916, 1e-6);
  for (const p of [0.01, 0.2, 0.37]) assertClose(binaryEntropy(p), binaryEntropy(1 - p), 1e-15);
  assert(Number.isNaN(binaryEntropy(-0.1)) && Number.isNaN(binaryEntropy(NaN)));
});

Deno.test("binaryEntropyInverse() inverts h on [0, 1/2]", () => {
  for (const p of [1e-6, 0.01, 0.11, 0.3, 0.49]) {
    assertClose(binaryEntropyInverse(binaryEntropy(p)), p, 1e-12, `p=${p}`);
  }
  assertEquals(binaryEntropyInverse(0), 0);
  assertEquals(binaryEntropyInverse(1), 0.5);
});

Deno.test("gFunction() is 0.5 at 1/2 (§14.1)", () => {
  assertEquals(gFunction(0.5), 0.5);
});

Deno.test("gammaFn() matches docs/science.md §14.1", () => {
  assertEquals(gammaFn(0.5), 0.5);
  assertEquals(gammaFn(0.8), 0.8);
  assertEquals(gammaFn(0), 0);
  assertEquals(gammaFn(-0.5), 0);
  assertClose(gammaFn(0.3), 0.358537, 1e-6);
  assertClose(gammaFn(0.1), 0.265325, 1e-6);
});

Deno.test("gInverse() and gammaInverse() invert g and Γ", () => {
  for (const x of [-0.5, 0.01, 0.2, 0.45]) {
    assertClose(gFunction(gInverse(x)), x, 1e-12, `x=${x}`);
    if (x > 0) assertClose(gammaInverse(gammaFn(x)), x, 1e-12, `x=${x}`);
  }
  assertEquals(gammaInverse(gammaFn(-0.5)), 0);
  assertEquals(gammaInverse(0.7), 0.7);
});
