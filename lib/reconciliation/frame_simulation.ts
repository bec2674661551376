/**
 * Monte-Carlo frame simulation on the BSC for FER curves and calibration: random frame, payload
 * bits flipped with probability q, punctured positions unknown (LLR 0), shortened positions known
 * (±100), syndrome decoding; a frame succeeds iff the decoder met the syndrome and the payload is
 * right. Pure: the clock is passed in.
 * @module
 */
import type { Rng } from "../kernels/rng.ts";
import { computeSyndrome, type ParityCheckMatrix } from "../kernels/ldpc/parity_check_matrix.ts";
import { bscLlrMagnitude, type Decoder, KNOWN_BIT_LLR } from "../kernels/ldpc/decoder.ts";

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
 * Simulate up to `frames` frames.
 * @param modulation D (first `punctured` entries punctured, the rest shortened)
 * @param payload payload positions (all others are in D)
 * @example
 * ```ts
 * import { simulateFrames } from "./frame_simulation.ts";
 * import { buildCodeFamily, createDecoder } from "./code_family.ts";
 * import { Xoshiro128StarStar } from "../kernels/rng.ts";
 * const h = buildCodeFamily({ codeLength: 256, motherRates: [0.5] }, 1).codes[0].matrix;
 * const all = Int32Array.from({ length: 256 }, (_, i) => i);
 * const dec = createDecoder(h, { decoder: "spa-layered", nmsAlpha: 0.8, maxIterations: 50 });
 * const r = simulateFrames(h, new Int32Array(0), all, 0, 0.01, 10, dec, new Xoshiro128StarStar(Uint32Array.of(1, 2, 3, 4)));
 * console.assert(r.frames === 10 && r.failures <= 1);
 * ```
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
  const n = h.n, d = modulation.length;
  const frame = new Uint8Array(n), out = new Uint8Array(n), syndrome = new Uint8Array(h.m);
  const llr = new Float64Array(n);
  const magnitude = bscLlrMagnitude(qber);
  const maxFailures = options.maxFailures ?? Infinity;
  let failures = 0, iterations = 0, decodeMs = 0, run = 0;
  for (; run < frames && failures < maxFailures; run++) {
    for (let v = 0; v < n; v++) frame[v] = rng.nextUint32() & 1;
    for (let k = 0; k < payload.length; k++) {
      const v = payload[k];
      llr[v] = (frame[v] ^ (rng.nextDouble() < qber ? 1 : 0)) ? -magnitude : magnitude;
    }
    for (let k = 0; k < d; k++) {
      const v = modulation[k];
      llr[v] = k < punctured ? 0 : frame[v] ? -KNOWN_BIT_LLR : KNOWN_BIT_LLR;
    }
    computeSyndrome(h, frame, syndrome);
    const t0 = options.now?.() ?? 0;
    const r = decoder.decode(llr, syndrome, out, { earlyStop: options.earlyStop ?? true });
    decodeMs += (options.now?.() ?? 0) - t0;
    iterations += r.iterations;
    let ok = r.converged;
    for (let k = 0; ok && k < payload.length; k++) ok = out[payload[k]] === frame[payload[k]];
    if (!ok) failures++;
  }
  return { frames: run, failures, iterations, decodeMs };
}
