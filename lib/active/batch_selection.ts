/**
 * Batch selection of q points from scored candidate pools (docs/campaign.md §10.3). The pools may
 * belong to different GPs (the baseline and blind strategies are a true categorical: each
 * candidate is scored by its own strategy's GP and a pick conditions only that GP).
 *
 * - `kriging_believer`: pick the argmax, add it as a fantasy observation with value μ (θ fixed),
 *   so μ is unchanged and only σ shrinks (the pool's `condition`), re-score, repeat.
 * - `local_penalization`: a(x)·Π_j (1 − exp(−d_ℓ(x, x_j)²/2)) with the ARD-scaled distance.
 * - `caligo_diverse` (parity): argmax of a + w·d_min, d_min the Euclidean distance in stored
 *   units to the nearest selected point (Caligo's rule, kept for comparisons).
 * Deterministic: ties go to the lowest (pool, candidate) index.
 * @module
 */
import { InvalidArgumentError } from "../errors.ts";

/** Batch methods (docs/campaign.md §10.3). */
export type BatchMethod = "kriging_believer" | "local_penalization" | "caligo_diverse";

/** One pool of candidates scored by one GP. */
export interface CandidatePool {
  /** Candidates, m×d row-major, in the unit box. */
  x: Float64Array;
  /** Dimension d. */
  d: number;
  /** Posterior mean at the candidates (target units), length m. */
  mean: Float64Array;
  /** Latent posterior standard deviation (target units), length m; updated by `condition`. */
  std: Float64Array;
  /**
   * Kriging-believer update after candidate `index` of THIS pool was picked: shrink `std` in
   * place to the posterior with the fantasy observation added (θ fixed, μ unchanged).
   */
  condition?(index: number): void;
  /** ARD length scales ℓ (unit-box units) for local penalisation, length d. */
  lengthScales?: Float64Array;
  /** Per-candidate factor to convert unit-box coordinates into stored units (caligo_diverse). */
  storedScale?: Float64Array;
  /** Candidates that may not be picked (1 = excluded), length m. */
  excluded?: Uint8Array;
  /** This pool's own acquisition (e.g. EI with the strategy's incumbent); default: the shared one. */
  score?: Scorer;
}

/** A picked candidate. */
export interface BatchPick {
  pool: number;
  index: number;
  /** Acquisition value when picked (after the earlier picks' updates). */
  acquisition: number;
  mean: number;
  std: number;
}

/** Scores a pool's (mean, std) into `out`. */
export type Scorer = (mean: Float64Array, std: Float64Array, out: Float64Array) => Float64Array;

/** Options of {@link selectBatch}. */
export interface BatchOptions {
  method: BatchMethod;
  /** Batch size q ≥ 1. */
  q: number;
  /** w of caligo_diverse (0.1). */
  diversityWeight?: number;
}

/**
 * Select up to q candidates over all pools. Returns fewer when the pools run out.
 * @example
 * ```ts
 * import { selectBatch } from "./batch_selection.ts";
 * const pool = { x: new Float64Array([0, 1]), d: 1, mean: new Float64Array([0, 0]),
 *   std: new Float64Array([1, 2]) };
 * const picks = selectBatch([pool], (m, s, out) => out.set(s) ?? out, { method: "kriging_believer", q: 1 });
 * console.assert(picks[0].index === 1);
 * ```
 */
export function selectBatch(
  pools: CandidatePool[],
  score: Scorer,
  options: BatchOptions,
): BatchPick[] {
  if (!(Number.isInteger(options.q) && options.q >= 1)) {
    throw new InvalidArgumentError("q", options.q, "must be an integer ≥ 1");
  }
  const scores = pools.map((p) => new Float64Array(p.mean.length));
  const taken = pools.map((p) =>
    p.excluded ? Uint8Array.from(p.excluded) : new Uint8Array(p.mean.length)
  );
  const penalty = pools.map((p) => new Float64Array(p.mean.length).fill(1));
  const picks: BatchPick[] = [];
  const pickedStored: { pool: number; index: number }[] = [];
  for (let step = 0; step < options.q; step++) {
    let bestPool = -1, bestIndex = -1, bestValue = -Infinity;
    for (let p = 0; p < pools.length; p++) {
      const pool = pools[p];
      (pool.score ?? score)(pool.mean, pool.std, scores[p]);
      for (let i = 0; i < pool.mean.length; i++) {
        if (taken[p][i]) continue;
        let value = scores[p][i];
        if (options.method === "local_penalization") {
          value = penalisedValue(value, penalty[p][i]);
        } else if (options.method === "caligo_diverse" && pickedStored.length > 0) {
          value += (options.diversityWeight ?? 0.1) * minStoredDistance(pools, p, i, pickedStored);
        }
        if (value > bestValue || (bestIndex < 0 && !Number.isNaN(value))) {
          bestValue = value;
          bestPool = p;
          bestIndex = i;
        }
      }
    }
    if (bestIndex < 0) break;
    const pool = pools[bestPool];
    picks.push({
      pool: bestPool,
      index: bestIndex,
      acquisition: bestValue,
      mean: pool.mean[bestIndex],
      std: pool.std[bestIndex],
    });
    markNear(pool, bestIndex, taken[bestPool]);
    pickedStored.push({ pool: bestPool, index: bestIndex });
    if (options.method === "kriging_believer") {
      if (!pool.condition) {
        throw new InvalidArgumentError("pool.condition", undefined, "kriging_believer needs it");
      }
      pool.condition(bestIndex);
    } else if (options.method === "local_penalization") {
      updatePenalty(pool, bestIndex, penalty[bestPool]);
    }
  }
  return picks;
}

/**
 * Take the pick and every candidate of its pool within {@link DUPLICATE_TOLERANCE} of it
 * (docs/campaign.md §10.2): a repeated candidate keeps a finite straddle score after the fantasy
 * update (σ → 0, |μ − t| small) and could otherwise be picked twice.
 */
function markNear(pool: CandidatePool, pick: number, taken: Uint8Array): void {
  const { x, d } = pool, tol2 = DUPLICATE_TOLERANCE * DUPLICATE_TOLERANCE;
  for (let i = 0; i < taken.length; i++) {
    if (taken[i]) continue;
    let r2 = 0;
    for (let j = 0; j < d && r2 <= tol2; j++) {
      const diff = x[i * d + j] - x[pick * d + j];
      r2 += diff * diff;
    }
    if (r2 <= tol2) taken[i] = 1;
  }
}

/** Candidates closer than this (unit box, Euclidean) to a selected point are not picked. */
export const DUPLICATE_TOLERANCE = 1e-6;

/** Penalised acquisition: the product form needs a(x) ≥ 0, so shift negative values. */
function penalisedValue(value: number, penalty: number): number {
  return value >= 0 ? value * penalty : value / Math.max(penalty, 1e-300);
}

function updatePenalty(pool: CandidatePool, pick: number, penalty: Float64Array): void {
  const { x, d } = pool;
  const ell = pool.lengthScales;
  for (let i = 0; i < pool.mean.length; i++) {
    let r2 = 0;
    for (let j = 0; j < d; j++) {
      const diff = (x[i * d + j] - x[pick * d + j]) / (ell ? ell[j] : 1);
      r2 += diff * diff;
    }
    penalty[i] *= 1 - Math.exp(-r2 / 2);
  }
}

function minStoredDistance(
  pools: CandidatePool[],
  p: number,
  i: number,
  picked: { pool: number; index: number }[],
): number {
  const a = pools[p];
  let best = Infinity;
  for (const { pool, index } of picked) {
    const b = pools[pool];
    let r2 = 0;
    for (let j = 0; j < a.d; j++) {
      const sa = a.storedScale ? a.storedScale[j] : 1, sb = b.storedScale ? b.storedScale[j] : 1;
      const diff = a.x[i * a.d + j] * sa - b.x[index * b.d + j] * sb;
      r2 += diff * diff;
    }
    best = Math.min(best, Math.sqrt(r2));
  }
  return best;
}
