import { assert, assertEquals, assertRejects } from "../../tests/assert.ts";
import { FileFormatError } from "../errors.ts";
import { loadMotherCode, loadOrBuildCodeFamily, saveMotherCode } from "./code_cache.ts";
import { buildMotherCode, motherCodeId } from "../reconciliation/code_family.ts";

Deno.test("saveMotherCode() and loadMotherCode() round-trip a code with verified hashes", async () => {
  const dir = await Deno.makeTempDir({ prefix: "caligo-codes-" });
  try {
    const code = buildMotherCode(256, 0.6, 3);
    await saveMotherCode(dir, code, 3);
    const loaded = await loadMotherCode(dir, code.id);
    assert(loaded !== null);
    assertEquals(loaded.matrix.colIdx, code.matrix.colIdx);
    assertEquals(loaded.matrix.rowPtr, code.matrix.rowPtr);
    assertEquals(loaded.puncturingOrder, code.puncturingOrder);
    assertEquals(await loadMotherCode(dir, motherCodeId(256, 0.65, 3)), null);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("loadMotherCode() rejects a corrupted array with a hash mismatch", async () => {
  const dir = await Deno.makeTempDir({ prefix: "caligo-codes-" });
  try {
    const code = buildMotherCode(256, 0.5, 1);
    await saveMotherCode(dir, code, 1);
    const file = `${dir}/${code.id}.col_idx.i32`;
    const bytes = await Deno.readFile(file);
    bytes[5] ^= 1;
    await Deno.writeFile(file, bytes);
    await assertRejects(() => loadMotherCode(dir, code.id), FileFormatError, "SHA-256 mismatch");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("loadOrBuildCodeFamily() builds once, then loads from the cache", async () => {
  const dir = await Deno.makeTempDir({ prefix: "caligo-codes-" });
  try {
    const sources: string[] = [];
    const options = { codeLength: 256, motherRates: [0.5, 0.7] };
    const first = await loadOrBuildCodeFamily(options, dir, {
      onCode: (r) => sources.push(r.source),
    });
    const second = await loadOrBuildCodeFamily(options, dir, {
      onCode: (r) => sources.push(r.source),
    });
    assertEquals(sources, ["built", "built", "cache", "cache"]);
    assertEquals(second.codes[1].matrix.colIdx, first.codes[1].matrix.colIdx);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("a de-bsc family is cached under …-de-v3 ids and never loads as the caligo family", async () => {
  const dir = await Deno.makeTempDir({ prefix: "caligo-codes-" });
  try {
    const options = { codeLength: 256, motherRates: [0.4, 0.5], codeFamily: "de-bsc" as const };
    const built = await loadOrBuildCodeFamily(options, dir);
    assertEquals(built.family, "de-bsc");
    assertEquals(built.codes.map((c) => c.id), [
      "ldpc-n256-r0.40-s1-ace-peg-de-v3",
      "ldpc-n256-r0.50-s1-ace-peg-de-v3",
    ]);
    const loaded = await loadMotherCode(dir, built.codes[1].id);
    assertEquals(loaded?.family, "de-bsc");
    assertEquals(loaded?.matrix.colIdx, built.codes[1].matrix.colIdx);
    // The caligo rate-0.50 code has its own id, so it is not in this cache.
    assertEquals(await loadMotherCode(dir, motherCodeId(256, 0.5, 1)), null);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
