import { assertEquals, assertRejects, assertThrows } from "../../tests/assert.ts";
import { FileFormatError } from "../errors.ts";
import { formatCsrText, parseCsrText, readCsrTextFile } from "./csr_text.ts";
import { checkDegrees } from "../kernels/ldpc/parity_check_matrix.ts";

Deno.test("parseCsrText() and formatCsrText() round-trip", () => {
  const text = "3 5 7\n0 2 4 7\n0 1 1 2 0 3 4\n";
  const h = parseCsrText(text, "inline");
  assertEquals([h.m, h.n, h.edges], [3, 5, 7]);
  assertEquals(formatCsrText(h), text);
});

Deno.test("readCsrTextFile() loads Caligo's matrix with the documented degree profile", async () => {
  const url = new URL("../../tests/fixtures/ldpc_caligo_4096_r050.csr.txt", import.meta.url);
  const h = await readCsrTextFile(url.pathname);
  assertEquals([h.m, h.n, h.edges], [2048, 4096, 22562]);
  const hist: Record<number, number> = {};
  for (const d of checkDegrees(h)) hist[d] = (hist[d] ?? 0) + 1;
  assertEquals(hist, { 10: 1074, 12: 881, 13: 52, 14: 41 });
});

Deno.test("parseCsrText() rejects inconsistent files with FileFormatError naming the problem", () => {
  assertThrows(
    () => parseCsrText("2 3 4\n0 2 4\n", "f"),
    FileFormatError,
    "expected 3 non-empty lines",
  );
  assertThrows(
    () => parseCsrText("2 3\n0 2 4\n0 1 1 2\n", "f"),
    FileFormatError,
    'header must be "m n E"',
  );
  assertThrows(
    () => parseCsrText("2 3 4\n0 2\n0 1 1 2\n", "f"),
    FileFormatError,
    "expected m+1 = 3 row pointers",
  );
  assertThrows(
    () => parseCsrText("2 3 5\n0 2 4\n0 1 1 2\n", "f"),
    FileFormatError,
    "differs from E = 5",
  );
  assertThrows(
    () => parseCsrText("2 3 4\n0 2 4\n0 1 1\n", "f"),
    FileFormatError,
    "expected E = 4 column indices",
  );
  assertThrows(
    () => parseCsrText("2 3 4\n0 2 4\n0 1 2 1\n", "f"),
    FileFormatError,
    "strictly increasing",
  );
  assertThrows(
    () => parseCsrText("2 3 4\n0 2 4\n0 1 1 3\n", "f"),
    FileFormatError,
    "column index in [0, 3)",
  );
  assertThrows(
    () => parseCsrText("2 3 4\n0 2 4\n0 x 1 2\n", "f"),
    FileFormatError,
    "not an integer",
  );
});

Deno.test("readCsrTextFile() reports a missing file as FileFormatError", async () => {
  await assertRejects(
    () => readCsrTextFile("/tmp/caligo-ts-no-such-matrix.txt"),
    FileFormatError,
    "cannot read",
  );
});
