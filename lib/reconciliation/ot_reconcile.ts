/**
 * Reconciliation of one OT sample (docs/science.md §5 step 10, §9.4–9.8): Alice sends syndromes and
 * verification tags for every block of BOTH strings X_0, X_1 with the same code and (p, s) per
 * block index (she does not know C); Bob decodes only the blocks of X_C; blind reveals are made
 * per block index on both strings (Martinez-Mateo, Elkouss & Martin 2012); failed blocks are
 * dropped from both strings or abort the sample. Leakage is charged per string over all blocks
 * and is identical for both strings by construction.
 * @module
 */
import { InvalidArgumentError } from "../errors.ts";
import type { CodeFamily } from "./code_family.ts";
import {
  blockPayloads,
  planPayload,
  planRate,
  runBlocks,
  validateOptions,
  validateQber,
} from "./_block_engine.ts";
import { modulationSize } from "./rate_adaptation.ts";
import { blockLeakage } from "./leakage.ts";
import { binaryEntropy } from "./entropy.ts";
import type {
  OtReconciliationInput,
  OtReconciliationResult,
  ReconciliationOptions,
  Strategy,
} from "./types.ts";

function validateInput(family: CodeFamily, input: OtReconciliationInput): void {
  const m = input.x0.length;
  if (m === 0) throw new InvalidArgumentError("input.x0.length", 0, "key length must be ≥ 1");
  if (input.x1.length !== m) {
    throw new InvalidArgumentError(
      "input.x1.length",
      input.x1.length,
      `must equal x0.length = ${m}`,
    );
  }
  if (input.y.length !== m) {
    throw new InvalidArgumentError("input.y.length", input.y.length, `must equal x0.length = ${m}`);
  }
  if (input.choice !== 0 && input.choice !== 1) {
    throw new InvalidArgumentError("input.choice", input.choice, "must be 0 or 1");
  }
  if (input.strategy !== "baseline" && input.strategy !== "blind") {
    throw new InvalidArgumentError(
      "input.strategy",
      input.strategy,
      'must be "baseline" or "blind"',
    );
  }
  validateQber(input.qberPrior, "input.qberPrior");
  if (input.hashKey.length === 0) {
    throw new InvalidArgumentError("input.hashKey.length", 0, "must be ≥ 1 byte");
  }
  if (family.codes.length === 0) {
    throw new InvalidArgumentError("family.codes", 0, "family has no codes");
  }
}

/**
 * Reconcile both of Alice's strings of one OT sample.
 * @param family mother codes (built or loaded once per worker)
 * @returns status and per-string accounting; X̂_C bits equal X_C's on verified blocks
 * @example
 * ```ts
 * import { buildCodeFamily } from "./code_family.ts";
 * import { reconcileOtStrings } from "./ot_reconcile.ts";
 * import { Xoshiro128StarStar } from "../kernels/rng.ts";
 * const family = buildCodeFamily({ codeLength: 256, motherRates: [0.5] }, 1);
 * const rng = (s: number) => new Xoshiro128StarStar(Uint32Array.of(s, 1, 2, 3));
 * const x0 = new Uint8Array(300).map(() => rng(9).nextUint32() & 1), x1 = x0.slice();
 * const r = reconcileOtStrings(family, { x0, x1, y: x0.slice(), choice: 0, strategy: "baseline",
 *   qberPrior: 0.01, padding0: rng(1), padding1: rng(2), hashKey: new Uint8Array(16) }, {
 *   codeLength: 256, motherRates: [0.5], modulationFraction: 0.1, hashBits: 64, fSelect: 1.16,
 *   blindMaxRounds: 3, decoder: "nms-layered", nmsAlpha: 0.8, maxIterations: 50,
 *   tail: "shorten", failedBlocks: "discard", leakage: "elkouss" });
 * console.assert(r.status === "ok" && r.leak > 0);
 * ```
 */
export function reconcileOtStrings(
  family: CodeFamily,
  input: OtReconciliationInput,
  options: ReconciliationOptions,
): OtReconciliationResult {
  validateOptions(options);
  validateInput(family, input);
  const C = input.choice;
  const engine = runBlocks(family, {
    alice: [input.x0, input.x1],
    stringIds: [0, 1],
    paddings: [input.padding0, input.padding1],
    bob: input.y,
    target: C,
    strategy: input.strategy,
    qberPrior: input.qberPrior,
    hashKey: input.hashKey,
    cancel: input.cancel,
  }, options);
  const B = engine.blocks;
  let mv = 0, blocksVerified = 0, leakEc = 0, leakHash = 0, leakEcVerified = 0;
  let revealedBits = 0, rateSum = 0, roundsMax = 0, iterationsTotal = 0, errors = 0, covered = 0;
  const xC = C === 0 ? input.x0 : input.x1;
  for (let j = 0; j < B; j++) {
    const L = engine.payloadBits[j];
    covered += L;
    const isVerified = engine.verified[j] === 1;
    const leak = blockLeakage({
      accounting: options.leakage,
      checks: engine.checks,
      puncturedEnd: engine.puncturedEnd[j],
      revealed: engine.revealed[j],
      payloadBits: L,
      blockCapacity: engine.capacity,
      hashBits: options.hashBits,
      verified: isVerified,
    });
    leakEc += leak.ec;
    leakHash += leak.hash;
    revealedBits += engine.revealed[j];
    rateSum += 1 - Math.min(engine.checks - engine.puncturedEnd[j], L) / L;
    roundsMax = Math.max(roundsMax, engine.rounds[j]);
    iterationsTotal += engine.iterations[j];
    if (isVerified) {
      blocksVerified++;
      mv += L;
      leakEcVerified += leak.ec;
      const s = engine.blockStart[j];
      for (let k = 0; k < L; k++) errors += input.y[s + k] ^ xC[s + k];
    }
  }
  const x0Verified = new Uint8Array(mv),
    x1Verified = new Uint8Array(mv),
    yCorrected = new Uint8Array(mv);
  for (let j = 0, o = 0; j < B; j++) {
    if (engine.verified[j] !== 1) continue;
    const s = engine.blockStart[j], L = engine.payloadBits[j];
    x0Verified.set(input.x0.subarray(s, s + L), o);
    x1Verified.set(input.x1.subarray(s, s + L), o);
    yCorrected.set(engine.corrected.subarray(s, s + L), o);
    o += L;
  }
  const qberTrue = mv > 0 ? errors / mv : NaN;
  const h = binaryEntropy(qberTrue);
  const anyFailed = blocksVerified < B;
  const status: OtReconciliationResult["status"] = engine.cancelled
    ? "cancelled"
    : anyFailed && options.failedBlocks === "abort"
    ? "aborted-failed-block"
    : blocksVerified === 0
    ? "no-block-verified"
    : "ok";
  return {
    status,
    m: covered,
    blocks: B,
    blocksVerified,
    verified: engine.verified,
    mv,
    x0Verified,
    x1Verified,
    yCorrected,
    leak: leakEc + leakHash,
    leakEc,
    leakHash,
    leakEcVerified,
    revealedBits,
    qberTrue,
    efficiency: mv > 0 && qberTrue > 0 ? leakEcVerified / (mv * h) : NaN,
    motherRate: engine.plan.motherRate,
    rateEffective: B > 0 ? rateSum / B : NaN,
    blindRoundsMax: roundsMax,
    decoderIterations: iterationsTotal,
  };
}

/**
 * Per-string leakage fixed before decoding (bits): baseline at the chosen rate, blind at round 1
 * (all d positions punctured), every block charged plus its hash (for `caligo` accounting: as if
 * every block verified). Used by the protocol's early key-length exit and its projected margin.
 * @param m key bits per string
 * @example
 * ```ts
 * import { buildCodeFamily } from "./code_family.ts";
 * import { plannedLeakage } from "./ot_reconcile.ts";
 * const family = buildCodeFamily({ codeLength: 256, motherRates: [0.5] }, 1);
 * const opts = { codeLength: 256, motherRates: [0.5], modulationFraction: 0.1, hashBits: 64,
 *   fSelect: 1.16, blindMaxRounds: 3, decoder: "nms-layered" as const, nmsAlpha: 0.8,
 *   maxIterations: 50, tail: "shorten" as const, failedBlocks: "discard" as const,
 *   leakage: "conservative" as const };
 * console.assert(plannedLeakage(family, 230, 0.05, "blind", opts) === 128 + 64);
 * ```
 */
export function plannedLeakage(
  family: CodeFamily,
  m: number,
  qberPrior: number,
  strategy: Strategy,
  options: ReconciliationOptions,
): number {
  validateOptions(options);
  if (!(Number.isInteger(m) && m >= 0)) {
    throw new InvalidArgumentError("m", m, "must be an integer ≥ 0");
  }
  validateQber(qberPrior);
  const capacity = family.codeLength -
    modulationSize(family.codeLength, options.modulationFraction);
  const payloads = blockPayloads(m, capacity, options.tail);
  const plan = planRate(
    family,
    strategy,
    qberPrior,
    options,
    planPayload(payloads, capacity, options.tail),
  );
  const checks = family.codes[plan.codeIndex].matrix.m;
  let leak = 0;
  for (let j = 0; j < payloads.length; j++) {
    const l = blockLeakage({
      accounting: options.leakage,
      checks,
      puncturedEnd: plan.punctured,
      revealed: 0,
      payloadBits: payloads[j],
      blockCapacity: capacity,
      hashBits: options.hashBits,
      verified: true,
    });
    leak += l.ec + l.hash;
  }
  return leak;
}
