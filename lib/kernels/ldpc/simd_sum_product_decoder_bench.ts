/**
 * Throughput of the WebAssembly SIMD layered sum-product decoder at a fixed 50 iterations (no
 * early stop) on Caligo's n = 4096 rate-1/2 matrix at QBER 5 %, against the TypeScript
 * spa-layered decoder (issue #3 target: ≥ 10× Caligo's numba kernel, 57 ms/frame on a quiet
 * machine; bench/decoder_side_by_side.ts measures both in one run).
 * Every case decodes the same 8 frames per bench iteration (one TS call per frame, or calls of
 * `batch` frames), so the summary's ratios are per-frame speed-ups and
 * ms per frame = time per iteration / 8, Mb/s = 4096 × 8 / (time per iteration in µs).
 * A batch of 1 costs a full pass of every lane.
 * Run: `./deno bench -P lib/kernels/ldpc/simd_sum_product_decoder_bench.ts`.
 */
import { readCsrForTest } from "./_test_codes.ts";
import { Xoshiro128StarStar } from "../rng.ts";
import { createLayeredDecoder } from "./layered_decoder.ts";
import { sumProduct } from "./check_rules.ts";
import { createSimdSumProductDecoder } from "./simd_sum_product_decoder.ts";
import { bscLlrMagnitude } from "./decoder.ts";
import { computeSyndrome } from "./parity_check_matrix.ts";

const url = new URL("../../../tests/fixtures/ldpc_caligo_4096_r050.csr.txt", import.meta.url);
const h = (await readCsrForTest(url))!;
const rng = new Xoshiro128StarStar(Uint32Array.of(1, 2, 3, 4));
const FRAMES = 8;
const q = 0.05, mag = bscLlrMagnitude(q);
const llrs: Float64Array[] = [], syndromes: Uint8Array[] = [], outs: Uint8Array[] = [];
for (let f = 0; f < FRAMES; f++) {
  const x = new Uint8Array(h.n).map(() => rng.nextUint32() & 1);
  llrs.push(Float64Array.from(x, (b) => ((b ^ (rng.nextDouble() < q ? 1 : 0)) ? -mag : mag)));
  syndromes.push(computeSyndrome(h, x, new Uint8Array(h.m)));
  outs.push(new Uint8Array(h.n));
}
const fixed50 = { earlyStop: false, maxIterations: 50 };
const group = "n = 4096, 50 iterations";

const reference = createLayeredDecoder(h, { rule: sumProduct() });
Deno.bench("spa-layered TS float64, 8 × 1 frame", { group, baseline: true }, () => {
  for (let f = 0; f < FRAMES; f++) reference.decode(llrs[f], syndromes[f], outs[f], fixed50);
});

for (const lanes of [4, 8] as const) {
  const decoder = createSimdSumProductDecoder(h, { lanes });
  for (const batch of [1, lanes]) {
    Deno.bench(
      `wasm-simd spa ×${lanes} lanes, ${FRAMES / batch} × ${batch} frames`,
      { group },
      () => {
        for (let f = 0; f < FRAMES; f += batch) {
          const end = f + batch;
          decoder.decodeBatch(
            llrs.slice(f, end),
            syndromes.slice(f, end),
            outs.slice(f, end),
            fixed50,
          );
        }
      },
    );
  }
}
