/**
 * Generic one-string reconciliation over a key split into frames: `reconcileBaseline` (one-way,
 * rate from the QBER, docs/science.md §9.6) and `reconcileBlind` (rate ladder with reveals,
 * Martinez-Mateo, Elkouss & Martin 2012; §9.7). Same block engine as the OT entry point, with one
 * string (id byte 0).
 * @module
 */
import type { Rng } from "../kernels/rng.ts";
import { InvalidArgumentError } from "../errors.ts";
import type { CodeFamily } from "./code_family.ts";
import { runBlocks, validateOptions, validateQber } from "./_block_engine.ts";
import { blockLeakage } from "./leakage.ts";
import type { ReconciliationOptions } from "./types.ts";

/** Input of the generic protocols. Bits one per byte. */
export interface ReconciliationInput {
  /** Alice's key. */
  alice: Uint8Array;
  /** Bob's noisy copy. */
  bob: Uint8Array;
  /** QBER prior (baseline rate choice / blind start), in (0, 0.5). */
  qberPrior: number;
  /** Random values of punctured positions. */
  padding: Rng;
  /** Public key of the verification tags. */
  hashKey: Uint8Array;
  cancel?: Int32Array;
}

/** Leakage split (bits, summed over blocks). */
export interface LeakageSplit {
  /** Syndrome bits sent (m_c per block). */
  syndromeBits: number;
  /** Punctured-position discount (p_end per block; 0 under conservative/caligo). */
  puncturedDiscount: number;
  /** Padding values revealed by blind rounds. */
  revealedBits: number;
  /** Verification tag bits. */
  hashBits: number;
  /** Charged total under the chosen accounting. */
  total: number;
}

/** Outcome of {@link reconcileBaseline} / {@link reconcileBlind}. */
export interface ReconciliationResult {
  cancelled: boolean;
  /** Bob's corrected key (all blocks; unverified blocks hold the decoder's last guess). */
  corrected: Uint8Array;
  /** Per block: 1 if verified (tag matched after convergence). */
  verified: Uint8Array;
  /** Per block: 1 if the decoder met the syndrome. */
  converged: Uint8Array;
  /** Per block: decoder iterations over all rounds. */
  iterations: Int32Array;
  /** Per block: rounds used. */
  rounds: Int32Array;
  leakage: LeakageSplit;
  /** Mother rate used. */
  motherRate: number;
}

function run(
  family: CodeFamily,
  input: ReconciliationInput,
  options: ReconciliationOptions,
  strategy: "baseline" | "blind",
): ReconciliationResult {
  validateOptions(options);
  if (input.alice.length === 0) {
    throw new InvalidArgumentError("input.alice.length", 0, "key length must be ≥ 1");
  }
  if (input.bob.length !== input.alice.length) {
    throw new InvalidArgumentError(
      "input.bob.length",
      input.bob.length,
      `must equal alice.length = ${input.alice.length}`,
    );
  }
  validateQber(input.qberPrior, "input.qberPrior");
  const e = runBlocks(family, {
    alice: [input.alice],
    stringIds: [0],
    paddings: [input.padding],
    bob: input.bob,
    target: 0,
    strategy,
    qberPrior: input.qberPrior,
    hashKey: input.hashKey,
    cancel: input.cancel,
  }, options);
  const split: LeakageSplit = {
    syndromeBits: 0,
    puncturedDiscount: 0,
    revealedBits: 0,
    hashBits: 0,
    total: 0,
  };
  for (let j = 0; j < e.blocks; j++) {
    const l = blockLeakage({
      accounting: options.leakage,
      checks: e.checks,
      puncturedEnd: e.puncturedEnd[j],
      revealed: e.revealed[j],
      payloadBits: e.payloadBits[j],
      blockCapacity: e.capacity,
      hashBits: options.hashBits,
      verified: e.verified[j] === 1,
    });
    split.syndromeBits += e.checks;
    split.revealedBits += e.revealed[j];
    split.hashBits += l.hash;
    // Whatever the accounting removed from (syndrome + revealed) is the punctured discount.
    split.puncturedDiscount += e.checks + e.revealed[j] - l.ec;
    split.total += l.ec + l.hash;
  }
  return {
    cancelled: e.cancelled,
    corrected: e.corrected,
    verified: e.verified,
    converged: e.converged,
    iterations: e.iterations,
    rounds: e.rounds,
    leakage: split,
    motherRate: e.plan.motherRate,
  };
}

/** One-way baseline reconciliation of one string (docs/science.md §9.6). */
export function reconcileBaseline(
  family: CodeFamily,
  input: ReconciliationInput,
  options: ReconciliationOptions,
): ReconciliationResult {
  return run(family, input, options, "baseline");
}

/** Blind reconciliation of one string with up to `blindMaxRounds` rounds (docs/science.md §9.7). */
export function reconcileBlind(
  family: CodeFamily,
  input: ReconciliationInput,
  options: ReconciliationOptions,
): ReconciliationResult {
  return run(family, input, options, "blind");
}
