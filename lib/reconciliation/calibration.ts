/**
 * Calibration of the rate choice of both strategies (docs/science.md §9.6, §9.7, §9.10): per QBER grid
 * point and strategy, the smallest factor f on a grid (step ≤ 0.02) whose frames reach
 * FER ≤ target with stated confidence.
 *
 * * Baseline: f is f_sel of R* = 1 − f_sel(q)·h(q) (code and (p, s) as in §9.3/§9.6).
 * * Blind: f is the ladder's start factor f_blind, replacing §9.7's fixed 1.1 in
 *   R*(q0) = 1 − f_blind(q0)·h(q0): the code is the largest R0 whose range contains R*, round 1
 *   punctures all d positions, Δ = ⌈d/(t_max − 1)⌉ reveals per round, the last round shortens
 *   all of D. The FER that must stay ≤ target is the ladder's residual FER after t_max rounds; the
 *   smallest passing f_blind is the ladder with the least leakage (the highest mother rate).
 *
 * Each row also records the efficiency achieved: baseline (m_c − p)/(K·h(q)) at the chosen rate,
 * blind the mean over verified frames of (m_c − p_end)/(K·h(q)) (§9.10 with the nominal q).
 *
 * A calibration is keyed by everything that changes its result ({@link CalibrationKey}: code
 * length, rates, construction, a hash of the codes, decoder, modulation, t_max and the grids);
 * its id is `cal-n<n>-<first 12 hex of SHA-256(key)>`, and `sha256` hashes id, key and rows so a
 * edited or truncated file is detected. Pure: file I/O lives in lib/io/code_cache.ts.
 * @module
 */
import { InvalidArgumentError } from "../errors.ts";
import { sha256, toHex } from "../kernels/sha256.ts";
import { decoderFamily, type DecoderName } from "../kernels/ldpc/decoder_registry.ts";
import { codeAlgorithm, type CodeFamily } from "./code_family.ts";
import type { ReconciliationOptions, Strategy } from "./types.ts";

/** Version of the calibration procedure; part of the key. */
export const CALIBRATION_VERSION = "calibration/2";

/** Parameters of a calibration run that are not reconciliation options. */
export interface CalibrationParams {
  /** Target frame-error rate (0.01). */
  targetFer: number;
  /** Frames per grid point (1000). */
  frames: number;
  /** One-sided confidence of the FER ≤ target statement (0.95; see {@link maxPassingFailures}). */
  confidence: number;
  /** Ascending QBER grid. */
  qber: number[];
  /** Ascending f grid (step ≤ 0.02). */
  fGrid: number[];
  /** Seed of the frame streams. */
  seed: number;
}

/** QBER grid of the default calibration (see {@link defaultCalibrationParams}). */
// deno-fmt-ignore
const DEFAULT_QBER_GRID = [
  0.005, 0.0075, 0.01, 0.0125, 0.015, 0.0175, 0.02, 0.025, 0.03, 0.035, 0.04, 0.045, 0.05, 0.055,
  0.06, 0.065, 0.0725, 0.08, 0.095, 0.11,
] as const;

/**
 * Default parameters: QBER 0.5–11 % (steps of 0.25 % up to 2 %, 0.5 % up to 6.5 %: between grid
 * points the rate choice takes the larger neighbour's f, which at n = 16384 over-charged 0.30 at
 * 0.75 % and 0.10 at 1.5 % on the former 9-point grid, and under-charged one f step at 5.75 %;
 * docs/performance.md), f 1.00–3.00 step 0.02, 1000 frames at 95 % confidence (a grid point
 * passes with ≤ 4 failures in 1000 frames: the one-sided 95 % Clopper–Pearson upper bound on its
 * FER is then ≤ 1e-2; a code with FER 2e-2 passes with probability 3e-4).
 */
export function defaultCalibrationParams(): CalibrationParams {
  return {
    targetFer: 0.01,
    frames: 1000,
    confidence: 0.95,
    qber: [...DEFAULT_QBER_GRID],
    fGrid: Array.from({ length: 101 }, (_, i) => Math.round(100 + 2 * i) / 100),
    seed: 1,
  };
}

/** Everything a calibration's result depends on. */
export interface CalibrationKey {
  version: string;
  codeLength: number;
  motherRates: number[];
  /** Construction algorithm and version of the codes (e.g. `ace-peg-v1`). */
  codeAlgorithm: string;
  /** SHA-256 over the codes' ids and arrays. */
  codesSha256: string;
  /** Decoder family (`nms-simd` calibrates as `nms-layered`, `spa-simd` as `spa-layered`). */
  decoder: DecoderName;
  /** α of normalized min-sum, null for the sum-product decoders. */
  nmsAlpha: number | null;
  maxIterations: number;
  modulationFraction: number;
  blindMaxRounds: number;
  params: CalibrationParams;
}

/** One tried grid point. */
export interface CalibrationTrial {
  f: number;
  frames: number;
  failures: number;
  passed: boolean;
}

/** Result at one QBER and strategy. */
export interface CalibrationRow {
  qber: number;
  strategy: Strategy;
  /** Chosen factor: f_sel (baseline) or f_blind (blind); the largest grid value if none passed. */
  fSelect: number;
  /** f actually achieved at the chosen factor (see the module doc). */
  efficiency: number;
  /** failures/frames at the chosen factor. */
  fer: number;
  frames: number;
  failures: number;
  /** Whether a grid value passed (false: the family cannot reach the target at this QBER). */
  passed: boolean;
  /** Every grid point the bisection tried, in order. */
  trials: CalibrationTrial[];
}

/** A calibration of one code family, decoder and modulation. */
export interface ReconciliationCalibration {
  format: "caligo-ts-calibration/1";
  id: string;
  key: CalibrationKey;
  /** Rows, QBER-major, baseline before blind. */
  rows: CalibrationRow[];
  /** SHA-256 (hex) of id, key and rows. */
  sha256: string;
}

/** SHA-256 (hex) over the ids and CSR/puncturing arrays of a family's codes. */
export function codesSha256(family: CodeFamily): string {
  const parts: Uint8Array[] = [];
  const enc = new TextEncoder();
  for (const c of family.codes) {
    parts.push(enc.encode(c.id));
    for (const a of [c.matrix.rowPtr, c.matrix.colIdx, c.puncturingOrder]) {
      parts.push(new Uint8Array(a.buffer, a.byteOffset, a.byteLength));
    }
  }
  let total = 0;
  for (const p of parts) total += p.length;
  const all = new Uint8Array(total);
  for (let i = 0, o = 0; i < parts.length; o += parts[i].length, i++) all.set(parts[i], o);
  return toHex(sha256(all));
}

/** The key of a calibration of `family` under `options` and `params`. */
export function calibrationKey(
  family: CodeFamily,
  options: Pick<
    ReconciliationOptions,
    "decoder" | "nmsAlpha" | "maxIterations" | "modulationFraction" | "blindMaxRounds"
  >,
  params: CalibrationParams,
): CalibrationKey {
  const decoder = decoderFamily(options.decoder);
  return {
    version: CALIBRATION_VERSION,
    codeLength: family.codeLength,
    motherRates: family.codes.map((c) => c.rate),
    codeAlgorithm: codeAlgorithm(family.codeLength, family.family),
    codesSha256: codesSha256(family),
    decoder,
    nmsAlpha: decoder === "nms-layered" ? options.nmsAlpha : null,
    maxIterations: options.maxIterations,
    modulationFraction: options.modulationFraction,
    blindMaxRounds: options.blindMaxRounds,
    params: structuredClone(params),
  };
}

/** Id of a calibration: `cal-n<n>-<12 hex of SHA-256(JSON key)>`; also its file name stem. */
export function calibrationId(key: CalibrationKey): string {
  return `cal-n${key.codeLength}-${toHex(sha256(JSON.stringify(key))).slice(0, 12)}`;
}

function contentHash(id: string, key: CalibrationKey, rows: CalibrationRow[]): string {
  return toHex(sha256(JSON.stringify({ id, key, rows })));
}

/** Assemble a calibration (id and content hash computed). */
export function makeCalibration(
  key: CalibrationKey,
  rows: CalibrationRow[],
): ReconciliationCalibration {
  const id = calibrationId(key);
  return { format: "caligo-ts-calibration/1", id, key, rows, sha256: contentHash(id, key, rows) };
}

/**
 * Check a parsed calibration against the key it must have: format, id = id(key), stored key equal
 * to `expected`, content hash, and one row per (QBER, strategy) of the grid.
 * @returns a reason when it does not match, else null
 */
export function calibrationMismatch(
  c: ReconciliationCalibration,
  expected: CalibrationKey,
): string | null {
  if (c === null || typeof c !== "object" || c.format !== "caligo-ts-calibration/1") {
    return "not a caligo-ts-calibration/1 document";
  }
  if (!Array.isArray(c.rows)) return "rows missing";
  if (c.sha256 !== contentHash(c.id, c.key, c.rows)) {
    return "content SHA-256 differs (file edited or truncated)";
  }
  if (JSON.stringify(c.key) !== JSON.stringify(expected)) {
    return "made for other codes, decoder or settings (key differs)";
  }
  if (c.id !== calibrationId(expected)) return `id ${c.id} differs from ${calibrationId(expected)}`;
  for (const strategy of ["baseline", "blind"] as const) {
    const rows = c.rows.filter((r) => r.strategy === strategy).map((r) => r.qber);
    if (JSON.stringify(rows) !== JSON.stringify(expected.params.qber)) {
      return `${strategy} rows do not cover the QBER grid`;
    }
  }
  return null;
}

/**
 * Whether a calibration applies to reconciliation options (same length, rates, decoder family,
 * iterations, α, modulation and t_max); used to refuse a calibration attached to the wrong family.
 */
export function calibrationApplies(
  key: CalibrationKey,
  o: ReconciliationOptions,
): boolean {
  const decoder = decoderFamily(o.decoder);
  return key.codeLength === o.codeLength &&
    JSON.stringify(key.motherRates) === JSON.stringify([...o.motherRates].sort((a, b) => a - b)) &&
    key.decoder === decoder && key.maxIterations === o.maxIterations &&
    (decoder !== "nms-layered" || key.nmsAlpha === o.nmsAlpha) &&
    key.modulationFraction === o.modulationFraction && key.blindMaxRounds === o.blindMaxRounds;
}

/**
 * Calibrated factor of `strategy` at QBER q: between two grid points the larger of their values
 * (the needed f falls with q, so this errs towards a lower FER), clamped to the end values
 * outside the grid.
 * @example
 * ```ts
 * import { calibratedFactor, type CalibrationRow } from "./calibration.ts";
 * const row = (qber: number, fSelect: number) => ({ qber, strategy: "baseline" as const, fSelect,
 *   efficiency: fSelect, fer: 0, frames: 1000, failures: 0, passed: true, trials: [] });
 * const rows: CalibrationRow[] = [row(0.02, 1.3), row(0.04, 1.2)];
 * console.assert(calibratedFactor(rows, "baseline", 0.03) === 1.3);
 * console.assert(calibratedFactor(rows, "baseline", 0.5) === 1.2);
 * ```
 */
export function calibratedFactor(
  rows: readonly CalibrationRow[],
  strategy: Strategy,
  q: number,
): number {
  const own = rows.filter((r) => r.strategy === strategy);
  if (own.length === 0) {
    throw new InvalidArgumentError("calibration.rows", strategy, "has no rows of this strategy");
  }
  if (q <= own[0].qber) return own[0].fSelect;
  const last = own[own.length - 1];
  if (q >= last.qber) return last.fSelect;
  let i = 1;
  while (own[i].qber < q) i++;
  return own[i].qber === q ? own[i].fSelect : Math.max(own[i - 1].fSelect, own[i].fSelect);
}

/**
 * Largest failure count k out of `frames` for which FER ≤ `targetFer` holds at one-sided
 * `confidence` (Clopper–Pearson: P(Bin(frames, targetFer) ≤ k) ≤ 1 − confidence); −1 if even
 * zero failures are not enough (frames too few).
 * @example
 * ```ts
 * import { maxPassingFailures } from "./calibration.ts";
 * console.assert(maxPassingFailures(1000, 0.01, 0.95) === 4);
 * console.assert(maxPassingFailures(200, 0.01, 0.95) === -1);
 * ```
 */
export function maxPassingFailures(frames: number, targetFer: number, confidence: number): number {
  const alpha = 1 - confidence;
  // Binomial pmf by recurrence in log space (frames ≤ 10⁶).
  let logPmf = frames * Math.log1p(-targetFer), cdf = 0, k = -1;
  for (let i = 0; i <= frames; i++) {
    cdf += Math.exp(logPmf);
    if (cdf > alpha) break;
    k = i;
    logPmf += Math.log((frames - i) / (i + 1)) + Math.log(targetFer / (1 - targetFer));
  }
  return k;
}
