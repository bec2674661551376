import { assert } from "../../../tests/assert.ts";
import { readCsrForTest } from "./_test_codes.ts";
import { Xoshiro128StarStar } from "../rng.ts";
import { createFloodingDecoder } from "./flooding_decoder.ts";
import { asBatchDecoder, bscLlrMagnitude } from "./decoder.ts";
import { sumProduct } from "./check_rules.ts";
import { registerDecoderBattery } from "./_test_decoder_battery.ts";
import { computeSyndrome } from "./parity_check_matrix.ts";

const CALIGO_MATRIX = new URL(
  "../../../tests/fixtures/ldpc_caligo_4096_r050.csr.txt",
  import.meta.url,
);

// spa-flooding (tanh rule) runs the battery in decoder_registry_test.ts; the flooding schedule
// with the φ-table rule runs it here.
registerDecoderBattery({
  label: "flooding sum-product phi-table",
  build: (code, maxIterations) =>
    asBatchDecoder(createFloodingDecoder(code, { rule: sumProduct(), maxIterations })),
});

// docs/science.md §14.7: Caligo's kernel on its matrix at Q = 0.02 has FER ≈ 0.005–0.010. With 25
// frames, P(≥ 4 failures | FER = 0.01) ≈ 2e-4, so ≤ 3 failures is a tight but safe bound; a wrong
// check rule or sign convention fails nearly every frame.
Deno.test("floodingDecoder() reaches Caligo's FER on Caligo's matrix at QBER 0.02 (25 frames, seed 2024)", async () => {
  const h = await readCsrForTest(CALIGO_MATRIX);
  assert(h !== null, `missing fixture ${CALIGO_MATRIX.pathname}`);
  const decoder = createFloodingDecoder(h, { maxIterations: 50 });
  const seed = 2024, q = 0.02, mag = bscLlrMagnitude(q);
  const rng = new Xoshiro128StarStar(Uint32Array.of(seed, 0, 0, 0));
  const x = new Uint8Array(h.n), out = new Uint8Array(h.n), s = new Uint8Array(h.m);
  const llr = new Float64Array(h.n);
  let failures = 0;
  for (let f = 0; f < 25; f++) {
    for (let i = 0; i < h.n; i++) {
      x[i] = rng.nextUint32() & 1;
      llr[i] = (x[i] ^ (rng.nextDouble() < q ? 1 : 0)) ? -mag : mag;
    }
    computeSyndrome(h, x, s);
    const r = decoder.decode(llr, s, out);
    let ok = r.converged;
    for (let i = 0; ok && i < h.n; i++) ok = out[i] === x[i];
    if (!ok) failures++;
  }
  assert(failures <= 3, `seed ${seed}: ${failures} of 25 frames failed`);
});
