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
  chooseShortFrameRate,
  modulationSize,
  payloadFrame,
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
  check(
    o.tail === "shorten" || o.tail === "drop" || o.tail === "spread",
    "tail",
    o.tail,
    'must be "shorten", "drop" or "spread"',
  );
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
 * else `options.fSelect` / §9.7's 1.1. With `payloadBits` L below the capacity n − d (`tail:
 * spread`, §9.4) the rate is chosen for a frame whose n − d − L unused payload positions are
 * shortened, so that its leakage m_c − p is ≈ f'·h(q)·L ({@link payloadFrame},
 * {@link shortFrameFactor}; baseline on the lowest mother rate that reaches it,
 * {@link chooseShortFrameRate}); blind on the highest mother rate whose ladder reaches the
 * baseline's f' (the blind calibration's start factor is a code selector for full frames only).
 * @throws InvalidArgumentError if the attached calibration was made for other options
 */
export function planRate(
  family: CodeFamily,
  strategy: Strategy,
  qberPrior: number,
  options: ReconciliationOptions,
  payloadBits?: number,
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
  const full = payloadBits === undefined || payloadBits === n - d;
  const frame = full ? { rates, n } : payloadFrame(rates, n, d, payloadBits);
  const baseline = cal === undefined
    ? options.fSelect
    : calibratedFactor(cal.rows, "baseline", qberPrior);
  // A short frame's blind ladder is placed by the baseline factor: its last round (every
  // modulation position shortened) must reach the rate a baseline frame needs (§9.4).
  const factor = strategy === "blind" && full
    ? (cal === undefined ? BLIND_START_FACTOR : calibratedFactor(cal.rows, "blind", qberPrior))
    : baseline;
  const f = full ? factor : shortFrameFactor(factor, n, frame.n);
  const plan = strategy === "blind"
    ? chooseBlindCode(frame.rates, frame.n, d, qberPrior, f)
    : (full ? chooseBaselineRate : chooseShortFrameRate)(frame.rates, frame.n, d, qberPrior, f);
  return full ? plan : { ...plan, motherRate: rates[plan.codeIndex] };
}

/** Start factor of the blind ladder without a calibration (docs/science.md §9.7). */
const BLIND_START_FACTOR = 1.1;

/**
 * Factor for a frame shortened to `effectiveLength` = L + d of its n positions (docs/science.md
 * §9.4): the finite-length gap f − 1 scales as 1/√n (finite-length scaling of LDPC codes,
 * Amraoui, Montanari, Richardson & Urbanke 2009), so f' = 1 + (f − 1)·√(n/n_eff). Conservative:
 * it treats the whole gap, the asymptotic part included, as finite-length.
 * @example
 * ```ts
 * import { shortFrameFactor } from "./_block_engine.ts";
 * console.assert(Math.abs(shortFrameFactor(1.2, 4096, 1024) - 1.4) < 1e-12);
 * ```
 */
export function shortFrameFactor(f: number, n: number, effectiveLength: number): number {
  return 1 + (f - 1) * Math.sqrt(n / effectiveLength);
}

/**
 * Payload bits of every block for m key bits and capacity K = n − d (docs/science.md §9.4):
 * `shorten` K, …, K, then the rest (a short tail block); `drop` ⌊m/K⌋ full blocks; `spread`
 * B = ⌈m/K⌉ blocks of ⌊m/B⌋ or ⌈m/B⌉ bits (the longer ones first), so no block is much shorter
 * than the others.
 * @example
 * ```ts
 * import { blockPayloads } from "./_block_engine.ts";
 * console.assert(blockPayloads(10, 4, "shorten").join() === "4,4,2");
 * console.assert(blockPayloads(10, 4, "spread").join() === "4,3,3");
 * console.assert(blockPayloads(10, 4, "drop").join() === "4,4");
 * ```
 */
export function blockPayloads(
  m: number,
  capacity: number,
  tail: ReconciliationOptions["tail"],
): Int32Array {
  if (tail === "drop") return new Int32Array(Math.floor(m / capacity)).fill(capacity);
  const blocks = Math.ceil(m / capacity);
  const out = new Int32Array(blocks);
  if (tail === "shorten") {
    out.fill(capacity);
    if (blocks > 0) out[blocks - 1] = m - (blocks - 1) * capacity;
    return out;
  }
  const base = Math.floor(m / blocks), longer = m - base * blocks;
  for (let j = 0; j < blocks; j++) out[j] = j < longer ? base + 1 : base;
  return out;
}

/**
 * Payload positions of a `spread` block with L < K key bits (docs/science.md §9.4): the K − L
 * known zeros are spread evenly over the payload positions (every (K/(K − L))-th one, so the
 * shortened code keeps the mother code's degree profile) and the key bits take the others in
 * increasing order. Returns the K positions: key slots first, then the known ones.
 * @example
 * ```ts
 * import { spreadSlots } from "./_block_engine.ts";
 * console.assert(spreadSlots(Int32Array.of(10, 11, 12, 13), 2).join() === "10,12,11,13");
 * ```
 */
export function spreadSlots(payload: Int32Array, keyBits: number): Int32Array {
  const capacity = payload.length, known = capacity - keyBits;
  const isKnown = new Uint8Array(capacity);
  for (let i = 0; i < known; i++) isKnown[Math.floor(((i + 0.5) * capacity) / known)] = 1;
  const out = new Int32Array(capacity);
  let key = 0, zero = keyBits;
  for (let k = 0; k < capacity; k++) out[isKnown[k] ? zero++ : key++] = payload[k];
  return out;
}

/** Payload bits the rate plan is made for: the longest block under `spread`, else K = n − d. */
export function planPayload(
  payloads: Int32Array,
  capacity: number,
  tail: ReconciliationOptions["tail"],
): number {
  return tail === "spread" && payloads.length > 0 ? payloads[0] : capacity;
}

/** Run framing, Alice's messages and Bob's decoding over all blocks. */
export function runBlocks(
  family: CodeFamily,
  input: EngineInput,
  options: ReconciliationOptions,
): EngineResult {
  const d0 = modulationSize(family.codeLength, options.modulationFraction);
  const payloadBits = blockPayloads(input.bob.length, family.codeLength - d0, options.tail);
  const plan = input.plan ??
    planRate(
      family,
      input.strategy,
      input.qberPrior,
      options,
      planPayload(payloadBits, family.codeLength - d0, options.tail),
    );
  const code = family.codes[plan.codeIndex];
  const h = code.matrix;
  const n = h.n, checks = h.m, d = plan.d;
  const capacity = n - d;
  const layout = frameLayout(family, plan.codeIndex, d);
  const decoder = familyDecoder(family, plan.codeIndex, options);
  const blocks = payloadBits.length;
  const strings = input.alice.length;
  const tagBytes = options.hashBits / 8;
  const tMax = input.strategy === "blind" ? options.blindMaxRounds : 1;
  const revealStep = tMax > 1 ? Math.ceil(d / (tMax - 1)) : 0;
  const magnitude = bscLlrMagnitude(input.qberPrior);

  const blockStart = new Int32Array(blocks);
  const verified = new Uint8Array(blocks), converged = new Uint8Array(blocks);
  const iterations = new Int32Array(blocks), rounds = new Int32Array(blocks);
  const revealed = new Int32Array(blocks), puncturedEnd = new Int32Array(blocks);
  let total = 0;
  for (let j = 0; j < blocks; j++) {
    blockStart[j] = total;
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
  const slotCache = new Map<number, Int32Array>();
  /** Frame positions of a block's L key bits, then of its K − L known zeros (§9.4). */
  const slotsOf = (L: number): Int32Array => {
    if (options.tail !== "spread" || L === capacity) return payload;
    let slots = slotCache.get(L);
    if (slots === undefined) slotCache.set(L, slots = spreadSlots(payload, L));
    return slots;
  };
  const t = input.target;
  let cancelled = false;

  /** Alice's frames, syndromes and tags of every string for block j in `lane` (§9.4, §9.8). */
  const aliceBlock = (j: number, lane: number) => {
    const L = payloadBits[j], start = blockStart[j];
    for (let b = 0; b < strings; b++) {
      const frame = frames[lane][b], key = input.alice[b], rng = input.paddings[b];
      const slots = slotsOf(L);
      for (let k = 0; k < L; k++) frame[slots[k]] = key[start + k];
      for (let k = L; k < capacity; k++) frame[slots[k]] = 0;
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
    const slots = slotsOf(L);
    for (let k = 0; k < L; k++) llr[slots[k]] = input.bob[start + k] ? -magnitude : magnitude;
    for (let k = L; k < capacity; k++) llr[slots[k]] = KNOWN_BIT_LLR;
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
        const slots = slotsOf(L);
        for (let k = 0; k < L; k++) decodedPayload[k] = decoded[i][slots[k]];
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
