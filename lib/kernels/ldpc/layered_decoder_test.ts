import { assertEquals, assertThrows } from "../../../tests/assert.ts";
import { InvalidArgumentError } from "../../errors.ts";
import { createLayeredDecoder } from "./layered_decoder.ts";
import { normalizedMinSum, offsetMinSum, sumProduct } from "./check_rules.ts";
import { asBatchDecoder } from "./decoder.ts";
import { createParityCheckMatrix } from "./parity_check_matrix.ts";
import { repetitionCode } from "./_test_codes.ts";
import { registerDecoderBattery } from "./_test_decoder_battery.ts";

const rep5 = repetitionCode(5);

// nms-layered (fixed) and spa-layered run the battery in decoder_registry_test.ts; the other
// precisions and rules of the layered schedule run it here.
const VARIANTS = [
  ["normalized-min-sum float32", { rule: normalizedMinSum(0.8), precision: "float32" }],
  ["offset-min-sum fixed", { rule: offsetMinSum(0.5) }],
  ["sum-product tanh float64", { rule: sumProduct("tanh") }],
] as const;
for (const [label, options] of VARIANTS) {
  registerDecoderBattery({
    label: `layered ${label}`,
    build: (code, maxIterations) =>
      asBatchDecoder(createLayeredDecoder(code, { ...options, maxIterations })),
    // Min-sum beyond threshold amplifies the float32 rounding of L = channel + Σ r that a hot
    // start recomputes: 7 + 5 sweeps differ from 12 in 323 of 4096 bits (seed 37; the same
    // before the rule/schedule split). Float64 and fixed point continue to within rounding.
    hotStartDrifts: "precision" in options ? "float32 min-sum" : undefined,
  });
}

Deno.test("createLayeredDecoder() rejects bad settings", () => {
  assertThrows(() => normalizedMinSum(1.5), InvalidArgumentError, "alpha");
  assertThrows(
    () => createLayeredDecoder(rep5, { rule: sumProduct(), precision: "fixed" }),
    InvalidArgumentError,
    "fixed",
  );
  assertThrows(
    () => createLayeredDecoder(rep5, { rule: sumProduct(), precision: "int8" as never }),
    InvalidArgumentError,
    "precision",
  );
});

Deno.test("spa-layered check messages match 2·atanh(tanh(b/2)·tanh(c/2)) within 0.003 + 1 % (φ table, punctured and known bits)", () => {
  // One check on three bits, syndrome 0: after one sweep bit 0's posterior is a + r with
  // r = 2·atanh(tanh(b/2)·tanh(c/2)). With a = −r ± δ the hard decision of bit 0 shows on which
  // side of the exact r the decoder's message lies.
  const h = createParityCheckMatrix(1, 3, Int32Array.of(0, 3), Int32Array.of(0, 1, 2));
  const decoder = createLayeredDecoder(h, { rule: sumProduct() });
  const out = new Uint8Array(3);
  const cases: [number, number][] = [
    [1.2, 2.5],
    [0.3, 4],
    [6, 9],
    [12, 15],
    [0, 3], // punctured input: r = 0
    [100, 2], // known bit: r = c
    [100, -2],
    [0.02, 0.05],
    [-0.7, 1.1],
  ];
  for (const [b, c] of cases) {
    const r = 2 * Math.atanh(Math.tanh(b / 2) * Math.tanh(c / 2));
    const delta = 0.003 + 0.01 * Math.abs(r);
    for (const side of [1, -1]) {
      decoder.decode(Float64Array.of(-r + side * delta, b, c), new Uint8Array(1), out, {
        maxIterations: 1,
        earlyStop: false,
      });
      assertEquals(out[0], side > 0 ? 0 : 1, `b = ${b}, c = ${c}, r = ${r}, side ${side}`);
    }
  }
});
