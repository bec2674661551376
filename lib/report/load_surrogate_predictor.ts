/**
 * Adapter from the GP model directory (docs/campaign.md §9.8, lib/io/surrogate_store.ts) to the
 * report's {@link SurrogatePredictor}: the latest model of the campaign (`surrogate_final/`, else
 * `surrogate/`), inputs mapped from stored units to the unit box, σ = sqrt(variance).
 * Large exact models saved without their Cholesky factor would need an O(n³) refactorisation in
 * TypeScript just for σ; above `maxRefactorN` training rows the report loads means only (σ NaN,
 * a warning) instead.
 * @module
 */
import { FileFormatError } from "../errors.ts";
import { tsLinalg } from "../kernels/linalg/ts_linalg.ts";
import type { Linalg } from "../kernels/linalg/linalg.ts";
import type { Logger } from "../io/log.ts";
import { loadSurrogate } from "../io/surrogate_store.ts";
import { sha256, toHex } from "../kernels/sha256.ts";
import { GpModel, type GpState } from "../surrogate/gp_model.ts";
import { TwinLandscape } from "../surrogate/twin_landscape.ts";
import { CONTINUOUS_WIDTH } from "./campaign_data.ts";
import { STRATEGIES, type StrategyName, type SurrogatePredictor } from "./surrogate_predictor.ts";

/** Model directories in order of preference (latest model first). */
export const MODEL_DIRS = ["surrogate_final", "surrogate"] as const;

async function exists(path: string): Promise<boolean> {
  try {
    await Deno.stat(path);
    return true;
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return false;
    throw e;
  }
}

// deno-lint-ignore no-explicit-any
type ModelJson = any;

/** Means-only load (no Cholesky): reads X, y, alpha (hash-checked) and θ of each strategy. */
async function loadMeansOnly(dir: string, json: ModelJson, la: Linalg): Promise<TwinLandscape> {
  const models: Partial<Record<StrategyName, GpModel>> = {};
  for (const s of STRATEGIES) {
    const m = json.strategies?.[s];
    if (!m) continue;
    const read = async (name: string) => {
      const entry = m.arrays?.[name];
      if (!entry) throw new FileFormatError(`${dir}/model.json`, `${s}: array ${name} missing`);
      const bytes = await Deno.readFile(`${dir}/${entry.file}`);
      if (toHex(sha256(bytes)) !== entry.sha256) {
        throw new FileFormatError(`${dir}/${entry.file}`, "sha256 mismatch");
      }
      return new Float64Array(bytes.buffer, bytes.byteOffset, bytes.length / 8);
    };
    const state: GpState = {
      d: m.d ?? CONTINUOUS_WIDTH,
      n: m.n_train,
      x: await read("X"),
      y: await read("y"),
      yMean: m.y_mean,
      yStd: m.y_std,
      logTheta: Float64Array.from(m.theta.log),
      alpha: await read("alpha"),
      jitter: m.jitter ?? 0,
      path: m.path,
      cholesky: null,
      loveR: null,
      loveRank: 0,
    };
    models[s] = new GpModel(state, la);
  }
  return new TwinLandscape(models.baseline ?? null, models.blind ?? null);
}

/**
 * Wrap a twin landscape with its box as a {@link SurrogatePredictor}. A strategy without a GP
 * predicts NaN.
 */
export function twinPredictor(
  twin: TwinLandscape,
  bounds: { lo: ArrayLike<number>; hi: ArrayLike<number> },
  info: {
    columns: string[];
    target?: string;
    threshold?: number;
    source?: string;
    metrics?: SurrogatePredictor["metrics"];
  },
): SurrogatePredictor {
  const lo = Float64Array.from(bounds.lo);
  const hi = Float64Array.from(bounds.hi);
  return {
    columns: info.columns,
    bounds: { lo, hi },
    target: info.target,
    threshold: info.threshold,
    source: info.source,
    metrics: info.metrics,
    trainingRows: Math.max(
      ...STRATEGIES.map((s) => (twin.isFitted(s) ? twin.model(s).n : 0)),
    ),
    predict(strategy, xStored) {
      const m = xStored.length / CONTINUOUS_WIDTH;
      if (!twin.isFitted(strategy)) {
        return { mean: new Float64Array(m).fill(NaN), std: new Float64Array(m).fill(NaN) };
      }
      const u = new Float64Array(xStored.length);
      for (let i = 0; i < xStored.length; i++) {
        const c = i % CONTINUOUS_WIDTH;
        u[i] = (xStored[i] - lo[c]) / (hi[c] - lo[c]);
      }
      const gp = twin.model(strategy);
      const hasVariance = gp.state.cholesky !== null || gp.state.loveR !== null;
      const p = gp.predict(u, hasVariance ? {} : { variance: "none" });
      const std = hasVariance ? p.variance.map(Math.sqrt) : new Float64Array(m).fill(NaN);
      return { mean: p.mean, std };
    },
    gpModel(strategy) {
      return twin.isFitted(strategy) ? twin.model(strategy) : undefined;
    },
    lengthScales(strategy) {
      return twin.isFitted(strategy)
        ? Float64Array.from(twin.model(strategy).hyperparameters.lengthScales)
        : undefined;
    },
  };
}

/**
 * The latest surrogate of the campaign in `campaignDir`, or undefined when there is none (or it
 * cannot be read: a warning names the reason).
 */
export async function loadSurrogatePredictor(
  campaignDir: string,
  log: Logger,
  options: { la?: Linalg; maxRefactorN?: number } = {},
): Promise<SurrogatePredictor | undefined> {
  const la = options.la ?? tsLinalg;
  const maxN = options.maxRefactorN ?? 3000;
  for (const name of MODEL_DIRS) {
    const dir = `${campaignDir}/${name}`;
    if (!(await exists(`${dir}/model.json`)) && !(await exists(`${dir}.new/model.json`))) continue;
    try {
      const jsonDir = (await exists(`${dir}/model.json`)) ? dir : `${dir}.new`;
      const json: ModelJson = JSON.parse(await Deno.readTextFile(`${jsonDir}/model.json`));
      const heavy = STRATEGIES.some((s) => {
        const m = json.strategies?.[s];
        return m && m.path === "exact" && !m.arrays?.L && m.n_train > maxN;
      });
      if (heavy) {
        log.warn(
          `${name}/: exact model with more than ${maxN} rows and no stored Cholesky factor; ` +
            "figures use the means only (σ not shown)",
        );
        const twin = await loadMeansOnly(jsonDir, json, la);
        return twinPredictor(twin, json.bounds, {
          columns: json.columns,
          target: json.target,
          threshold: json.threshold,
          source: `${name}/`,
        });
      }
      const loaded = await loadSurrogate(dir, la);
      return twinPredictor(loaded.twin, loaded.meta.bounds, {
        columns: loaded.meta.columns,
        target: loaded.meta.target,
        threshold: loaded.meta.threshold,
        source: `${name}/`,
        metrics: loaded.meta.metrics,
      });
    } catch (e) {
      if (e instanceof Deno.errors.PermissionDenied) throw e;
      log.warn(`${name}/ unreadable, trying the next model: ${(e as Error).message}`);
    }
  }
  return undefined;
}
