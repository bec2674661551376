/**
 * Caligo's analytic QBER formulas E1–E5 and related helpers (docs/science.md §3.7, helpers [H]),
 * kept for comparison only. The project's one QBER model is Q_exp (§3.6, `expectedQber`).
 * @module
 */
import { qberErven } from "../kernels/link/analytic.ts";

export { qberErven };

/**
 * Caligo's `qber_simple` = (1−F)/2 + e_det.
 * @example
 * ```ts
 * import { qberSimple } from "./caligo_qber.ts";
 * console.assert(Math.abs(qberSimple(0.95, 0.01) - 0.035) < 1e-12);
 * ```
 */
export function qberSimple(channelFidelity: number, detectorError: number): number {
  return (1 - channelFidelity) / 2 + detectorError;
}

/**
 * E2 `qber_conditional` (Caligo's blind prior): with P_det = η + p_d(1−η),
 * min(0.5, [e_det + η(1−F)/2 + p_d(1−η)/2]/P_det). e_det is not multiplied by η, so it blows
 * up at small η.
 * @example
 * ```ts
 * import { qberConditionalE2 } from "./caligo_qber.ts";
 * console.assert(qberConditionalE2(0.9, 0.05, 0.01, 1e-4) === 0.5);
 * ```
 */
export function qberConditionalE2(
  channelFidelity: number,
  detectorError: number,
  detectionEfficiency: number,
  darkCountProb: number,
): number {
  const eta = detectionEfficiency;
  const pDet = eta + darkCountProb * (1 - eta);
  return Math.min(
    0.5,
    (detectorError + eta * (1 - channelFidelity) / 2 + darkCountProb * (1 - eta) / 2) / pDet,
  );
}

/**
 * E3 `ChannelNoiseProfile.qber_conditional`: [η((1−F)/2 + e_det) + (1−η)p_d/2]/(η + (1−η)p_d).
 * @example
 * ```ts
 * import { qberConditionalE3 } from "./caligo_qber.ts";
 * console.assert(Math.abs(qberConditionalE3(0.95, 0, 1, 0) - 0.025) < 1e-12);
 * ```
 */
export function qberConditionalE3(
  channelFidelity: number,
  detectorError: number,
  detectionEfficiency: number,
  darkCountProb: number,
): number {
  const eta = detectionEfficiency;
  return (eta * ((1 - channelFidelity) / 2 + detectorError) + (1 - eta) * darkCountProb / 2) /
    (eta + (1 - eta) * darkCountProb);
}

/**
 * E4 `compute_expected_qber`: min(0.5, (1−F)/2 + e_det + p_d/2).
 * @example
 * ```ts
 * import { qberExpectedE4 } from "./caligo_qber.ts";
 * console.assert(Math.abs(qberExpectedE4(0.99, 0, 0) - 0.005) < 1e-12);
 * ```
 */
export function qberExpectedE4(
  channelFidelity: number,
  detectorError: number,
  darkCountProb: number,
): number {
  return Math.min(0.5, (1 - channelFidelity) / 2 + detectorError + darkCountProb / 2);
}

/**
 * E5 Caligo's pre-filter QBER, evaluated in float32 as Caligo did: p_click = η(1−p_d) +
 * 2p_d(1−η); p_err = e_det + (1−e_det)(1−F) + p_d(1−η); Q = clamp(p_err/(2·p_click), 0, 0.5)
 * if p_click > 1e-12, else 0.5.
 * @example
 * ```ts
 * import { qberPrefilterE5 } from "./caligo_qber.ts";
 * console.assert(Math.abs(qberPrefilterE5(0.95, 0, 1, 0) - 0.025) < 1e-7);
 * ```
 */
export function qberPrefilterE5(
  channelFidelity: number,
  detectorError: number,
  detectionEfficiency: number,
  darkCountProb: number,
): number {
  const f32 = Math.fround;
  const f = f32(channelFidelity);
  const e = f32(detectorError);
  const eta = f32(detectionEfficiency);
  const pd = f32(darkCountProb);
  const oneMinusEta = f32(1 - eta);
  const pClick = f32(f32(eta * f32(1 - pd)) + f32(f32(2 * pd) * oneMinusEta));
  const pErr = f32(f32(e + f32(f32(1 - e) * f32(1 - f))) + f32(pd * oneMinusEta));
  if (!(pClick > 1e-12)) return 0.5;
  return Math.min(0.5, Math.max(0, f32(pErr / f32(2 * pClick))));
}

/**
 * Caligo's storage depolarising probability 1 − r (`NSMStorageNoiseModel`).
 * @example
 * ```ts
 * import { storageDepolarProb } from "./caligo_qber.ts";
 * console.assert(storageDepolarProb(0.75) === 0.25);
 * ```
 */
export function storageDepolarProb(r: number): number {
  return 1 - r;
}

/**
 * Caligo's effective fidelity of the stored qubit (1 + r)/2 (`NSMStorageNoiseModel`).
 * @example
 * ```ts
 * import { storageEffectiveFidelity } from "./caligo_qber.ts";
 * console.assert(storageEffectiveFidelity(0.75) === 0.875);
 * ```
 */
export function storageEffectiveFidelity(r: number): number {
  return (1 + r) / 2;
}
