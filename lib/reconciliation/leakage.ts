/**
 * Leakage accounting per block and string (docs/science.md §9.5).
 *  - `elkouss` (default): EC = m_c − p_end (syndrome − still-punctured; revealed bits count because
 *    they leave the punctured set), tail block EC = min(m_c − p_end, L); plus h_bits.
 *  - `conservative`: EC = m_c + revealed (full syndrome charged); plus h_bits.
 *  - `caligo`: m_c + revealed + h_bits for verified blocks only, failed blocks charge nothing.
 * @module
 */
import type { LeakageAccounting } from "./types.ts";

/** Leakage of one block of one string, bits. */
export interface BlockLeakage {
  /** Error-correction part. */
  ec: number;
  /** Hash part. */
  hash: number;
}

/** Inputs of {@link blockLeakage}. */
export interface BlockLeakageInput {
  accounting: LeakageAccounting;
  /** Checks m_c of the mother code. */
  checks: number;
  /** Positions still punctured at the end (baseline p; blind d − revealed). */
  puncturedEnd: number;
  /** Padding values revealed by blind rounds. */
  revealed: number;
  /** Payload bits L of the block. */
  payloadBits: number;
  /** Payload capacity K = n − d of a full block. */
  blockCapacity: number;
  hashBits: number;
  verified: boolean;
}

/**
 * EC and hash leakage of one block.
 * @example
 * ```ts
 * import { blockLeakage } from "./leakage.ts";
 * const l = blockLeakage({ accounting: "elkouss", checks: 2048, puncturedEnd: 300, revealed: 0,
 *   payloadBits: 3686, blockCapacity: 3686, hashBits: 64, verified: false });
 * console.assert(l.ec === 1748 && l.hash === 64);
 * ```
 */
export function blockLeakage(x: BlockLeakageInput): BlockLeakage {
  switch (x.accounting) {
    case "elkouss": {
      let ec = x.checks - x.puncturedEnd;
      if (x.payloadBits < x.blockCapacity) ec = Math.min(ec, x.payloadBits);
      return { ec, hash: x.hashBits };
    }
    case "conservative":
      return { ec: x.checks + x.revealed, hash: x.hashBits };
    case "caligo":
      return x.verified ? { ec: x.checks + x.revealed, hash: x.hashBits } : { ec: 0, hash: 0 };
  }
}
