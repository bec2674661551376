import { assert, assertEquals } from "../../tests/assert.ts";
import { createDecoder, frameLayout } from "./code_family.ts";
import { simulateFrames } from "./frame_simulation.ts";
import { seededRng, testFamily } from "./_test_family.ts";

Deno.test("simulateFrames() counts the same failures and iterations decoding 8 frames per batch (nms-simd) as one by one (nms-layered)", () => {
  const family = testFamily();
  const index = 1; // R0 = 0.6, n = 512
  const h = family.codes[index].matrix;
  const { modulation, payload } = frameLayout(family, index, 51);
  const run = (decoder: "nms-layered" | "nms-simd", frames: number, maxFailures?: number) =>
    simulateFrames(
      h,
      modulation,
      payload,
      20,
      0.06,
      frames,
      createDecoder(h, { decoder, nmsAlpha: 0.8, maxIterations: 50 }),
      seededRng(5, 5),
      { maxFailures },
    );
  // 45 frames: five full batches and a partial one.
  const scalar = run("nms-layered", 45), simd = run("nms-simd", 45);
  assertEquals(simd, scalar);
  assert(scalar.failures > 0 && scalar.failures < 45, `failures ${scalar.failures}`);
  // maxFailures is checked between batches: the batched run stops at the end of a batch.
  const stopped = run("nms-simd", 45, 1);
  assert(stopped.failures >= 1 && stopped.frames % 8 === 0, JSON.stringify(stopped));
});
