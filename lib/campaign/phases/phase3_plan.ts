/**
 * The plan of a Phase-3 iteration k (docs/campaign.md §10.1–§10.2): a candidate pool (scrambled
 * Sobol' or random, pre-filtered), refined and scored by each strategy's own GP with the
 * acquisition of the settings, a batch of q picked across both strategies (Kriging believer,
 * local penalisation, Caligo's diversity rule or tIMSE), and the plan rows that fix the batch
 * before it is simulated. Every stream is keyed on k.
 * @module
 */
import type { Logger } from "../../io/log.ts";
import { campaignRng, sampleSeed } from "../../kernels/rng.ts";
import { sobolPoints } from "../../kernels/sobol.ts";
import { closestToThreshold, scoreAcquisition } from "../../active/acquisition.ts";
import { type BatchPick, type CandidatePool, selectBatch } from "../../active/batch_selection.ts";
import { selectBatchTimse } from "../../active/targeted_variance_reduction.ts";
import type { GpModel } from "../../surrogate/gp_model.ts";
import { KrigingBeliever } from "../../surrogate/kriging_believer.ts";
import { STRATEGIES, type Strategy, type TwinLandscape } from "../../surrogate/twin_landscape.ts";
import type { RowPrefilter } from "../prefilter_adapter.ts";
import type { SimulateTask } from "../sample_rows.ts";
import type { ScoringPools } from "../workers/scoring_pools.ts";
import type { Phase2Settings, Phase3Settings } from "../settings.ts";
import type { ColumnBounds } from "../../surrogate/unit_box.ts";
import { GP_INPUT_DIMENSION } from "../surrogate_data.ts";
import {
  type CandidateScorer,
  drawCandidatePool,
  excludeNearTraining,
  predictMeanStd,
  refineCandidates,
  storedRowOf,
} from "./phase3_candidates.ts";
import { phase3SampleId, PLAN_COLUMNS, PLAN_INDEX, planRowInputs } from "./phase3_records.ts";
import { PARAM_INDEX } from "../../science/parameter_space.ts";
import type { RowBook } from "./phase3_row_book.ts";

const D = GP_INPUT_DIMENSION;

/** What planning reads besides the model and the rows. */
export interface PlanContext {
  settings: Phase3Settings;
  surrogate: Phase2Settings;
  prefilter: RowPrefilter | null;
  log: Logger;
}

/** The plan of one iteration and what its record reports of it. */
export interface IterationPlan {
  picks: BatchPick[];
  /** Plan rows (PLAN_COLUMNS), one per pick. */
  rows: Float64Array;
  poolSize: number;
  prefilterDropped: number;
  refined: number;
  /** performance.now() when the batch selection began (t_predict | t_select). */
  selectStart: number;
}

/** The candidates, the picks and the plan rows of iteration k (scored on `scorers` if given). */
export async function planIteration(
  o: PlanContext,
  twin: TwinLandscape,
  book: RowBook,
  k: number,
  bounds: ColumnBounds,
  scorers: ScoringPools | null,
): Promise<IterationPlan> {
  const acq = o.settings.acquisition, q = o.settings.batchSize;
  const size = acq.candidates > 0 ? acq.candidates : Math.max(1000, 100 * q);
  const prefilter = acq.prefilterCandidates ? o.prefilter : null;
  const drawn = drawCandidatePool(o.settings.seed, k, size, acq.useSobol, bounds, prefilter);
  const pools: CandidatePool[] = [];
  const poolStrategy: Strategy[] = [];
  let refined = 0;
  for (const strategy of STRATEGIES) {
    if (!twin.isFitted(strategy)) continue;
    const candidates = await candidatePoolOf(o, twin.model(strategy), strategy, {
      x: drawn.x.slice(),
      book,
      k,
      bounds,
      scorers,
    });
    refined += candidates.refined;
    pools.push(candidates.pool);
    poolStrategy.push(strategy);
  }
  const selectStart = performance.now();
  const picks = selectPicks(o, twin, pools, poolStrategy, k);
  return {
    picks,
    rows: planRowsOf(picks, pools, poolStrategy, k, bounds),
    poolSize: drawn.stats.drawn,
    prefilterDropped: drawn.stats.prefilterDropped,
    refined,
    selectStart,
  };
}

/**
 * One strategy's candidate pool: its copy `x` of the drawn candidates, refined near the best
 * scores, with the GP's mean and σ, the candidates too near its training rows excluded, and with
 * the Kriging believer the update of σ after each pick.
 */
async function candidatePoolOf(
  o: PlanContext,
  gp: GpModel,
  strategy: Strategy,
  c: {
    x: Float64Array;
    book: RowBook;
    k: number;
    bounds: ColumnBounds;
    scorers: ScoringPools | null;
  },
): Promise<{ pool: CandidatePool; refined: number }> {
  const acq = o.settings.acquisition, { x, bounds } = c;
  const training = c.book.training(strategy, o.surrogate);
  const score = acquisitionScorer(o, gp, training.y);
  const excluded = excludeNearTraining(x, training.x);
  const scorer = c.scorers?.get(strategy) ?? null;
  const refined = await refineCandidates(x, gp, score, {
    scorer,
    top: acq.refineTop > 0 ? acq.refineTop : 2 * o.settings.batchSize,
    samples: acq.refineSamples,
    radius: acq.refineRadius,
    rng: campaignRng(o.settings.seed, `phase3/${c.k}/refine/${strategy}`),
    bounds,
    blind: strategy === "blind",
    prefilter: acq.prefilterCandidates ? o.prefilter : null,
    excluded,
  });
  const { mean, std } = await predictMeanStd(gp, x, scorer);
  const pool: CandidatePool = {
    x,
    d: D,
    mean,
    std,
    excluded,
    lengthScales: gp.hyperparameters.lengthScales,
    storedScale: Float64Array.from({ length: D }, (_, j) => bounds.hi[j] - bounds.lo[j]),
  };
  if (o.settings.batchMethod === "kriging_believer" && gp.state.cholesky) {
    const kb = new KrigingBeliever(gp, x);
    const s2 = gp.state.yStd ** 2;
    pool.condition = (index) => {
      kb.conditionOnPick(index);
      for (let i = 0; i < std.length; i++) std[i] = Math.sqrt(kb.latentVariance[i] * s2);
    };
  }
  pool.score = score;
  return { pool, refined };
}

/**
 * The acquisition of the settings for one strategy's GP. It sees the latent σ, or with
 * `phase2.gp.predictive_noise` the predictive σ (latent + σ_n², Caligo's convention); the
 * Kriging-believer updates stay on the latent σ. EI's incumbent is the strategy's own.
 */
function acquisitionScorer(o: PlanContext, gp: GpModel, y: Float64Array): CandidateScorer {
  const acq = o.settings.acquisition, threshold = acq.threshold;
  const noiseVariance = o.surrogate.gp.predictiveNoise
    ? gp.hyperparameters.noiseVariance * gp.state.yStd ** 2
    : 0;
  const incumbent = closestToThreshold(y, threshold);
  return (m, s, out) =>
    scoreAcquisition(
      acq.type,
      m,
      noiseVariance > 0 ? s.map((v) => Math.sqrt(v * v + noiseVariance)) : s,
      { kappa: acq.kappa, threshold, xi: acq.xi, incumbent },
      out,
    );
}

/** The batch of q over both pools; the exact-path methods fall back to local penalisation. */
function selectPicks(
  o: PlanContext,
  twin: TwinLandscape,
  pools: CandidatePool[],
  poolStrategy: Strategy[],
  k: number,
): BatchPick[] {
  const q = o.settings.batchSize, threshold = o.settings.acquisition.threshold;
  let method = o.settings.batchMethod;
  const exact = pools.every((_, i) => twin.model(poolStrategy[i]).state.cholesky !== null);
  if ((method === "kriging_believer" || method === "timse") && !exact) {
    o.log.warn(`phase 3: ${method} needs the exact GP path; using local penalisation`);
    method = "local_penalization";
  }
  if (method === "timse") {
    return selectTimseAcrossStrategies(o, twin, pools, poolStrategy, k, q, threshold);
  }
  // Each pool carries its own scorer (EI's incumbent is per strategy); the shared one is unused.
  return selectBatch(pools, (_m, _s, out) => out, {
    method,
    q,
    diversityWeight: o.settings.diversityWeight,
  });
}

/** The plan rows of the picks: id, iteration, stored inputs, acquisition, μ, σ, strategy. */
function planRowsOf(
  picks: BatchPick[],
  pools: CandidatePool[],
  poolStrategy: Strategy[],
  k: number,
  bounds: ColumnBounds,
): Float64Array {
  const rows = new Float64Array(picks.length * PLAN_COLUMNS.length);
  picks.forEach((pick, j) => {
    const strategy = poolStrategy[pick.pool];
    const u = pools[pick.pool].x.subarray(pick.index * D, pick.index * D + D);
    const { row } = storedRowOf(u, strategy === "blind", bounds);
    const r = rows.subarray(j * PLAN_COLUMNS.length, (j + 1) * PLAN_COLUMNS.length);
    r[PLAN_INDEX.sample_id] = phase3SampleId(k, j);
    r[PLAN_INDEX.iteration] = k;
    planRowInputs(r).set(row);
    r[PLAN_INDEX.acquisition] = pick.acquisition;
    r[PLAN_INDEX.mu] = pick.mean;
    r[PLAN_INDEX.sigma] = pick.std;
    r[PLAN_INDEX.strategy_gp] = strategy === "blind" ? 1 : 0;
  });
  return rows;
}

/**
 * tIMSE batches (lib/active/targeted_variance_reduction.ts) for each strategy's GP over a shared
 * reference set (stream `phase3/<k>/reference`), merged greedily by score: the strategies are
 * separate GPs, so a pick of one leaves the other's scores unchanged and the merged sequence is
 * the sequential greedy choice over both.
 */
function selectTimseAcrossStrategies(
  o: PlanContext,
  twin: TwinLandscape,
  pools: CandidatePool[],
  poolStrategy: Strategy[],
  k: number,
  q: number,
  threshold: number,
): BatchPick[] {
  const reference = sobolPoints(
    D,
    TIMSE_REFERENCE_SIZE,
    0,
    campaignRng(o.settings.seed, `phase3/${k}/reference`),
  );
  const perPool = pools.map((pool, i) =>
    selectBatchTimse(twin.model(poolStrategy[i]), pool.x, reference, {
      q,
      threshold,
      excluded: pool.excluded,
      widthFactor: 1.5,
    })
  );
  const next = perPool.map(() => 0);
  const picks: BatchPick[] = [];
  while (picks.length < q) {
    let best = -1;
    for (let p = 0; p < perPool.length; p++) {
      const cand = perPool[p][next[p]];
      if (cand && (best < 0 || cand.score > perPool[best][next[best]].score)) best = p;
    }
    if (best < 0) break;
    const pick = perPool[best][next[best]++];
    picks.push({
      pool: best,
      index: pick.index,
      acquisition: pick.score,
      mean: pick.mean,
      std: pick.std,
    });
  }
  return picks;
}

/** Reference points of the tIMSE criterion per iteration. */
const TIMSE_REFERENCE_SIZE = 2048;

/** Simulation tasks of plan rows (ids, stored inputs, exact N = round(10^log10_num_pairs)). */
export function tasksFromPlan(plan: Float64Array, seed: number): SimulateTask[] {
  const c = PLAN_COLUMNS.length, tasks: SimulateTask[] = [];
  for (let i = 0; i < plan.length / c; i++) {
    const r = plan.subarray(i * c, (i + 1) * c);
    const row = Float64Array.from(planRowInputs(r));
    tasks.push({
      sampleId: r[PLAN_INDEX.sample_id],
      phase: "phase3",
      iteration: r[PLAN_INDEX.iteration],
      row,
      numPairs: Math.round(10 ** row[PARAM_INDEX.num_pairs]),
      seed: sampleSeed(seed, "phase3", r[PLAN_INDEX.sample_id]),
    });
  }
  return tasks;
}
