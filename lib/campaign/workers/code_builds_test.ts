import { assertEquals } from "../../../tests/assert.ts";
import { loadMotherCode } from "../../io/code_cache.ts";
import { buildMotherCode, motherCodeId } from "../../reconciliation/code_family.ts";
import { buildCodesInParallel } from "./code_builds.ts";

Deno.test("buildCodesInParallel() builds and caches exactly the sequential codes, only the missing ones", async () => {
  const dir = await Deno.makeTempDir({ prefix: "caligo_codes_" });
  try {
    const options = { codeLength: 256, motherRates: [0.5, 0.6, 0.7] };
    const first = await buildCodesInParallel(options, dir, 2, 3);
    assertEquals(
      first.map((r) => r.id).sort(),
      options.motherRates.map((r) => motherCodeId(256, r, 3)),
    );
    for (const rate of options.motherRates) {
      const cached = (await loadMotherCode(dir, motherCodeId(256, rate, 3)))!;
      const sequential = buildMotherCode(256, rate, 3);
      assertEquals(cached.matrix.rowPtr, sequential.matrix.rowPtr);
      assertEquals(cached.matrix.colIdx, sequential.matrix.colIdx);
      assertEquals(cached.puncturingOrder, sequential.puncturingOrder);
    }
    assertEquals(await buildCodesInParallel(options, dir, 2, 3), []); // all cached now
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
