/**
 * Internal block engine shared by the OT entry point and the generic one-string protocols:
 * framing (docs/science.md §9.4), Alice's messages (syndrome, tag, disclosed padding) for every string,
 * Bob's decoding of one target string with blind reveals (§9.7) and verification (§9.8).
 *
 * Blocks are processed in groups of the decoder's `lanes` (1 for the scalar decoders, 8 for
 * `nms-simd`), in order (blocks are independent, so this equals the message-level schedule of the
 * protocol); a group's rounds run back to back with every block in the same lane so the decoder's
 * messages persist between rounds (hot start). A block decodes to the same bits whatever shares
 * its group, so results do not depend on the grouping. Bob's side only ever receives the messages
 * of the target string and his own noisy string.
 *
 * Fixed consumption order (changing it changes simulated samples): for every block in order and
 * every string, the d padding values of the modulation positions D[0..d) are drawn from that
 * string's padding stream, 32 per `nextUint32()`, least significant bit first. Payload bits go to
 * the non-D positions in increasing order; a short tail block's unused payload positions hold
 * known zeros (extra shortened positions, LLR +100).
 * @module
 */
import { InvalidArgumentError } from "../errors.ts";
import type { Rng } from "../kernels/rng.ts";
import { computeSyndrome } from "../kernels/ldpc/parity_check_matrix.ts";
import { bscLlrMagnitude, isCancelled, KNOWN_BIT_LLR } from "../kernels/ldpc/decoder.ts";
import { type CodeFamily, familyDecoder, frameLayout } from "./code_family.ts";
import {
  chooseBaselineRate,
  chooseBlindCode,
  modulationSize,
  type RatePlan,
} from "./rate_adaptation.ts";
import { tagsEqual, verificationTag } from "./verification_tag.ts";
import { calibratedFactor, calibrationApplies } from "./calibration.ts";
import type { ReconciliationOptions, Strategy } from "./types.ts";

/** Input of {@link runBlocks}. */
export interface EngineInput {
  /** Alice's strings (1 or 2), equal length. */
  alice: readonly Uint8Array[];
  /** String id byte of each of Alice's strings (tags). */
  stringIds: readonly number[];
  /** Padding stream of each of Alice's strings. */
  paddings: readonly Rng[];
  /** Bob's noisy copy of alice[target]. */
  bob: Uint8Array;
  target: number;
  strategy: Strategy;
  qberPrior: number;
  hashKey: Uint8Array;
  cancel?: Int32Array;
  /** Rate plan to use instead of {@link planRate}'s (calibration trials try grid values). */
  plan?: RatePlan;
}

/** Per-block outcome of {@link runBlocks}. */
export interface EngineResult {
  cancelled: boolean;
  plan: RatePlan;
  n: number;
  checks: number;
  /** Payload capacity K = n − d. */
  capacity: number;
  blocks: number;
  /** Payload bits L of each block. */
  payloadBits: Int32Array;
  /** First key index of each block. */
  blockStart: Int32Array;
  verified: Uint8Array;
  converged: Uint8Array;
  iterations: Int32Array;
  rounds: Int32Array;
  revealed: Int32Array;
  puncturedEnd: Int32Array;
  /** Bob's decoded payload of every block, concatenated (length Σ L). */
  corrected: Uint8Array;
}

/** Validate the reconciliation options used by the engine. */
export function validateOptions(o: ReconciliationOptions): void {
  const check = (ok: boolean, path: string, value: unknown, reason: string) => {
    if (!ok) throw new InvalidArgumentError(`options.${path}`, value, reason);
  };
  check(
    o.modulationFraction >= 0 && o.modulationFraction < 0.5,
    "modulationFraction",
    o.modulationFraction,
    "must be in [0, 0.5)",
  );
  check(
    Number.isInteger(o.hashBits) && o.hashBits >= 8 && o.hashBits <= 256 && o.hashBits % 8 === 0,
    "hashBits",
    o.hashBits,
    "must be a multiple of 8 in [8, 256]",
  );
  check(o.fSelect >= 1, "fSelect", o.fSelect, "must be ≥ 1");
  check(
    Number.isInteger(o.blindMaxRounds) && o.blindMaxRounds >= 1,
    "blindMaxRounds",
    o.blindMaxRounds,
    "must be an integer ≥ 1",
  );
  check(
    Number.isInteger(o.maxIterations) && o.maxIterations >= 1,
    "maxIterations",
    o.maxIterations,
    "must be an integer ≥ 1",
  );
  check(o.nmsAlpha > 0 && o.nmsAlpha <= 1, "nmsAlpha", o.nmsAlpha, "must be in (0, 1]");
  check(o.tail === "shorten" || o.tail === "drop", "tail", o.tail, 'must be "shorten" or "drop"');
  check(
    o.failedBlocks === "discard" || o.failedBlocks === "abort",
    "failedBlocks",
    o.failedBlocks,
    'must be "discard" or "abort"',
  );
  check(
    ["elkouss", "conservative", "caligo"].includes(o.leakage),
    "leakage",
    o.leakage,
    "must be elkouss, conservative or caligo",
  );
}

/** Validate a QBER prior: must lie in (0, 0.5). */
export function validateQber(qber: number, path = "qberPrior"): void {
  if (!(qber > 0 && qber < 0.5)) {
    throw new InvalidArgumentError(path, qber, "QBER must be in (0, 0.5)");
  }
}

/**
 * The rate plan for a strategy (round 1 for blind): with a calibration attached to the family
 * (docs/science.md §9.10, lib/reconciliation/calibration.ts) the calibrated f_sel(q) / f_blind(q),
 * else `options.fSelect` / §9.7's 1.1.
 * @throws InvalidArgumentError if the attached calibration was made for other options
 */
export function planRate(
  family: CodeFamily,
  strategy: Strategy,
  qberPrior: number,
  options: ReconciliationOptions,
): RatePlan {
  const n = family.codeLength;
  const d = modulationSize(n, options.modulationFraction);
  const rates = family.codes.map((c) => c.rate);
  const cal = family.calibration;
  if (cal !== undefined && !calibrationApplies(cal.key, options)) {
    throw new InvalidArgumentError(
      "family.calibration",
      cal.id,
      "was made for another code length, rates, decoder, modulation or t_max; recalibrate",
    );
  }
  if (strategy === "blind") {
    return cal === undefined
      ? chooseBlindCode(rates, n, d, qberPrior)
      : chooseBlindCode(rates, n, d, qberPrior, calibratedFactor(cal.rows, "blind", qberPrior));
  }
  const fSelect = cal === undefined
    ? options.fSelect
    : calibratedFactor(cal.rows, "baseline", qberPrior);
  return chooseBaselineRate(rates, n, d, qberPrior, fSelect);
}

/** Number of blocks and the payload length of the last one for m key bits. */
export function blockCount(
  m: number,
  capacity: number,
  tail: "shorten" | "drop",
): { blocks: number; last: number } {
  if (tail === "drop") return { blocks: Math.floor(m / capacity), last: capacity };
  const blocks = Math.ceil(m / capacity);
  return { blocks, last: m - (blocks - 1) * capacity };
}

/** Run framing, Alice's messages and Bob's decoding over all blocks. */
export function runBlocks(
  family: CodeFamily,
  input: EngineInput,
  options: ReconciliationOptions,
): EngineResult {
  const plan = input.plan ?? planRate(family, input.strategy, input.qberPrior, options);
  const code = family.codes[plan.codeIndex];
  const h = code.matrix;
  const n = h.n, checks = h.m, d = plan.d;
  const capacity = n - d;
  const layout = frameLayout(family, plan.codeIndex, d);
  const decoder = familyDecoder(family, plan.codeIndex, options);
  const m = input.bob.length;
  const { blocks, last } = blockCount(m, capacity, options.tail);
  const strings = input.alice.length;
  const tagBytes = options.hashBits / 8;
  const tMax = input.strategy === "blind" ? options.blindMaxRounds : 1;
  const revealStep = tMax > 1 ? Math.ceil(d / (tMax - 1)) : 0;
  const magnitude = bscLlrMagnitude(input.qberPrior);

  const payloadBits = new Int32Array(blocks), blockStart = new Int32Array(blocks);
  const verified = new Uint8Array(blocks), converged = new Uint8Array(blocks);
  const iterations = new Int32Array(blocks), rounds = new Int32Array(blocks);
  const revealed = new Int32Array(blocks), puncturedEnd = new Int32Array(blocks);
  let total = 0;
  for (let j = 0; j < blocks; j++) {
    blockStart[j] = j * capacity;
    payloadBits[j] = j === blocks - 1 ? last : capacity;
    total += payloadBits[j];
  }
  const corrected = new Uint8Array(total);
  const lanes = Math.max(1, decoder.lanes);
  const perLane = <T>(make: () => T): T[] => Array.from({ length: lanes }, make);
  const frames = perLane(() => Array.from({ length: strings }, () => new Uint8Array(n)));
  const syndromes = perLane(() => Array.from({ length: strings }, () => new Uint8Array(checks)));
  const tags: Uint8Array[][] = perLane(() => new Array(strings));
  const llrs = perLane(() => new Float64Array(n));
  const decoded = perLane(() => new Uint8Array(n));
  const decodedPayload = new Uint8Array(capacity);
  const done = new Uint8Array(lanes);
  const { modulation, payload } = layout;
  const t = input.target;
  let cancelled = false;

  /** Alice's frames, syndromes and tags of every string for block j in `lane` (§9.4, §9.8). */
  const aliceBlock = (j: number, lane: number) => {
    const L = payloadBits[j], start = blockStart[j];
    for (let b = 0; b < strings; b++) {
      const frame = frames[lane][b], key = input.alice[b], rng = input.paddings[b];
      for (let k = 0; k < L; k++) frame[payload[k]] = key[start + k];
      for (let k = L; k < capacity; k++) frame[payload[k]] = 0;
      let word = 0;
      for (let k = 0; k < d; k++) {
        if ((k & 31) === 0) word = rng.nextUint32();
        frame[modulation[k]] = (word >>> (k & 31)) & 1;
      }
      computeSyndrome(h, frame, syndromes[lane][b]);
      tags[lane][b] = verificationTag(
        input.hashKey,
        input.stringIds[b],
        j,
        key.subarray(start, start + L),
        tagBytes,
      );
    }
  };

  /** Bob's channel LLRs of block j's payload positions (tail positions are known zeros). */
  const bobChannel = (j: number, llr: Float64Array) => {
    const L = payloadBits[j], start = blockStart[j];
    for (let k = 0; k < L; k++) llr[payload[k]] = input.bob[start + k] ? -magnitude : magnitude;
    for (let k = L; k < capacity; k++) llr[payload[k]] = KNOWN_BIT_LLR;
  };

  for (let g = 0; g < blocks && !cancelled; g += lanes) {
    if (isCancelled(input.cancel)) {
      cancelled = true;
      break;
    }
    const count = Math.min(lanes, blocks - g);
    for (let i = 0; i < count; i++) aliceBlock(g + i, i);
    // Bob: only the target string's public messages and his own bits.
    for (let i = 0; i < count; i++) bobChannel(g + i, llrs[i]);
    done.fill(0);
    let p = input.strategy === "blind" ? d : plan.punctured;
    for (let r = 0; r < tMax; r++) {
      if (r > 0) {
        // Blind round r+1: reveal the next Δ padding values, last-punctured first (§9.7).
        p = r === tMax - 1 ? 0 : Math.max(0, d - r * revealStep);
      }
      for (let i = 0; i < count; i++) {
        if (done[i]) continue; // verified: its LLRs stay, so it stops at iteration 0
        const llr = llrs[i], aliceFrame = frames[i][t]; // read only at disclosed positions
        for (let k = 0; k < p; k++) llr[modulation[k]] = 0;
        for (let k = p; k < d; k++) {
          llr[modulation[k]] = aliceFrame[modulation[k]] ? -KNOWN_BIT_LLR : KNOWN_BIT_LLR;
        }
      }
      const results = decoder.decodeBatch(
        llrs.slice(0, count),
        syndromes.slice(0, count).map((s) => s[t]),
        decoded.slice(0, count),
        { hotStart: r > 0, cancel: input.cancel },
      );
      let pending = 0;
      for (let i = 0; i < count; i++) {
        if (done[i]) continue;
        const j = g + i, L = payloadBits[j], result = results[i];
        iterations[j] += result.iterations;
        if (result.cancelled) cancelled = true;
        for (let k = 0; k < L; k++) decodedPayload[k] = decoded[i][payload[k]];
        const ok = !result.cancelled && result.converged &&
          tagsEqual(
            verificationTag(
              input.hashKey,
              input.stringIds[t],
              j,
              decodedPayload.subarray(0, L),
              tagBytes,
            ),
            tags[i][t],
          );
        converged[j] = result.converged ? 1 : 0;
        rounds[j] = r + 1;
        revealed[j] = input.strategy === "blind" ? d - p : 0;
        puncturedEnd[j] = p;
        corrected.set(decodedPayload.subarray(0, L), blockStart[j]);
        if (ok) {
          verified[j] = 1;
          done[i] = 1;
        } else pending++;
      }
      if (cancelled || pending === 0) break;
    }
  }
  return {
    cancelled,
    plan,
    n,
    checks,
    capacity,
    blocks,
    payloadBits,
    blockStart,
    verified,
    converged,
    iterations,
    rounds,
    revealed,
    puncturedEnd,
    corrected,
  };
}
