/**
 * Throughput of every registered decoder (decoder_registry.ts) and the other lane formats and
 * precisions, at a fixed 50 iterations (no early stop) on Caligo's n = 4096 rate-1/2 matrix at
 * QBER 5 % (docs/performance.md; issue #3 targets: sum-product ≥ 10× Caligo's numba kernel,
 * layered min-sum ≥ 3 Mb/s per core). Every case of the main group decodes the same 16 frames
 * per bench iteration, in batches of its lanes, so the summary's ratios are per-frame speed-ups:
 * ms per frame = time per iteration / 16, Mb/s = 4096 × 16 / (time per iteration in µs).
 * The `batch of 1` group shows that a one-frame call costs a pass of every lane; the last group
 * bounds the per-sweep call overhead (TypeScript drives one WebAssembly call per sweep).
 * bench/decoder_side_by_side.ts times the sum-product decoders against numba in one run.
 * Run: `./deno bench -P lib/kernels/ldpc/decoder_bench.ts`.
 */
import { asBatchDecoder, type BatchDecoder } from "./decoder.ts";
import { createRegisteredDecoder, DECODER_NAMES } from "./decoder_registry.ts";
import { normalizedMinSum } from "./check_rules.ts";
import { createLayeredDecoder } from "./layered_decoder.ts";
import { createSimdMinSumDecoder } from "./simd_min_sum_decoder.ts";
import { createSimdSumProductDecoder } from "./simd_sum_product_decoder.ts";
import { repetitionCode } from "./_test_codes.ts";
import { caligoCode, frameSlice, makeFrames } from "./_test_frames.ts";
import { decodeFrames } from "./_test_decoder_battery.ts";

const h = await caligoCode();
const FRAMES = 16;
const frames = makeFrames(h, 0.05, FRAMES, 1);
const fixed50 = { earlyStop: false, maxIterations: 50 };
const group = `n = 4096, 50 iterations, ${FRAMES} frames`;

const cases: [string, BatchDecoder][] = [
  ...DECODER_NAMES.map((name): [string, BatchDecoder] => [
    name,
    asBatchDecoder(createRegisteredDecoder(name, h, { nmsAlpha: 0.8, maxIterations: 50 })),
  ]),
  [
    "nms-layered float32",
    asBatchDecoder(createLayeredDecoder(h, { rule: normalizedMinSum(0.8), precision: "float32" })),
  ],
  ["nms-simd int8 (16 lanes)", createSimdMinSumDecoder(h, { precision: "int8" })],
  ["spa-simd 4 lanes", createSimdSumProductDecoder(h, { lanes: 4 })],
];
for (const [name, decoder] of cases) {
  Deno.bench(name, { group, baseline: name === "spa-layered" }, () => {
    decodeFrames(decoder, frames, fixed50);
  });
  if (decoder.lanes > 1) {
    const one = frameSlice(frames, 0, 1);
    Deno.bench(`${name}, batch of 1`, { group: "batch of 1, 50 iterations" }, () => {
      decoder.decodeBatch(one.llrs, one.syndromes, one.outs, fixed50);
    });
  }
}

const rep5 = repetitionCode(5);
const tiny = createSimdMinSumDecoder(rep5);
const tinyLlr = Float64Array.of(1, 1, -1, 1, 1), tinyOut = new Uint8Array(5);
Deno.bench("nms-simd, 5-bit code, 50 sweeps (call overhead)", { group: "overhead" }, () => {
  tiny.decode(tinyLlr, new Uint8Array(4), tinyOut, fixed50);
});
