/**
 * Running a calibration (docs/science.md §9.10; definition in calibration.ts): per (QBER, strategy),
 * bisection over the f grid for the smallest value whose frames pass. Frames go through the same
 * block engine as a sample (_block_engine.ts: framing, syndromes, tags, the blind ladder with hot
 * start), one string, random key bits and BSC(q) noise.
 *
 * Cost control: a grid point stops as soon as its failures exceed the passing count
 * ({@link maxPassingFailures}), checked every {@link CHUNK_FRAMES} frames, so failing points are
 * cheap; bisection tries ⌈log₂(grid size + 1)⌉ points (7 for the default 101-point grid).
 * Determinism: the frames of a grid point come from `campaignRng(seed,
 * "calibration/n<n>/<strategy>/q<q>/f<f>")` (and `/padding`), so a point's outcome depends only on
 * (codes, settings, strategy, q, f), not on the order or the worker that computes it.
 * @module
 */
import { campaignRng } from "../kernels/rng.ts";
import type { CodeFamily } from "./code_family.ts";
import { runBlocks } from "./_block_engine.ts";
import { chooseBaselineRate, chooseBlindCode, modulationSize } from "./rate_adaptation.ts";
import { binaryEntropy } from "./entropy.ts";
import {
  type CalibrationParams,
  type CalibrationRow,
  type CalibrationTrial,
  maxPassingFailures,
} from "./calibration.ts";
import type { ReconciliationOptions, Strategy } from "./types.ts";

/** Frames decoded between two early-stopping checks (a multiple of every decoder's lanes). */
export const CHUNK_FRAMES = 40;

/** Outcome of one grid point. */
export interface GridPointResult extends CalibrationTrial {
  /** Mean achieved efficiency over the verified frames (NaN if none verified). */
  efficiency: number;
}

/**
 * Run up to `params.frames` frames of `strategy` at QBER q with factor f; stops early once the
 * failures exceed {@link maxPassingFailures}.
 */
export function runGridPoint(
  family: CodeFamily,
  options: ReconciliationOptions,
  params: CalibrationParams,
  strategy: Strategy,
  q: number,
  f: number,
): GridPointResult {
  const n = family.codeLength;
  const d = modulationSize(n, options.modulationFraction);
  const rates = family.codes.map((c) => c.rate);
  const plan = strategy === "blind"
    ? chooseBlindCode(rates, n, d, q, f)
    : chooseBaselineRate(rates, n, d, q, f);
  const checks = family.codes[plan.codeIndex].matrix.m;
  const capacity = n - d;
  const allowed = maxPassingFailures(params.frames, params.targetFer, params.confidence);
  // The blind ladder depends on f only through its code: one stream per code.
  const stream = strategy === "blind"
    ? `calibration/n${n}/blind/q${q}/r${plan.motherRate.toFixed(4)}`
    : `calibration/n${n}/baseline/q${q}/f${f.toFixed(4)}`;
  const bits = campaignRng(params.seed, stream);
  const padding = campaignRng(params.seed, `${stream}/padding`);
  const hashKey = new Uint8Array(16);
  const x = new Uint8Array(CHUNK_FRAMES * capacity), y = new Uint8Array(x.length);
  const hq = binaryEntropy(q);
  let frames = 0, failures = 0, verified = 0, efficiencySum = 0;
  while (frames < params.frames && failures <= allowed) {
    const count = Math.min(CHUNK_FRAMES, params.frames - frames);
    const m = count * capacity;
    for (let i = 0; i < m; i++) {
      x[i] = bits.nextUint32() & 1;
      y[i] = x[i] ^ (bits.nextDouble() < q ? 1 : 0);
    }
    const r = runBlocks(family, {
      alice: [x.subarray(0, m)],
      stringIds: [0],
      paddings: [padding],
      bob: y.subarray(0, m),
      target: 0,
      strategy,
      qberPrior: q,
      hashKey,
      plan,
    }, options);
    for (let j = 0; j < r.blocks; j++) {
      if (r.verified[j] === 1) {
        verified++;
        efficiencySum += (checks - r.puncturedEnd[j]) / (capacity * hq);
      } else failures++;
    }
    frames += count;
  }
  return {
    f,
    frames,
    failures,
    passed: frames === params.frames && failures <= allowed,
    efficiency: verified > 0 ? efficiencySum / verified : NaN,
  };
}

/**
 * Calibrate one (QBER, strategy): bisection over `params.fGrid` for the smallest value that
 * passes (pass/fail is taken as monotone in f). The row's neighbour below the chosen value was
 * tried and failed (blind: a value with the same ladder was), or the chosen value is the grid's
 * first; if no value passes, the row has `passed: false` and the grid's last value. Blind
 * bisects only over the first grid value of each ladder (code), since f changes nothing else.
 * @example
 * ```ts
 * import { buildCodeFamily } from "./code_family.ts";
 * import { calibratePoint } from "./calibration_run.ts";
 * const family = buildCodeFamily({ codeLength: 512, motherRates: [0.5, 0.7] }, 1);
 * const options = { codeLength: 512, motherRates: [0.5, 0.7], modulationFraction: 0.1,
 *   hashBits: 64, fSelect: 1.16, blindMaxRounds: 3, decoder: "spa-layered" as const,
 *   nmsAlpha: 0.8, maxIterations: 50, tail: "shorten" as const,
 *   failedBlocks: "discard" as const, leakage: "elkouss" as const };
 * const params = { targetFer: 0.1, frames: 40, confidence: 0.5, qber: [0.03],
 *   fGrid: [1.2, 1.6, 2.0, 2.4], seed: 1 };
 * const row = calibratePoint(family, options, params, "baseline", 0.03);
 * console.assert(row.trials.length >= 2 && row.fSelect >= 1.2);
 * ```
 */
export function calibratePoint(
  family: CodeFamily,
  options: ReconciliationOptions,
  params: CalibrationParams,
  strategy: Strategy,
  q: number,
): CalibrationRow {
  const grid = strategy === "blind"
    ? firstOfEachLadder(family, options, params.fGrid, q)
    : params.fGrid;
  const trials: GridPointResult[] = [];
  let lo = -1, hi = grid.length, best: GridPointResult | null = null;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    const r = runGridPoint(family, options, params, strategy, q, grid[mid]);
    trials.push(r);
    if (r.passed) {
      hi = mid;
      best = r;
    } else lo = mid;
  }
  const chosen = best ?? trials[trials.length - 1];
  return {
    qber: q,
    strategy,
    fSelect: chosen.f,
    efficiency: chosen.efficiency,
    fer: chosen.failures / chosen.frames,
    frames: chosen.frames,
    failures: chosen.failures,
    passed: best !== null,
    trials: trials.map(({ f, frames, failures, passed }) => ({ f, frames, failures, passed })),
  };
}

/** The grid values (ascending) at which the blind ladder's code changes, the first included. */
function firstOfEachLadder(
  family: CodeFamily,
  options: ReconciliationOptions,
  grid: readonly number[],
  q: number,
): number[] {
  const n = family.codeLength;
  const d = modulationSize(n, options.modulationFraction);
  const rates = family.codes.map((c) => c.rate);
  const out: number[] = [];
  let last = -1;
  for (const f of grid) {
    const index = chooseBlindCode(rates, n, d, q, f).codeIndex;
    if (index !== last) out.push(f);
    last = index;
  }
  return out;
}

/** The (QBER, strategy) tasks of a calibration, in row order (QBER-major, baseline first). */
export function calibrationTasks(params: CalibrationParams): { q: number; strategy: Strategy }[] {
  return params.qber.flatMap((q) =>
    (["baseline", "blind"] as const).map((strategy) => ({ q, strategy }))
  );
}
