/**
 * The Phase 3 candidate pool (docs/campaign.md §10.2): `n_candidates` scrambled-Sobol points of the
 * 8-D unit box (a new scramble per iteration, stream `phase3/<k>/pool`), each paired with both
 * strategies and scored by that strategy's GP; candidates failing the pre-filter are dropped;
 * candidates within 1e-6 of a training point of their strategy are excluded; the best
 * candidates are refined locally (two rounds of `refine_samples` uniform points in a box of
 * half-width `refine_radius`, then half of it; the best replaces the candidate).
 * @module
 */
import { campaignRng, type Rng } from "../../kernels/rng.ts";
import { sobolPoints } from "../../kernels/sobol.ts";
import type { GpModel, VarianceMode } from "../../surrogate/gp_model.ts";
import { type ColumnBounds, fromUnitBox } from "../../surrogate/unit_box.ts";
import type { RowPrefilter } from "../prefilter_adapter.ts";
import { GP_INPUT_DIMENSION } from "../surrogate_data.ts";
import { PARAM_INDEX, STORED_WIDTH } from "../../science/parameter_space.ts";
import type { PooledPredictor } from "../workers/scoring_pools.ts";

const D = GP_INPUT_DIMENSION;

/** The stored row (STORED_WIDTH columns) and exact N of a unit-box point for one strategy. */
export function storedRowOf(
  u: ArrayLike<number>,
  blind: boolean,
  bounds: ColumnBounds,
): { row: Float64Array; numPairs: number } {
  const row = new Float64Array(STORED_WIDTH);
  for (let j = 0; j < D; j++) {
    row[j] = bounds.lo[j] + Math.min(1, Math.max(0, u[j])) * (bounds.hi[j] - bounds.lo[j]);
  }
  const numPairs = Math.round(10 ** row[PARAM_INDEX.num_pairs]);
  row[PARAM_INDEX.num_pairs] = Math.log10(numPairs);
  row[PARAM_INDEX.strategy] = blind ? 1 : 0;
  return { row, numPairs };
}

/** A strategy's unit-box candidates after the pre-filter, with their exclusion mask. */
export interface StrategyCandidates {
  /** m×8 row-major unit box. */
  x: Float64Array;
  m: number;
  /** 1 = within 1e-6 of a training point of this strategy. */
  excluded: Uint8Array;
}

/** Pool statistics for the iteration record. */
export interface PoolStats {
  /** Unit-box points drawn. */
  drawn: number;
  /** Points dropped by the pre-filter (counted once per physical point). */
  prefilterDropped: number;
}

/**
 * Draw the pool of iteration `k` and drop infeasible points. The pre-filter is
 * strategy-independent (docs/campaign.md §4), so both strategies share the surviving points.
 */
export function drawCandidatePool(
  campaignSeed: number,
  iteration: number,
  size: number,
  useSobol: boolean,
  bounds: ColumnBounds,
  prefilter: RowPrefilter | null,
): { x: Float64Array; m: number; stats: PoolStats } {
  const rng = campaignRng(campaignSeed, `phase3/${iteration}/pool`);
  const raw = useSobol ? sobolPoints(D, size, 0, rng) : uniformPoints(size, rng);
  if (!prefilter) return { x: raw, m: size, stats: { drawn: size, prefilterDropped: 0 } };
  const kept: number[] = [];
  for (let i = 0; i < size; i++) {
    const u = raw.subarray(i * D, i * D + D);
    const { row, numPairs } = storedRowOf(u, false, bounds);
    if (prefilter(row, numPairs).isFeasible) kept.push(i);
  }
  const x = new Float64Array(kept.length * D);
  kept.forEach((i, k) => x.set(raw.subarray(i * D, i * D + D), k * D));
  return { x, m: kept.length, stats: { drawn: size, prefilterDropped: size - kept.length } };
}

function uniformPoints(n: number, rng: Rng): Float64Array {
  const out = new Float64Array(n * D);
  for (let i = 0; i < out.length; i++) out[i] = rng.nextDouble();
  return out;
}

/** Mark candidates within `tolerance` (unit box, Euclidean) of any training row. */
export function excludeNearTraining(
  x: Float64Array,
  training: Float64Array,
  tolerance = 1e-6,
): Uint8Array {
  const m = x.length / D, n = training.length / D, tol2 = tolerance * tolerance;
  const out = new Uint8Array(m);
  for (let i = 0; i < m; i++) {
    for (let t = 0; t < n; t++) {
      let r2 = 0;
      for (let j = 0; j < D && r2 <= tol2; j++) {
        const diff = x[i * D + j] - training[t * D + j];
        r2 += diff * diff;
      }
      if (r2 <= tol2) {
        out[i] = 1;
        break;
      }
    }
  }
  return out;
}

/** Scores of candidates from a GP's mean and latent σ (the acquisition of the campaign). */
export type CandidateScorer = (
  mean: Float64Array,
  std: Float64Array,
  out: Float64Array,
) => Float64Array;

/**
 * The σ² of candidate scoring: the exact path's (the triangular solve in single precision where
 * the backend has strsm: 1.7× faster, σ² within ≈ 1e-5 relative), else the "local" bound (the
 * smaller of LOVE's σ² and the σ² on the 128 nearest training points: median error 0.10 where
 * LOVE alone is off by 10× on the N = 10,000 benchmark; ≈ 0.5 ms a candidate). Chosen from this
 * thread's backend: a scoring pool runs only where every worker has that backend and its
 * routines (negotiated when the pool starts, lib/campaign/scoring_pools.ts).
 */
export function scoringVariance(gp: GpModel): VarianceMode {
  return gp.state.cholesky ? (gp.la.strsm ? "exact-single" : "exact") : "local";
}

/**
 * Rows per chunk of candidate scoring: small enough that a Phase 3 call (1000–2000 candidates,
 * a few hundred refinement points) spreads over several workers, large enough for BLAS-3 speed.
 */
export const SCORING_CHUNK_ROWS = 256;

/**
 * Latent μ and σ of a GP at unit-box rows ({@link scoringVariance}), in chunks of
 * {@link SCORING_CHUNK_ROWS} rows: on `scorer` (a prediction pool holding the same model,
 * docs/campaign.md §6 `gp_score_chunk`) or on this thread, with the same bits either way.
 */
export async function predictMeanStd(
  gp: GpModel,
  x: Float64Array,
  scorer: PooledPredictor | null = null,
): Promise<{ mean: Float64Array; std: Float64Array }> {
  const options = { variance: scoringVariance(gp), chunkSize: SCORING_CHUNK_ROWS };
  const p = scorer ? await scorer.predict(x, options) : gp.predict(x, options);
  return { mean: p.mean, std: p.variance.map(Math.sqrt) };
}

/**
 * Local refinement in place: for each of the `top` best candidates, two rounds of `samples`
 * uniform points in a box of half-width `radius` (then radius/2) around it, clipped to the unit
 * box and pre-filtered; the best point replaces the candidate if it scores higher.
 * Stream `phase3/<k>/refine/<strategy>`.
 * @returns the number of candidates replaced
 */
export async function refineCandidates(
  x: Float64Array,
  gp: GpModel,
  score: CandidateScorer,
  options: RefineOptions,
): Promise<number> {
  const m = x.length / D;
  if (m === 0 || options.top <= 0 || options.samples <= 0) return 0;
  const { mean, std } = await predictMeanStd(gp, x, options.scorer);
  const a = score(mean, std, new Float64Array(m));
  const order = Array.from({ length: m }, (_, i) => i)
    .filter((i) => !options.excluded[i])
    .sort((i, j) => a[j] - a[i] || i - j)
    .slice(0, options.top);
  let replaced = 0;
  let radius = options.radius;
  for (let round = 0; round < 2; round++, radius /= 2) {
    const local = localSamples(x, order, radius, options);
    const p = await predictMeanStd(gp, local, options.scorer);
    const la = score(p.mean, p.std, new Float64Array(p.mean.length));
    for (let t = 0; t < order.length; t++) {
      const c = order[t];
      const best = bestFeasibleSample(local, la, t, a[c], options);
      if (best >= 0) {
        x.set(local.subarray(best * D, best * D + D), c * D);
        a[c] = la[best];
        replaced++;
      }
    }
  }
  return replaced;
}

/** Options of {@link refineCandidates}. */
export interface RefineOptions {
  /** Prediction pool holding `gp` (null: this thread). */
  scorer?: PooledPredictor | null;
  top: number;
  samples: number;
  radius: number;
  rng: Rng;
  bounds: ColumnBounds;
  blind: boolean;
  prefilter: RowPrefilter | null;
  excluded: Uint8Array;
}

/** `samples` uniform points around each candidate of `order`, clipped to the unit box. */
function localSamples(
  x: Float64Array,
  order: number[],
  radius: number,
  options: RefineOptions,
): Float64Array {
  const local = new Float64Array(order.length * options.samples * D);
  for (let t = 0; t < order.length; t++) {
    const c = order[t];
    for (let s = 0; s < options.samples; s++) {
      for (let j = 0; j < D; j++) {
        const v = x[c * D + j] + radius * (2 * options.rng.nextDouble() - 1);
        local[(t * options.samples + s) * D + j] = Math.min(1, Math.max(0, v));
      }
    }
  }
  return local;
}

/** The index of the best local sample of candidate t scoring above `current` and feasible, or −1. */
function bestFeasibleSample(
  local: Float64Array,
  scores: Float64Array,
  t: number,
  current: number,
  options: RefineOptions,
): number {
  let best = -1, bestValue = current;
  for (let s = 0; s < options.samples; s++) {
    const k = t * options.samples + s;
    if (!(scores[k] > bestValue)) continue;
    if (options.prefilter) {
      const { row, numPairs } = storedRowOf(
        local.subarray(k * D, k * D + D),
        options.blind,
        options.bounds,
      );
      if (!options.prefilter(row, numPairs).isFeasible) continue;
    }
    best = k;
    bestValue = scores[k];
  }
  return best;
}

/** Convert unit-box rows to stored units (for distances in stored units). */
export function toStoredUnits(x: Float64Array, bounds: ColumnBounds): Float64Array {
  return fromUnitBox(x, D, bounds);
}
