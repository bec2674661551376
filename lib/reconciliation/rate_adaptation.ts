/**
 * Rate adaptation by puncturing and shortening (Elkouss, Martinez-Mateo & Martin 2012),
 * docs/science.md §9.3, §9.6, §9.7. A frame of mother rate R0 with p punctured and s shortened of the
 * d = round(δ·n) modulation positions has rate R = (R0 − s/n)/(1 − d/n).
 * @module
 */
import { InvalidArgumentError } from "../errors.ts";
import { binaryEntropy } from "./entropy.ts";

/** A mother-code choice with its modulation split. */
export interface RatePlan {
  /** Index of the mother code in the family (ascending rate). */
  codeIndex: number;
  /** Mother rate R0. */
  motherRate: number;
  /** Modulation size d. */
  d: number;
  /** Punctured positions p (first p of D). */
  punctured: number;
  /** Shortened positions s = d − p (rest of D). */
  shortened: number;
  /** Frame rate (R0 − s/n)/(1 − d/n). */
  rate: number;
  /** Target rate R* before clamping. */
  targetRate: number;
}

/**
 * Rate of a frame: (R0 − s/n)/(1 − d/n).
 * @example
 * ```ts
 * import { frameRate } from "./rate_adaptation.ts";
 * console.assert(Math.abs(frameRate(0.5, 1000, 100, 0) - 0.5 / 0.9) < 1e-12);
 * ```
 */
export function frameRate(motherRate: number, n: number, d: number, shortened: number): number {
  return (motherRate - shortened / n) / (1 - d / n);
}

/** Modulation size d = round(δ·n). */
export function modulationSize(n: number, modulationFraction: number): number {
  if (!(modulationFraction >= 0 && modulationFraction < 1)) {
    throw new InvalidArgumentError("modulationFraction", modulationFraction, "must be in [0, 1)");
  }
  return Math.round(modulationFraction * n);
}

function rangeOf(r0: number, delta: number): [number, number] {
  return [(r0 - delta) / (1 - delta), r0 / (1 - delta)];
}

function planFor(
  index: number,
  r0: number,
  n: number,
  d: number,
  target: number,
  targetBeforeClamp: number,
): RatePlan {
  const delta = d / n;
  const sigma = r0 - target * (1 - delta);
  const shortened = Math.min(d, Math.max(0, Math.round(sigma * n)));
  return {
    codeIndex: index,
    motherRate: r0,
    d,
    punctured: d - shortened,
    shortened,
    rate: frameRate(r0, n, d, shortened),
    targetRate: targetBeforeClamp,
  };
}

function clampToFamily(rates: readonly number[], delta: number, target: number): number {
  const lo = rangeOf(Math.min(...rates), delta)[0];
  const hi = rangeOf(Math.max(...rates), delta)[1];
  return Math.min(hi, Math.max(lo, target));
}

/**
 * Baseline choice (§9.3, §9.6): R* = 1 − f_sel·h(q), q clamped to [1e-4, 0.5 − 1e-6]; among
 * codes whose range contains R* the one minimising |σ − δ/2|, σ = R0 − R*(1 − δ); if none, R* is
 * clamped to the family's range first.
 * @param motherRates ascending mother rates of the family
 * @example
 * ```ts
 * import { chooseBaselineRate } from "./rate_adaptation.ts";
 * const plan = chooseBaselineRate([0.5, 0.55, 0.6], 4096, 410, 0.05, 1.16);
 * console.assert(plan.punctured + plan.shortened === 410);
 * ```
 */
export function chooseBaselineRate(
  motherRates: readonly number[],
  n: number,
  d: number,
  qber: number,
  fSelect: number,
): RatePlan {
  const { raw, delta, target, reaching } = reachingCodes(motherRates, n, d, qber, fSelect);
  // the code whose σ = R0 − R*(1 − δ) is closest to the middle of its range [0, δ]
  let best = -1, bestDistance = Infinity;
  for (const [i, sigma] of reaching) {
    const distance = Math.abs(sigma - delta / 2);
    if (distance < bestDistance - 1e-12) {
      best = i;
      bestDistance = distance;
    }
  }
  if (best < 0) best = nearestCode(motherRates, delta, target);
  return planFor(best, motherRates[best], n, d, target, raw);
}

/**
 * The target rate R* = 1 − f·h(q) (q clamped to [1e-4, ½), R* clamped to the family's range) and
 * the codes whose range contains it: pairs [index, σ] with σ = R0 − R*(1 − δ) ∈ [0, δ], δ = d/n,
 * ascending R0.
 */
function reachingCodes(
  motherRates: readonly number[],
  n: number,
  d: number,
  qber: number,
  fSelect: number,
): { raw: number; delta: number; target: number; reaching: [number, number][] } {
  const q = Math.min(0.5 - 1e-6, Math.max(1e-4, qber));
  const raw = 1 - fSelect * binaryEntropy(q);
  const delta = d / n;
  const target = clampToFamily(motherRates, delta, raw);
  const reaching: [number, number][] = [];
  for (let i = 0; i < motherRates.length; i++) {
    const sigma = motherRates[i] - target * (1 - delta);
    if (sigma >= -1e-12 && sigma <= delta + 1e-12) reaching.push([i, sigma]);
  }
  return { raw, delta, target, reaching };
}

/**
 * Baseline choice for a frame with unused payload positions (`tail: spread`, docs/science.md §9.4;
 * rates and length from {@link payloadFrame}): R* = 1 − f·h(q) as in {@link chooseBaselineRate},
 * but among the codes whose range contains R* the LOWEST R0, i.e. the most punctured and least
 * shortened frame. Such a frame is already shortened by the unused positions; shortening a
 * higher-rate code further loses more than puncturing a lower one (measured at n = 16384, QBER 6 %,
 * L = 0.76 K, the same leakage: FER 6/200 on code 0.70 with p = 489 against 0/200 on 0.65 with p
 * = 1308). Clamped to the family's range like the baseline.
 * @example
 * ```ts
 * import { chooseBaselineRate, chooseShortFrameRate } from "./rate_adaptation.ts";
 * // R* = 0.6435 lies in the ranges of 0.60 and 0.65; the centred choice takes 0.65.
 * const plan = chooseShortFrameRate([0.55, 0.6, 0.65], 4096, 410, 0.055, 1.16);
 * console.assert(plan.motherRate === 0.6 && plan.punctured + plan.shortened === 410);
 * console.assert(chooseBaselineRate([0.55, 0.6, 0.65], 4096, 410, 0.055, 1.16).motherRate === 0.65);
 * ```
 */
export function chooseShortFrameRate(
  motherRates: readonly number[],
  n: number,
  d: number,
  qber: number,
  fSelect: number,
): RatePlan {
  const { raw, delta, target, reaching } = reachingCodes(motherRates, n, d, qber, fSelect);
  const best = reaching.length > 0 ? reaching[0][0] : nearestCode(motherRates, delta, target);
  return planFor(best, motherRates[best], n, d, target, raw);
}

/**
 * Blind choice (§9.7): R*(q0) = 1 − f_blind·h(q0) with the ladder's start factor f_blind (1.1, or
 * the calibrated f_blind(q0) of lib/reconciliation/calibration.ts); among codes whose range
 * contains R* the largest R0 (clamped like the baseline); round 1 punctures all d positions.
 * @example
 * ```ts
 * import { chooseBlindCode } from "./rate_adaptation.ts";
 * const rates = [0.5, 0.6, 0.7];
 * // R* = 1 − 1.1·h(0.05) = 0.685 lies in the ranges of 0.6 and 0.7: the larger one
 * console.assert(chooseBlindCode(rates, 4096, 410, 0.05).motherRate === 0.7);
 * console.assert(chooseBlindCode(rates, 4096, 410, 0.05, 1.6).motherRate === 0.5);
 * ```
 */
export function chooseBlindCode(
  motherRates: readonly number[],
  n: number,
  d: number,
  qberPrior: number,
  startFactor = 1.1,
): RatePlan {
  const { raw, delta, target, reaching } = reachingCodes(motherRates, n, d, qberPrior, startFactor);
  const best = reaching.length > 0 ? reaching.at(-1)![0] : nearestCode(motherRates, delta, target);
  return {
    codeIndex: best,
    motherRate: motherRates[best],
    d,
    punctured: d,
    shortened: 0,
    rate: frameRate(motherRates[best], n, d, 0),
    targetRate: raw,
  };
}

/** Code whose range is closest to `target` (only when the ranges have gaps). */
function nearestCode(rates: readonly number[], delta: number, target: number): number {
  let best = 0, bestGap = Infinity;
  for (let i = 0; i < rates.length; i++) {
    const [lo, hi] = rangeOf(rates[i], delta);
    const gap = target < lo ? lo - target : target > hi ? target - hi : 0;
    if (gap < bestGap) {
      best = i;
      bestGap = gap;
    }
  }
  return best;
}

/**
 * The family as a frame with `payloadBits` L < n − d sees it (docs/science.md §9.4, `tail:
 * spread`): its e = n − d − L unused payload positions are shortened (known zeros), so mother code
 * i acts as an (n − e)-bit code of rate (n·R0 − e)/(n − e) with the same m_c = n(1 − R0) checks and
 * the same d modulation positions. {@link chooseBaselineRate} / {@link chooseBlindCode} on these
 * rates and length give p and s for a leakage m_c − p ≈ (1 − R*)·L; the plan's `motherRate` must
 * then be set back to the family's R0 (see `planRate` of _block_engine.ts).
 * @example
 * ```ts
 * import { payloadFrame } from "./rate_adaptation.ts";
 * const f = payloadFrame([0.5, 0.9], 1000, 100, 400); // e = 500
 * console.assert(f.n === 500 && Math.abs(f.rates[1] - 0.8) < 1e-12);
 * ```
 */
export function payloadFrame(
  motherRates: readonly number[],
  n: number,
  d: number,
  payloadBits: number,
): { rates: number[]; n: number } {
  const extra = n - d - payloadBits;
  if (!(Number.isInteger(payloadBits) && payloadBits >= 1 && extra >= 0)) {
    throw new InvalidArgumentError(
      "payloadBits",
      payloadBits,
      `must be an integer in [1, ${n - d}]`,
    );
  }
  return { rates: motherRates.map((r0) => (n * r0 - extra) / (n - extra)), n: n - extra };
}
