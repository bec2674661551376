/**
 * Throughput of the WebAssembly SIMD layered min-sum decoder at a fixed 50 iterations (no early
 * stop) on Caligo's n = 4096 rate-1/2 matrix, against the TypeScript fixed-point layered
 * min-sum (issue #3 target: ≥ 3 Mb/s per core, stretch 10 Mb/s).
 * Every case decodes one call of `frames` frames: Mb/s = 4096 × frames / (time per call in µs).
 * The last group bounds the per-sweep call overhead (TypeScript drives one WebAssembly call per
 * sweep): 50 sweeps of a 5-bit code cost about as much as the calls alone.
 * Run: `./deno bench -P lib/kernels/ldpc/simd_min_sum_decoder_bench.ts`.
 */
import { readCsrForTest, repetitionCode } from "./_test_codes.ts";
import { Xoshiro128StarStar } from "../rng.ts";
import { createLayeredDecoder } from "./layered_decoder.ts";
import { normalizedMinSum } from "./check_rules.ts";
import { createSimdMinSumDecoder, type SimdMinSumDecoder } from "./simd_min_sum_decoder.ts";
import { bscLlrMagnitude } from "./decoder.ts";
import { computeSyndrome } from "./parity_check_matrix.ts";

const url = new URL("../../../tests/fixtures/ldpc_caligo_4096_r050.csr.txt", import.meta.url);
const h = (await readCsrForTest(url))!;
const rng = new Xoshiro128StarStar(Uint32Array.of(1, 2, 3, 4));
const q = 0.05, mag = bscLlrMagnitude(q);
const llrs: Float64Array[] = [], syndromes: Uint8Array[] = [], outs: Uint8Array[] = [];
for (let f = 0; f < 16; f++) {
  const x = new Uint8Array(h.n).map(() => rng.nextUint32() & 1);
  llrs.push(Float64Array.from(x, (b) => ((b ^ (rng.nextDouble() < q ? 1 : 0)) ? -mag : mag)));
  syndromes.push(computeSyndrome(h, x, new Uint8Array(h.m)));
  outs.push(new Uint8Array(h.n));
}
const fixed50 = { earlyStop: false, maxIterations: 50 };
const group = "n = 4096, 50 iterations";

const reference = createLayeredDecoder(h, { rule: normalizedMinSum(0.8) });
Deno.bench("nms-layered TS fixed-point, 1 frame", { group, baseline: true }, () => {
  reference.decode(llrs[0], syndromes[0], outs[0], fixed50);
});

const simd: [string, SimdMinSumDecoder][] = [
  ["int16", createSimdMinSumDecoder(h, { rule: normalizedMinSum(0.8) })],
  ["int8", createSimdMinSumDecoder(h, { precision: "int8", rule: normalizedMinSum(0.8) })],
];
for (const [precision, decoder] of simd) {
  for (const frames of [1, decoder.lanes]) {
    const [l, s, o] = [llrs.slice(0, frames), syndromes.slice(0, frames), outs.slice(0, frames)];
    Deno.bench(`wasm-simd ${precision}, ${frames} frame${frames > 1 ? "s" : ""}`, { group }, () => {
      decoder.decodeBatch(l, s, o, fixed50);
    });
  }
}

const rep5 = repetitionCode(5);
const tiny = createSimdMinSumDecoder(rep5);
const tinyLlr = Float64Array.of(1, 1, -1, 1, 1), tinyOut = new Uint8Array(5);
Deno.bench("wasm-simd int16, 5-bit code, 50 sweeps (call overhead)", { group: "overhead" }, () => {
  tiny.decode(tinyLlr, new Uint8Array(4), tinyOut, fixed50);
});
