import { assert, assertEquals, assertThrows } from "../../../tests/assert.ts";
import { InvalidArgumentError } from "../../errors.ts";
import { Xoshiro128StarStar } from "../rng.ts";
import {
  checkDegrees,
  computeSyndrome,
  createParityCheckMatrix,
  satisfiesSyndrome,
  tannerGirth,
  variableDegrees,
} from "./parity_check_matrix.ts";
import { repetitionCode } from "./_test_codes.ts";

function randomMatrix(m: number, n: number, rowDegree: number, seed: number) {
  const rng = new Xoshiro128StarStar(Uint32Array.of(seed, 7, 7, 7));
  const rowPtr = new Int32Array(m + 1);
  const cols: number[] = [];
  for (let c = 0; c < m; c++) {
    const set = new Set<number>();
    while (set.size < rowDegree) set.add(rng.nextBelow(n));
    cols.push(...[...set].sort((a, b) => a - b));
    rowPtr[c + 1] = cols.length;
  }
  return createParityCheckMatrix(m, n, rowPtr, Int32Array.from(cols));
}

Deno.test("computeSyndrome() is linear over GF(2): s(x ⊕ y) = s(x) ⊕ s(y)", () => {
  const seed = 11;
  const h = randomMatrix(50, 120, 6, seed);
  const rng = new Xoshiro128StarStar(Uint32Array.of(seed, 1, 2, 3));
  for (let trial = 0; trial < 20; trial++) {
    const x = new Uint8Array(120).map(() => rng.nextUint32() & 1);
    const y = new Uint8Array(120).map(() => rng.nextUint32() & 1);
    const sx = computeSyndrome(h, x, new Uint8Array(50));
    const sy = computeSyndrome(h, y, new Uint8Array(50));
    const sxy = computeSyndrome(h, x.map((b, i) => b ^ y[i]), new Uint8Array(50));
    assertEquals(sxy, sx.map((b, i) => b ^ sy[i]), `seed ${seed} trial ${trial}`);
    assert(satisfiesSyndrome(h, x, sx));
  }
});

Deno.test("createParityCheckMatrix() builds a CSC view whose edge map points back to the same entries", () => {
  const h = randomMatrix(30, 60, 5, 3);
  for (let v = 0; v < h.n; v++) {
    for (let k = h.colPtr[v]; k < h.colPtr[v + 1]; k++) {
      const e = h.edgeOfCsc[k];
      assertEquals(h.colIdx[e], v);
      assert(e >= h.rowPtr[h.rowIdx[k]] && e < h.rowPtr[h.rowIdx[k] + 1]);
    }
  }
  assertEquals(variableDegrees(h).reduce((a, b) => a + b, 0), h.edges);
  assertEquals(checkDegrees(h).reduce((a, b) => a + b, 0), h.edges);
});

Deno.test("createParityCheckMatrix() rejects inconsistent CSR arrays with InvalidArgumentError", () => {
  assertThrows(
    () => createParityCheckMatrix(2, 3, Int32Array.of(0, 2), Int32Array.of(0, 1)),
    InvalidArgumentError,
    "rowPtr.length",
  );
  assertThrows(
    () => createParityCheckMatrix(1, 3, Int32Array.of(0, 2), Int32Array.of(1, 1)),
    InvalidArgumentError,
    "strictly increasing",
  );
  assertThrows(
    () => createParityCheckMatrix(1, 3, Int32Array.of(0, 2), Int32Array.of(0, 3)),
    InvalidArgumentError,
    "[0, 3)",
  );
  assertThrows(
    () => createParityCheckMatrix(1, 3, Int32Array.of(0, 3), Int32Array.of(0, 1)),
    InvalidArgumentError,
    "colIdx.length",
  );
});

Deno.test("tannerGirth() finds 4-cycles, 6-cycles and trees", () => {
  // Two checks sharing two variables: a 4-cycle.
  assertEquals(
    tannerGirth(
      createParityCheckMatrix(2, 3, Int32Array.of(0, 2, 5), Int32Array.of(0, 1, 0, 1, 2)),
    ),
    4,
  );
  // Triangle of three checks over three variables: a 6-cycle.
  assertEquals(
    tannerGirth(
      createParityCheckMatrix(3, 3, Int32Array.of(0, 2, 4, 6), Int32Array.of(0, 1, 1, 2, 0, 2)),
    ),
    6,
  );
  assertEquals(tannerGirth(repetitionCode(6)), Infinity);
});
