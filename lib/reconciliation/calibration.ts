/**
 * Efficiency calibration of the baseline rate choice (science.md §9.6, §9.10): per QBER grid point
 * the smallest f_sel whose frames reach FER ≤ target, stored in `codes/calibration.json` and
 * interpolated linearly in QBER (clamped at the ends) when choosing R* = 1 − f_sel(q)·h(q).
 * @module
 */
import { InvalidArgumentError } from "../errors.ts";
import type { DecoderName } from "../kernels/ldpc/decoder.ts";

/** Calibrated f_sel(q) of one family and decoder. */
export interface FSelectCalibration {
  decoder: DecoderName;
  codeLength: number;
  /** Ascending QBER grid. */
  qber: number[];
  /** f_sel at each grid point. */
  fSelect: number[];
  /** Target frame-error rate of the calibration (0.01). */
  targetFer: number;
}

/** Check the shape of a calibration (e.g. after JSON.parse). */
export function validateCalibration(c: FSelectCalibration): FSelectCalibration {
  const ok = c !== null && typeof c === "object" && Array.isArray(c.qber) &&
    Array.isArray(c.fSelect) &&
    c.qber.length === c.fSelect.length && c.qber.length > 0 &&
    c.qber.every((q, i) => q > 0 && q < 0.5 && (i === 0 || q > c.qber[i - 1])) &&
    c.fSelect.every((f) => f >= 1 && f < 5) && typeof c.decoder === "string" &&
    Number.isInteger(c.codeLength);
  if (!ok) {
    throw new InvalidArgumentError(
      "calibration",
      c,
      "needs ascending qber in (0, 0.5) and fSelect ≥ 1 of equal length",
    );
  }
  return c;
}

/**
 * f_sel at QBER q: linear interpolation, clamped to the end values.
 * @example
 * ```ts
 * import { interpolateFSelect } from "./calibration.ts";
 * const c = { decoder: "spa-layered" as const, codeLength: 16384, qber: [0.02, 0.04], fSelect: [1.2, 1.1], targetFer: 0.01 };
 * console.assert(Math.abs(interpolateFSelect(c, 0.03) - 1.15) < 1e-12 && interpolateFSelect(c, 0.5) === 1.1);
 * ```
 */
export function interpolateFSelect(c: FSelectCalibration, q: number): number {
  const { qber, fSelect } = c;
  if (q <= qber[0]) return fSelect[0];
  if (q >= qber[qber.length - 1]) return fSelect[fSelect.length - 1];
  let i = 1;
  while (qber[i] < q) i++;
  const t = (q - qber[i - 1]) / (qber[i] - qber[i - 1]);
  return fSelect[i - 1] + t * (fSelect[i] - fSelect[i - 1]);
}
