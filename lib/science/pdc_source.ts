/**
 * Click and error probabilities of a parametric down-conversion (PDC) source with threshold
 * detectors, conditioned on Alice registering exactly one click: the source model of Wehner,
 * Curty, Schaffner & Lo, PRA 81, 052336 (2010), App. C 2, used by Erven et al., Nat. Commun. 5,
 * 3418 (2014), Eqs. 9–11 and "Methods: Experimental Security Parameters".
 *
 * Model (one time slot = one laser coherence time):
 * - k pairs are emitted with P_src^k = (k+1)(μ/2)^k / (1 + μ/2)^(k+2) (Erven Eq. 10);
 * - every photon reaches and fires its detector with probability η, independently (Wehner §V B:
 *   one η for Alice and Bob, all losses folded in); each of the four detectors also fires on
 *   its own with probability p_d per slot (dark count);
 * - the state is Erven Eq. 11: with k pairs, Alice's two polarisation modes hold (k − j, j)
 *   photons and Bob's hold the mirror split, j uniform on 0..k.
 *
 * A slot counts only if Alice sees exactly one click; every probability below is per counted
 * slot. Bob's bit is wrong when only his "wrong" detector fires, with probability ½ when both
 * fire (he flips a coin), and the optics swap his two outcomes with probability e_det
 * (Wehner Eqs. C11–C14, C25–C27).
 * @module
 */

/** Inputs of the PDC model; all probabilities are per time slot (coherence time). */
export interface PdcSourceParams {
  /** μ, mean photon-pair number per slot (Erven Table I: 3.145·10⁻⁵). */
  mu: number;
  /** η, probability that one photon is detected (transmittance × detector efficiency). */
  eta: number;
  /** e_det, probability that a detected signal fires the wrong detector. */
  eDet: number;
  /** p_d, dark-count probability of one detector per slot. */
  pDark: number;
}

/** Probabilities per slot in which Alice registered exactly one click. */
export interface PdcClickProbabilities {
  /** P_sent^{1|1}: exactly one pair was emitted (Wehner Eq. C21 at n = 1). */
  pSentSingle: number;
  /** P_sent^{0|1}: Alice's click was a dark count on vacuum (Wehner Eq. C21 at n = 0). */
  pSentVacuum: number;
  /** Σ_{k≥2} P_sent^{k|1}: a multi-pair emission. */
  pSentMulti: number;
  /** P^h_{B,no click}: honest Bob sees no click (Wehner Eqs. C9, C10, C23). */
  pNoClickHonest: number;
  /** P^d_{B,no click} = P_sent^{0|1}: even a loss-free, noise-free Bob sees nothing (Wehner §II C). */
  pNoClickDishonest: number;
  /** p_err = P^h_{B,err}/(1 − P^h_{B,no click}): Bob's bit error among his clicks (Wehner §V A 2 b). */
  pErr: number;
  /** P_A,click: probability per slot that Alice sees exactly one click, in a given detector. */
  pAliceClick: number;
}

/** Relative size of the last P_src^k term at which the photon-number sum stops. */
const SERIES_TOLERANCE = 1e-18;
/** Hard cap on the photon-number sum (μ = 10 needs about 400 terms). */
const SERIES_MAX_TERMS = 5000;

/**
 * Bob's error probability for one slot in which his "right" mode holds `right` photons and his
 * "wrong" mode `wrong` photons, given detection probability η, e_det and dark counts p_d.
 */
function bobErrorGivenModes(
  right: number,
  wrong: number,
  eta: number,
  eDet: number,
  pDark: number,
): number {
  const t = 1 - eta;
  const rightFires = 1 - t ** right;
  const wrongFires = 1 - t ** wrong;
  // signal-only click patterns before the e_det swap
  const rightOnly = rightFires * (1 - wrongFires);
  const wrongOnly = wrongFires * (1 - rightFires);
  const both = rightFires * wrongFires;
  const none = (1 - rightFires) * (1 - wrongFires);
  // e_det swaps the two outcomes (Wehner Eq. C25)
  const sRight = (1 - eDet) * rightOnly + eDet * wrongOnly;
  const sWrong = (1 - eDet) * wrongOnly + eDet * rightOnly;
  // dark counts OR-ed in per detector; a double click is a coin flip (Wehner Eqs. C12–C14)
  const errNone = pDark * (1 - pDark) + pDark * pDark / 2;
  const errRight = pDark / 2;
  const errWrong = 1 - pDark / 2;
  return none * errNone + sRight * errRight + sWrong * errWrong + both / 2;
}

/**
 * Click and error probabilities of the PDC source conditioned on one click at Alice
 * (Wehner et al. 2010 App. C 2, Eqs. C15–C27; Erven et al. 2014 Eqs. 9–11). Pure; sums the
 * photon-number series until the terms fall below 10⁻¹⁸ of the total.
 * @param p μ, η, e_det, p_d (probabilities per slot); validated by the caller
 * @example
 * ```ts
 * import { pdcClickProbabilities } from "./pdc_source.ts";
 * const q = pdcClickProbabilities({ mu: 3.145e-5, eta: 0.015, eDet: 0.0093, pDark: 1.5e-8 });
 * console.assert(Math.abs(q.pSentSingle - 0.940) < 1e-3);
 * console.assert(Math.abs(1 - q.pNoClickHonest - 0.0141) < 1e-4);
 * ```
 */
export function pdcClickProbabilities(p: PdcSourceParams): PdcClickProbabilities {
  const { mu, eta, eDet, pDark } = p;
  const x = mu / 2;
  const t = 1 - eta;
  let aliceClick = 0; // Σ_k P_src^k c_k (Wehner Eq. C20)
  let sentVacuum = 0;
  let sentSingle = 0;
  let bobSignalNoClick = 0; // Σ_k P_src^k c_k (1−η)^k (Wehner Eq. C23, unnormalised)
  let bobError = 0;
  let pSrc = 1 / ((1 + x) * (1 + x)); // P_src^0
  for (let k = 0; k < SERIES_MAX_TERMS; k++) {
    // Alice: exactly one click, in detector 0. Signal: her modes hold (k − j, j) photons;
    // ≥ 1 of the k − j detected, none of the j, no dark count in detector 1.
    // Dark: none of her k photons detected, dark count in detector 0 only (Wehner Eq. C20).
    let signalWeight = 0;
    let bobErrorSignal = 0;
    for (let j = 0; j < k; j++) {
      const w = (t ** j - t ** k) / (k + 1);
      signalWeight += w;
      // Bob's modes mirror Alice's: k − j photons in the mode that gives the right bit
      bobErrorSignal += w * bobErrorGivenModes(k - j, j, eta, eDet, pDark);
    }
    const darkWeight = pDark * t ** k;
    // after a dark click at Alice, Bob's k photons are split uniformly and carry no bit
    let bobErrorDark = 0;
    for (let j = 0; j <= k; j++) {
      bobErrorDark += bobErrorGivenModes(k - j, j, eta, eDet, pDark) / (k + 1);
    }
    const ck = (1 - pDark) * (signalWeight + darkWeight);
    const term = pSrc * ck;
    aliceClick += term;
    if (k === 0) sentVacuum = term;
    if (k === 1) sentSingle = term;
    bobSignalNoClick += term * t ** k;
    bobError += pSrc * (1 - pDark) * (bobErrorSignal + darkWeight * bobErrorDark);
    if (k >= 2 && pSrc < SERIES_TOLERANCE * aliceClick) break;
    // P_src^{k+1}/P_src^k = (k+2)/(k+1) · x/(1+x)
    pSrc *= (k + 2) / (k + 1) * x / (1 + x);
  }
  const pSentVacuum = sentVacuum / aliceClick;
  const pSentSingle = sentSingle / aliceClick;
  const pNoClickHonest = bobSignalNoClick / aliceClick * (1 - pDark) ** 2;
  return {
    pSentSingle,
    pSentVacuum,
    pSentMulti: Math.max(0, 1 - pSentSingle - pSentVacuum),
    pNoClickHonest,
    pNoClickDishonest: pSentVacuum,
    pErr: bobError / aliceClick / (1 - pNoClickHonest),
    pAliceClick: aliceClick,
  };
}
