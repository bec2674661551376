/**
 * Monte-Carlo frame simulation on the BSC for FER curves and calibration: random frame, payload
 * bits flipped with probability q, punctured positions unknown (LLR 0), shortened positions known
 * (±100), syndrome decoding; a frame succeeds iff the decoder met the syndrome and the payload is
 * right. Pure: the clock is passed in.
 * @module
 */
import type { Rng } from "../kernels/rng.ts";
import { computeSyndrome, type ParityCheckMatrix } from "../kernels/ldpc/parity_check_matrix.ts";
import {
  asBatchDecoder,
  bscLlrMagnitude,
  type Decoder,
  KNOWN_BIT_LLR,
} from "../kernels/ldpc/decoder.ts";

/** Options of {@link simulateFrames}. */
export interface FrameSimulationOptions {
  /** Stop at the first satisfied syndrome (default true). */
  earlyStop?: boolean;
  /** Stop once this many frames failed (e.g. when FER ≤ target is already impossible). */
  maxFailures?: number;
  /** Clock in ms, to time the decoder calls (default: no timing). */
  now?: () => number;
}

/** Outcome of {@link simulateFrames}. */
export interface FrameSimulationResult {
  frames: number;
  failures: number;
  iterations: number;
  /** Total decode time, ms (0 without a clock). */
  decodeMs: number;
}

/**
 * Simulate up to `frames` frames of the code (modulation positions: the first `punctured` unknown,
 * the rest shortened), drawing each frame's bits and then its noise from `rng` in frame order,
 * and decode them in batches of the decoder's `lanes` (one at a time for scalar decoders; a frame
 * decodes the same alone or in a batch, so the counts do not depend on the batching, except that
 * `maxFailures` is checked between batches).
 */
export function simulateFrames(
  h: ParityCheckMatrix,
  modulation: Int32Array,
  payload: Int32Array,
  punctured: number,
  qber: number,
  frames: number,
  decoder: Decoder,
  rng: Rng,
  options: FrameSimulationOptions = {},
): FrameSimulationResult {
  const batchDecoder = asBatchDecoder(decoder);
  const lanes = batchDecoder.lanes;
  const n = h.n, d = modulation.length;
  const perLane = <T>(make: () => T): T[] => Array.from({ length: lanes }, make);
  const frameBits = perLane(() => new Uint8Array(n)), outs = perLane(() => new Uint8Array(n));
  const syndromes = perLane(() => new Uint8Array(h.m)), llrs = perLane(() => new Float64Array(n));
  const magnitude = bscLlrMagnitude(qber);
  const maxFailures = options.maxFailures ?? Infinity;
  let failures = 0, iterations = 0, decodeMs = 0, run = 0;
  while (run < frames && failures < maxFailures) {
    const count = Math.min(lanes, frames - run);
    for (let i = 0; i < count; i++) {
      const frame = frameBits[i], llr = llrs[i];
      for (let v = 0; v < n; v++) frame[v] = rng.nextUint32() & 1;
      for (let k = 0; k < payload.length; k++) {
        const v = payload[k];
        llr[v] = (frame[v] ^ (rng.nextDouble() < qber ? 1 : 0)) ? -magnitude : magnitude;
      }
      for (let k = 0; k < d; k++) {
        const v = modulation[k];
        llr[v] = k < punctured ? 0 : frame[v] ? -KNOWN_BIT_LLR : KNOWN_BIT_LLR;
      }
      computeSyndrome(h, frame, syndromes[i]);
    }
    const t0 = options.now?.() ?? 0;
    const results = batchDecoder.decodeBatch(
      llrs.slice(0, count),
      syndromes.slice(0, count),
      outs.slice(0, count),
      { earlyStop: options.earlyStop ?? true },
    );
    decodeMs += (options.now?.() ?? 0) - t0;
    for (let i = 0; i < count; i++) {
      const r = results[i], out = outs[i], frame = frameBits[i];
      iterations += r.iterations;
      let ok = r.converged;
      for (let k = 0; ok && k < payload.length; k++) ok = out[payload[k]] === frame[payload[k]];
      if (!ok) failures++;
    }
    run += count;
  }
  return { frames: run, failures, iterations, decodeMs };
}
