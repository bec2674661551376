/**
 * One point of the 9-D parameter space (docs/science.md §1.1): validated, immutable, and encoded to
 * or decoded from the 9-column stored row (r, log10 ν, log10 Δt, F, log10 η, e_det, log10 p_d,
 * log10 N, strategy) with the exact integer N kept beside it.
 * @module
 */
import { InvalidArgumentError } from "../errors.ts";
import type { Strategy } from "../reconciliation/types.ts";
import {
  CONTINUOUS_PARAMETERS,
  PARAM_INDEX,
  type ParameterField,
  STORED_WIDTH,
  STRATEGY_FIELD,
  toPhysical,
  toStored,
} from "../science/parameter_space.ts";

/**
 * Parameter names (the `simulate --point` fields), in the stored-column order of docs/science.md
 * §1.1: the table of lib/science/parameter_space.ts, then the strategy.
 */
export const PARAMETER_COLUMNS = [
  ...CONTINUOUS_PARAMETERS.map((p) => p.field),
  STRATEGY_FIELD,
] as const;
export type ParameterColumn = ParameterField | typeof STRATEGY_FIELD;

/** A validated, frozen parameter point. Units: Δt in ns; probabilities per round. */
export interface ParameterPoint {
  /** r ∈ [0, 1]: probability the adversary's stored qubit survives. */
  readonly storageNoiseR: number;
  /** ν ∈ (0, 1]: fraction of transmitted qubits the adversary can store. */
  readonly storageRateNu: number;
  /** Δt ∈ [1e5, 1e11] ns. */
  readonly waitTimeNs: number;
  /** F ∈ (0.5, 1]. */
  readonly channelFidelity: number;
  /** η ∈ (0, 1]. */
  readonly detectionEfficiency: number;
  /** e_det ∈ [0, 0.1]. */
  readonly detectorError: number;
  /** p_d ∈ [1e-9, 1e-3] per detector per time window. */
  readonly darkCountProb: number;
  /** N ∈ [1e4, 1e9], an integer (and ≤ max_pairs). */
  readonly numPairs: number;
  readonly strategy: Strategy;
}

/** Validation options. */
export interface ParameterPointOptions {
  /** Memory guard N ≤ max_pairs (default 1e7, docs/science.md §1.1). */
  maxPairs?: number;
}

/** Default memory guard on N (docs/science.md §1.1). */
export const DEFAULT_MAX_PAIRS = 1e7;

/**
 * Validate and freeze a parameter point (docs/science.md §1.1 ranges).
 * @throws InvalidArgumentError whose `argument` is the snake_case parameter name
 * @example
 * ```ts
 * import { createParameterPoint } from "./parameter_point.ts";
 * const p = createParameterPoint({
 *   storageNoiseR: 0.3, storageRateNu: 1, waitTimeNs: 1e6, channelFidelity: 0.99,
 *   detectionEfficiency: 0.5, detectorError: 0.01, darkCountProb: 1e-6, numPairs: 1e5,
 *   strategy: "baseline",
 * });
 * console.assert(Object.isFrozen(p));
 * ```
 */
export function createParameterPoint(
  fields: ParameterPoint,
  options: ParameterPointOptions = {},
): ParameterPoint {
  const maxPairs = options.maxPairs ?? DEFAULT_MAX_PAIRS;
  check("storage_noise_r", fields.storageNoiseR, (v) => v >= 0 && v <= 1, "must lie in [0, 1]");
  check("storage_rate_nu", fields.storageRateNu, (v) => v > 0 && v <= 1, "must lie in (0, 1]");
  check(
    "wait_time_ns",
    fields.waitTimeNs,
    (v) => v >= 1e5 && v <= 1e11,
    "must lie in [1e5, 1e11] ns",
  );
  check(
    "channel_fidelity",
    fields.channelFidelity,
    (v) => v > 0.5 && v <= 1,
    "must lie in (0.5, 1]",
  );
  check(
    "detection_efficiency",
    fields.detectionEfficiency,
    (v) => v > 0 && v <= 1,
    "must lie in (0, 1]",
  );
  check("detector_error", fields.detectorError, (v) => v >= 0 && v <= 0.1, "must lie in [0, 0.1]");
  check(
    "dark_count_prob",
    fields.darkCountProb,
    (v) => v >= 1e-9 && v <= 1e-3,
    "must lie in [1e-9, 1e-3]",
  );
  check(
    "num_pairs",
    fields.numPairs,
    (v) => Number.isInteger(v) && v >= 1e4 && v <= 1e9,
    "must be an integer in [1e4, 1e9]",
  );
  if (fields.numPairs > maxPairs) {
    throw new InvalidArgumentError(
      "num_pairs",
      fields.numPairs,
      `exceeds max_pairs = ${maxPairs} (memory guard; raise simulation.max_pairs)`,
    );
  }
  if (fields.strategy !== "baseline" && fields.strategy !== "blind") {
    throw new InvalidArgumentError("strategy", fields.strategy, 'must be "baseline" or "blind"');
  }
  return Object.freeze({
    storageNoiseR: fields.storageNoiseR,
    storageRateNu: fields.storageRateNu,
    waitTimeNs: fields.waitTimeNs,
    channelFidelity: fields.channelFidelity,
    detectionEfficiency: fields.detectionEfficiency,
    detectorError: fields.detectorError,
    darkCountProb: fields.darkCountProb,
    numPairs: fields.numPairs,
    strategy: fields.strategy,
  });
}

function check(
  name: ParameterColumn,
  value: unknown,
  ok: (v: number) => boolean,
  reason: string,
): void {
  if (typeof value !== "number" || Number.isNaN(value) || !ok(value)) {
    throw new InvalidArgumentError(name, value, reason);
  }
}

/**
 * Encode a point to its 9-column stored row (docs/science.md §1.1 transforms).
 * @returns Float64Array(9): r, log10 ν, log10 Δt, F, log10 η, e_det, log10 p_d, log10 N, 0|1
 * @example
 * ```ts
 * import { createParameterPoint, encodePoint } from "./parameter_point.ts";
 * const row = encodePoint(createParameterPoint({
 *   storageNoiseR: 0.3, storageRateNu: 1, waitTimeNs: 1e6, channelFidelity: 0.99,
 *   detectionEfficiency: 0.5, detectorError: 0.01, darkCountProb: 1e-6, numPairs: 1e5,
 *   strategy: "blind",
 * }));
 * console.assert(row.length === 9 && row[0] === 0.3 && row[7] === 5 && row[8] === 1);
 * ```
 */
export function encodePoint(point: ParameterPoint): Float64Array {
  const row = new Float64Array(STORED_WIDTH);
  CONTINUOUS_PARAMETERS.forEach((spec, j) => {
    row[j] = toStored(spec, point[pointKey(spec.field)]);
  });
  row[PARAM_INDEX.strategy] = point.strategy === "blind" ? 1 : 0;
  return row;
}

/** The {@link ParameterPoint} key of a field: "wait_time_ns" → "waitTimeNs". */
function pointKey(field: ParameterField): Exclude<keyof ParameterPoint, "strategy"> {
  return field.replace(/_(\w)/g, (_, c: string) => c.toUpperCase()) as Exclude<
    keyof ParameterPoint,
    "strategy"
  >;
}

/**
 * Decode a stored row (docs/science.md §1.1): ν, Δt, η, p_d = 10^x; N = the exact integer column
 * `numPairs` when given, else round(10^x) of the `log10_num_pairs` column; strategy = blind iff its
 * column is ≥ 0.5. The result is
 * validated like {@link createParameterPoint}.
 * @param row 9 stored values
 * @param numPairs exact int64 column `num_pairs` (wins over the `log10_num_pairs` column)
 * @example
 * ```ts
 * import { decodeRow } from "./parameter_point.ts";
 * const p = decodeRow([0.3, 0, 6, 0.99, -0.3, 0.01, -6, 6, 0], 1000001);
 * console.assert(p.numPairs === 1000001 && p.strategy === "baseline");
 * ```
 */
export function decodeRow(
  row: ArrayLike<number>,
  numPairs?: number | bigint,
  options: ParameterPointOptions = {},
): ParameterPoint {
  if (row?.length !== STORED_WIDTH) {
    throw new InvalidArgumentError("row", row.length, `must have ${STORED_WIDTH} columns`);
  }
  const fields: Record<string, number> = {};
  CONTINUOUS_PARAMETERS.forEach((spec, j) => {
    const range = SNAPPED_RANGES[spec.field];
    const value = toPhysical(spec, row[j]);
    fields[pointKey(spec.field)] = range ? snap(value, range[0], range[1]) : value;
  });
  const storedN = row[PARAM_INDEX.num_pairs];
  fields.numPairs = numPairs === undefined ? Math.round(10 ** storedN) : Number(numPairs);
  return createParameterPoint({
    ...(fields as unknown as Omit<ParameterPoint, "strategy">),
    strategy: row[PARAM_INDEX.strategy] >= 0.5 ? "blind" : "baseline",
  }, options);
}

/** Physical ranges of the log-stored parameters that {@link snap} keeps 10^x inside (N is rounded). */
const SNAPPED_RANGES: Partial<Record<ParameterField, readonly [number, number]>> = {
  storage_rate_nu: [0, 1],
  wait_time_ns: [1e5, 1e11],
  detection_efficiency: [0, 1],
  dark_count_prob: [1e-9, 1e-3],
};

/** 10^x round-off can step a boundary value just outside its range: snap within 1e-12 relative. */
function snap(v: number, lo: number, hi: number): number {
  if (v > hi && v <= hi * (1 + 1e-12)) return hi;
  if (v < lo && v >= lo * (1 - 1e-12)) return lo;
  return v;
}
