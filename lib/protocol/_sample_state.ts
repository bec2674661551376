/**
 * Shared state of one protocol run (internal to ot_protocol.ts and its stage files): the
 * point, the context, the record being filled, the clock, and derived physics.
 * @module
 */
import { createLinkModel, type LinkModel } from "../kernels/link/link_model.ts";
import { capacityMargin } from "../science/bounds.ts";
import { abortKeyMargin, cliffMargin, qberWallDistance } from "../science/cliff_margin.ts";
import { type KeyModel, keyModelOf } from "../science/key_model.ts";
import { pointEffectiveR, pointSource, prefilterMargin } from "../science/prefilter.ts";
import { sampleBinomial } from "../kernels/binomial.ts";
import { stageRng } from "../kernels/rng.ts";
import type { ToeplitzFftWorkspace } from "../kernels/toeplitz_fft.ts";
import type { ParameterPoint } from "./parameter_point.ts";
import type { OtReconciler } from "./reconciler.ts";
import type { AbortStage, KeyMarginKind, SampleRecord } from "./record.ts";
import { finishRecord, setKeyMargin, startRecord } from "./sample_record_builder.ts";
import type { SimulationOptions } from "./simulation_options.ts";

/** Inputs of `runOtProtocol` besides the point. */
export interface ProtocolContext {
  /** Per-sample seed (docs/science.md §2). */
  seed: bigint;
  simulation: SimulationOptions;
  reconciler: OtReconciler;
  /** Cooperative cancel flag: element 0 non-zero → stop with stage `timeout`. */
  cancel?: Int32Array;
  /** Clock in ms (e.g. performance.now); timings are NaN without it. */
  now?: () => number;
  /** Privacy-amplification FFT plan and buffers, kept across samples (one per worker). */
  hashWorkspace?: ToeplitzFftWorkspace;
}

/** Per-run state shared by the stages. */
export interface SampleState {
  point: ParameterPoint;
  ctx: ProtocolContext;
  record: SampleRecord;
  now: () => number;
  /** Clock reading at the start, ms. */
  start: number;
  link: LinkModel;
  /** r_eff (docs/science.md §4). */
  rEff: number;
  /** The configured key model (docs/science.md §8). */
  keyModel: KeyModel;
  /**
   * Secure bits per verified round under the key model (h_bs(r_eff, ν) for `project`); for a
   * model whose N counts pairs sent (erven2014) NaN until {@link setStringEntropy} has run.
   */
  entropyRate: number;
  /**
   * Rounds the protocol runs on: N when N counts detected pairs, else the detected rounds drawn
   * from Binomial(N, 1 − P^h_{B,no click}) (stream `detection`, docs/science.md §8.6).
   */
  rounds: number;
  /** τ of the point's strategy. */
  testFraction: number;
}

const noClock = () => NaN;

/** Evaluate the link model and the per-point diagnostics (docs/science.md §3, §4, §12). */
export function initialState(point: ParameterPoint, ctx: ProtocolContext): SampleState {
  const now = ctx.now ?? noClock;
  const record = startRecord(ctx.seed);
  const start = now();
  const sim = ctx.simulation;
  const link = createLinkModel(sim.linkModel, {
    channelFidelity: point.channelFidelity,
    detectionEfficiency: point.detectionEfficiency,
    detectorError: point.detectorError,
    darkCountProb: point.darkCountProb,
    bellCorrectionFailure: sim.bellCorrectionFailure,
    detectorErrorMode: sim.detectorError,
  });
  const rEff = pointEffectiveR(point, sim.storageDecoherence);
  const keyModel = keyModelOf(sim.keyModel);
  const isSent = keyModel.numPairsConvention === "pairs sent";
  const entropyRate = isSent ? NaN : keyModel.entropyRate(rEff, point.storageRateNu);
  const rounds = isSent
    ? sampleBinomial(
      point.numPairs,
      keyModel.detectionProb(pointSource(point, sim.sourceMeanPairs)),
      stageRng(ctx.seed, "detection"),
    )
    : point.numPairs;
  const d = record.diagnostics;
  d.r_eff = rEff;
  d.capacity_margin = capacityMargin(rEff, point.storageRateNu);
  d.q_expected = link.expectedQber;
  d.prefilter_margin = prefilterMargin(rEff, point.storageRateNu, link.expectedQber);
  d.herald_success_prob = link.heraldSuccessProb;
  d.expected_attempts = point.numPairs / link.heraldSuccessProb;
  const testFraction = point.strategy === "blind" ? sim.blindTestFraction : sim.testFraction;
  return {
    point,
    ctx,
    record,
    now,
    start,
    link,
    rEff,
    keyModel,
    entropyRate,
    rounds,
    testFraction,
  };
}

/**
 * Once the test set and the strings are drawn: the entropy rate of a model whose N counts pairs
 * sent (docs/science.md §8.6), from the test share t/rounds and the string length m. No-op otherwise.
 */
export function setStringEntropy(state: SampleState, testRounds: number, stringBits: number): void {
  if (state.keyModel.numPairsConvention !== "pairs sent") return;
  const sim = state.ctx.simulation;
  state.entropyRate = state.keyModel.entropyRate(state.rEff, state.point.storageRateNu, {
    numPairs: state.point.numPairs,
    keyShare: state.rounds > 0 ? 1 - testRounds / state.rounds : 0,
    stringBits,
    epsilonSec: sim.epsilonSec,
    source: pointSource(state.point, sim.sourceMeanPairs),
  });
}

/** Seconds since a clock reading `since` (ms). */
export function seconds(state: SampleState, since: number): number {
  return (state.now() - since) / 1000;
}

/** Stamp t_total and execution_time_seconds. */
export function finalize(state: SampleState, record: SampleRecord): SampleRecord {
  record.diagnostics.t_total = seconds(state, state.start);
  record.execution_time_seconds = record.diagnostics.t_total;
  return record;
}

/**
 * End the run at `stage` with the unclamped margin l_raw/N (NaN, kind `none` unless given): the
 * stored key_margin is min(margin, 0) and cliff_margin follows docs/science.md §8.5.
 */
export function stop(
  state: SampleState,
  stage: AbortStage,
  message: string,
  margin = NaN,
  kind: KeyMarginKind = "none",
): SampleRecord {
  setKeyMargin(state.record, abortKeyMargin(margin), kind);
  setCliffMargin(state, margin, false);
  return finalize(state, finishRecord(state.record, stage, message));
}

/** Record cliff_margin (docs/science.md §8.5) from the unclamped margin and the measured Q_adj. */
export function setCliffMargin(state: SampleState, margin: number, success: boolean): void {
  const d = state.record.diagnostics;
  const distance = qberWallDistance(d.q_adj, state.ctx.simulation.qberHardLimit);
  d.cliff_margin = cliffMargin(margin, distance, success);
}

/** Has the caller asked to stop? */
export function isCancelled(state: SampleState): boolean {
  const cancel = state.ctx.cancel;
  return cancel !== undefined && Atomics.load(cancel, 0) !== 0;
}

/** Stop with stage `timeout`. */
export function timeout(state: SampleState): SampleRecord {
  return stop(state, "timeout", "cancelled");
}

/**
 * Signed per-string key length l_raw under the configured key model (docs/science.md §8.1; §8.2
 * K1 with n_rec = 2·m_v, leak = 2·leak_b, h = h_min(r_eff), |I0_v| = |I1_v| = m_v; §8.6 Erven
 * Eq. 8 with the measured leakage).
 */
export function signedKeyLength(
  state: SampleState,
  verifiedBits: number,
  leakPerString: number,
): number {
  const eps = state.ctx.simulation.epsilonSec;
  return state.keyModel.keyLength(verifiedBits, leakPerString, state.entropyRate, eps);
}
