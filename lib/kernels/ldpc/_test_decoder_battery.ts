/**
 * The shared decoder test battery: the properties every decoder of the {@link Decoder} contract
 * must have, whatever its schedule and check rule (docs/science.md §9.9). decoder_registry_test.ts
 * runs it on every registered decoder; decoder test files run it on their other settings
 * (lane formats, precisions, rules). Decoder-specific reference tests stay beside each decoder.
 * @module
 */
import { assert, assertEquals, assertThrows } from "../../../tests/assert.ts";
import { InvalidArgumentError } from "../../errors.ts";
import type { BatchDecoder, DecodeOptions, DecodeResult } from "./decoder.ts";
import {
  computeSyndrome,
  createParityCheckMatrix,
  type ParityCheckMatrix,
  satisfiesSyndrome,
} from "./parity_check_matrix.ts";
import { repetitionCode } from "./_test_codes.ts";
import {
  bitsDiffering,
  caligoCode,
  type Frames,
  frameSlice,
  makeFrames,
  sameBits,
} from "./_test_frames.ts";

/** A decoder under test. */
export interface BatteryDecoder {
  /** Label in the test names, e.g. `nms-simd` or `nms-simd int8 offset`. */
  label: string;
  /** Build it for `code` with default iteration limit `maxIterations`. */
  build(code: ParityCheckMatrix, maxIterations: number): BatchDecoder;
  /**
   * Why a hot start on a frame that does not converge may drift from the straight run by more
   * than rounding (then only the converged-messages half of the hot-start test runs).
   */
  hotStartDrifts?: string;
}

/** Decode `frames` (in place into `frames.outs`) in batches of the decoder's lanes. */
export function decodeFrames(
  decoder: BatchDecoder,
  frames: Frames,
  options: DecodeOptions = {},
): DecodeResult[] {
  return batchesOf(decoder, frames).flatMap((batch) =>
    decoder.decodeBatch(batch.llrs, batch.syndromes, batch.outs, options)
  );
}

/** `frames` cut into batches of the decoder's lanes. */
export function batchesOf(decoder: BatchDecoder, frames: Frames): Frames[] {
  const batches: Frames[] = [];
  for (let start = 0; start < frames.llrs.length; start += decoder.lanes) {
    batches.push(frameSlice(frames, start, start + decoder.lanes));
  }
  return batches;
}

/** Register the battery's tests for `subject`. */
export function registerDecoderBattery(subject: BatteryDecoder): void {
  for (const [name, body] of BATTERY) {
    Deno.test(`${subject.label}: ${name}`, async () => await body(subject));
  }
}

type Case = [name: string, body: (subject: BatteryDecoder) => void | Promise<void>];

const BATTERY: Case[] = [
  ["corrects every single-bit error in every coset of the length-5 repetition code", repetition],
  ["decodes zero-error and QBER 2 % frames with punctured and known bits", lowError],
  ["fails gracefully above threshold (QBER 15 %, rate 1/2)", aboveThreshold],
  ["is deterministic: a frame decodes alike alone, in a batch and on a fresh decoder", batches],
  ["honours the iteration cap, per call and by default, and the cancel flag", iterationCap],
  ["hot start continues from the stored messages", hotStart],
  ["rejects buffers of the wrong length and bad iteration limits", badInput],
  ["keeps one frame's workspace within 2 MB at n = 16384, E ≈ 106 000", workspace],
];

/**
 * Length-5 repetition code (a tree, so BP is exact): all 32 words x, each received with one
 * flipped bit, decoded against s = H·x; x is the coset's most likely member.
 */
function repetition(subject: BatteryDecoder): void {
  const rep5 = repetitionCode(5);
  const decoder = subject.build(rep5, 50);
  const frames: Frames = { words: [], llrs: [], syndromes: [], outs: [] };
  for (let pattern = 0; pattern < 32; pattern++) {
    const x = Uint8Array.from({ length: 5 }, (_, i) => (pattern >> i) & 1);
    const llr = Float64Array.from(x, (b) => (b ? -2.2 : 2.2));
    llr[pattern % 5] = -llr[pattern % 5];
    frames.words.push(x);
    frames.llrs.push(llr);
    frames.syndromes.push(computeSyndrome(rep5, x, new Uint8Array(4)));
    frames.outs.push(new Uint8Array(5));
  }
  decodeFrames(decoder, frames).forEach((r, i) => {
    assert(r.converged && r.iterations > 0, `${subject.label} pattern ${i}: ${JSON.stringify(r)}`);
    assertEquals(frames.outs[i], frames.words[i], `${subject.label} pattern ${i}`);
  });
}

/** Zero errors: converged before any sweep. QBER 2 %: the sent word, float64 and float32 input. */
async function lowError(subject: BatteryDecoder): Promise<void> {
  const h = await caligoCode();
  const decoder = subject.build(h, 50);
  const clean = makeFrames(h, 0, 2, 3);
  for (const r of decodeFrames(decoder, clean)) {
    assertEquals(r, { converged: true, iterations: 0, cancelled: false }, subject.label);
  }
  assert(clean.outs.every((out, f) => sameBits(out, clean.words[f])), subject.label);
  const seed = 11, frames = makeFrames(h, 0.02, 8, seed, 100, 100);
  frames.llrs = frames.llrs.map((l, i) => (i % 2 ? Float32Array.from(l) : l));
  decodeFrames(decoder, frames).forEach((r, f) => {
    const label = `${subject.label} seed ${seed} frame ${f}: ${JSON.stringify(r)}`;
    assert(r.converged && r.iterations > 0 && !r.cancelled, label);
    assert(sameBits(frames.outs[f], frames.words[f]), `${label}: wrong word`);
  });
}

/** QBER 15 % is far beyond a rate-1/2 code's threshold (≈ 11 %): every frame runs out. */
async function aboveThreshold(subject: BatteryDecoder): Promise<void> {
  const h = await caligoCode();
  const decoder = subject.build(h, 20);
  const frames = makeFrames(h, 0.15, 4, 13);
  for (const r of decodeFrames(decoder, frames)) {
    assertEquals(r, { converged: false, iterations: 20, cancelled: false }, subject.label);
  }
}

/**
 * QBER 5 %: frames converge after different numbers of sweeps (or not), so a batch freezes some
 * lanes while others go on. Each frame must give the same bits, iterations and stored messages
 * alone, in its batch, and on a fresh decoder; converged output must satisfy the syndrome.
 */
async function batches(subject: BatteryDecoder): Promise<void> {
  const h = await caligoCode();
  const seed = 23, frames = makeFrames(h, 0.05, 8, seed);
  for (const earlyStop of [true, false]) {
    const decoder = subject.build(h, 50), fresh = subject.build(h, 50);
    const batched = decodeFrames(fresh, frames, { earlyStop });
    if (earlyStop) {
      assert(new Set(batched.map((r) => r.iterations)).size > 1, subject.label);
      assert(batched.some((r) => r.converged), `${subject.label}: nothing converged`);
    }
    let f = 0;
    for (const batch of batchesOf(decoder, frames)) {
      const inBatch = decoder.decodeBatch(batch.llrs, batch.syndromes, batch.outs, { earlyStop });
      const probed = storedMessageProbe(decoder, batch);
      for (let i = 0; i < inBatch.length; i++, f++) {
        const label = `${subject.label} earlyStop ${earlyStop} seed ${seed} frame ${f}`;
        const alone = frameSlice(batch, i, i + 1);
        alone.outs = [new Uint8Array(h.n)];
        const [r] = decoder.decodeBatch(alone.llrs, alone.syndromes, alone.outs, { earlyStop });
        assertEquals(inBatch[i], r, label);
        assertEquals(batched[f], r, `${label}: fresh decoder`);
        assert(sameBits(batch.outs[i], alone.outs[0]), `${label}: bits`);
        assert(sameBits(probed[i], storedMessageProbe(decoder, alone)[0]), `${label}: messages`);
        if (r.converged) assert(satisfiesSyndrome(h, alone.outs[0], alone.syndromes[0]), label);
      }
    }
  }
}

/**
 * The messages a decode left behind, read coarsely: a hot start on the negated LLRs with no
 * sweep gives the hard decisions of Σ r − L_channel, which move with every message a lane kept
 * updating after it should have been frozen.
 */
function storedMessageProbe(decoder: BatchDecoder, batch: Frames): Uint8Array[] {
  const outs = batch.outs.map((o) => new Uint8Array(o.length));
  const negated = batch.llrs.map((l) => Float64Array.from(l, (x) => -x));
  const probe = { hotStart: true, maxIterations: 0, earlyStop: false };
  decoder.decodeBatch(negated, batch.syndromes, outs, probe);
  return outs;
}

/** Fixed sweeps without early stop, a default limit, a zero per-call limit, and cancel. */
function iterationCap(subject: BatteryDecoder): void {
  const rep5 = repetitionCode(5), syndrome = new Uint8Array(4), out = new Uint8Array(5);
  const llr = Float64Array.of(1, 1, -1, 1, 1);
  const decoder = subject.build(rep5, 3);
  const full = decoder.decode(llr, syndrome, out, { earlyStop: false, maxIterations: 7 });
  assertEquals(full, { converged: true, iterations: 7, cancelled: false }, subject.label);
  assertEquals(Array.from(out), [0, 0, 0, 0, 0], subject.label);
  const byDefault = decoder.decode(llr, syndrome, out, { earlyStop: false });
  assertEquals(byDefault.iterations, 3, subject.label);
  const none = decoder.decode(llr, syndrome, out, { maxIterations: 0 });
  assertEquals(none, { converged: false, iterations: 0, cancelled: false }, subject.label);
  assertEquals(Array.from(out), [0, 0, 1, 0, 0], `${subject.label}: channel decisions`);
  const cancel = new Int32Array(1);
  Atomics.store(cancel, 0, 1);
  const stopped = decoder.decodeBatch([llr], [syndrome], [out], { cancel });
  assertEquals(stopped, [{ converged: false, iterations: 0, cancelled: true }], subject.label);
}

/**
 * QBER 9 % (beyond threshold, the decisions keep changing): 7 sweeps, then 5 more from the stored
 * messages, match 12 sweeps in one call up to posteriors within rounding of 0 (the hot start
 * recomputes L = channel + Σ r in another order); converged messages, kept, need no sweep.
 */
async function hotStart(subject: BatteryDecoder): Promise<void> {
  const h = await caligoCode();
  const decoder = subject.build(h, 50);
  const seed = 37, frames = makeFrames(h, 0.09, 3, seed), opts = { earlyStop: false };
  let f = 0;
  for (const batch of subject.hotStartDrifts ? [] : batchesOf(decoder, frames)) {
    const straight = batch.outs.map(() => new Uint8Array(h.n));
    decoder.decodeBatch(batch.llrs, batch.syndromes, straight, { ...opts, maxIterations: 12 });
    decoder.decodeBatch(batch.llrs, batch.syndromes, batch.outs, { ...opts, maxIterations: 7 });
    const after7 = batch.outs.map((o) => o.slice());
    decoder.decodeBatch(batch.llrs, batch.syndromes, batch.outs, {
      ...opts,
      maxIterations: 5,
      hotStart: true,
    });
    for (let i = 0; i < straight.length; i++, f++) {
      const label = `${subject.label} seed ${seed} frame ${f}`;
      const hot = bitsDiffering(batch.outs[i], straight[i]);
      const cold = bitsDiffering(after7[i], straight[i]);
      assert(hot <= 2, `${label}: hot 7 + 5 differs from 12 in ${hot} bits`);
      assert(cold >= 20, `${label}: 7 and 12 sweeps differ in ${cold} bits only`);
    }
  }
  const easy = makeFrames(h, 0.02, 2, seed + 1);
  for (const batch of batchesOf(decoder, easy)) {
    const first = decoder.decodeBatch(batch.llrs, batch.syndromes, batch.outs);
    assert(first.every((r) => r.converged && r.iterations > 0), JSON.stringify(first));
    const again = decoder.decodeBatch(batch.llrs, batch.syndromes, batch.outs, { hotStart: true });
    assert(again.every((r) => r.converged && r.iterations === 0), JSON.stringify(again));
    const cold = decoder.decodeBatch(batch.llrs, batch.syndromes, batch.outs);
    assertEquals(cold, first, `${subject.label}: a cold call forgets`);
  }
}

function badInput(subject: BatteryDecoder): void {
  const rep5 = repetitionCode(5);
  assertThrows(() => subject.build(rep5, 0), InvalidArgumentError, "maxIterations");
  const d = subject.build(rep5, 50);
  const llr = () => new Float64Array(5), syn = () => new Uint8Array(4);
  const out = () => new Uint8Array(5), many = d.lanes + 1;
  const cases: [() => unknown, string][] = [
    [() => d.decode(new Float64Array(4), syn(), out()), "llr.length"],
    [() => d.decode(llr(), new Uint8Array(5), out()), "syndrome.length"],
    [() => d.decode(llr(), syn(), new Uint8Array(6)), "out.length"],
    [() => d.decodeBatch([], [], []), "llrs.length"],
    [() => d.decodeBatch(Array(many).fill(llr()), Array(many).fill(syn()), [out()]), "llrs.length"],
    [() => d.decodeBatch([llr()], [], [out()]), "syndromes.length"],
    [() => d.decodeBatch([llr()], [syn()], []), "outs.length"],
    [() => d.decodeBatch([new Float32Array(3)], [syn()], [out()]), "llrs[0].length"],
    [() => d.decodeBatch([llr()], [new Uint8Array(2)], [out()]), "syndromes[0].length"],
    [() => d.decodeBatch([llr()], [syn()], [new Uint8Array(4)]), "outs[0].length"],
    [() => d.decode(llr(), syn(), out(), { maxIterations: 1.5 }), "maxIterations"],
  ];
  for (const [fn, name] of cases) assertThrows(fn, InvalidArgumentError, name);
}

/**
 * The family's largest edge count at n = 16384 is 103 766 (rate 0.75); a regular stand-in with
 * E = 106 496. A worker holds one decoder per code, so a frame's share must stay small.
 */
function workspace(subject: BatteryDecoder): void {
  const m = 8192, n = 16384, rowDegree = 13;
  const rowPtr = Int32Array.from({ length: m + 1 }, (_, c) => c * rowDegree);
  const colIdx = new Int32Array(m * rowDegree);
  for (let c = 0; c < m; c++) {
    for (let k = 0; k < rowDegree; k++) colIdx[c * rowDegree + k] = (c + k * 1259) % n;
    colIdx.subarray(c * rowDegree, (c + 1) * rowDegree).sort();
  }
  const d = subject.build(createParityCheckMatrix(m, n, rowPtr, colIdx), 50);
  const perFrame = d.workspaceBytes / d.lanes;
  assert(perFrame <= 2 * 1024 * 1024, `${subject.label}: ${perFrame} bytes per frame`);
  assert(d.workspaceBytes >= 4 * (m * rowDegree), `${subject.label}: no room for messages`);
}
