import { assert, assertEquals } from "../../../tests/assert.ts";
import { readCsrForTest } from "./_test_codes.ts";
import { puncturingOrder } from "./puncturing_order.ts";
import { createParityCheckMatrix } from "./parity_check_matrix.ts";

const FIXTURES = new URL("../../../tests/fixtures/", import.meta.url);

Deno.test("puncturingOrder() reproduces Caligo's hybrid order on Caligo's matrix (1940 entries, 909 untainted)", async () => {
  const h = await readCsrForTest(new URL("ldpc_caligo_4096_r050.csr.txt", FIXTURES));
  assert(h !== null, "missing fixture ldpc_caligo_4096_r050.csr.txt");
  const orderText = await Deno.readTextFile(
    new URL("ldpc_caligo_modulation_order_4096.txt", FIXTURES),
  );
  const reference = orderText.trim().split(/\s+/).map(Number);
  const { order, untaintedCount } = puncturingOrder(h, reference.length);
  assertEquals(untaintedCount, 909);
  assertEquals(Array.from(order), reference);
});

Deno.test("puncturingOrder() of full length is a permutation whose untainted prefix shares no check pairwise", () => {
  // 3 checks over 6 variables.
  const h = createParityCheckMatrix(
    3,
    6,
    Int32Array.of(0, 3, 6, 9),
    Int32Array.of(0, 1, 2, 2, 3, 4, 0, 4, 5),
  );
  const { order, untaintedCount } = puncturingOrder(h, 6);
  assertEquals([...order].sort(), [0, 1, 2, 3, 4, 5]);
  const checksOf = (v: number) => {
    const s = new Set<number>();
    for (let k = h.colPtr[v]; k < h.colPtr[v + 1]; k++) s.add(h.rowIdx[k]);
    return s;
  };
  for (let i = 0; i < untaintedCount; i++) {
    for (let j = i + 1; j < untaintedCount; j++) {
      const a = checksOf(order[i]), b = checksOf(order[j]);
      assert(![...a].some((c) => b.has(c)), `${order[i]} and ${order[j]} share a check`);
    }
  }
});
