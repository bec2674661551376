/**
 * Stages 1–9 of the OT protocol (docs/science.md §5): sampling, commitment, test set and opening,
 * choice bit and index sets, parameter estimation, and the strings X_0, X_1, Y.
 * Internal to ot_protocol.ts.
 * @module
 */
import { applyDetectorError, sampleEprRounds } from "../kernels/link/epr_sampler.ts";
import { stageRng } from "../kernels/rng.ts";
import { pointAnalyticKeyMargin } from "../science/prefilter.ts";
import {
  allocateBobRecord,
  type BobRecord,
  commitBobRecord,
  openingIsConsistent,
} from "./commitment.ts";
import { estimateParameters, type ParameterEstimate, qberForRate } from "./parameter_estimation.ts";
import type { SampleRecord } from "./record.ts";
import {
  isCancelled,
  type SampleState,
  seconds,
  setStringEntropy,
  signedKeyLength,
  stop,
  timeout,
} from "./_sample_state.ts";
import { buildIndexSets, gatherBits, selectTestRounds, testSetSize } from "./sifting.ts";

/** Alice's and Bob's round data. */
export interface Rounds {
  thetaA: Uint8Array;
  a: Uint8Array;
  bob: BobRecord;
}

/** The strings entering reconciliation (docs/science.md §5 step 9). */
export interface OtStrings {
  x0: Uint8Array;
  x1: Uint8Array;
  y: Uint8Array;
  choice: 0 | 1;
  m: number;
  estimate?: ParameterEstimate;
}

/**
 * Optional NSM condition (§4), §5 step 1 (streams `quantum`, `detector`) and step 2 (stream
 * `commit`); step 3 (wait Δt) is recorded in the point and has no simulated effect.
 */
export function sampleAndCommit(state: SampleState): Rounds | SampleRecord {
  const { point, ctx, record } = state;
  const sim = ctx.simulation;
  const d = record.diagnostics;
  const n = state.rounds;
  if (sim.requireCapacityCondition && !(d.capacity_margin > 0)) {
    const margin = pointAnalyticKeyMargin(point, { rule: "project", ...sim });
    const product = (0.5 - d.capacity_margin).toPrecision(6);
    return stop(state, "nsm_condition", `ν·C_N(r_eff) = ${product} ≥ 1/2`, margin, "analytic");
  }
  let t = state.now();
  const thetaA = new Uint8Array(n);
  const a = new Uint8Array(n);
  const bob = allocateBobRecord(n);
  try {
    const { errorZ, errorX, detectorFlipProb } = state.link;
    const quantum = stageRng(ctx.seed, "quantum");
    sampleEprRounds(n, errorZ, errorX, quantum, thetaA, a, bob.thetaB, bob.b);
    applyDetectorError(bob.b, n, detectorFlipProb, stageRng(ctx.seed, "detector"));
  } catch (e) {
    return stop(state, "sampling", e instanceof Error ? e.message : String(e));
  }
  d.t_sampling = seconds(state, t);
  if (isCancelled(state)) return timeout(state);
  t = state.now();
  commitBobRecord(bob, stageRng(ctx.seed, "commit"));
  d.t_commit = seconds(state, t);
  return { thetaA, a, bob };
}

/**
 * §5 steps 4–9: bases revealed, test set over all rounds (stream `test`) and Bob's opening,
 * choice bit (stream `choice`) and index sets, parameter estimation with the abort rule, and
 * the strings.
 */
export function siftAndEstimate(state: SampleState, rounds: Rounds): OtStrings | SampleRecord {
  const { ctx, record } = state;
  const sim = ctx.simulation;
  const d = record.diagnostics;
  const n = state.rounds;
  const { thetaA, a, bob } = rounds;
  const t = state.now();
  const isTest = new Uint8Array(n);
  const testSize = testSetSize(n, state.testFraction);
  const testRounds = selectTestRounds(n, testSize, stageRng(ctx.seed, "test"), isTest);
  d.test_rounds = testRounds.length;
  const revealedThetaB = gatherBits(bob.thetaB, testRounds, new Uint8Array(testRounds.length));
  const revealedB = gatherBits(bob.b, testRounds, new Uint8Array(testRounds.length));
  if (!openingIsConsistent(bob, testRounds, revealedThetaB, revealedB)) {
    return stop(state, "commitment", "test opening does not match the commitment");
  }
  const choice = (stageRng(ctx.seed, "choice").nextUint32() & 1) as 0 | 1;
  d.choice_bit = choice;
  const sets = buildIndexSets(thetaA, bob.thetaB, isTest, choice);
  const m = sets.m;
  d.m = m;
  setStringEntropy(state, testRounds.length, m);
  d.matched_nontest = sets.matchedNonTest;
  record.raw_key_length = m;
  let estimate: ParameterEstimate | undefined;
  if (testRounds.length > 0) {
    estimate = estimateParameters(
      thetaA,
      a,
      bob.thetaB,
      bob.b,
      testRounds,
      m,
      sim.epsilonSec,
      sim.qberHardLimit,
      sim.qberWarnLimit,
    );
    d.test_matched = estimate.testMatched;
    d.q_hat = estimate.qHat;
    d.mu = estimate.mu;
    d.q_adj = estimate.qAdj;
    record.qber_measured = estimate.qHat;
    if (estimate.aborts) {
      d.t_estimation = seconds(state, t);
      return abortAtEstimation(state, estimate, m);
    }
    if (estimate.warns) {
      const q = estimate.qAdj.toFixed(4);
      record.warnings.push(`Q_adj = ${q} exceeds the warning limit ${sim.qberWarnLimit}`);
    }
  }
  const x0 = gatherBits(a, sets.i0, new Uint8Array(m));
  const x1 = gatherBits(a, sets.i1, new Uint8Array(m));
  const y = gatherBits(bob.b, choice === 0 ? sets.i0 : sets.i1, new Uint8Array(m));
  d.qber_true = m > 0 ? countDifferences(choice === 0 ? x0 : x1, y) / m : NaN;
  d.t_estimation = seconds(state, t);
  if (isCancelled(state)) return timeout(state);
  return { x0, x1, y, choice, m, estimate };
}

function countDifferences(x: Uint8Array, y: Uint8Array): number {
  let c = 0;
  for (let i = 0; i < x.length; i++) c += x[i] ^ y[i];
  return c;
}

/**
 * Abort at parameter estimation (docs/science.md §8.1): projected key margin with m_v = m and the
 * leakage of the baseline rate selected from Q̂; NaN if t = 0.
 */
function abortAtEstimation(
  state: SampleState,
  estimate: ParameterEstimate,
  m: number,
): SampleRecord {
  const sim = state.ctx.simulation;
  if (estimate.testMatched === 0) {
    return stop(state, "parameter_estimation", "no matched test round (t = 0)", NaN, "projected");
  }
  const qRate = qberForRate(sim.qberForRate, estimate.qHat, estimate.testMatched, estimate.mu);
  const leak = state.ctx.reconciler.plannedLeakage(m, qRate, "baseline");
  const lRaw = signedKeyLength(state, m, leak);
  state.record.diagnostics.l_raw = lRaw;
  const why = `Q_adj = ${estimate.qAdj.toFixed(4)} > ${sim.qberHardLimit} ` +
    `(Q̂ = ${estimate.qHat.toFixed(4)}, t = ${estimate.testMatched})`;
  return stop(state, "parameter_estimation", why, lRaw / state.point.numPairs, "projected");
}
