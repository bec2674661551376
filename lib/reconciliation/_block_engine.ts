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
import {
  bscLlrMagnitude,
  type DecodeResult,
  isCancelled,
  KNOWN_BIT_LLR,
} from "../kernels/ldpc/decoder.ts";
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
  const run = new BlockRun(family, input, options);
  for (let g = 0; g < run.blocks && !run.cancelled; g += run.lanes) {
    if (isCancelled(input.cancel)) {
      run.cancelled = true;
      break;
    }
    run.reconcileGroup(g);
  }
  return run.result();
}

/** Per-block results of a run (docs/science.md §9.5): one entry per block. */
class BlockRecords {
  readonly blockStart: Int32Array;
  readonly verified: Uint8Array;
  readonly converged: Uint8Array;
  readonly iterations: Int32Array;
  readonly rounds: Int32Array;
  readonly revealed: Int32Array;
  readonly puncturedEnd: Int32Array;
  /** Bob's decoded payload of every block, concatenated (length Σ L). */
  readonly corrected: Uint8Array;

  constructor(payloadBits: Int32Array) {
    const blocks = payloadBits.length;
    this.blockStart = new Int32Array(blocks);
    let total = 0;
    for (let j = 0; j < blocks; j++) {
      this.blockStart[j] = total;
      total += payloadBits[j];
    }
    this.verified = new Uint8Array(blocks);
    this.converged = new Uint8Array(blocks);
    this.iterations = new Int32Array(blocks);
    this.rounds = new Int32Array(blocks);
    this.revealed = new Int32Array(blocks);
    this.puncturedEnd = new Int32Array(blocks);
    this.corrected = new Uint8Array(total);
  }
}

/** Frames, syndromes, tags, LLRs and decoded words of the blocks decoded together, per lane. */
class LaneBuffers {
  readonly frames: Uint8Array[][];
  readonly syndromes: Uint8Array[][];
  readonly tags: Uint8Array[][];
  readonly llrs: Float64Array[];
  readonly decoded: Uint8Array[];
  /** Lanes whose block is verified (it keeps its LLRs and stops at iteration 0). */
  readonly done: Uint8Array;

  constructor(lanes: number, strings: number, n: number, checks: number) {
    const perLane = <T>(make: () => T): T[] => Array.from({ length: lanes }, make);
    this.frames = perLane(() => Array.from({ length: strings }, () => new Uint8Array(n)));
    this.syndromes = perLane(() => Array.from({ length: strings }, () => new Uint8Array(checks)));
    this.tags = perLane(() => new Array(strings));
    this.llrs = perLane(() => new Float64Array(n));
    this.decoded = perLane(() => new Uint8Array(n));
    this.done = new Uint8Array(lanes);
  }
}

/**
 * One run of the engine over a string set: the rate plan, the code's frame layout, the decoder
 * and its lanes (blocks decoded together), and the records of every block (docs/science.md
 * §9.4–§9.8).
 */
class BlockRun {
  cancelled = false;
  readonly plan: RatePlan;
  readonly blocks: number;
  readonly lanes: number;
  readonly #input: EngineInput;
  readonly #options: ReconciliationOptions;
  readonly #payloadBits: Int32Array;
  readonly #h: CodeFamily["codes"][number]["matrix"];
  readonly #layout: ReturnType<typeof frameLayout>;
  readonly #decoder: ReturnType<typeof familyDecoder>;
  readonly #records: BlockRecords;
  readonly #buffers: LaneBuffers;
  readonly #decodedPayload: Uint8Array;
  readonly #slotCache = new Map<number, Int32Array>();
  readonly #tMax: number;
  readonly #magnitude: number;

  constructor(family: CodeFamily, input: EngineInput, options: ReconciliationOptions) {
    this.#input = input;
    this.#options = options;
    const d0 = modulationSize(family.codeLength, options.modulationFraction);
    this.#payloadBits = blockPayloads(input.bob.length, family.codeLength - d0, options.tail);
    this.plan = input.plan ??
      planRate(
        family,
        input.strategy,
        input.qberPrior,
        options,
        planPayload(this.#payloadBits, family.codeLength - d0, options.tail),
      );
    this.#h = family.codes[this.plan.codeIndex].matrix;
    this.#layout = frameLayout(family, this.plan.codeIndex, this.plan.d);
    this.#decoder = familyDecoder(family, this.plan.codeIndex, options);
    this.blocks = this.#payloadBits.length;
    this.lanes = Math.max(1, this.#decoder.lanes);
    this.#records = new BlockRecords(this.#payloadBits);
    this.#buffers = new LaneBuffers(this.lanes, input.alice.length, this.#h.n, this.#h.m);
    this.#decodedPayload = new Uint8Array(this.#capacity);
    this.#tMax = input.strategy === "blind" ? options.blindMaxRounds : 1;
    this.#magnitude = bscLlrMagnitude(input.qberPrior);
  }

  /** Payload capacity K = n − d of a frame. */
  get #capacity(): number {
    return this.#h.n - this.plan.d;
  }

  /** Frame positions of a block's L key bits, then of its K − L known zeros (§9.4). */
  #slotsOf(L: number): Int32Array {
    const payload = this.#layout.payload;
    if (this.#options.tail !== "spread" || L === this.#capacity) return payload;
    let slots = this.#slotCache.get(L);
    if (slots === undefined) this.#slotCache.set(L, slots = spreadSlots(payload, L));
    return slots;
  }

  /** Decode blocks g … g + lanes − 1 together, in up to t_max rounds (one unless blind). */
  reconcileGroup(g: number): void {
    const count = Math.min(this.lanes, this.blocks - g), d = this.plan.d;
    for (let i = 0; i < count; i++) this.#aliceBlock(g + i, i);
    // Bob: only the target string's public messages and his own bits.
    for (let i = 0; i < count; i++) this.#bobChannel(g + i, i);
    this.#buffers.done.fill(0);
    const revealStep = this.#tMax > 1 ? Math.ceil(d / (this.#tMax - 1)) : 0;
    let p = this.#input.strategy === "blind" ? d : this.plan.punctured;
    for (let r = 0; r < this.#tMax; r++) {
      // Blind round r+1: reveal the next Δ padding values, last-punctured first (§9.7).
      if (r > 0) p = r === this.#tMax - 1 ? 0 : Math.max(0, d - r * revealStep);
      this.#disclose(count, p);
      const results = this.#decoder.decodeBatch(
        this.#buffers.llrs.slice(0, count),
        this.#buffers.syndromes.slice(0, count).map((s) => s[this.#input.target]),
        this.#buffers.decoded.slice(0, count),
        { hotStart: r > 0, cancel: this.#input.cancel },
      );
      const pending = this.#record(g, count, results, r, p);
      if (this.cancelled || pending === 0) break;
    }
  }

  /** Alice's frames, syndromes and tags of every string for block j in `lane` (§9.4, §9.8). */
  #aliceBlock(j: number, lane: number): void {
    const input = this.#input, { modulation } = this.#layout, d = this.plan.d;
    const L = this.#payloadBits[j], start = this.#records.blockStart[j];
    const slots = this.#slotsOf(L), K = this.#capacity;
    for (let b = 0; b < input.alice.length; b++) {
      const frame = this.#buffers.frames[lane][b], key = input.alice[b], rng = input.paddings[b];
      for (let k = 0; k < L; k++) frame[slots[k]] = key[start + k];
      for (let k = L; k < K; k++) frame[slots[k]] = 0;
      let word = 0;
      for (let k = 0; k < d; k++) {
        if ((k & 31) === 0) word = rng.nextUint32();
        frame[modulation[k]] = (word >>> (k & 31)) & 1;
      }
      computeSyndrome(this.#h, frame, this.#buffers.syndromes[lane][b]);
      this.#buffers.tags[lane][b] = this.#tag(b, j, key.subarray(start, start + L));
    }
  }

  /** The verification tag of string b's block j with payload `bits` (§9.8). */
  #tag(b: number, j: number, bits: Uint8Array): Uint8Array {
    const input = this.#input;
    return verificationTag(input.hashKey, input.stringIds[b], j, bits, this.#options.hashBits / 8);
  }

  /** Bob's channel LLRs of block j's payload positions (tail positions are known zeros). */
  #bobChannel(j: number, lane: number): void {
    const llr = this.#buffers.llrs[lane], bob = this.#input.bob, m = this.#magnitude;
    const L = this.#payloadBits[j], start = this.#records.blockStart[j];
    const slots = this.#slotsOf(L), K = this.#capacity;
    for (let k = 0; k < L; k++) llr[slots[k]] = bob[start + k] ? -m : m;
    for (let k = L; k < K; k++) llr[slots[k]] = KNOWN_BIT_LLR;
  }

  /**
   * Modulation LLRs of the pending lanes: the first p positions punctured (0), the others
   * disclosed by Alice (known bits, read from her target frame at disclosed positions only).
   */
  #disclose(count: number, p: number): void {
    const { modulation } = this.#layout, d = this.plan.d, t = this.#input.target;
    for (let i = 0; i < count; i++) {
      if (this.#buffers.done[i]) continue; // verified: its LLRs stay, so it stops at iteration 0
      const llr = this.#buffers.llrs[i], aliceFrame = this.#buffers.frames[i][t];
      for (let k = 0; k < p; k++) llr[modulation[k]] = 0;
      for (let k = p; k < d; k++) {
        llr[modulation[k]] = aliceFrame[modulation[k]] ? -KNOWN_BIT_LLR : KNOWN_BIT_LLR;
      }
    }
  }

  /** Record round r of the pending lanes (tag check, §9.8); the number still pending. */
  #record(g: number, count: number, results: DecodeResult[], r: number, p: number): number {
    const rec = this.#records, blind = this.#input.strategy === "blind";
    let pending = 0;
    for (let i = 0; i < count; i++) {
      if (this.#buffers.done[i]) continue;
      const j = g + i, L = this.#payloadBits[j], result = results[i];
      rec.iterations[j] += result.iterations;
      if (result.cancelled) this.cancelled = true;
      const slots = this.#slotsOf(L), payload = this.#decodedPayload.subarray(0, L);
      for (let k = 0; k < L; k++) payload[k] = this.#buffers.decoded[i][slots[k]];
      const tag = this.#tag(this.#input.target, j, payload);
      const ok = !result.cancelled && result.converged &&
        tagsEqual(tag, this.#buffers.tags[i][this.#input.target]);
      rec.converged[j] = result.converged ? 1 : 0;
      rec.rounds[j] = r + 1;
      rec.revealed[j] = blind ? this.plan.d - p : 0;
      rec.puncturedEnd[j] = p;
      rec.corrected.set(payload, rec.blockStart[j]);
      if (ok) {
        rec.verified[j] = 1;
        this.#buffers.done[i] = 1;
      } else pending++;
    }
    return pending;
  }

  /** The engine's result (docs/science.md §9.5 reads it for the leakage). */
  result(): EngineResult {
    return {
      cancelled: this.cancelled,
      plan: this.plan,
      n: this.#h.n,
      checks: this.#h.m,
      capacity: this.#capacity,
      blocks: this.blocks,
      payloadBits: this.#payloadBits,
      ...this.#records,
    };
  }
}
