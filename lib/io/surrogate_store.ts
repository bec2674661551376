/**
 * Save and load the twin-landscape surrogate (docs/campaign.md §9.8). A model directory holds
 * `model.json` plus little-endian binary arrays, each with its SHA-256 in model.json:
 * `<s>.X.f64` (n×d, unit box), `<s>.y.f64` (standardised targets), `<s>.alpha.f64`, optional
 * `<s>.L.f64` (Cholesky factor, n×n column-major; recomputed on load if absent),
 * `<s>.love_R.f64` (LOVE cache, n×k column-major), optional `<s>.train_ids.i64`.
 * Writing goes to `<dir>.new/`, then renames swap it in (old → `<dir>.old`, `.new` → `<dir>`,
 * `.old` removed). Loading accepts a complete `<dir>.new` with valid hashes when `<dir>` is
 * missing or broken (a crash between the renames). No pickle, no code in the files.
 * @module
 */
import { CaligoError, FileFormatError, InvalidArgumentError } from "../errors.ts";
import { FileWriteError } from "./checkpoint.ts";
import { sha256, toHex } from "../kernels/sha256.ts";
import type { Linalg } from "../kernels/linalg/linalg.ts";
import { GpModel, type GpState, restoreCholesky } from "../surrogate/gp_model.ts";
import { STRATEGIES, type Strategy, TwinLandscape } from "../surrogate/twin_landscape.ts";

/** Format tag of model.json. */
export const SURROGATE_FORMAT = "caligo-ts-gp/1";

/** Campaign-level metadata stored in model.json. */
export interface SurrogateMetadata {
  softwareVersion: string;
  configSha256: string;
  /** `key_margin` or `net_efficiency`. */
  target: string;
  /** Threshold t of the straddle acquisition (target units). */
  threshold: number;
  /** Unit-box bounds per column (raw units). */
  bounds: { lo: number[]; hi: number[] };
  columns: string[];
  /** ISO time; default now. */
  createdUtc?: string;
  /** Per-strategy metrics (R², RMSE, …), stored as given. */
  metrics?: Partial<Record<Strategy, Record<string, number>>>;
  /** Per-strategy training row ids. */
  trainIds?: Partial<Record<Strategy, BigInt64Array>>;
}

/** Options of {@link saveSurrogate}. */
export interface SaveOptions {
  /** Write `<s>.L.f64` (8n² bytes); default false (recomputed on load). */
  includeCholesky?: boolean;
}

interface ArrayEntry {
  file: string;
  dtype: "f64" | "i64";
  shape: number[];
  sha256: string;
}

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

function bytesOf(a: Float64Array | BigInt64Array): Uint8Array {
  if (!LITTLE_ENDIAN) {
    throw new InvalidArgumentError("host", "big-endian", "little-endian host required");
  }
  return new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
}

async function exists(path: string): Promise<boolean> {
  try {
    await Deno.stat(path);
    return true;
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return false;
    throw e;
  }
}

/**
 * Write the twin landscape to `dir` atomically (via `<dir>.new` and renames).
 * @throws FileWriteError naming `dir` if a write fails (a full disk); `dir` is left as it was
 * @example
 * ```ts ignore
 * await saveSurrogate("out/surrogate", twin, { softwareVersion: "0.1.0", configSha256: "…",
 *   target: "key_margin", threshold: 0, bounds: { lo, hi }, columns });
 * const { twin: again } = await loadSurrogate("out/surrogate", la);
 * ```
 */
export async function saveSurrogate(
  dir: string,
  twin: TwinLandscape,
  meta: SurrogateMetadata,
  options: SaveOptions = {},
): Promise<void> {
  try {
    await writeSurrogate(dir, twin, meta, options);
  } catch (e) {
    if (
      e instanceof CaligoError || e instanceof Deno.errors.NotCapable ||
      e instanceof Deno.errors.PermissionDenied
    ) throw e;
    // a full disk (docs/faults.md "A full disk"): the half-written `.new` goes, `dir` stays
    await Deno.remove(`${dir}.new`, { recursive: true }).catch(() => {});
    throw new FileWriteError(dir, e);
  }
}

async function writeSurrogate(
  dir: string,
  twin: TwinLandscape,
  meta: SurrogateMetadata,
  options: SaveOptions,
): Promise<void> {
  const tmp = `${dir}.new`, old = `${dir}.old`;
  await Deno.remove(tmp, { recursive: true }).catch((e) => {
    if (!(e instanceof Deno.errors.NotFound)) throw e;
  });
  await Deno.mkdir(tmp, { recursive: true });
  const strategies: Record<string, unknown> = {};
  for (const s of STRATEGIES) {
    if (!twin.isFitted(s)) continue;
    const gp = twin.model(s), st = gp.state;
    const arrays: Record<string, ArrayEntry> = {};
    const put = async (name: string, data: Float64Array | BigInt64Array, shape: number[]) => {
      const file = `${s}.${name}.${data instanceof BigInt64Array ? "i64" : "f64"}`;
      const bytes = bytesOf(data);
      await Deno.writeFile(`${tmp}/${file}`, bytes);
      arrays[name] = {
        file,
        dtype: data instanceof BigInt64Array ? "i64" : "f64",
        shape,
        sha256: toHex(sha256(bytes)),
      };
    };
    await put("X", st.x, [st.n, st.d]);
    await put("y", st.y, [st.n]);
    await put("alpha", st.alpha, [st.n]);
    if (options.includeCholesky && st.cholesky) await put("L", st.cholesky, [st.n, st.n]);
    if (st.loveR) await put("love_R", st.loveR, [st.n, st.loveRank]);
    const ids = meta.trainIds?.[s];
    if (ids) await put("train_ids", ids, [ids.length]);
    const hp = gp.hyperparameters;
    strategies[s] = {
      kernel: "matern52-ard",
      theta: {
        log: Array.from(st.logTheta),
        lengthScales: Array.from(hp.lengthScales),
        signalVariance: hp.signalVariance,
        noiseVariance: hp.noiseVariance,
      },
      y_mean: st.yMean,
      y_std: st.yStd,
      n_train: st.n,
      d: st.d,
      path: st.path,
      jitter: st.jitter,
      love_rank: st.loveRank,
      metrics: meta.metrics?.[s] ?? {},
      arrays,
    };
  }
  const json = {
    format: SURROGATE_FORMAT,
    created_utc: meta.createdUtc ?? new Date().toISOString(),
    software_version: meta.softwareVersion,
    config_sha256: meta.configSha256,
    target: meta.target,
    threshold: meta.threshold,
    bounds: meta.bounds,
    columns: meta.columns,
    strategies,
  };
  await Deno.writeTextFile(`${tmp}/model.json`, JSON.stringify(json, null, 2) + "\n");
  // Swap: old → .old, .new → dir, remove .old.
  await Deno.remove(old, { recursive: true }).catch((e) => {
    if (!(e instanceof Deno.errors.NotFound)) throw e;
  });
  if (await exists(dir)) await Deno.rename(dir, old);
  await Deno.rename(tmp, dir);
  await Deno.remove(old, { recursive: true }).catch((e) => {
    if (!(e instanceof Deno.errors.NotFound)) throw e;
  });
}

/** The model directory's contents after {@link loadSurrogate}. */
export interface LoadedSurrogate {
  twin: TwinLandscape;
  meta: SurrogateMetadata & { createdUtc: string };
  /** The directory actually read (`dir` or `<dir>.new`). */
  source: string;
}

/**
 * Read a model directory written by {@link saveSurrogate}, verifying every hash; recomputes L
 * with `la` when it was not stored. Throws {@link FileFormatError} on a wrong format, missing
 * file, size or hash mismatch.
 */
export async function loadSurrogate(dir: string, la: Linalg): Promise<LoadedSurrogate> {
  try {
    return await loadFrom(dir, la);
  } catch (e) {
    if (!(e instanceof FileFormatError || e instanceof Deno.errors.NotFound)) throw e;
    if (!(await exists(`${dir}.new/model.json`))) {
      if (e instanceof Deno.errors.NotFound) {
        throw new FileFormatError(dir, "no model.json", { cause: e });
      }
      throw e;
    }
    return await loadFrom(`${dir}.new`, la);
  }
}

async function loadFrom(dir: string, la: Linalg): Promise<LoadedSurrogate> {
  const file = `${dir}/model.json`;
  // deno-lint-ignore no-explicit-any
  let json: any;
  try {
    json = JSON.parse(await Deno.readTextFile(file));
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) throw e;
    throw new FileFormatError(file, "not valid JSON", { cause: e });
  }
  if (json?.format !== SURROGATE_FORMAT) {
    throw new FileFormatError(
      file,
      `format must be "${SURROGATE_FORMAT}", got ${JSON.stringify(json?.format)}`,
    );
  }
  const models: Partial<Record<Strategy, GpModel>> = {};
  const trainIds: Partial<Record<Strategy, BigInt64Array>> = {};
  const metrics: Partial<Record<Strategy, Record<string, number>>> = {};
  for (const s of STRATEGIES) {
    const m = json.strategies?.[s];
    if (!m) continue;
    const read = async (name: string, required: boolean): Promise<Uint8Array | null> => {
      const entry: ArrayEntry | undefined = m.arrays?.[name];
      if (!entry) {
        if (required) throw new FileFormatError(file, `${s}: array ${name} missing`);
        return null;
      }
      const path = `${dir}/${entry.file}`;
      let bytes: Uint8Array;
      try {
        bytes = await Deno.readFile(path);
      } catch (e) {
        throw new FileFormatError(path, "cannot read", { cause: e });
      }
      const expected = 8 * entry.shape.reduce((a, b) => a * b, 1);
      if (bytes.length !== expected) {
        throw new FileFormatError(path, `${bytes.length} bytes, expected ${expected} (truncated?)`);
      }
      if (toHex(sha256(bytes)) !== entry.sha256) throw new FileFormatError(path, "sha256 mismatch");
      return bytes;
    };
    const f64 = (b: Uint8Array) => new Float64Array(b.buffer, b.byteOffset, b.length / 8);
    const n = m.n_train, d = m.d;
    const state: GpState = {
      d,
      n,
      x: f64((await read("X", true))!),
      y: f64((await read("y", true))!),
      yMean: m.y_mean,
      yStd: m.y_std,
      logTheta: Float64Array.from(m.theta.log),
      alpha: f64((await read("alpha", true))!),
      jitter: m.jitter ?? 0,
      path: m.path,
      cholesky: null,
      loveR: null,
      loveRank: m.love_rank ?? 0,
    };
    const l = await read("L", false);
    const r = await read("love_R", false);
    state.loveR = r ? f64(r) : null;
    if (l) state.cholesky = f64(l);
    else if (state.path === "exact") state.cholesky = restoreCholesky(state, la);
    const ids = await read("train_ids", false);
    if (ids) trainIds[s] = new BigInt64Array(ids.buffer, ids.byteOffset, ids.length / 8);
    metrics[s] = m.metrics ?? {};
    models[s] = new GpModel(state, la);
  }
  return {
    twin: new TwinLandscape(models.baseline ?? null, models.blind ?? null),
    meta: {
      softwareVersion: json.software_version,
      configSha256: json.config_sha256,
      target: json.target,
      threshold: json.threshold,
      bounds: json.bounds,
      columns: json.columns,
      createdUtc: json.created_utc,
      metrics,
      trainIds,
    },
    source: dir,
  };
}
