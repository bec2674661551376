/**
 * The cliff map for scripts (mod.ts `openCliffMap`): the campaign's final surrogate
 * (`surrogate_final/`, else `surrogate/`) as a function of points in physical units with the
 * field names of `simulate --point`, returning per point the posterior mean, the exact latent σ
 * and P(secure) = Φ((μ − t)/σ) of the key margin, and whether the campaign's analytic pre-filter
 * rules the point out (then P(secure) = 0: the maps grey such points, docs/campaign.md §9.1). The explorer of report.html computes the same
 * mean from the same model (agreement to 1e-9 relative is tested). The result names the key
 * model (the store's root attribute `key_model`) and what num_pairs counts under it (detected
 * pairs for project and caligo, pairs sent for erven2014).
 * @module
 */
import { InvalidArgumentError } from "../errors.ts";
import type { Linalg } from "../kernels/linalg/linalg.ts";
import { tsLinalg } from "../kernels/linalg/ts_linalg.ts";
import { loadSurrogate } from "../io/surrogate_store.ts";
import {
  CONTINUOUS_PARAMETERS,
  numPairsConvention,
  numPairsConventionText,
  toPhysical,
  toStored,
} from "../science/parameter_space.ts";
import { CONTINUOUS_WIDTH } from "./campaign_data.ts";
import { STORE_FILE } from "./load_campaign_data.ts";
import { readRootAttributes } from "../io/store/reader.ts";
import { MODEL_DIRS } from "./load_surrogate_predictor.ts";
import type { StrategyName } from "./surrogate_predictor.ts";
import type { TwinLandscape } from "../surrogate/twin_landscape.ts";
import { prefilterVerdict, type RuledOutTest } from "./prefilter_verdict.ts";
import { resolveReportConfig } from "./report_config.ts";

/** A point as `simulate --point` spells it (physical units; N in detected pairs). */
export interface CliffMapPoint {
  storage_noise_r: number;
  storage_rate_nu: number;
  wait_time_ns: number;
  channel_fidelity: number;
  detection_efficiency: number;
  detector_error: number;
  dark_count_prob: number;
  num_pairs: number;
  strategy: StrategyName;
}

/** The key margin at one point (bits per detected pair). */
export interface CliffMapValue {
  /** Posterior mean μ. */
  mean: number;
  /** Exact latent posterior σ (without the noise σ_n). */
  sd: number;
  /** Φ((μ − t)/σ) (Abramowitz & Stegun 7.1.26, |error| < 1.5e-7); 0 where ruled out. */
  pSecure: number;
  /**
   * The campaign's analytic pre-filter rules the point out: no key there, whatever μ says (the
   * surrogate is not trained there and extrapolates).
   */
  ruledOut: boolean;
}

/** What {@link CliffMap.predict} returns. */
export interface CliffMapResult {
  /** One value per input point, in order. */
  values: CliffMapValue[];
  /** Key model of the campaign (store attribute `key_model`). */
  keyModel: string;
  /** What num_pairs counts under the campaign's key model. */
  numPairs: "detected pairs" | "pairs sent";
  /** The surrogate's target (e.g. "cliff_margin"), in bits per pair. */
  target: string;
  /** Decision threshold t (secure: μ > t). */
  threshold: number;
  /** Model directory read, e.g. "surrogate_final/". */
  source: string;
}

/** A campaign's cliff map. */
export interface CliffMap {
  campaignDir: string;
  source: string;
  target: string;
  threshold: number;
  keyModel: string;
  numPairs: "detected pairs" | "pairs sent";
  /** One sentence on the num_pairs convention. */
  numPairsText: string;
  /** The campaign box per field, physical units. */
  bounds: Record<string, [number, number]>;
  /** Whether the campaign's pre-filter is applied (false: none, or its config unreadable). */
  prefilter: boolean;
  /** Key margin at `points` (see {@link CliffMapPoint}); throws on a point outside the box. */
  predict(points: readonly CliffMapPoint[]): CliffMapResult;
}

/** A field of a point is outside the campaign's box (the surrogate would extrapolate). */
export class OutsideCampaignBoxError extends InvalidArgumentError {}

function normalCdf(z: number): number {
  const x = Math.abs(z) / Math.SQRT2, t = 1 / (1 + 0.3275911 * x);
  const y = 1 - ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t +
        0.254829592) * t * Math.exp(-x * x);
  return z >= 0 ? 0.5 * (1 + y) : 0.5 * (1 - y);
}

/** The store's root attributes, or a reason why there are none. */
async function readAttributes(
  campaignDir: string,
): Promise<Record<string, string | number> | string> {
  const path = `${campaignDir}/${STORE_FILE}`;
  try {
    await Deno.stat(path);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return "no campaign store";
    throw e;
  }
  return await readRootAttributes(path) ?? "unreadable campaign store";
}

function keyModelOf(attributes: Record<string, string | number> | string): string {
  if (typeof attributes === "string") return `unknown (${attributes})`;
  const v = attributes["key_model"];
  return typeof v === "string" && v ? v : "unknown (no key_model attribute)";
}

/**
 * The pre-filter verdict of the campaign's own configuration (`config.resolved.yaml`, else the
 * store's `config_yaml`); undefined when it has none or neither can be read.
 */
async function campaignVerdict(
  campaignDir: string,
  attributes: Record<string, string | number> | string,
): Promise<RuledOutTest | undefined> {
  const stored = typeof attributes === "string" ? undefined : attributes["config_yaml"];
  try {
    const { config, source } = await resolveReportConfig(
      campaignDir,
      undefined,
      {},
      typeof stored === "string" ? stored : undefined,
    );
    return source === "defaults" ? undefined : prefilterVerdict(config);
  } catch (e) {
    if (e instanceof Deno.errors.PermissionDenied) throw e;
    return undefined;
  }
}

/**
 * Open the cliff map of the campaign in `campaignDir`.
 * @param options.linalg backend of the Cholesky refactorisation (mod.ts passes the fastest)
 * @throws FileFormatError when no model directory can be read
 * @example
 * ```ts ignore
 * const map = await openCliffMap("out/dev1");
 * const r = map.predict([{ storage_noise_r: 0.75, storage_rate_nu: 0.45, wait_time_ns: 3e7,
 *   channel_fidelity: 0.97, detection_efficiency: 0.3, detector_error: 0.015,
 *   dark_count_prob: 3e-7, num_pairs: 1e5, strategy: "blind" }]);
 * console.log(r.values[0].mean, r.keyModel, r.numPairs);
 * ```
 */
export async function openCliffMap(
  campaignDir: string,
  options: { linalg?: Linalg } = {},
): Promise<CliffMap> {
  const la = options.linalg ?? tsLinalg;
  let lastError: unknown;
  let loaded: Awaited<ReturnType<typeof loadSurrogate>> | undefined, source = "";
  for (const name of MODEL_DIRS) {
    try {
      loaded = await loadSurrogate(`${campaignDir}/${name}`, la);
      source = `${name}/`;
      break;
    } catch (e) {
      if (e instanceof Deno.errors.PermissionDenied) throw e;
      lastError = e;
    }
  }
  if (!loaded) throw lastError;
  const attributes = await readAttributes(campaignDir);
  const keyModel = keyModelOf(attributes);
  const ruledOut = await campaignVerdict(campaignDir, attributes);
  const twin: TwinLandscape = loaded.twin;
  const lo = loaded.meta.bounds.lo, hi = loaded.meta.bounds.hi;
  const threshold = loaded.meta.threshold ?? 0;
  const target = loaded.meta.target ?? "key_margin";
  const bounds: Record<string, [number, number]> = {};
  CONTINUOUS_PARAMETERS.forEach((q, j) => {
    bounds[q.field] = [toPhysical(q, lo[j]), toPhysical(q, hi[j])];
  });
  return {
    campaignDir,
    source,
    target,
    threshold,
    keyModel,
    numPairs: numPairsConvention(keyModel),
    numPairsText: numPairsConventionText(keyModel),
    bounds,
    prefilter: ruledOut !== undefined,
    predict(points) {
      const values: CliffMapValue[] = new Array(points.length);
      for (const strategy of ["baseline", "blind"] as const) {
        const idx: number[] = [];
        points.forEach((p, i) => {
          if (p.strategy === strategy) idx.push(i);
          else if (p.strategy !== "baseline" && p.strategy !== "blind") {
            throw new InvalidArgumentError(
              `points[${i}].strategy`,
              p.strategy,
              'must be "baseline" or "blind"',
            );
          }
        });
        if (!idx.length) continue;
        if (!twin.isFitted(strategy)) {
          throw new InvalidArgumentError(
            `points[${idx[0]}].strategy`,
            strategy,
            `the campaign's surrogate (${source}) has no ${strategy} model`,
          );
        }
        const u = new Float64Array(idx.length * CONTINUOUS_WIDTH);
        idx.forEach((i, k) => {
          const p = points[i] as unknown as Record<string, unknown>;
          CONTINUOUS_PARAMETERS.forEach((q, j) => {
            const v = p[q.field];
            if (typeof v !== "number" || !Number.isFinite(v)) {
              throw new InvalidArgumentError(
                `points[${i}].${q.field}`,
                v,
                "must be a finite number (physical units)",
              );
            }
            const s = toStored(q, v), span = hi[j] - lo[j], eps = 1e-12 * Math.max(1, span);
            if (!(s >= lo[j] - eps && s <= hi[j] + eps)) {
              const [a, b] = bounds[q.field];
              throw new OutsideCampaignBoxError(
                q.field,
                v,
                `outside the campaign's box [${a}, ${b}]${
                  q.unit ? ` (${q.unit})` : ""
                } at points[${i}]: the surrogate would extrapolate`,
              );
            }
            u[k * CONTINUOUS_WIDTH + j] = (s - lo[j]) / span;
          });
        });
        const gp = twin.model(strategy);
        const pred = gp.predict(u);
        const stored = new Float64Array(CONTINUOUS_WIDTH);
        idx.forEach((i, k) => {
          const mean = pred.mean[k], sd = Math.sqrt(pred.variance[k]);
          for (let j = 0; j < CONTINUOUS_WIDTH; j++) {
            stored[j] = lo[j] + (hi[j] - lo[j]) * u[k * CONTINUOUS_WIDTH + j];
          }
          const out = ruledOut?.(stored) ?? false;
          const p = sd > 0 ? normalCdf((mean - threshold) / sd) : mean > threshold ? 1 : 0;
          values[i] = { mean, sd, pSecure: out ? 0 : p, ruledOut: out };
        });
      }
      return {
        values,
        keyModel,
        numPairs: numPairsConvention(keyModel),
        target,
        threshold,
        source,
      };
    },
  };
}
