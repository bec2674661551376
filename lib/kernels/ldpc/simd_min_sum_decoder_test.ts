import { assertEmbeddedWasm } from "../../../tests/wasm_rebuild.ts";
import { assert, assertEquals, assertThrows } from "../../../tests/assert.ts";
import { InvalidArgumentError } from "../../errors.ts";
import { Xoshiro128StarStar } from "../rng.ts";
import { bscLlrMagnitude, KNOWN_BIT_LLR } from "./decoder.ts";
import { createLayeredDecoder } from "./layered_decoder.ts";
import { normalizedMinSum, offsetMinSum, sumProduct } from "./check_rules.ts";
import {
  computeSyndrome,
  createParityCheckMatrix,
  type ParityCheckMatrix,
  satisfiesSyndrome,
} from "./parity_check_matrix.ts";
import { createSimdMinSumDecoder, type SimdLanePrecision } from "./simd_min_sum_decoder.ts";
import { readCsrForTest, repetitionCode } from "./_test_codes.ts";
import {
  MIN_SUM_SIMD_WASM_BASE64,
  MIN_SUM_SIMD_WASM_COMPILER,
  MIN_SUM_SIMD_WASM_SHA256,
} from "./min_sum_simd_wasm.generated.ts";

const caligo = await readCsrForTest(
  new URL("../../../tests/fixtures/ldpc_caligo_4096_r050.csr.txt", import.meta.url),
);
const PRECISIONS: SimdLanePrecision[] = ["int16", "int8"];

interface Frames {
  words: Uint8Array[];
  llrs: Float64Array[];
  syndromes: Uint8Array[];
  outs: Uint8Array[];
}

/**
 * `count` random words sent over a BSC(q), with `punctured` positions at LLR 0 and `known`
 * positions at ±KNOWN_BIT_LLR (the first positions of a seeded permutation).
 */
function makeFrames(
  h: ParityCheckMatrix,
  qber: number,
  count: number,
  seed: number,
  punctured = 0,
  known = 0,
): Frames {
  const rng = new Xoshiro128StarStar(Uint32Array.of(seed, 17, 29, 43));
  const mag = bscLlrMagnitude(qber);
  const frames: Frames = { words: [], llrs: [], syndromes: [], outs: [] };
  for (let f = 0; f < count; f++) {
    const x = new Uint8Array(h.n).map(() => rng.nextUint32() & 1);
    const llr = Float64Array.from(x, (b) => ((b ^ (rng.nextDouble() < qber ? 1 : 0)) ? -mag : mag));
    const order = Int32Array.from({ length: h.n }, (_, i) => i);
    for (let i = 0; i < punctured + known; i++) {
      const j = i + rng.nextBelow(h.n - i);
      [order[i], order[j]] = [order[j], order[i]];
      llr[order[i]] = i < punctured ? 0 : x[order[i]] ? -KNOWN_BIT_LLR : KNOWN_BIT_LLR;
    }
    frames.words.push(x);
    frames.llrs.push(llr);
    frames.syndromes.push(computeSyndrome(h, x, new Uint8Array(h.m)));
    frames.outs.push(new Uint8Array(h.n));
  }
  return frames;
}

const sameBits = (a: Uint8Array, b: Uint8Array): boolean => a.every((bit, i) => bit === b[i]);

Deno.test("createSimdMinSumDecoder() corrects every single-bit error of the length-5 repetition code, all lanes", () => {
  // Its Tanner graph is a tree, so min-sum decodes every single error; all 10 patterns
  // (2 words × 5 positions) go through one batch (int8) or two (int16).
  const rep5 = repetitionCode(5);
  const mag = bscLlrMagnitude(0.1);
  const llrs: Float64Array[] = [], words: number[] = [];
  for (const word of [0, 1]) {
    for (let bit = 0; bit < 5; bit++) {
      const llr = new Float64Array(5).fill(word ? -mag : mag);
      llr[bit] = -llr[bit];
      llrs.push(llr);
      words.push(word);
    }
  }
  for (const precision of PRECISIONS) {
    for (const rule of [normalizedMinSum(0.8), offsetMinSum(0.5)]) {
      const decoder = createSimdMinSumDecoder(rep5, { precision, rule });
      for (let start = 0; start < llrs.length; start += decoder.lanes) {
        const batch = llrs.slice(start, start + decoder.lanes);
        const outs = batch.map(() => new Uint8Array(5));
        const results = decoder.decodeBatch(batch, batch.map(() => new Uint8Array(4)), outs);
        results.forEach((r, i) => {
          const label = `${precision} ${rule.kind} pattern ${start + i}`;
          assert(r.converged, label);
          assertEquals(Array.from(outs[i]), new Array(5).fill(words[start + i]), label);
        });
      }
    }
  }
});

Deno.test("decodeBatch() decodes every lane of Caligo's n = 4096 code at QBER 2 % (punctured and known bits included)", () => {
  if (caligo === null) {
    throw new Error("fixture tests/fixtures/ldpc_caligo_4096_r050.csr.txt missing");
  }
  const seed = 11;
  const frames = makeFrames(caligo, 0.02, 16, seed, 100, 100);
  for (const precision of PRECISIONS) {
    const decoder = createSimdMinSumDecoder(caligo, { precision });
    for (let start = 0; start < 16; start += decoder.lanes) {
      const slice = <T>(a: T[]) => a.slice(start, start + decoder.lanes);
      // Alternate float64 and float32 inputs.
      const llrs = slice(frames.llrs).map((l, i) => (i % 2 ? Float32Array.from(l) : l));
      const results = decoder.decodeBatch(llrs, slice(frames.syndromes), slice(frames.outs));
      results.forEach((r, i) => {
        const f = start + i;
        const label = `${precision} seed ${seed} frame ${f}`;
        assert(r.converged && r.iterations > 0 && !r.cancelled, `${label}: ${JSON.stringify(r)}`);
        assert(sameBits(frames.outs[f], frames.words[f]), `${label}: wrong codeword`);
      });
    }
  }
});

Deno.test("decodeBatch() lanes are independent: a batch gives the bits and iterations of each frame decoded alone", () => {
  if (caligo === null) {
    throw new Error("fixture tests/fixtures/ldpc_caligo_4096_r050.csr.txt missing");
  }
  // QBER 6 %: frames converge after different numbers of sweeps or not at all, so converged
  // lanes are frozen while the others go on.
  const seed = 23;
  const frames = makeFrames(caligo, 0.06, 16, seed);
  for (const precision of PRECISIONS) {
    for (const earlyStop of [true, false]) {
      const decoder = createSimdMinSumDecoder(caligo, { precision, rule: offsetMinSum(0.5) });
      const lanes = decoder.lanes;
      const outs = frames.llrs.slice(0, lanes).map(() => new Uint8Array(caligo.n));
      const batch = decoder.decodeBatch(
        frames.llrs.slice(0, lanes),
        frames.syndromes.slice(0, lanes),
        outs,
        { earlyStop },
      );
      const iterationSet = new Set(batch.map((r) => r.iterations));
      if (earlyStop) assert(iterationSet.size > 2, `too uniform: ${[...iterationSet]}`);
      for (let f = 0; f < lanes; f++) {
        const alone = new Uint8Array(caligo.n);
        const r = decoder.decode(frames.llrs[f], frames.syndromes[f], alone, { earlyStop });
        const label = `${precision} earlyStop ${earlyStop} seed ${seed} frame ${f}`;
        assertEquals(batch[f], r, label);
        assert(sameBits(outs[f], alone), `${label}: bits differ`);
        if (r.converged) assert(satisfiesSyndrome(caligo, alone, frames.syndromes[f]), label);
      }
    }
  }
});

Deno.test("createSimdMinSumDecoder() (int16, default scale) reproduces the TypeScript fixed-point layered min-sum frame by frame at QBER 6 %", () => {
  if (caligo === null) {
    throw new Error("fixture tests/fixtures/ldpc_caligo_4096_r050.csr.txt missing");
  }
  // Same integer arithmetic as layered_decoder.ts "fixed": 1/64-LLR units, channel rounded half
  // up, α = round(0.8·1024)/1024 applied with truncation. The two differ only once a value
  // saturates (int16 here at ±512 LLR, int32 there at ±8192 LLR), which frames at this QBER and
  // the ±100 of known bits do not reach, so bits, iterations and convergence must agree exactly
  // and with them the FER (here in its mid-range, so both outcomes are exercised).
  const seed = 31, count = 96;
  const frames = makeFrames(caligo, 0.06, count, seed, 50, 50);
  const reference = createLayeredDecoder(caligo, { rule: normalizedMinSum(0.8) });
  const simd = createSimdMinSumDecoder(caligo, { rule: normalizedMinSum(0.8) });
  let failures = 0;
  for (let start = 0; start < count; start += simd.lanes) {
    const slice = <T>(a: T[]) => a.slice(start, start + simd.lanes);
    const results = simd.decodeBatch(
      slice(frames.llrs),
      slice(frames.syndromes),
      slice(frames.outs),
    );
    results.forEach((r, i) => {
      const f = start + i;
      const out = new Uint8Array(caligo.n);
      const ref = reference.decode(frames.llrs[f], frames.syndromes[f], out);
      const label = `seed ${seed} frame ${f}: TS ${JSON.stringify(ref)}, SIMD ${JSON.stringify(r)}`;
      assertEquals(r, ref, label);
      assert(sameBits(frames.outs[f], out), `${label}: bits differ`);
      if (!(r.converged && sameBits(out, frames.words[f]))) failures++;
    });
  }
  assert(
    failures > 0.1 * count && failures < 0.9 * count,
    `FER ${failures}/${count} not mid-range`,
  );
});

Deno.test("decodeBatch() hot start continues from the stored messages of each lane", () => {
  if (caligo === null) {
    throw new Error("fixture tests/fixtures/ldpc_caligo_4096_r050.csr.txt missing");
  }
  const seed = 37;
  // QBER 8 %: beyond normalized min-sum's threshold, so the hard decisions keep changing.
  const frames = makeFrames(caligo, 0.08, 3, seed);
  for (const precision of PRECISIONS) {
    const decoder = createSimdMinSumDecoder(caligo, { precision });
    const opts = { earlyStop: false };
    // 12 sweeps in one call = 7 sweeps, then 5 more from the stored messages: after a full
    // sweep L_v = channel + Σ messages, which is what the hot start recomputes.
    const straight = frames.outs.map(() => new Uint8Array(caligo.n));
    decoder.decodeBatch(frames.llrs, frames.syndromes, straight, { ...opts, maxIterations: 12 });
    decoder.decodeBatch(frames.llrs, frames.syndromes, frames.outs, { ...opts, maxIterations: 7 });
    const cold = frames.outs.map((o) => o.slice());
    decoder.decodeBatch(frames.llrs, frames.syndromes, frames.outs, {
      ...opts,
      maxIterations: 5,
      hotStart: true,
    });
    for (let f = 0; f < 3; f++) {
      const label = `${precision} seed ${seed} frame ${f}`;
      assert(sameBits(frames.outs[f], straight[f]), `${label}: hot 7 + 5 ≠ cold 12`);
      assert(!sameBits(cold[f], straight[f]), `${label}: 7 and 12 sweeps agree, test is vacuous`);
    }
    // Converged messages kept: the posterior satisfies the syndrome before any sweep.
    const easy = makeFrames(caligo, 0.02, 2, seed + 1);
    const first = decoder.decodeBatch(easy.llrs, easy.syndromes, easy.outs);
    assert(first.every((r) => r.converged && r.iterations > 0), JSON.stringify(first));
    const again = decoder.decodeBatch(easy.llrs, easy.syndromes, easy.outs, { hotStart: true });
    assertEquals(again.map((r) => [r.converged, r.iterations]), [[true, 0], [true, 0]]);
    // A cold call forgets them again.
    const cold2 = decoder.decodeBatch(easy.llrs, easy.syndromes, easy.outs);
    assertEquals(cold2, first, precision);
  }
});

Deno.test("decodeBatch() stops every lane at the cancel flag and honours maxIterations without early stop", () => {
  const rep5 = repetitionCode(5);
  const llr = Float64Array.of(1, 1, -1, 1, 1);
  for (const precision of PRECISIONS) {
    const decoder = createSimdMinSumDecoder(rep5, { precision });
    const cancel = new Int32Array(1);
    Atomics.store(cancel, 0, 1);
    const zeros = [new Uint8Array(4), new Uint8Array(4)];
    const outs = [new Uint8Array(5), new Uint8Array(5)];
    const r = decoder.decodeBatch([llr, llr], zeros, outs, { cancel });
    assertEquals(r, [
      { converged: false, iterations: 0, cancelled: true },
      { converged: false, iterations: 0, cancelled: true },
    ]);
    const full = decoder.decode(llr, zeros[0], outs[0], { earlyStop: false, maxIterations: 7 });
    assertEquals(full, { converged: true, iterations: 7, cancelled: false }, precision);
    Atomics.store(cancel, 0, 0);
    const free = decoder.decode(llr, zeros[0], outs[0], { cancel });
    assert(free.converged && !free.cancelled, precision);
  }
});

Deno.test("createSimdMinSumDecoder() rejects bad settings and names the buffer of a bad length", () => {
  const rep5 = repetitionCode(5);
  assertThrows(() => offsetMinSum(-1), InvalidArgumentError, "beta");
  assertThrows(
    () => createSimdMinSumDecoder(rep5, { rule: sumProduct() }),
    InvalidArgumentError,
    "rule.kind",
  );
  assertThrows(
    () => createSimdMinSumDecoder(rep5, { rule: { kind: "normalized-min-sum", alpha: 1.5 } }),
    InvalidArgumentError,
    "rule.alpha",
  );
  assertThrows(
    () => createSimdMinSumDecoder(rep5, { llrScale: 400 }),
    InvalidArgumentError,
    "llrScale",
  );
  assertThrows(
    () => createSimdMinSumDecoder(rep5, { llrScale: 0 }),
    InvalidArgumentError,
    "llrScale",
  );
  assertThrows(
    () => createSimdMinSumDecoder(rep5, { maxIterations: 0 }),
    InvalidArgumentError,
    "maxIterations",
  );
  const d = createSimdMinSumDecoder(rep5);
  const llr = () => new Float64Array(5),
    syn = () => new Uint8Array(4),
    out = () => new Uint8Array(5);
  const cases: [() => unknown, string][] = [
    [() => d.decode(new Float64Array(4), syn(), out()), "llr.length"],
    [() => d.decode(llr(), new Uint8Array(5), out()), "syndrome.length"],
    [() => d.decode(llr(), syn(), new Uint8Array(6)), "out.length"],
    [() => d.decodeBatch([], [], []), "llrs.length"],
    [
      () =>
        d.decodeBatch(new Array(9).fill(llr()), new Array(9).fill(syn()), new Array(9).fill(out())),
      "llrs.length",
    ],
    [() => d.decodeBatch([llr(), llr()], [syn()], [out(), out()]), "syndromes.length"],
    [() => d.decodeBatch([llr(), llr()], [syn(), syn()], [out()]), "outs.length"],
    [
      () => d.decodeBatch([llr(), new Float32Array(3)], [syn(), syn()], [out(), out()]),
      "llrs[1].length",
    ],
    [
      () => d.decodeBatch([llr(), llr()], [syn(), new Uint8Array(2)], [out(), out()]),
      "syndromes[1].length",
    ],
    [() => d.decodeBatch([llr()], [syn()], [new Uint8Array(4)]), "outs[0].length"],
    [() => d.decode(llr(), syn(), out(), { maxIterations: 1.5 }), "maxIterations"],
  ];
  for (const [fn, name] of cases) assertThrows(fn, InvalidArgumentError, name);
});

Deno.test("createSimdMinSumDecoder() keeps one frame's state within 2 MB at n = 16384, E ≈ 106 000", () => {
  // Regular stand-in as in layered_decoder_test.ts (the family's largest E at n = 16384 is
  // 103 766). The state of all lanes is 16 bytes per edge and per variable plus the graph.
  const m = 8192, n = 16384, rowDegree = 13;
  const rowPtr = Int32Array.from({ length: m + 1 }, (_, c) => c * rowDegree);
  const colIdx = new Int32Array(m * rowDegree);
  for (let c = 0; c < m; c++) {
    for (let k = 0; k < rowDegree; k++) colIdx[c * rowDegree + k] = (c + k * 1259) % n;
    colIdx.subarray(c * rowDegree, (c + 1) * rowDegree).sort();
  }
  const h = createParityCheckMatrix(m, n, rowPtr, colIdx);
  for (const precision of PRECISIONS) {
    const d = createSimdMinSumDecoder(h, { precision });
    const perFrame = d.workspaceBytes / d.lanes;
    assert(perFrame <= 2 * 1024 * 1024, `${precision}: ${perFrame} bytes per frame`);
    assert(d.workspaceBytes >= 16 * (m * rowDegree + n), `${precision}: ${d.workspaceBytes}`);
  }
});

Deno.test("min_sum_simd_wasm.generated.ts holds the bytes its header names, and the build reproduces them", async () => {
  await assertEmbeddedWasm({
    moduleUrl: new URL("./min_sum_simd_wasm.generated.ts", import.meta.url),
    base64: MIN_SUM_SIMD_WASM_BASE64,
    sha256: MIN_SUM_SIMD_WASM_SHA256,
    compiler: MIN_SUM_SIMD_WASM_COMPILER,
    output: "min_sum",
  });
});
