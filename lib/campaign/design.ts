/**
 * The Phase 1 design stream (docs/campaign.md §3): unit-cube points from a scrambled Sobol' sequence
 * (or batched scrambled LHS), mapped through the marginals of the campaign bounds to the 9 stored
 * columns of docs/science.md §1.1, and assigned sample ids and strategies (paired or alternate).
 * Design point j and sample id i are pure functions of (campaign seed, j / i): resume and
 * sharding never store the design.
 * @module
 */
import { campaignRng, type Rng } from "../kernels/rng.ts";
import { InvalidArgumentError } from "../errors.ts";
import { createSobolSequence, type SobolSequence } from "../kernels/sobol.ts";
import {
  CONTINUOUS_WIDTH,
  PARAM_INDEX,
  type ParameterBounds,
  STORED_WIDTH,
  storedBox,
} from "../science/parameter_space.ts";

/** Campaign bounds as in the YAML (docs/campaign.md §2.1): the parameter table's `bounds` keys. */
export type DesignBounds = ParameterBounds;

export type DesignMethod = "sobol" | "lhs_batch";
export type StrategyMode = "paired" | "alternate";
export type FidelityMarginal = "beta21" | "uniform";

/** Options of the design (config `phase1.design`, `phase1.strategy_ratio`, `phase1.batch_size`). */
export interface DesignOptions {
  campaignSeed: number;
  bounds: DesignBounds;
  method: DesignMethod;
  strategy: StrategyMode;
  fidelityMarginal: FidelityMarginal;
  /** Fraction of blind samples in `alternate` mode (0.5 → id mod 2). */
  strategyRatio: number;
  /** LHS batch size (`lhs_batch` only). */
  batchSize: number;
  /** Campaign stream of the scramble (default "design"; the Phase 3 holdout uses "holdout"). */
  stream?: string;
}

/** One design sample: its id, design index, the 9 stored columns and the exact N. */
export interface DesignSample {
  sampleId: number;
  designIndex: number;
  /** Stored columns of docs/science.md §1.1; column 8 is 0 (baseline) or 1 (blind). */
  row: Float64Array;
  numPairs: number;
}

/** Golden-ratio conjugate φ = (√5 − 1)/2. */
export const GOLDEN_RATIO_CONJUGATE = (Math.sqrt(5) - 1) / 2;

/**
 * Map a unit point u ∈ [0,1)^8 to the 8 continuous stored columns (docs/campaign.md §3 "Marginals"):
 * lo + u(hi − lo) in the stored box of the bounds (lib/science/parameter_space.ts: log10 for log
 * parameters, ν from log10 of its linear bounds); F by `beta21` (lo + √u (hi − lo), inverse CDF
 * of Beta(2,1)) or `uniform`; N = round(10^(lo + u(hi − lo))), stored as log10 N.
 * @returns exact N; the continuous columns written into `out`
 */
export function applyMarginals(
  u: ArrayLike<number>,
  bounds: DesignBounds,
  fidelityMarginal: FidelityMarginal,
  out: Float64Array,
): number {
  const { lo, hi } = storedBox(bounds);
  for (let j = 0; j < CONTINUOUS_WIDTH; j++) out[j] = lo[j] + u[j] * (hi[j] - lo[j]);
  const f = PARAM_INDEX.channel_fidelity, n = PARAM_INDEX.num_pairs;
  if (fidelityMarginal === "beta21") out[f] = lo[f] + Math.sqrt(u[f]) * (hi[f] - lo[f]);
  const numPairs = Math.round(10 ** out[n]);
  out[n] = Math.log10(numPairs);
  return numPairs;
}

/** Whether id `sampleId` is blind in `alternate` mode: id mod 2 at ratio ½, else frac(id·φ) < ratio. */
export function isBlindAlternate(sampleId: number, strategyRatio: number): boolean {
  if (strategyRatio === 0.5) return sampleId % 2 === 1;
  const x = sampleId * GOLDEN_RATIO_CONJUGATE;
  return x - Math.floor(x) < strategyRatio;
}

/**
 * One batch of an independent scrambled LHS in `d` dimensions: in each dimension a random
 * permutation of the `n` strata and a uniform position inside each stratum.
 * Draw order: per dimension, Fisher–Yates (`nextBelow`) then n `nextDouble()`.
 * @returns n×d row-major points in [0, 1)
 */
export function lhsBatch(n: number, d: number, rng: Rng): Float64Array {
  const out = new Float64Array(n * d);
  const perm = new Int32Array(n);
  for (let k = 0; k < d; k++) {
    for (let i = 0; i < n; i++) perm[i] = i;
    for (let i = n - 1; i > 0; i--) {
      const j = rng.nextBelow(i + 1);
      const t = perm[i];
      perm[i] = perm[j];
      perm[j] = t;
    }
    for (let i = 0; i < n; i++) out[i * d + k] = (perm[i] + rng.nextDouble()) / n;
  }
  return out;
}

/** A Phase 1 design: random access by sample id. */
export interface Phase1Design {
  readonly options: DesignOptions;
  /** Unit point of design index `j` (8 dims). */
  unitPoint(j: number): Float64Array;
  /** The design sample of id `sampleId`. */
  sample(sampleId: number): DesignSample;
  /** JSON for the group attribute `design_json`. */
  describe(): string;
}

/**
 * Create the design of docs/campaign.md §3. Scrambling comes from `campaignRng(seed, "design")`;
 * LHS batch b from `campaignRng(seed, "design/lhs/<b>")`.
 * @example
 * ```ts
 * import { createPhase1Design } from "./design.ts";
 * const b = { storage_noise_r: { min: 0, max: 1 }, storage_rate_nu: { min: 0.001, max: 1 },
 *   wait_time_ns: { min_log: 5, max_log: 9 }, channel_fidelity: { min: 0.501, max: 1 },
 *   detection_efficiency: { min_log: -3, max_log: 0 }, detector_error: { min: 0, max: 0.1 },
 *   dark_count_prob: { min_log: -8, max_log: -3 }, num_pairs: { min_log: 4, max_log: 6 } };
 * const d = createPhase1Design({ campaignSeed: 42, bounds: b, method: "sobol", strategy: "paired",
 *   fidelityMarginal: "beta21", strategyRatio: 0.5, batchSize: 5 });
 * console.assert(d.sample(0).row[8] === 0 && d.sample(1).row[8] === 1);
 * ```
 */
export function createPhase1Design(options: DesignOptions): Phase1Design {
  checkDesignOptions(options);
  const unitPoint = unitPointSource(options);
  return {
    options,
    unitPoint,
    sample: (sampleId) => designSample(options, unitPoint, sampleId),
    describe: () => describeDesign(options),
  };
}

/** @throws InvalidArgumentError naming the config key of a strategy ratio or batch out of range */
function checkDesignOptions({ method, batchSize, strategyRatio }: DesignOptions): void {
  if (!(strategyRatio >= 0 && strategyRatio <= 1)) {
    throw new InvalidArgumentError("phase1.strategy_ratio", strategyRatio, "must be in [0, 1]");
  }
  if (method === "lhs_batch" && !(Number.isInteger(batchSize) && batchSize >= 1)) {
    throw new InvalidArgumentError("phase1.batch_size", batchSize, "must be a positive integer");
  }
}

/**
 * Design index → point of the unit cube: the `j`-th scrambled Sobol point, or point `j mod b` of
 * LHS batch `⌊j/b⌋` (each batch its own stream; the last batch drawn is kept).
 */
function unitPointSource(options: DesignOptions): (j: number) => Float64Array {
  const { method, batchSize, campaignSeed } = options;
  const stream = options.stream ?? "design";
  const d = CONTINUOUS_WIDTH;
  let sobol: SobolSequence | undefined;
  let cachedBatch = -1;
  let cachedPoints: Float64Array = new Float64Array(0);
  return (j) => {
    if (method === "sobol") {
      sobol ??= createSobolSequence(d, campaignRng(campaignSeed, stream));
      return sobol.point(j, new Float64Array(d));
    }
    const b = Math.floor(j / batchSize);
    if (b !== cachedBatch) {
      cachedPoints = lhsBatch(batchSize, d, campaignRng(campaignSeed, `${stream}/lhs/${b}`));
      cachedBatch = b;
    }
    const i = j - b * batchSize;
    return cachedPoints.slice(i * d, (i + 1) * d);
  };
}

/** The stored row of `sampleId`: its design point, marginals applied, and its strategy. */
function designSample(
  options: DesignOptions,
  unitPoint: (j: number) => Float64Array,
  sampleId: number,
): DesignSample {
  if (!Number.isSafeInteger(sampleId) || sampleId < 0) {
    throw new InvalidArgumentError("sampleId", sampleId, "must be a non-negative integer");
  }
  const paired = options.strategy === "paired";
  const designIndex = paired ? Math.floor(sampleId / 2) : sampleId;
  const blind = paired ? sampleId % 2 === 1 : isBlindAlternate(sampleId, options.strategyRatio);
  const row = new Float64Array(STORED_WIDTH);
  const point = unitPoint(designIndex);
  const numPairs = applyMarginals(point, options.bounds, options.fidelityMarginal, row);
  row[PARAM_INDEX.strategy] = blind ? 1 : 0;
  return { sampleId, designIndex, row, numPairs };
}

/** The design as the JSON stored in the group's `design_json` attribute. */
function describeDesign(options: DesignOptions): string {
  const { method, campaignSeed } = options;
  return JSON.stringify({
    method,
    strategy: options.strategy,
    fidelity_marginal: options.fidelityMarginal,
    strategy_ratio: options.strategyRatio,
    batch_size: method === "lhs_batch" ? options.batchSize : undefined,
    scramble_stream: `campaignRng(${campaignSeed}, "${options.stream ?? "design"}")`,
    campaign_seed: campaignSeed,
  });
}
