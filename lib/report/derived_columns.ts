/**
 * Derived per-row columns of post-processing (docs/campaign.md §12.1): decoded parameters, strategy
 * name, success flag, model QBER (Q_exp of docs/science.md §3.6, or Caligo's E1 with
 * `tables.qber_source: erven`), measured QBER, fibre distance, Caligo's theoretical efficiency and
 * the efficiency gap.
 * @module
 */
import { qberErven } from "../kernels/link/analytic.ts";
import { expectedQber, LINK_MODEL_NAMES, type LinkModelName } from "../kernels/link/link_model.ts";
import { binaryEntropy } from "../science/entropy.ts";
import { EPSILON_SEC, QBER_HARD_LIMIT } from "../science/constants.ts";
import { PARAM_INDEX as P } from "../science/parameter_space.ts";
import { type CampaignData, type GroupData } from "../io/store/schema.ts";
import { INPUT_WIDTH, type ReportGroup } from "./campaign_data.ts";

/** How the model-QBER column is computed. */
export interface QberModelOptions {
  /** "model" (default): Q_exp of the link; "erven": Caligo's additive E1. */
  qberSource?: "model" | "erven";
  /** Link model of the campaign (default heralded-double-click). */
  linkModel?: LinkModelName;
  /** β of the heralded link (default 0). */
  bellCorrectionFailure?: number;
  /** "caligo" disables the detector stage in Q_exp (default "physical"). */
  detectorErrorMode?: "physical" | "caligo";
}

/** Rows of one or more groups with the derived columns of docs/campaign.md §12.1. */
export interface DerivedRows {
  n: number;
  group: ReportGroup[];
  sampleId: Float64Array;
  iteration: Int32Array;
  /** n×9 stored inputs. */
  inputs: Float64Array;
  isBlind: Uint8Array;
  storageNoiseR: Float64Array;
  channelFidelity: Float64Array;
  /** η, linear. */
  detectionEfficiency: Float64Array;
  detectorError: Float64Array;
  /** p_d, linear. */
  darkCountProb: Float64Array;
  /** Exact N. */
  numPairs: Float64Array;
  /** y = net_efficiency. */
  netEfficiency: Float64Array;
  finalKeyLength: Float64Array;
  keyMargin: Float64Array;
  outcomes: string[];
  isSuccess: Uint8Array;
  /** Model QBER (§12.1 `qber`). */
  qber: Float64Array;
  /** Measured QBER (output `qber_measured`), NaN where unavailable. */
  qberMeasured: Float64Array;
  distanceKm: Float64Array;
  theoreticalEff: Float64Array;
  /** theoretical_eff − y. */
  effGap: Float64Array;
}

/**
 * Model QBER at a physical point: Q_exp of the configured link (docs/science.md §3.6), or Caligo's E1
 * when `qberSource` is "erven".
 * @example
 * ```ts
 * import { modelQber } from "./derived_columns.ts";
 * const q = modelQber(0.99, 1, 0.01, 1e-9, {});
 * console.assert(Math.abs(q - 0.022980) < 5e-7);
 * ```
 */
export function modelQber(
  channelFidelity: number,
  detectionEfficiency: number,
  detectorError: number,
  darkCountProb: number,
  options: QberModelOptions,
): number {
  if (options.qberSource === "erven") {
    return qberErven(channelFidelity, detectorError, detectionEfficiency, darkCountProb);
  }
  return expectedQber(options.linkModel ?? "heralded-double-click", {
    channelFidelity,
    detectionEfficiency,
    detectorError,
    darkCountProb,
    bellCorrectionFailure: options.bellCorrectionFailure ?? 0,
    detectorErrorMode: options.detectorErrorMode ?? "physical",
  });
}

/**
 * Fibre distance in km equivalent to η at 0.2 dB/km with η0 = 0.8: −10·log10(η/0.8)/0.2; 0 if
 * η > 0.8 or η ≤ 0 (docs/campaign.md §12.1).
 * @example
 * ```ts
 * import { distanceKm } from "./derived_columns.ts";
 * console.assert(Math.abs(distanceKm(0.08) - 50) < 1e-12);
 * ```
 */
export function distanceKm(detectionEfficiency: number): number {
  if (!(detectionEfficiency > 0) || detectionEfficiency > 0.8) return 0;
  return Math.max(0, -10 * Math.log10(detectionEfficiency / 0.8) / 0.2);
}

/**
 * Caligo's theoretical efficiency (docs/campaign.md §12.1): 0 if q ≥ 0.22; else k = max(1, ⌊0.1·N⌋),
 * n = N − k, μ = sqrt(((n+k)/(n·k))·((k+1)/k)·ln(4/1e-10)), 1 − 2·h(q + μ) clipped to [0, 1]
 * (0 if q + μ ≥ 0.5).
 * @param qber model QBER
 * @param numPairs N
 * @example
 * ```ts
 * import { theoreticalEfficiency } from "./derived_columns.ts";
 * console.assert(theoreticalEfficiency(0.25, 1e6) === 0);
 * ```
 */
export function theoreticalEfficiency(qber: number, numPairs: number): number {
  if (!(qber < QBER_HARD_LIMIT)) return 0;
  const k = Math.max(1, Math.floor(0.1 * numPairs));
  const n = numPairs - k;
  if (!(n > 0)) return 0;
  const mu = Math.sqrt(((n + k) / (n * k)) * ((k + 1) / k) * Math.log(4 / EPSILON_SEC));
  const q = qber + mu;
  if (q >= 0.5) return 0;
  return Math.min(1, Math.max(0, 1 - 2 * binaryEntropy(q)));
}

/** QBER-model options from the store's root attributes and the table config. */
export function qberOptionsFrom(
  attributes: Record<string, string | number>,
  qberSource: "model" | "erven",
): QberModelOptions {
  const link = String(attributes["link_model"] ?? "");
  const linkModel = (LINK_MODEL_NAMES as readonly string[]).includes(link)
    ? link as LinkModelName
    : "heralded-double-click";
  return { qberSource, linkModel };
}

/** Zeroed derived columns for `n` rows. */
function allocateDerivedRows(n: number): DerivedRows {
  const f = () => new Float64Array(n);
  return {
    n,
    group: [],
    sampleId: f(),
    iteration: new Int32Array(n),
    inputs: new Float64Array(n * INPUT_WIDTH),
    isBlind: new Uint8Array(n),
    storageNoiseR: f(),
    channelFidelity: f(),
    detectionEfficiency: f(),
    detectorError: f(),
    darkCountProb: f(),
    numPairs: f(),
    netEfficiency: f(),
    finalKeyLength: f(),
    keyMargin: f(),
    outcomes: [],
    isSuccess: new Uint8Array(n),
    qber: f(),
    qberMeasured: f(),
    distanceKm: f(),
    theoreticalEff: f(),
    effGap: f(),
  };
}

/**
 * Derived columns of the rows of `groups` (default: all groups except holdout), in group order.
 * The model QBER uses the stored diagnostic `q_expected` when finite and `qberSource` is "model",
 * else it is recomputed from the inputs.
 */
export function deriveRows(
  data: CampaignData,
  options: QberModelOptions,
  groups: readonly ReportGroup[] = ["lhs_warmup", "active_learning"],
): DerivedRows {
  const parts: [ReportGroup, GroupData][] = groups.map((g) => [g, data.groups[g]]);
  const n = parts.reduce((s, [, g]) => s + g.n, 0);
  const out = allocateDerivedRows(n);
  let i = 0;
  for (const [name, g] of parts) {
    const qCol = g.diagnosticColumns.indexOf("q_expected");
    const dw = g.diagnosticColumns.length;
    for (let j = 0; j < g.n; j++, i++) {
      const x = g.inputs.subarray(j * INPUT_WIDTH, (j + 1) * INPUT_WIDTH);
      out.inputs.set(x, i * INPUT_WIDTH);
      out.group.push(name);
      out.sampleId[i] = g.sampleId[j];
      out.iteration[i] = g.iteration[j];
      out.isBlind[i] = x[P.strategy] >= 0.5 ? 1 : 0;
      out.storageNoiseR[i] = x[P.storage_noise_r];
      out.channelFidelity[i] = x[P.channel_fidelity];
      out.detectionEfficiency[i] = 10 ** x[P.detection_efficiency];
      out.detectorError[i] = x[P.detector_error];
      out.darkCountProb[i] = 10 ** x[P.dark_count_prob];
      const nPairs = g.numPairs[j];
      out.numPairs[i] = Number.isFinite(nPairs) && nPairs > 0
        ? nPairs
        : Math.round(10 ** x[P.num_pairs]);
      const y = g.outputs[j * 6];
      out.netEfficiency[i] = y;
      out.finalKeyLength[i] = g.outputs[j * 6 + 2];
      out.qberMeasured[i] = g.outputs[j * 6 + 3];
      out.keyMargin[i] = g.keyMargin[j];
      out.outcomes.push(g.outcomes[j]);
      out.isSuccess[i] = g.outcomes[j] === "success" ? 1 : 0;
      const stored = qCol >= 0 && dw > 0 ? g.diagnostics[j * dw + qCol] : NaN;
      const q = options.qberSource !== "erven" && Number.isFinite(stored) ? stored : modelQber(
        out.channelFidelity[i],
        out.detectionEfficiency[i],
        out.detectorError[i],
        out.darkCountProb[i],
        options,
      );
      out.qber[i] = q;
      out.distanceKm[i] = distanceKm(out.detectionEfficiency[i]);
      out.theoreticalEff[i] = theoreticalEfficiency(q, out.numPairs[i]);
      out.effGap[i] = out.theoreticalEff[i] - y;
    }
  }
  return out;
}
