import { assertEmbeddedWasm } from "../../../tests/wasm_rebuild.ts";
import { assert, assertEquals, assertThrows } from "../../../tests/assert.ts";
import { InvalidArgumentError } from "../../errors.ts";
import { createLayeredDecoder } from "./layered_decoder.ts";
import { normalizedMinSum, offsetMinSum, sumProduct } from "./check_rules.ts";
import { createSimdMinSumDecoder, type SimdLanePrecision } from "./simd_min_sum_decoder.ts";
import { repetitionCode } from "./_test_codes.ts";
import { caligoCode, makeFrames, sameBits } from "./_test_frames.ts";
import { decodeFrames, registerDecoderBattery } from "./_test_decoder_battery.ts";
import {
  MIN_SUM_SIMD_WASM_BASE64,
  MIN_SUM_SIMD_WASM_COMPILER,
  MIN_SUM_SIMD_WASM_SHA256,
} from "./min_sum_simd_wasm.generated.ts";

// The registry's nms-simd (int16, normalized) runs the battery in decoder_registry_test.ts; the
// other lane formats and rules run it here.
const VARIANTS: [SimdLanePrecision, ReturnType<typeof offsetMinSum | typeof normalizedMinSum>][] = [
  ["int8", normalizedMinSum(0.8)],
  ["int16", offsetMinSum(0.5)],
  ["int8", offsetMinSum(0.5)],
];
for (const [precision, rule] of VARIANTS) {
  registerDecoderBattery({
    label: `nms-simd ${precision} ${rule.kind}`,
    build: (code, maxIterations) =>
      createSimdMinSumDecoder(code, { precision, rule, maxIterations }),
  });
}

Deno.test("createSimdMinSumDecoder() (int16, default scale) reproduces the TypeScript fixed-point layered min-sum frame by frame, normalized (QBER 6 %) and offset (QBER 7.5 %)", async () => {
  // Same integer arithmetic as layered_decoder.ts "fixed": 1/64-LLR units, channel rounded half
  // up, α = round(0.8·1024)/1024 applied with truncation, β = round(0.5·64) units. The two differ
  // only once a value saturates (int16 here at ±512 LLR, int32 there at ±8192 LLR), which frames
  // at this QBER and the ±100 of known bits do not reach, so bits, iterations and convergence
  // must agree exactly and with them the FER (here in its mid-range, so both outcomes occur).
  const caligo = await caligoCode();
  const seed = 31, count = 96;
  // Offset min-sum (β = 0.5) is stronger here: mid-range FER needs a higher QBER.
  for (const [rule, qber] of [[normalizedMinSum(0.8), 0.06], [offsetMinSum(0.5), 0.075]] as const) {
    const frames = makeFrames(caligo, qber, count, seed, 50, 50);
    const reference = createLayeredDecoder(caligo, { rule });
    const results = decodeFrames(createSimdMinSumDecoder(caligo, { rule }), frames);
    let failures = 0;
    results.forEach((r, f) => {
      const out = new Uint8Array(caligo.n);
      const ref = reference.decode(frames.llrs[f], frames.syndromes[f], out);
      const label = `${rule.kind} seed ${seed} frame ${f}: TS ${JSON.stringify(ref)}, SIMD ${
        JSON.stringify(r)
      }`;
      assertEquals(r, ref, label);
      assert(sameBits(frames.outs[f], out), `${label}: bits differ`);
      if (!(r.converged && sameBits(out, frames.words[f]))) failures++;
    });
    assert(failures > 0.1 * count && failures < 0.9 * count, `${rule.kind}: FER ${failures}/96`);
  }
});

Deno.test("createSimdMinSumDecoder() rejects bad settings", () => {
  const rep5 = repetitionCode(5);
  assertThrows(() => offsetMinSum(-1), InvalidArgumentError, "beta");
  const cases: [() => unknown, string][] = [
    [() => createSimdMinSumDecoder(rep5, { rule: sumProduct() }), "rule.kind"],
    [
      () => createSimdMinSumDecoder(rep5, { rule: { kind: "normalized-min-sum", alpha: 1.5 } }),
      "rule.alpha",
    ],
    [() => createSimdMinSumDecoder(rep5, { llrScale: 400 }), "llrScale"],
    [() => createSimdMinSumDecoder(rep5, { llrScale: 0 }), "llrScale"],
    [() => createSimdMinSumDecoder(rep5, { precision: "int4" as never }), "precision"],
  ];
  for (const [fn, name] of cases) assertThrows(fn, InvalidArgumentError, name);
  assertEquals(createSimdMinSumDecoder(rep5, { precision: "int8" }).lanes, 16);
});

Deno.test("min_sum_simd_wasm.generated.ts holds the bytes its header names, and the build reproduces them", async () => {
  await assertEmbeddedWasm({
    moduleUrl: new URL("./min_sum_simd_wasm.generated.ts", import.meta.url),
    base64: MIN_SUM_SIMD_WASM_BASE64,
    sha256: MIN_SUM_SIMD_WASM_SHA256,
    compiler: MIN_SUM_SIMD_WASM_COMPILER,
    output: "min_sum",
  });
});
