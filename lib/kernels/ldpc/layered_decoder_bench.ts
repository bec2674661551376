/**
 * Decoder throughput at a fixed 50 iterations (no early stop) on Caligo's n = 4096 rate-1/2 matrix
 * (docs/science.md §13 targets: spa ≥ 10× Caligo's 57 ms/frame; layered min-sum ≥ 3 Mb/s).
 * Mb/s = 4096 / (time per frame). Run: `./deno bench -P lib/kernels/ldpc/layered_decoder_bench.ts`.
 */
import { readCsrForTest } from "./_test_codes.ts";
import { Xoshiro128StarStar } from "../rng.ts";
import { createLayeredDecoder } from "./layered_decoder.ts";
import { normalizedMinSum, sumProduct } from "./check_rules.ts";
import { createFloodingDecoder } from "./flooding_decoder.ts";
import { bscLlrMagnitude, type Decoder } from "./decoder.ts";
import { computeSyndrome } from "./parity_check_matrix.ts";

const url = new URL("../../../tests/fixtures/ldpc_caligo_4096_r050.csr.txt", import.meta.url);
const h = (await readCsrForTest(url))!;
const rng = new Xoshiro128StarStar(Uint32Array.of(1, 2, 3, 4));
const q = 0.05, mag = bscLlrMagnitude(q);
const x = new Uint8Array(h.n).map(() => rng.nextUint32() & 1);
const llr = Float64Array.from(x, (b) => ((b ^ (rng.nextDouble() < q ? 1 : 0)) ? -mag : mag));
const syndrome = computeSyndrome(h, x, new Uint8Array(h.m));
const out = new Uint8Array(h.n);

const cases: [string, Decoder][] = [
  ["nms-layered fixed-point", createLayeredDecoder(h, { rule: normalizedMinSum(0.8) })],
  [
    "nms-layered float32",
    createLayeredDecoder(h, { rule: normalizedMinSum(0.8), precision: "float32" }),
  ],
  ["spa-layered float64", createLayeredDecoder(h, { rule: sumProduct() })],
  ["spa-flooding float64", createFloodingDecoder(h)],
];
for (const [name, decoder] of cases) {
  Deno.bench(`${name}, n = 4096, 50 iterations`, {
    group: "decoders",
    baseline: name.startsWith("spa-flooding"),
  }, () => {
    decoder.decode(llr, syndrome, out, { earlyStop: false, maxIterations: 50 });
  });
}
