/**
 * Key models (science.md §8): the one place that says how many secure bits a verified round
 * carries and what the per-string key length is. The simulator's key length, the campaign's
 * pre-filter and analytic margin, and the exact margin of `cliff-bench` all read the configured
 * model from here, so a new model plugs in by adding one entry to {@link KEY_MODELS}.
 * @module
 */
import { hBoundedStorage, hMin } from "./bounds.ts";
import { caligoKeyLength, caligoPenaltyBits } from "./caligo_key_length.ts";
import { keyPenaltyBits } from "./constants.ts";
import { projectKeyLength } from "./key_length.ts";

/** Names of the key models (`simulation.key_model`). */
export type KeyModelName = "project" | "caligo";

/** One key-length rule. */
export interface KeyModel {
  readonly name: KeyModelName;
  /**
   * Secure entropy per verified round, bits: project h_bs(r_eff, ν) (§6.2), caligo h_min(r_eff)
   * (ν ignored, §8.2).
   */
  entropyRate(rEff: number, nu: number): number;
  /**
   * Signed per-string key length l_b in bits from m_v verified bits per string and the leakage
   * of one string (§8.1, §8.2).
   */
  keyLength(
    verifiedBits: number,
    leakPerString: number,
    entropyRate: number,
    epsilonSec: number,
  ): number;
  /** Fixed per-string penalty P in bits: l_b ≈ m_v·rate − leak_b − P. */
  penaltyBits(epsilonSec: number): number;
}

const project: KeyModel = {
  name: "project",
  entropyRate: hBoundedStorage,
  keyLength: (verified, leak, rate, eps) => projectKeyLength(verified, rate, leak, eps),
  penaltyBits: keyPenaltyBits,
};

/** Caligo's K1 mapped onto one string: n_rec = 2·m_v, leak = 2·leak_b, |I0_v| = |I1_v| = m_v. */
const caligo: KeyModel = {
  name: "caligo",
  entropyRate: (rEff) => hMin(rEff),
  keyLength: (verified, leak, rate, eps) =>
    caligoKeyLength(2 * verified, 2 * leak, rate, verified, verified, eps).perString,
  penaltyBits: (eps) => caligoPenaltyBits(eps) / 2,
};

/** Every key model by name. */
export const KEY_MODELS: Readonly<Record<KeyModelName, KeyModel>> = { project, caligo };

/**
 * The key model of a name.
 * @example
 * ```ts
 * import { keyModelOf } from "./key_model.ts";
 * const m = keyModelOf("project");
 * console.assert(m.keyLength(10000, 500, m.entropyRate(0.1, 1), 1e-10) === 9006);
 * ```
 */
export function keyModelOf(name: KeyModelName): KeyModel {
  return KEY_MODELS[name];
}
