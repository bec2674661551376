import { assert, assertEquals, assertThrows } from "../../../tests/assert.ts";
import { InvalidArgumentError } from "../../errors.ts";
import { Xoshiro128StarStar } from "../rng.ts";
import { createLayeredDecoder } from "./layered_decoder.ts";
import { normalizedMinSum, sumProduct } from "./check_rules.ts";
import { createFloodingDecoder } from "./flooding_decoder.ts";
import { bscLlrMagnitude, type Decoder } from "./decoder.ts";
import {
  computeSyndrome,
  createParityCheckMatrix,
  satisfiesSyndrome,
} from "./parity_check_matrix.ts";
import { repetitionCode } from "./_test_codes.ts";
import { buildPegCode } from "./peg.ts";

const rep5 = repetitionCode(5);
const decoders = (): Decoder[] => [
  createLayeredDecoder(rep5, { rule: normalizedMinSum(0.8) }),
  createLayeredDecoder(rep5, { rule: normalizedMinSum(0.8), precision: "float32" }),
  createLayeredDecoder(rep5, { rule: sumProduct() }),
  createFloodingDecoder(rep5),
];

// Length-5 repetition code: its Tanner graph is a tree, so BP is exact and the answer is known.
Deno.test("layeredDecoder() and floodingDecoder() correct every single-bit error of the length-5 repetition code", () => {
  const mag = bscLlrMagnitude(0.1);
  for (const decoder of decoders()) {
    for (const word of [0, 1]) {
      for (let bit = 0; bit < 5; bit++) {
        const llr = new Float64Array(5).fill(word ? -mag : mag);
        llr[bit] = -llr[bit];
        const out = new Uint8Array(5);
        const { converged } = decoder.decode(llr, new Uint8Array(4), out);
        assert(converged, `${decoder.name} word ${word} bit ${bit}`);
        assertEquals(
          Array.from(out),
          new Array(5).fill(word),
          `${decoder.name} word ${word} bit ${bit}`,
        );
      }
    }
  }
});

Deno.test("layeredDecoder() solves H·x = s for a non-zero syndrome (every coset of the repetition code)", () => {
  const mag = bscLlrMagnitude(0.1);
  for (const decoder of decoders()) {
    for (let pattern = 0; pattern < 32; pattern++) {
      const x = Uint8Array.from({ length: 5 }, (_, i) => (pattern >> i) & 1);
      const s = computeSyndrome(rep5, x, new Uint8Array(4));
      // Flip one bit of the received word: the coset's most likely member is x itself.
      const llr = Float64Array.from(x, (b) => (b ? -mag : mag));
      llr[pattern % 5] = -llr[pattern % 5];
      const out = new Uint8Array(5);
      const { converged } = decoder.decode(llr, s, out);
      assert(converged, `${decoder.name} pattern ${pattern}`);
      assertEquals(out, x, `${decoder.name} pattern ${pattern}`);
    }
  }
});

Deno.test("layeredDecoder() output satisfies the syndrome whenever it reports convergence (PEG code, seeded)", () => {
  const seed = 5;
  const rng = new Xoshiro128StarStar(Uint32Array.of(seed, 0, 0, 1));
  const { matrix: h } = buildPegCode(
    { degrees: Int32Array.of(2, 3, 6), counts: Int32Array.of(120, 100, 36) },
    { degrees: Int32Array.of(5, 6), counts: Int32Array.of(12, 116) },
    rng,
  );
  const q = 0.03, mag = bscLlrMagnitude(q);
  const list = [
    createLayeredDecoder(h, { rule: normalizedMinSum(0.75) }),
    createLayeredDecoder(h, { rule: sumProduct() }),
    createFloodingDecoder(h),
  ];
  for (const decoder of list) {
    let convergedCount = 0;
    for (let f = 0; f < 20; f++) {
      const x = new Uint8Array(h.n).map(() => rng.nextUint32() & 1);
      const s = computeSyndrome(h, x, new Uint8Array(h.m));
      const llr = Float64Array.from(x, (b) => ((b ^ (rng.nextDouble() < q ? 1 : 0)) ? -mag : mag));
      const out = new Uint8Array(h.n);
      const r = decoder.decode(llr, s, out);
      if (r.converged) {
        convergedCount++;
        assert(satisfiesSyndrome(h, out, s), `${decoder.name} seed ${seed} frame ${f}`);
      }
    }
    assert(convergedCount > 0, `${decoder.name}: nothing converged (seed ${seed})`);
  }
});

Deno.test("layeredDecoder() stops at the cancel flag and runs all iterations without early stop", () => {
  const llr = Float64Array.of(1, 1, -1, 1, 1);
  for (const decoder of decoders()) {
    const cancel = new Int32Array(1);
    cancel[0] = 1;
    const r = decoder.decode(llr, new Uint8Array(4), new Uint8Array(5), { cancel });
    assert(r.cancelled && r.iterations === 0, decoder.name);
    const full = decoder.decode(llr, new Uint8Array(4), new Uint8Array(5), {
      earlyStop: false,
      maxIterations: 7,
    });
    assertEquals(full.iterations, 7, decoder.name);
    assert(full.converged, decoder.name);
  }
});

Deno.test("layeredDecoder() hot start keeps the messages between calls", () => {
  const mag = bscLlrMagnitude(0.1);
  for (const decoder of decoders()) {
    const llr = Float64Array.of(mag, mag, -mag, mag, mag);
    const out = new Uint8Array(5);
    const cold = decoder.decode(llr, new Uint8Array(4), out);
    assert(cold.converged && cold.iterations > 0, decoder.name);
    // With the converged messages kept, the posterior already satisfies the syndrome.
    const hot = decoder.decode(llr, new Uint8Array(4), out, { hotStart: true });
    assert(hot.converged && hot.iterations <= 1, `${decoder.name}: ${hot.iterations}`);
  }
});

Deno.test("createLayeredDecoder() rejects bad settings and mismatched buffers", () => {
  assertThrows(() => normalizedMinSum(1.5), InvalidArgumentError, "alpha");
  assertThrows(
    () => createLayeredDecoder(rep5, { rule: sumProduct(), precision: "fixed" }),
    InvalidArgumentError,
    "fixed",
  );
  const d = createLayeredDecoder(rep5, { rule: normalizedMinSum(0.8) });
  assertThrows(
    () => d.decode(new Float64Array(4), new Uint8Array(4), new Uint8Array(5)),
    InvalidArgumentError,
    "llr.length",
  );
  assertThrows(
    () =>
      createFloodingDecoder(rep5).decode(new Float64Array(5), new Uint8Array(3), new Uint8Array(5)),
    InvalidArgumentError,
    "syndrome.length",
  );
});

Deno.test("decoder workspaces stay within 2 MB for a 16384-bit frame with E = 104 000 edges", () => {
  // The family's largest edge count at n = 16384 is 103 766 (rate 0.75); use a regular stand-in.
  const m = 8192, n = 16384, rowDegree = 13;
  const rowPtr = Int32Array.from({ length: m + 1 }, (_, c) => c * rowDegree);
  const colIdx = new Int32Array(m * rowDegree);
  for (let c = 0; c < m; c++) {
    for (let k = 0; k < rowDegree; k++) colIdx[c * rowDegree + k] = (c + k * 1259) % n;
    colIdx.subarray(c * rowDegree, (c + 1) * rowDegree).sort();
  }
  const h = createParityCheckMatrix(m, n, rowPtr, colIdx);
  for (
    const d of [
      createLayeredDecoder(h, { rule: normalizedMinSum(0.8) }),
      createLayeredDecoder(h, { rule: sumProduct() }),
      createFloodingDecoder(h),
    ]
  ) {
    assert(d.workspaceBytes <= 2 * 1024 * 1024, `${d.name}: ${d.workspaceBytes} bytes`);
  }
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
