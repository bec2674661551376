import { assert, assertEquals, assertThrows } from "../../../tests/assert.ts";
import { InvalidArgumentError } from "../../errors.ts";
import { asBatchDecoder } from "./decoder.ts";
import {
  createRegisteredDecoder,
  DECODER_NAMES,
  decoderFamily,
  decoderFlagValues,
  decoderForFlag,
  DECODERS,
} from "./decoder_registry.ts";
import { repetitionCode } from "./_test_codes.ts";
import { registerDecoderBattery } from "./_test_decoder_battery.ts";

for (const name of DECODER_NAMES) {
  registerDecoderBattery({
    label: name,
    build: (code, maxIterations) =>
      asBatchDecoder(createRegisteredDecoder(name, code, { nmsAlpha: 0.8, maxIterations })),
  });
}

Deno.test("every registered decoder reports its registry name and decodes like a registered scalar decoder", () => {
  const rep5 = repetitionCode(5);
  for (const name of DECODER_NAMES) {
    const decoder = createRegisteredDecoder(name, rep5, { nmsAlpha: 0.8, maxIterations: 5 });
    assertEquals(decoder.name, name);
    const family = decoderFamily(name);
    assert(DECODER_NAMES.includes(family), `${name} decodes like unregistered ${family}`);
    assertEquals(decoderFamily(family), family, `${family} is not scalar`);
    assertEquals(DECODERS[family].rule, DECODERS[name].rule, name);
  }
  assertEquals(decoderFamily("nms-simd"), "nms-layered");
  assertEquals(decoderFamily("spa-simd"), "spa-layered");
});

Deno.test("--decoder values are the registered names and Caligo's short names, each naming one decoder", () => {
  assertEquals(decoderForFlag("spa"), "spa-flooding");
  assertEquals(decoderForFlag("minsum"), "nms-layered");
  assertEquals(decoderForFlag("spa-simd"), "spa-simd");
  assertEquals(decoderForFlag("nms"), undefined);
  const values = decoderFlagValues();
  assertEquals(new Set(values).size, values.length);
  for (const name of DECODER_NAMES) assert(values.includes(name), name);
  assertEquals(values.length, DECODER_NAMES.length + 2);
});

Deno.test("createRegisteredDecoder() rejects an unregistered name and a bad α", () => {
  const rep5 = repetitionCode(5);
  assertThrows(
    () => createRegisteredDecoder("bp" as never, rep5, { nmsAlpha: 0.8, maxIterations: 5 }),
    InvalidArgumentError,
    "decoder",
  );
  assertThrows(
    () => createRegisteredDecoder("nms-simd", rep5, { nmsAlpha: 1.5, maxIterations: 5 }),
    InvalidArgumentError,
    "alpha",
  );
});
