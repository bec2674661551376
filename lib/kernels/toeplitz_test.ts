import { assertEquals, assertThrows } from "../../tests/assert.ts";
import { InvalidArgumentError } from "../errors.ts";
import { Xoshiro128StarStar } from "./rng.ts";
import { toeplitzHashBitSliced } from "./toeplitz.ts";
import { ToeplitzFftWorkspace, toeplitzHashFft } from "./toeplitz_fft.ts";

function randomBits(n: number, seed: number): Uint8Array {
  const rng = new Xoshiro128StarStar(new Uint32Array([seed, 17, 29, 31]));
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = rng.nextUint32() & 1;
  return out;
}

/** Definition of docs/science.md §10: S[i] = XOR_j s[i − j + m − 1]·X[j]. */
function naive(seed: Uint8Array, x: Uint8Array, l: number): Uint8Array {
  const m = x.length;
  const out = new Uint8Array(l);
  for (let i = 0; i < l; i++) {
    let acc = 0;
    for (let j = 0; j < m; j++) acc ^= seed[i - j + m - 1] & x[j];
    out[i] = acc;
  }
  return out;
}

Deno.test("toeplitzHashBitSliced() equals the matrix definition at sizes around word boundaries", () => {
  let seed = 1;
  for (
    const [m, l] of [[1, 1], [5, 3], [31, 1], [32, 32], [33, 17], [64, 63], [100, 77], [257, 129]]
  ) {
    const s = randomBits(m + l - 1, seed++);
    const x = randomBits(m, seed++);
    assertEquals(
      toeplitzHashBitSliced(s, x, new Uint8Array(l)),
      naive(s, x, l),
      `m=${m} l=${l} seed=${seed}`,
    );
  }
});

Deno.test("toeplitzHashFft() equals toeplitzHashBitSliced() bit for bit, one and two jobs", () => {
  let seed = 100;
  for (const [m, l] of [[1, 1], [7, 2], [300, 200], [1000, 999], [4096, 1500]]) {
    const s0 = randomBits(m + l - 1, seed++), x0 = randomBits(m, seed++);
    const s1 = randomBits(m + l - 1, seed++), x1 = randomBits(m, seed++);
    const s2 = randomBits(m + l - 1, seed++), x2 = randomBits(m, seed++);
    const outs = [new Uint8Array(l), new Uint8Array(l), new Uint8Array(l)];
    toeplitzHashFft([{ seed: s0, x: x0, out: outs[0] }, { seed: s1, x: x1, out: outs[1] }, {
      seed: s2,
      x: x2,
      out: outs[2],
    }]);
    assertEquals(outs[0], toeplitzHashBitSliced(s0, x0, new Uint8Array(l)), `m=${m} l=${l}`);
    assertEquals(outs[1], toeplitzHashBitSliced(s1, x1, new Uint8Array(l)), `m=${m} l=${l}`);
    assertEquals(outs[2], toeplitzHashBitSliced(s2, x2, new Uint8Array(l)), `m=${m} l=${l}`);
  }
});

Deno.test("toeplitzHashFft() tiled path (small maxLog2) equals the bit-sliced hash", () => {
  const m = 1000, l = 700;
  const s = randomBits(m + l - 1, 7), x = randomBits(m, 8);
  for (const maxLog2 of [6, 7, 9]) {
    const out = new Uint8Array(l);
    toeplitzHashFft([{ seed: s, x, out }], { maxLog2 });
    assertEquals(out, toeplitzHashBitSliced(s, x, new Uint8Array(l)), `maxLog2=${maxLog2}`);
  }
});

Deno.test("toeplitzHashFft() with a caller's workspace: same bits, plan kept while the size repeats", () => {
  const workspace = new ToeplitzFftWorkspace({ maxCachedSize: 2 ** 11 });
  for (const [m, l, seed] of [[300, 200, 1], [300, 200, 2], [900, 100, 3], [1500, 900, 4]]) {
    const s = randomBits(m + l - 1, seed), x = randomBits(m, seed + 10);
    const out = new Uint8Array(l);
    toeplitzHashFft([{ seed: s, x, out }], { workspace });
    assertEquals(out, toeplitzHashBitSliced(s, x, new Uint8Array(l)), `${m}×${l}`);
  }
  const a = workspace.forSize(1024);
  assertEquals(workspace.forSize(1024) === a, true);
  assertEquals(workspace.forSize(4096) === workspace.forSize(4096), false);
});

Deno.test("toeplitzHashBitSliced() is linear over GF(2): T(s)(x ⊕ y) = T(s)x ⊕ T(s)y", () => {
  const m = 500, l = 300;
  const s = randomBits(m + l - 1, 3), x = randomBits(m, 4), y = randomBits(m, 5);
  const xy = x.map((v, i) => v ^ y[i]);
  const hx = toeplitzHashBitSliced(s, x, new Uint8Array(l));
  const hy = toeplitzHashBitSliced(s, y, new Uint8Array(l));
  const hxy = new Uint8Array(l);
  toeplitzHashFft([{ seed: s, x: xy, out: hxy }]);
  assertEquals(hxy, hx.map((v, i) => v ^ hy[i]));
});

Deno.test("toeplitzHash*() handle l = 0 and reject a wrong seed length", () => {
  assertEquals(
    toeplitzHashBitSliced(new Uint8Array(0), new Uint8Array(5), new Uint8Array(0)).length,
    0,
  );
  toeplitzHashFft([{ seed: new Uint8Array(0), x: new Uint8Array(5), out: new Uint8Array(0) }]);
  assertThrows(
    () => toeplitzHashBitSliced(new Uint8Array(3), new Uint8Array(5), new Uint8Array(2)),
    InvalidArgumentError,
    "seed",
  );
  assertThrows(
    () =>
      toeplitzHashFft([{ seed: new Uint8Array(3), x: new Uint8Array(5), out: new Uint8Array(2) }]),
    InvalidArgumentError,
    "seed",
  );
});
