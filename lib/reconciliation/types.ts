/**
 * Contract between the OT protocol (lib/protocol) and information reconciliation
 * (docs/science.md §9): the options, the input (both of Alice's strings and Bob's string) and the
 * result of reconciling one OT sample. Implemented by `ot_reconcile.ts`.
 * @module
 */
import type { Rng } from "../kernels/rng.ts";
import type { DecoderName } from "../kernels/ldpc/decoder.ts";
import type { CodeFamilyName } from "./code_family.ts";

export type { DecoderName };

/** Leakage accounting rules (docs/science.md §9.5). */
export type LeakageAccounting = "elkouss" | "conservative" | "caligo";

/** Reconciliation strategy of a sample (parameter column 8). */
export type Strategy = "baseline" | "blind";

/** Options of `simulation.reconciliation` (docs/campaign.md §11.3), in camelCase. */
export interface ReconciliationOptions {
  /** Frame length n of every mother code, bits (4096, 16384, 65536, 131072 or 262144). */
  codeLength: number;
  /**
   * Frames per calibration grid point (default 1000; calibration.ts): fewer frames keep the
   * same confidence bound on the FER (fewer failures are allowed) at less power.
   */
  calibrationFrames?: number;
  /** Mother-code rates R0 of the family, e.g. 0.50 … 0.90 step 0.05. */
  motherRates: readonly number[];
  /** Degree-distribution table of the mother codes (`caligo` when absent; code_family.ts). */
  codeFamily?: CodeFamilyName;
  /** Modulation fraction δ: d = round(δ·n) positions are punctured or shortened. */
  modulationFraction: number;
  /** Verification tag length per block and string, bits (64). */
  hashBits: number;
  /** Efficiency f_sel of the baseline rate choice R* = 1 − f_sel·h(q) (1.16). */
  fSelect: number;
  /** Maximum number of blind rounds t_max (6). */
  blindMaxRounds: number;
  decoder: DecoderName;
  /** Normalisation α of normalized min-sum (0.8). */
  nmsAlpha: number;
  /** Decoder iterations per round (50). */
  maxIterations: number;
  /**
   * Framing of a string that is not a whole number of blocks (docs/science.md §9.4): `shorten` a
   * short last block (known zeros, full syndrome), `drop` it, or `spread` the bits over ⌈m/K⌉
   * equal blocks with the rate chosen for their payload.
   */
  tail: "shorten" | "drop" | "spread";
  /** Failed blocks are discarded from both strings, or abort the sample. */
  failedBlocks: "discard" | "abort";
  leakage: LeakageAccounting;
}

/** One OT sample's reconciliation input (docs/science.md §5 step 10). Bits are one per byte (0/1). */
export interface OtReconciliationInput {
  /** Alice's string X_0, length m. */
  x0: Uint8Array;
  /** Alice's string X_1, length m. */
  x1: Uint8Array;
  /** Bob's string Y (his outcomes on I_C), length m; it is a noisy copy of X_C. */
  y: Uint8Array;
  /** Bob's choice bit C. */
  choice: 0 | 1;
  strategy: Strategy;
  /**
   * QBER used by the decoder prior and the rate choice: baseline Q_rate (§9.6, already chosen by
   * the caller from `qber_for_rate`), blind the prior q0 (§9.7).
   */
  qberPrior: number;
  /** Streams `padding0` / `padding1`: random values of punctured positions of X_0 / X_1. */
  padding0: Rng;
  padding1: Rng;
  /** 16-byte public hash key (stream `hashkey`) of the verification tags (§9.8). */
  hashKey: Uint8Array;
  /** Cooperative cancel flag: when element 0 becomes non-zero, stop and return "cancelled". */
  cancel?: Int32Array;
}

/** Outcome of reconciling one OT sample; leakage counts are per string (both are equal). */
export interface OtReconciliationResult {
  status: "ok" | "no-block-verified" | "aborted-failed-block" | "cancelled";
  /** Key bits per string that entered reconciliation. */
  m: number;
  /** Number of blocks B per string (including a shortened tail block). */
  blocks: number;
  blocksVerified: number;
  /** Per block: 1 if verified. */
  verified: Uint8Array;
  /** Payload bits per string in verified blocks (m_v). */
  mv: number;
  /** Verified payload bits of X_0, X_1 (length mv each) and Bob's corrected X̂_C (length mv). */
  x0Verified: Uint8Array;
  x1Verified: Uint8Array;
  yCorrected: Uint8Array;
  /** Total leakage per string, bits, over ALL blocks (verified or not): leak_b of §9.5. */
  leak: number;
  /** Error-correction part of `leak` (syndrome − punctured + revealed, per the accounting). */
  leakEc: number;
  /** Hash part of `leak` (hashBits × blocks). */
  leakHash: number;
  /** EC leakage of the verified blocks only (numerator of f, §9.10). */
  leakEcVerified: number;
  /** Padding bits revealed by blind rounds, per string. */
  revealedBits: number;
  /** Fraction of Bob's verified payload bits that differed from X_C before correction (NaN if mv = 0). */
  qberTrue: number;
  /** f = leakEcVerified / (mv · h(qberTrue)); NaN if mv = 0 or qberTrue = 0. */
  efficiency: number;
  /** Mother-code rate R0 used. */
  motherRate: number;
  /** Effective rate of the frames (mean over blocks of the final round). */
  rateEffective: number;
  /** Largest number of rounds any block needed (1 for baseline). */
  blindRoundsMax: number;
  /** Total decoder iterations over all blocks and rounds. */
  decoderIterations: number;
}
