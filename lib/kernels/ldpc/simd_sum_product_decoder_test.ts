import { assertEmbeddedWasm } from "../../../tests/wasm_rebuild.ts";
import { assert, assertEquals, assertThrows } from "../../../tests/assert.ts";
import { InvalidArgumentError } from "../../errors.ts";
import { Xoshiro128StarStar } from "../rng.ts";
import { bscLlrMagnitude, KNOWN_BIT_LLR } from "./decoder.ts";
import { createLayeredDecoder } from "./layered_decoder.ts";
import { sumProduct } from "./check_rules.ts";
import {
  computeSyndrome,
  createParityCheckMatrix,
  type ParityCheckMatrix,
  satisfiesSyndrome,
} from "./parity_check_matrix.ts";
import {
  createSimdSumProductDecoder,
  type SimdSumProductLanes,
} from "./simd_sum_product_decoder.ts";
import { readCsrForTest, repetitionCode } from "./_test_codes.ts";
import {
  SPA_SIMD_WASM_BASE64,
  SPA_SIMD_WASM_COMPILER,
  SPA_SIMD_WASM_SHA256,
} from "./spa_simd_wasm.generated.ts";

const caligo = await readCsrForTest(
  new URL("../../../tests/fixtures/ldpc_caligo_4096_r050.csr.txt", import.meta.url),
);
const WIDTHS: SimdSumProductLanes[] = [4, 8];

function requireCaligo(): ParityCheckMatrix {
  if (caligo === null) {
    throw new Error("fixture tests/fixtures/ldpc_caligo_4096_r050.csr.txt missing");
  }
  return caligo;
}

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
const bitsDiffering = (a: Uint8Array, b: Uint8Array): number =>
  a.reduce((count, bit, i) => count + (bit !== b[i] ? 1 : 0), 0);

Deno.test("createSimdSumProductDecoder() corrects every single-bit error of the length-5 repetition code, all lanes", () => {
  // Its Tanner graph is a tree, so BP is exact and decodes every single error; the 10 patterns
  // (2 words × 5 positions) go through batches of 4 or 8 frames.
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
  for (const lanes of WIDTHS) {
    const decoder = createSimdSumProductDecoder(rep5, { lanes });
    for (let start = 0; start < llrs.length; start += lanes) {
      const batch = llrs.slice(start, start + lanes);
      const outs = batch.map(() => new Uint8Array(5));
      const results = decoder.decodeBatch(batch, batch.map(() => new Uint8Array(4)), outs);
      results.forEach((r, i) => {
        const label = `${lanes} lanes, pattern ${start + i}`;
        assert(r.converged && r.iterations > 0, `${label}: ${JSON.stringify(r)}`);
        assertEquals(Array.from(outs[i]), new Array(5).fill(words[start + i]), label);
      });
    }
  }
});

Deno.test("decodeBatch() solves H·x = s for every coset of the length-5 repetition code", () => {
  const rep5 = repetitionCode(5);
  const mag = bscLlrMagnitude(0.1);
  const decoder = createSimdSumProductDecoder(rep5, { lanes: 8 });
  for (let first = 0; first < 32; first += 8) {
    const xs: Uint8Array[] = [], llrs: Float64Array[] = [], syndromes: Uint8Array[] = [];
    for (let pattern = first; pattern < first + 8; pattern++) {
      const x = Uint8Array.from({ length: 5 }, (_, i) => (pattern >> i) & 1);
      const llr = Float64Array.from(x, (b) => (b ? -mag : mag));
      llr[pattern % 5] = -llr[pattern % 5]; // one flipped bit: x is still the coset's best member
      xs.push(x);
      llrs.push(llr);
      syndromes.push(computeSyndrome(rep5, x, new Uint8Array(4)));
    }
    const outs = xs.map(() => new Uint8Array(5));
    decoder.decodeBatch(llrs, syndromes, outs).forEach((r, i) => {
      assert(r.converged, `pattern ${first + i}`);
      assertEquals(outs[i], xs[i], `pattern ${first + i}`);
    });
  }
});

Deno.test("decodeBatch() decodes every lane of Caligo's n = 4096 code at QBER 2 % (punctured and known bits included)", () => {
  const h = requireCaligo();
  const seed = 11;
  const frames = makeFrames(h, 0.02, 8, seed, 100, 100);
  for (const lanes of WIDTHS) {
    const decoder = createSimdSumProductDecoder(h, { lanes });
    for (let start = 0; start < 8; start += lanes) {
      const slice = <T>(a: T[]) => a.slice(start, start + lanes);
      // Alternate float64 and float32 inputs.
      const llrs = slice(frames.llrs).map((l, i) => (i % 2 ? Float32Array.from(l) : l));
      const results = decoder.decodeBatch(llrs, slice(frames.syndromes), slice(frames.outs));
      results.forEach((r, i) => {
        const f = start + i;
        const label = `${lanes} lanes, seed ${seed} frame ${f}`;
        assert(r.converged && r.iterations > 0 && !r.cancelled, `${label}: ${JSON.stringify(r)}`);
        assert(sameBits(frames.outs[f], frames.words[f]), `${label}: wrong codeword`);
      });
    }
  }
});

Deno.test("decodeBatch() lanes are independent: a batch gives the bits, iterations and messages of each frame decoded alone", () => {
  const h = requireCaligo();
  // QBER 8 %: frames converge after different numbers of sweeps or not at all, so converged
  // lanes are frozen while the others go on.
  const seed = 23;
  const frames = makeFrames(h, 0.08, 8, seed);
  // The messages a decode leaves behind, read out coarsely: a hot start on the negated channel
  // LLRs with no sweep gives the hard decisions of Σ r − L_channel, which move with every
  // message a lane that should have been frozen would have kept updating.
  const negated = frames.llrs.map((l) => l.map((x) => -x));
  const probe = { hotStart: true, maxIterations: 0, earlyStop: false };
  for (const lanes of WIDTHS) {
    for (const earlyStop of [true, false]) {
      const decoder = createSimdSumProductDecoder(h, { lanes });
      const llrs = frames.llrs.slice(0, lanes), syndromes = frames.syndromes.slice(0, lanes);
      const outs = llrs.map(() => new Uint8Array(h.n));
      const batch = decoder.decodeBatch(llrs, syndromes, outs, { earlyStop });
      const probed = llrs.map(() => new Uint8Array(h.n));
      decoder.decodeBatch(negated.slice(0, lanes), syndromes, probed, probe);
      if (earlyStop) {
        const iterations = new Set(batch.map((r) => r.iterations));
        assert(iterations.size > 2, `too uniform: ${[...iterations]}`);
      }
      for (let f = 0; f < lanes; f++) {
        const alone = new Uint8Array(h.n), aloneProbed = new Uint8Array(h.n);
        const r = decoder.decode(frames.llrs[f], frames.syndromes[f], alone, { earlyStop });
        decoder.decode(negated[f], frames.syndromes[f], aloneProbed, probe);
        const label = `${lanes} lanes, earlyStop ${earlyStop}, seed ${seed} frame ${f}`;
        assertEquals(batch[f], r, label);
        assert(sameBits(outs[f], alone), `${label}: bits differ`);
        assert(sameBits(probed[f], aloneProbed), `${label}: messages differ`);
        if (r.converged) assert(satisfiesSyndrome(h, alone, frames.syndromes[f]), label);
      }
    }
  }
});

Deno.test("createSimdSumProductDecoder() check messages match 2·atanh(Π tanh(q/2)) within 0.003 + 1 % (punctured and known bits, every lane)", () => {
  // One check on `d` bits, syndrome 0, one sweep: bit 0's posterior is a + r with
  // r = 2·atanh(Π_{k≥1} tanh(q_k/2)). With a = −r ± δ, δ = 0.003 + 0.01·|r|, the hard decision
  // of bit 0 shows on which side of the exact r the decoder's message lies. The bound is that
  // of the TypeScript φ table (|Δφ| ≤ 0.0014 per lookup, two lookups per message).
  const cases: number[][] = [
    [1.2, 2.5],
    [0.3, 4],
    [6, 9],
    [12, 15],
    [0, 3], // punctured input: r = 0
    [KNOWN_BIT_LLR, 2], // known bit: r = 2
    [KNOWN_BIT_LLR, -2],
    [0.02, 0.05],
    [-0.7, 1.1],
    [25, 30], // both beyond the largest message φ(2^−30) ≈ 21.49: r ≈ 24.3 is capped at 21.49
  ];
  const seed = 41;
  const rng = new Xoshiro128StarStar(Uint32Array.of(seed, 3, 5, 7));
  for (let i = 0; i < 22; i++) {
    // Degree-8 checks with LLRs of either sign, magnitudes log-uniform in [0.01, 20].
    cases.push(Array.from({ length: 7 }, () => {
      const magnitude = 0.01 * 2000 ** rng.nextDouble();
      return rng.nextDouble() < 0.5 ? -magnitude : magnitude;
    }));
  }
  for (const lanes of WIDTHS) {
    for (const degree of [3, 8]) {
      const rowCases = cases.filter((c) => c.length === degree - 1);
      const h = createParityCheckMatrix(
        1,
        degree,
        Int32Array.of(0, degree),
        Int32Array.from({ length: degree }, (_, i) => i),
      );
      const decoder = createSimdSumProductDecoder(h, { lanes });
      // Every case on both sides, packed into the lanes of as few batches as possible.
      const jobs = rowCases.flatMap((c) => [[c, 1], [c, -1]] as const);
      for (let start = 0; start < jobs.length; start += lanes) {
        const batch = jobs.slice(start, start + lanes);
        const exact = batch.map(([c]) => {
          const product = c.reduce((p, q) => p * Math.tanh(q / 2), 1);
          return 2 * Math.atanh(Math.min(product, 1 - 1e-16));
        });
        // The cap: the decoder's messages never exceed φ(2^−30) in magnitude.
        const target = exact.map((r) => Math.sign(r) * Math.min(Math.abs(r), 21.4876));
        const llrs = batch.map(([c, side], i) => {
          const delta = 0.003 + 0.01 * Math.abs(target[i]);
          return Float64Array.of(-target[i] + side * delta, ...c);
        });
        const outs = batch.map(() => new Uint8Array(degree));
        decoder.decodeBatch(llrs, batch.map(() => new Uint8Array(1)), outs, {
          maxIterations: 1,
          earlyStop: false,
        });
        batch.forEach(([c, side], i) => {
          const label = `${lanes} lanes, lane ${i}: q = ${c.map((q) => q.toPrecision(3))}, ` +
            `r = ${exact[i]}, side ${side} (seed ${seed})`;
          assertEquals(outs[i][0], side > 0 ? 0 : 1, label);
        });
      }
    }
  }
});

Deno.test("createSimdSumProductDecoder() has the FER of the TypeScript spa-layered decoder on Caligo's code at QBER 7 % and 8 % (320 frames each)", () => {
  const h = requireCaligo();
  const reference = createLayeredDecoder(h, { rule: sumProduct() });
  const simd = createSimdSumProductDecoder(h, { lanes: 8 });
  const count = 320;
  for (const [qber, seed] of [[0.07, 51], [0.08, 53]]) {
    const frames = makeFrames(h, qber, count, seed);
    let simdFailures = 0, referenceFailures = 0, discordant = 0;
    for (let start = 0; start < count; start += simd.lanes) {
      const slice = <T>(a: T[]) => a.slice(start, start + simd.lanes);
      const results = simd.decodeBatch(
        slice(frames.llrs),
        slice(frames.syndromes),
        slice(frames.outs),
      );
      results.forEach((r, i) => {
        const f = start + i;
        const out = new Uint8Array(h.n);
        const ref = reference.decode(frames.llrs[f], frames.syndromes[f], out);
        const simdFailed = !(r.converged && sameBits(frames.outs[f], frames.words[f]));
        const referenceFailed = !(ref.converged && sameBits(out, frames.words[f]));
        simdFailures += simdFailed ? 1 : 0;
        referenceFailures += referenceFailed ? 1 : 0;
        discordant += simdFailed !== referenceFailed ? 1 : 0;
      });
    }
    // Same frames for both decoders: under equal FER the difference of the failure counts has
    // variance ≤ the number of frames on which they disagree (McNemar); allow 3σ, and at least
    // the unpaired 3σ binomial bound 3·√(2·p(1 − p)/N) on the FER difference.
    const p = (simdFailures + referenceFailures) / (2 * count);
    const bound = Math.max(3 * Math.sqrt(discordant), 3 * Math.sqrt(2 * p * (1 - p) * count));
    const label = `QBER ${qber} seed ${seed}: SIMD ${simdFailures}/${count}, TS ` +
      `${referenceFailures}/${count}, ${discordant} frames disagree`;
    assert(Math.abs(simdFailures - referenceFailures) <= bound, label);
    // Frame by frame the two differ only by float32 vs float64 rounding, which can flip only
    // marginal frames (1 and 4 of 320 when this was written).
    assert(discordant <= 0.05 * count, label);
    // Mid-range FER (TS spa-layered: ≈ 0.09 at 7 %, ≈ 0.22 at 8 %), so both outcomes occur.
    assert(referenceFailures > 0.02 * count && referenceFailures < 0.5 * count, label);
  }
});

Deno.test("decodeBatch() hot start continues from the stored messages of each lane", () => {
  const h = requireCaligo();
  const seed = 37;
  // QBER 9 %: most frames do not converge within 12 sweeps, so the hard decisions keep changing.
  const frames = makeFrames(h, 0.09, 3, seed);
  for (const lanes of WIDTHS) {
    const decoder = createSimdSumProductDecoder(h, { lanes });
    const opts = { earlyStop: false };
    // 12 sweeps in one call ≈ 7 sweeps, then 5 more from the stored messages: after a sweep
    // L_v = channel + Σ messages, which the hot start recomputes (in float32, in another order:
    // a rounding difference can flip a bit whose posterior is within a few ulp of 0).
    const straight = frames.outs.map(() => new Uint8Array(h.n));
    decoder.decodeBatch(frames.llrs, frames.syndromes, straight, { ...opts, maxIterations: 12 });
    decoder.decodeBatch(frames.llrs, frames.syndromes, frames.outs, { ...opts, maxIterations: 7 });
    const after7 = frames.outs.map((o) => o.slice());
    decoder.decodeBatch(frames.llrs, frames.syndromes, frames.outs, {
      ...opts,
      maxIterations: 5,
      hotStart: true,
    });
    for (let f = 0; f < 3; f++) {
      const label = `${lanes} lanes, seed ${seed} frame ${f}`;
      const hotDiffers = bitsDiffering(frames.outs[f], straight[f]);
      const coldDiffers = bitsDiffering(after7[f], straight[f]);
      assert(hotDiffers <= 2, `${label}: hot 7 + 5 differs from 12 in ${hotDiffers} bits`);
      assert(coldDiffers >= 20, `${label}: 7 and 12 sweeps differ in ${coldDiffers} bits only`);
    }
    // Converged messages kept: the posterior satisfies the syndrome before any sweep.
    const easy = makeFrames(h, 0.02, 2, seed + 1);
    const first = decoder.decodeBatch(easy.llrs, easy.syndromes, easy.outs);
    assert(first.every((r) => r.converged && r.iterations > 0), JSON.stringify(first));
    const again = decoder.decodeBatch(easy.llrs, easy.syndromes, easy.outs, { hotStart: true });
    assertEquals(again.map((r) => [r.converged, r.iterations]), [[true, 0], [true, 0]]);
    // A cold call forgets them again.
    const cold = decoder.decodeBatch(easy.llrs, easy.syndromes, easy.outs);
    assertEquals(cold, first, `${lanes} lanes`);
  }
});

Deno.test("decodeBatch() stops every lane at the cancel flag and honours maxIterations without early stop", () => {
  const rep5 = repetitionCode(5);
  const llr = Float64Array.of(1, 1, -1, 1, 1);
  for (const lanes of WIDTHS) {
    const decoder = createSimdSumProductDecoder(rep5, { lanes });
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
    assertEquals(full, { converged: true, iterations: 7, cancelled: false }, `${lanes} lanes`);
    Atomics.store(cancel, 0, 0);
    const free = decoder.decode(llr, zeros[0], outs[0], { cancel });
    assert(free.converged && !free.cancelled, `${lanes} lanes`);
    assertEquals(Array.from(outs[0]), [0, 0, 0, 0, 0]);
  }
});

Deno.test("createSimdSumProductDecoder() rejects bad settings and names the buffer of a bad length", () => {
  const rep5 = repetitionCode(5);
  assertThrows(
    () => createSimdSumProductDecoder(rep5, { lanes: 16 as SimdSumProductLanes }),
    InvalidArgumentError,
    "lanes",
  );
  assertThrows(
    () => createSimdSumProductDecoder(rep5, { maxIterations: 0 }),
    InvalidArgumentError,
    "maxIterations",
  );
  const d = createSimdSumProductDecoder(rep5);
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

Deno.test("createSimdSumProductDecoder() keeps one frame's state within 2 MB at n = 16384, E ≈ 106 000", () => {
  // Regular stand-in as in layered_decoder_test.ts (the family's largest E at n = 16384 is
  // 103 766). Messages and posteriors take 4 bytes per lane per edge and per variable.
  const m = 8192, n = 16384, rowDegree = 13;
  const rowPtr = Int32Array.from({ length: m + 1 }, (_, c) => c * rowDegree);
  const colIdx = new Int32Array(m * rowDegree);
  for (let c = 0; c < m; c++) {
    for (let k = 0; k < rowDegree; k++) colIdx[c * rowDegree + k] = (c + k * 1259) % n;
    colIdx.subarray(c * rowDegree, (c + 1) * rowDegree).sort();
  }
  const h = createParityCheckMatrix(m, n, rowPtr, colIdx);
  for (const lanes of WIDTHS) {
    const d = createSimdSumProductDecoder(h, { lanes });
    const perFrame = d.workspaceBytes / d.lanes;
    assert(perFrame <= 2 * 1024 * 1024, `${lanes} lanes: ${perFrame} bytes per frame`);
    assert(d.workspaceBytes >= 4 * lanes * (m * rowDegree + n), `${lanes}: ${d.workspaceBytes}`);
  }
});

Deno.test("spa_simd_wasm.generated.ts holds the bytes its header names, and the build reproduces them", async () => {
  await assertEmbeddedWasm({
    moduleUrl: new URL("./spa_simd_wasm.generated.ts", import.meta.url),
    base64: SPA_SIMD_WASM_BASE64,
    sha256: SPA_SIMD_WASM_SHA256,
    compiler: SPA_SIMD_WASM_COMPILER,
    output: "spa",
  });
});
