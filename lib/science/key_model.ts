/**
 * Key models (docs/science.md §8): the one place that says how many secure bits a verified round
 * carries and what the per-string key length is. The simulator's key length, the campaign's
 * pre-filter and analytic margin, and the exact margin of `cliff-bench` all read the configured
 * model from here, so a new model plugs in by adding one entry to {@link KEY_MODELS}.
 * @module
 */
import { InvalidArgumentError } from "../errors.ts";
import { hBoundedStorage, hMin } from "./bounds.ts";
import { caligoKeyLength, caligoPenaltyBits } from "./caligo_key_length.ts";
import { keyPenaltyBits } from "./constants.ts";
import {
  erven2014DetectionProb,
  erven2014EntropyRate,
  erven2014PenaltyBits,
  erven2014StringLength,
  type KeyModelPoint,
} from "./erven2014_key_model.ts";
import { projectKeyLength } from "./key_length.ts";
import type { PdcSourceParams } from "./pdc_source.ts";

export type { KeyModelPoint };

/** Names of the key models (`simulation.key_model`). */
export type KeyModelName = "project" | "caligo" | "erven2014";

/** Every key-model name, in `simulation.key_model` order. */
export const KEY_MODEL_NAMES = ["project", "caligo", "erven2014"] as const;

/**
 * What `num_pairs` N counts (docs/science.md §0, §8.6): the detected (heralded) pairs that enter the
 * protocol (`project`, `caligo`), or the pairs sent, of which a binomial share is detected
 * (`erven2014`). The key margin l/N and ν are per N in the model's convention.
 */
export type NumPairsConvention = "pairs detected" | "pairs sent";

/** One key-length rule. */
export interface KeyModel {
  readonly name: KeyModelName;
  /** What N = `num_pairs` counts under this model. */
  readonly numPairsConvention: NumPairsConvention;
  /**
   * Probability that one of the N pairs gives a detected round: 1 for `pairs detected`; for
   * erven2014 Bob's click probability 1 − P^h_{B,no click} of the PDC source (docs/science.md §8.6).
   */
  detectionProb(source: PdcSourceParams): number;
  /**
   * Secure entropy per verified round, bits: project h_bs(r_eff, ν) (§6.2), caligo h_min(r_eff)
   * (ν ignored, §8.2), erven2014 the string's min-entropy ½·ν·N·γ(R/ν) over its m bits (§8.6),
   * which needs the per-point `point` (ignored by the other models).
   * @throws InvalidArgumentError when the model needs `point` and it is absent
   */
  entropyRate(rEff: number, nu: number, point?: KeyModelPoint): number;
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

const detectedPairs = () => 1;

const project: KeyModel = {
  name: "project",
  numPairsConvention: "pairs detected",
  detectionProb: detectedPairs,
  entropyRate: (rEff, nu) => hBoundedStorage(rEff, nu),
  keyLength: (verified, leak, rate, eps) => projectKeyLength(verified, rate, leak, eps),
  penaltyBits: keyPenaltyBits,
};

/** Caligo's K1 mapped onto one string: n_rec = 2·m_v, leak = 2·leak_b, |I0_v| = |I1_v| = m_v. */
const caligo: KeyModel = {
  name: "caligo",
  numPairsConvention: "pairs detected",
  detectionProb: detectedPairs,
  entropyRate: (rEff) => hMin(rEff),
  keyLength: (verified, leak, rate, eps) =>
    caligoKeyLength(2 * verified, 2 * leak, rate, verified, verified, eps).perString,
  penaltyBits: (eps) => caligoPenaltyBits(eps) / 2,
};

/**
 * Erven et al. (2014) Eq. 8 with the measured leakage (docs/science.md §8.6): N counts pairs sent,
 * l_b = floor(m_v·(½·ν·N·γ(R/ν))/m − leak_b − log₂(1/(2ε))).
 */
const erven2014: KeyModel = {
  name: "erven2014",
  numPairsConvention: "pairs sent",
  detectionProb: erven2014DetectionProb,
  entropyRate: (rEff, nu, point) => {
    if (point === undefined) {
      throw new InvalidArgumentError(
        "point",
        point,
        "key model erven2014 needs the per-point counts and source (KeyModelPoint)",
      );
    }
    return erven2014EntropyRate(rEff, nu, point);
  },
  keyLength: erven2014StringLength,
  penaltyBits: erven2014PenaltyBits,
};

/** Every key model by name. */
export const KEY_MODELS: Readonly<Record<KeyModelName, KeyModel>> = { project, caligo, erven2014 };

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
