import { assertEmbeddedWasm } from "../../../tests/wasm_rebuild.ts";
import { assert, assertEquals, assertThrows } from "../../../tests/assert.ts";
import { InvalidArgumentError } from "../../errors.ts";
import { Xoshiro128StarStar } from "../rng.ts";
import { KNOWN_BIT_LLR } from "./decoder.ts";
import { createLayeredDecoder } from "./layered_decoder.ts";
import { sumProduct } from "./check_rules.ts";
import { createParityCheckMatrix } from "./parity_check_matrix.ts";
import {
  createSimdSumProductDecoder,
  type SimdSumProductLanes,
} from "./simd_sum_product_decoder.ts";
import { repetitionCode } from "./_test_codes.ts";
import { caligoCode, makeFrames, sameBits } from "./_test_frames.ts";
import { decodeFrames, registerDecoderBattery } from "./_test_decoder_battery.ts";
import {
  SPA_SIMD_WASM_BASE64,
  SPA_SIMD_WASM_COMPILER,
  SPA_SIMD_WASM_SHA256,
} from "./spa_simd_wasm.generated.ts";

const WIDTHS: SimdSumProductLanes[] = [4, 8];

// The registry's spa-simd (8 lanes) runs the battery in decoder_registry_test.ts; 4 lanes here.
registerDecoderBattery({
  label: "spa-simd 4 lanes",
  build: (code, maxIterations) => createSimdSumProductDecoder(code, { lanes: 4, maxIterations }),
});

Deno.test("createSimdSumProductDecoder() check messages match 2·atanh(Π tanh(q/2)) within 0.003 + 1 % (punctured and known bits, every lane)", () => {
  // One check on `d` bits, syndrome 0, one sweep: bit 0's posterior is a + r with
  // r = 2·atanh(Π_{k≥1} tanh(q_k/2)). With a = −r ± δ, δ = 0.003 + 0.01·|r|, the hard decision
  // of bit 0 shows on which side of the exact r the decoder's message lies. The bound is that
  // of the TypeScript φ table (|Δφ| ≤ 0.0014 per lookup, two lookups per message).
  const cases: number[][] = [
    [1.2, 2.5],
    [0.3, 4],
    [6, 9],
    [12, 15],
    [0, 3], // punctured input: r = 0
    [KNOWN_BIT_LLR, 2], // known bit: r = 2
    [KNOWN_BIT_LLR, -2],
    [0.02, 0.05],
    [-0.7, 1.1],
    [25, 30], // both beyond the largest message φ(2^−30) ≈ 21.49: r ≈ 24.3 is capped at 21.49
  ];
  const seed = 41;
  const rng = new Xoshiro128StarStar(Uint32Array.of(seed, 3, 5, 7));
  for (let i = 0; i < 22; i++) {
    // Degree-8 checks with LLRs of either sign, magnitudes log-uniform in [0.01, 20].
    cases.push(Array.from({ length: 7 }, () => {
      const magnitude = 0.01 * 2000 ** rng.nextDouble();
      return rng.nextDouble() < 0.5 ? -magnitude : magnitude;
    }));
  }
  for (const lanes of WIDTHS) {
    for (const degree of [3, 8]) {
      const rowCases = cases.filter((c) => c.length === degree - 1);
      const h = createParityCheckMatrix(
        1,
        degree,
        Int32Array.of(0, degree),
        Int32Array.from({ length: degree }, (_, i) => i),
      );
      const decoder = createSimdSumProductDecoder(h, { lanes });
      // Every case on both sides, packed into the lanes of as few batches as possible.
      const jobs = rowCases.flatMap((c) => [[c, 1], [c, -1]] as const);
      for (let start = 0; start < jobs.length; start += lanes) {
        const batch = jobs.slice(start, start + lanes);
        const exact = batch.map(([c]) => {
          const product = c.reduce((p, q) => p * Math.tanh(q / 2), 1);
          return 2 * Math.atanh(Math.min(product, 1 - 1e-16));
        });
        // The cap: the decoder's messages never exceed φ(2^−30) in magnitude.
        const target = exact.map((r) => Math.sign(r) * Math.min(Math.abs(r), 21.4876));
        const llrs = batch.map(([c, side], i) => {
          const delta = 0.003 + 0.01 * Math.abs(target[i]);
          return Float64Array.of(-target[i] + side * delta, ...c);
        });
        const outs = batch.map(() => new Uint8Array(degree));
        decoder.decodeBatch(llrs, batch.map(() => new Uint8Array(1)), outs, {
          maxIterations: 1,
          earlyStop: false,
        });
        batch.forEach(([c, side], i) => {
          const label = `${lanes} lanes, lane ${i}: q = ${c.map((q) => q.toPrecision(3))}, ` +
            `r = ${exact[i]}, side ${side} (seed ${seed})`;
          assertEquals(outs[i][0], side > 0 ? 0 : 1, label);
        });
      }
    }
  }
});

Deno.test("createSimdSumProductDecoder() has the FER of the TypeScript spa-layered decoder on Caligo's code at QBER 7 % and 8 % (320 frames each)", async () => {
  const h = await caligoCode();
  const reference = createLayeredDecoder(h, { rule: sumProduct() });
  const simd = createSimdSumProductDecoder(h, { lanes: 8 });
  const count = 320;
  for (const [qber, seed] of [[0.07, 51], [0.08, 53]]) {
    const frames = makeFrames(h, qber, count, seed);
    let simdFailures = 0, referenceFailures = 0, discordant = 0;
    decodeFrames(simd, frames).forEach((r, f) => {
      const out = new Uint8Array(h.n);
      const ref = reference.decode(frames.llrs[f], frames.syndromes[f], out);
      const simdFailed = !(r.converged && sameBits(frames.outs[f], frames.words[f]));
      const referenceFailed = !(ref.converged && sameBits(out, frames.words[f]));
      simdFailures += simdFailed ? 1 : 0;
      referenceFailures += referenceFailed ? 1 : 0;
      discordant += simdFailed !== referenceFailed ? 1 : 0;
    });
    // Same frames for both decoders: under equal FER the difference of the failure counts has
    // variance ≤ the number of frames on which they disagree (McNemar); allow 3σ, and at least
    // the unpaired 3σ binomial bound 3·√(2·p(1 − p)/N) on the FER difference.
    const p = (simdFailures + referenceFailures) / (2 * count);
    const bound = Math.max(3 * Math.sqrt(discordant), 3 * Math.sqrt(2 * p * (1 - p) * count));
    const label = `QBER ${qber} seed ${seed}: SIMD ${simdFailures}/${count}, TS ` +
      `${referenceFailures}/${count}, ${discordant} frames disagree`;
    assert(Math.abs(simdFailures - referenceFailures) <= bound, label);
    // Frame by frame the two differ only by float32 vs float64 rounding, which can flip only
    // marginal frames (1 and 4 of 320 when this was written).
    assert(discordant <= 0.05 * count, label);
    // Mid-range FER (TS spa-layered: ≈ 0.09 at 7 %, ≈ 0.22 at 8 %), so both outcomes occur.
    assert(referenceFailures > 0.02 * count && referenceFailures < 0.5 * count, label);
  }
});

Deno.test("createSimdSumProductDecoder() rejects a lane count other than 4 or 8", () => {
  const rep5 = repetitionCode(5);
  assertThrows(
    () => createSimdSumProductDecoder(rep5, { lanes: 16 as SimdSumProductLanes }),
    InvalidArgumentError,
    "lanes",
  );
  assertEquals(createSimdSumProductDecoder(rep5).lanes, 8);
});

Deno.test("spa_simd_wasm.generated.ts holds the bytes its header names, and the build reproduces them", async () => {
  await assertEmbeddedWasm({
    moduleUrl: new URL("./spa_simd_wasm.generated.ts", import.meta.url),
    base64: SPA_SIMD_WASM_BASE64,
    sha256: SPA_SIMD_WASM_SHA256,
    compiler: SPA_SIMD_WASM_COMPILER,
    output: "spa",
  });
});
