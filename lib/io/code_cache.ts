/**
 * On-disk cache of mother codes (docs/science.md §9.1): `codes/<id>.json` (format, n, m_c, E, R0,
 * distribution, seed, algorithm version, girth, SHA-256 of each array) plus little-endian Int32
 * arrays `<id>.row_ptr.i32` (m_c+1), `<id>.col_idx.i32` (E) and `<id>.puncture.i32` (n). The id
 * encodes (n, R0, seed, algorithm version), so a changed construction never reads a stale file;
 * hashes are verified on load. Calibrations of a family (lib/reconciliation/calibration.ts) live
 * beside the codes as `<id>.calibration.json`, the id derived from their key. Files are written to a temporary name and renamed, so concurrent
 * workers never read half-written arrays.
 * @module
 */
import { FileFormatError } from "../errors.ts";
import { sha256, toHex } from "../kernels/sha256.ts";
import { createParityCheckMatrix } from "../kernels/ldpc/parity_check_matrix.ts";
import {
  buildMotherCode,
  codeAlgorithm,
  type CodeFamily,
  codeFamilyFromCodes,
  type CodeFamilyOptions,
  type MotherCode,
  motherCodeId,
  validateFamilyOptions,
} from "../reconciliation/code_family.ts";
import {
  calibrationId,
  type CalibrationKey,
  calibrationMismatch,
  type ReconciliationCalibration,
} from "../reconciliation/calibration.ts";

/** Format tag of the JSON header. */
export const CODE_CACHE_FORMAT = "caligo-ts-ldpc-code/1";

/** JSON header of a cached code. */
export interface CodeCacheHeader {
  format: string;
  id: string;
  n: number;
  checks: number;
  edges: number;
  rate: number;
  distribution: string;
  seed: number;
  algorithm: string;
  girth: number | null;
  arrays: Record<
    "rowPtr" | "colIdx" | "puncturingOrder",
    { file: string; length: number; sha256: string }
  >;
}

const IS_LITTLE_ENDIAN = new Uint8Array(Uint32Array.of(1).buffer)[0] === 1;

function bytesOf(a: Int32Array): Uint8Array {
  if (!IS_LITTLE_ENDIAN) {
    const out = new Uint8Array(a.length * 4);
    const view = new DataView(out.buffer);
    for (let i = 0; i < a.length; i++) view.setInt32(4 * i, a[i], true);
    return out;
  }
  return new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
}

function int32Of(bytes: Uint8Array): Int32Array {
  const out = new Int32Array(bytes.length / 4);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let i = 0; i < out.length; i++) out[i] = view.getInt32(4 * i, true);
  return out;
}

async function writeAtomic(path: string, data: Uint8Array): Promise<void> {
  const tmp = `${path}.tmp-${crypto.randomUUID()}`;
  await Deno.writeFile(tmp, data);
  await Deno.rename(tmp, path);
}

/** Save one code into `dir` (created if missing). */
export async function saveMotherCode(dir: string, code: MotherCode, seed: number): Promise<void> {
  await Deno.mkdir(dir, { recursive: true });
  const arrays = {
    rowPtr: code.matrix.rowPtr,
    colIdx: code.matrix.colIdx,
    puncturingOrder: code.puncturingOrder,
  };
  const suffix = { rowPtr: "row_ptr", colIdx: "col_idx", puncturingOrder: "puncture" } as const;
  const header: CodeCacheHeader = {
    format: CODE_CACHE_FORMAT,
    id: code.id,
    n: code.matrix.n,
    checks: code.matrix.m,
    edges: code.matrix.edges,
    rate: code.rate,
    distribution: `${code.family === "de-bsc" ? "de-bsc" : "caligo"}-table-r${
      code.rate.toFixed(2)
    }`,
    seed,
    algorithm: codeAlgorithm(code.matrix.n, code.family),
    girth: Number.isFinite(code.girth) ? code.girth : null,
    arrays: {} as CodeCacheHeader["arrays"],
  };
  for (const key of ["rowPtr", "colIdx", "puncturingOrder"] as const) {
    const bytes = bytesOf(arrays[key]);
    const file = `${code.id}.${suffix[key]}.i32`;
    await writeAtomic(`${dir}/${file}`, bytes);
    header.arrays[key] = { file, length: arrays[key].length, sha256: toHex(sha256(bytes)) };
  }
  await writeAtomic(
    `${dir}/${code.id}.json`,
    new TextEncoder().encode(JSON.stringify(header, null, 2) + "\n"),
  );
}

/**
 * Load one code; `null` when its JSON header does not exist.
 * @throws FileFormatError on a malformed header, a length or hash mismatch, or inconsistent arrays
 */
export async function loadMotherCode(dir: string, id: string): Promise<MotherCode | null> {
  const path = `${dir}/${id}.json`;
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return null;
    throw e;
  }
  let header: CodeCacheHeader;
  try {
    header = JSON.parse(text);
  } catch (e) {
    throw new FileFormatError(path, "is not valid JSON; delete it to rebuild", { cause: e });
  }
  if (header.format !== CODE_CACHE_FORMAT || header.id !== id) {
    throw new FileFormatError(
      path,
      `format/id ${header.format}/${header.id} differ from ${CODE_CACHE_FORMAT}/${id}`,
    );
  }
  const arrays: Record<string, Int32Array> = {};
  for (const key of ["rowPtr", "colIdx", "puncturingOrder"] as const) {
    const entry = header.arrays?.[key];
    if (entry === undefined) throw new FileFormatError(path, `missing array ${key}`);
    const file = `${dir}/${entry.file}`;
    let bytes: Uint8Array;
    try {
      bytes = await Deno.readFile(file);
    } catch (e) {
      if (e instanceof Deno.errors.PermissionDenied || e instanceof Deno.errors.NotCapable) throw e;
      throw new FileFormatError(
        file,
        `cannot read: ${(e as Error).message}; delete ${path} to rebuild`,
        { cause: e },
      );
    }
    if (toHex(sha256(bytes)) !== entry.sha256) {
      throw new FileFormatError(
        file,
        `SHA-256 mismatch (corrupt or stale); delete ${path} to rebuild`,
      );
    }
    if (bytes.length !== 4 * entry.length) {
      throw new FileFormatError(
        file,
        `expected ${entry.length} int32 values, found ${bytes.length / 4}`,
      );
    }
    arrays[key] = int32Of(bytes);
  }
  let matrix;
  try {
    matrix = createParityCheckMatrix(header.checks, header.n, arrays.rowPtr, arrays.colIdx);
  } catch (e) {
    throw new FileFormatError(path, `inconsistent matrix: ${(e as Error).message}`, { cause: e });
  }
  if (matrix.edges !== header.edges || arrays.puncturingOrder.length !== header.n) {
    throw new FileFormatError(
      path,
      "edge count or puncturing-order length differs from the header",
    );
  }
  return {
    id,
    family: header.distribution?.startsWith("de-bsc") ? "de-bsc" : "caligo",
    rate: header.rate,
    matrix,
    puncturingOrder: arrays.puncturingOrder,
    girth: header.girth ?? Infinity,
  };
}

/** Per-code report of {@link loadOrBuildCodeFamily}. */
export interface CodeLoadReport {
  id: string;
  source: "cache" | "built";
  /** Wall time to load or build (+ save), ms. */
  ms: number;
}

/** Options of {@link loadOrBuildCodeFamily}. */
export interface LoadOrBuildOptions {
  /** Construction seed (default 1). */
  seed?: number;
  /** Called after each code with where it came from and how long it took. */
  onCode?: (report: CodeLoadReport) => void;
}

/** Load every mother code of the family from `codesDir`; null if one is not cached. */
export async function loadCachedCodeFamily(
  options: CodeFamilyOptions,
  codesDir: string,
  seed = 1,
): Promise<CodeFamily | null> {
  validateFamilyOptions(options);
  const codes: MotherCode[] = [];
  for (const rate of options.motherRates) {
    const id = motherCodeId(options.codeLength, rate, seed, options.codeFamily);
    const code = await loadMotherCode(codesDir, id)
      .catch(() => null);
    if (code === null) return null;
    codes.push(code);
  }
  return codeFamilyFromCodes(codes);
}

/**
 * Load every mother code of the family from `codesDir`, building and caching the missing ones.
 * Needs read (and, to build, write) permission on `codesDir`.
 */
export async function loadOrBuildCodeFamily(
  options: CodeFamilyOptions,
  codesDir: string,
  extra: LoadOrBuildOptions = {},
): Promise<CodeFamily> {
  validateFamilyOptions(options);
  const seed = extra.seed ?? 1;
  const codes: MotherCode[] = [];
  for (const rate of options.motherRates) {
    const id = motherCodeId(options.codeLength, rate, seed, options.codeFamily);
    const t0 = performance.now();
    let code = await loadMotherCode(codesDir, id);
    let source: CodeLoadReport["source"] = "cache";
    if (code === null) {
      code = buildMotherCode(options.codeLength, rate, seed, options.codeFamily);
      await saveMotherCode(codesDir, code, seed);
      source = "built";
    }
    extra.onCode?.({ id, source, ms: performance.now() - t0 });
    codes.push(code);
  }
  return codeFamilyFromCodes(codes);
}

/** File name of a calibration inside the codes directory: `<id>.calibration.json`. */
export function calibrationFileName(id: string): string {
  return `${id}.calibration.json`;
}

/**
 * Read the calibration with `expected`'s key from `codesDir` (file named by the key's id);
 * `null` when there is none. A file whose content hash, key or grid does not match is never used:
 * it is an error (delete it, or run `deno task calibrate`, to remake it).
 * @throws FileFormatError when the file is malformed, edited or made for another key
 */
export async function readCalibration(
  codesDir: string,
  expected: CalibrationKey,
): Promise<ReconciliationCalibration | null> {
  return await readCalibrationFile(codesDir, calibrationId(expected), expected);
}

/**
 * Read calibration `id` from `dir` whatever its key, checked against the key it carries (content
 * hash, id, grid): a campaign's own calibration, made on the grid of its time. `null` when there
 * is none.
 * @throws FileFormatError when the file is malformed, edited or not self-consistent
 */
export async function readCalibrationById(
  dir: string,
  id: string,
): Promise<ReconciliationCalibration | null> {
  return await readCalibrationFile(dir, id);
}

/** Parse and check `<dir>/<id>.calibration.json` against `expected` (default: its own key). */
async function readCalibrationFile(
  dir: string,
  id: string,
  expected?: CalibrationKey,
): Promise<ReconciliationCalibration | null> {
  const path = `${dir}/${calibrationFileName(id)}`;
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return null;
    throw e;
  }
  let parsed: ReconciliationCalibration;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    throw new FileFormatError(path, "is not valid JSON; delete it to recalibrate", { cause: e });
  }
  const key = expected ?? parsed?.key;
  const reason = key ? calibrationMismatch(parsed, key) : "no key";
  if (reason !== null) {
    throw new FileFormatError(
      path,
      `stale or tampered calibration: ${reason}; delete it to recalibrate`,
    );
  }
  return parsed;
}

/** Write a calibration as `<codesDir>/<id>.calibration.json` (atomic); returns the path. */
export async function writeCalibration(
  codesDir: string,
  c: ReconciliationCalibration,
): Promise<string> {
  await Deno.mkdir(codesDir, { recursive: true });
  const path = `${codesDir}/${calibrationFileName(c.id)}`;
  await writeAtomic(path, new TextEncoder().encode(JSON.stringify(c, null, 2) + "\n"));
  return path;
}
