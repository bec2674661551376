/**
 * The campaign HDF5 store `exploration_data.h5` (docs/campaign.md §7), written with h5wasm's Node build
 * on the real filesystem and readable by h5py and `h5dump`.
 *
 * Layout (docs/campaign.md §7.1, fallback "caligo-ts/1-fixedstr"): root attributes, groups
 * `/lhs_warmup`, `/active_learning`, `/holdout`, each with the commit marker `n_committed`
 * (int64 attribute) and the row datasets `sample_id` (int64), `inputs` (n×9 float64), `outputs`
 * (n×6 float64), `outcomes` (32-byte NUL-padded ASCII, because h5wasm cannot append
 * variable-length strings), `outcome_code` (uint8), `iteration` (int32), `seed` (uint64),
 * `num_pairs` (int64), `key_margin` (float64), `diagnostics` (n×D float64, attribute `columns`),
 * and the metadata JSON as a uint8 heap `metadata_bytes` plus int64 `metadata_offsets` holding the
 * EXCLUSIVE END offset of each row's bytes (row i spans [offsets[i−1], offsets[i]), offsets[−1] = 0).
 * A `/run_record` group holds per-commit timings (`batches`, float64 with `columns`) and phase
 * summaries (`phases_json`).
 *
 * Append protocol (docs/campaign.md §7.3): resize and write every dataset, `flush()`, then rewrite the
 * group's `checksums_json` (SHA-256 of each dataset's committed bytes, lib/io/store_checksums.ts)
 * and `n_committed` and `flush()` again. On open for append, rows beyond `n_committed` are truncated.
 * Only the main thread touches the file.
 * @module
 */
import h5wasm from "h5wasm/node";
import { CaligoError, FileFormatError, InvalidArgumentError } from "../errors.ts";
import { DIAGNOSTIC_COLUMNS, type Outcome, OUTCOMES, OUTPUT_COLUMNS } from "../protocol/record.ts";
import { flushChecked, withHdf5Diagnostics } from "./hdf5_diagnostics.ts";
import {
  CHECKSUM_ATTRIBUTE,
  checksumRecordText,
  parseChecksumRecord,
  ROW_STREAMS,
  type RowBlock,
  StreamHasher,
  verifyChecksums,
} from "./store_checksums.ts";

/** Schema tag: the fixed-length-string fallback of docs/campaign.md §7.1, with native 64-bit ints. */
export const SCHEMA_VERSION = "caligo-ts/1-fixedstr";
/** Row groups of the store. */
export const STORE_GROUPS = ["lhs_warmup", "active_learning", "holdout"] as const;
export type StoreGroup = typeof STORE_GROUPS[number];
/** Stored input columns (docs/science.md §1.1), in order. */
export const INPUT_COLUMNS = [
  "storage_noise_r",
  "log10_storage_rate_nu",
  "log10_wait_time_ns",
  "channel_fidelity",
  "log10_detection_efficiency",
  "detector_error",
  "log10_dark_count_prob",
  "log10_num_pairs",
  "strategy",
] as const;
/** Bytes of one stored outcome string. */
export const OUTCOME_BYTES = 32;
/**
 * Rows per chunk of the row datasets. A commit rewrites (and re-deflates) every partly filled chunk
 * it touches, so the cost of a commit of b rows grows with b + CHUNK_ROWS: 1024-row chunks made a
 * 50-row commit cost ≈ 14 ms, 128-row chunks ≈ 4.5 ms (bench/store_commit_bench.ts); a 128-row
 * diagnostics chunk is ≈ 38 KB, inside HDF5's recommended 10 KB–1 MB.
 */
const CHUNK_ROWS = 128;
const GZIP_LEVEL = 4;
const HDF5_SIGNATURE = [0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a];
/** Columns of `/run_record/batches` (one row per commit). */
export const RUN_RECORD_COLUMNS = [
  "commit_index",
  "phase",
  "rows",
  "wall_s",
  "write_s",
  "samples_per_s",
  "worker_utilisation",
  "peak_rss_mb",
  "elapsed_s",
] as const;

/** Root attributes (docs/campaign.md §7.1). */
export interface RootAttributes {
  schema_version: string;
  software_version: string;
  simulator_version: string;
  created_utc: string;
  campaign_seed: number;
  config_yaml: string;
  config_sha256: string;
  bounds_json: string;
  link_model: string;
  key_model: string;
  leakage: string;
  /**
   * What `num_pairs` counts under `key_model` (docs/science.md §0, §8.6): "pairs detected" (project,
   * caligo) or "pairs sent" (erven2014); absent in stores written before it was recorded.
   */
  num_pairs_convention?: string;
  codes_id: string;
  /**
   * Id and SHA-256 of the reconciliation calibration the samples used (lib/reconciliation/
   * calibration.ts); set when the simulator first loads its codes, absent for the fake simulator.
   */
  calibration_id?: string;
  calibration_sha256?: string;
  blas_backend: string;
  compat_flags_json: string;
  /** `I/K` in a Phase 1 shard store (docs/campaign.md §7.5); absent otherwise. */
  shard?: string;
  /** In a merged store: how many shard stores it was merged from (docs/campaign.md §7.5). */
  merged_from_shards?: number;
}

/** One row of a group, as written. Ids must be unique over the file (docs/campaign.md §7.2). */
export interface StoreRow {
  sampleId: number;
  /** The 9 stored columns of docs/science.md §1.1. */
  inputs: ArrayLike<number>;
  /** The 6 outputs in {@link OUTPUT_COLUMNS} order. */
  outputs: ArrayLike<number>;
  outcome: Outcome;
  /** −1 for Phase 1 and holdout, else the Phase 3 iteration. */
  iteration: number;
  /** Per-sample seed (docs/science.md §2), uint64. */
  seed: bigint;
  /** Exact N. */
  numPairs: number;
  keyMargin: number;
  /** Diagnostics in {@link DIAGNOSTIC_COLUMNS} order. */
  diagnostics: ArrayLike<number>;
  /** JSON text (error_message, execution_time_seconds, worker_id, attempts, …). */
  metadata: string;
}

/** One row of `/run_record/batches`: timing of one commit. */
export interface CommitRecord {
  commitIndex: number;
  /** 1 or 3 (phase number). */
  phase: number;
  rows: number;
  /** Wall time since the previous commit, seconds. */
  wallS: number;
  /** Time spent writing this commit, seconds. */
  writeS: number;
  samplesPerS: number;
  /** Busy time / (workers × wall time) over the batch, in [0, 1]. */
  workerUtilisation: number;
  peakRssMb: number;
  /** Seconds since the phase started. */
  elapsedS: number;
}

/** A sample id already present in the file (a programming error: the run aborts). */
export class DuplicateSampleIdError extends CaligoError {
  constructor(readonly sampleId: number, readonly group: StoreGroup) {
    super(`sample id ${sampleId} is already in the store (appending to /${group})`);
  }
}

/** Committed rows of one group, column-wise. */
export interface GroupData {
  /** Number of committed rows. */
  n: number;
  sampleId: Float64Array;
  /** n×9 row-major. */
  inputs: Float64Array;
  /** n×6 row-major. */
  outputs: Float64Array;
  outcomes: Outcome[];
  outcomeCode: Uint8Array;
  iteration: Int32Array;
  seed: BigUint64Array;
  numPairs: Float64Array;
  keyMargin: Float64Array;
  /** The surrogate target (docs/science.md §8.5), from the diagnostics (NaN in older stores). */
  cliffMargin: Float64Array;
  /** n×D row-major, D = `diagnosticColumns.length`. */
  diagnostics: Float64Array;
  diagnosticColumns: string[];
  metadata: string[];
}

/** Float64 matrices of `/active_learning` with their own commit markers (docs/campaign.md §7.1). */
export const ACTIVE_MATRICES = {
  plan: "n_plan_committed",
  iterations: "n_iterations_committed",
} as const;
export type ActiveMatrix = keyof typeof ACTIVE_MATRICES;

/** Committed rows of a float64 matrix dataset (row-major n × columns.length). */
export interface StoredMatrix {
  n: number;
  rows: Float64Array;
  columns: string[];
}

/** Everything a reader needs: root attributes, the three groups and the run record. */
export interface CampaignData {
  path: string;
  attributes: Record<string, string | number>;
  groups: Record<StoreGroup, GroupData>;
  /** `/active_learning/plan` and `/active_learning/iterations` (empty until Phase 3 writes). */
  matrices: Record<ActiveMatrix, StoredMatrix>;
  commits: CommitRecord[];
  phases: Record<string, unknown>;
}

/**
 * A write to a store failed (a full disk, a quota, an I/O error). The message names the file, the
 * operation and the operating system's reason in one line; `cause` holds the error thrown below,
 * for a store write HDF5's whole diagnostic stack, which is never printed (CALIGO_DEBUG=1 prints
 * the stack with its cause).
 */
export class StoreWriteError extends CaligoError {
  constructor(readonly file: string, readonly operation: string, cause: unknown) {
    super(`${file}: ${operation} failed: ${writeFailureReason(cause)}`, { cause });
  }
}

/** The one-line reason of a failed write: HDF5's `error message = '…'` or the error's message. */
function writeFailureReason(e: unknown): string {
  const text = String((e as Error)?.message ?? e);
  const reason = /error message = '([^']*)'/.exec(text)?.[1];
  if (reason !== undefined) return reason;
  const lines = text.split("\n").map((l) => l.trim()).filter((l) => l !== "");
  return lines.at(-1) ?? "unknown error";
}

/**
 * Run the HDF5 writes of `fn` with HDF5's error reports kept instead of printed
 * (lib/io/hdf5_diagnostics.ts), so a failed write (a full disk) throws one error.
 * @throws StoreWriteError naming `file` and `operation`, with HDF5's report as its cause
 */
function hdf5Write<T>(file: string, operation: string, fn: () => T): T {
  try {
    return withHdf5Diagnostics(fn);
  } catch (e) {
    if (e instanceof CaligoError) throw e;
    throw new StoreWriteError(file, operation, e);
  }
}

type H5File = InstanceType<typeof h5wasm.File>;
type H5Group = ReturnType<H5File["create_group"]>;
type H5Dataset = ReturnType<H5Group["create_dataset"]>;

/** Load the h5wasm module (idempotent; awaits the wasm instantiation). */
export async function h5Ready(): Promise<void> {
  await h5wasm.ready;
}

/**
 * Check the 8-byte HDF5 signature at offset 0.
 * @throws FileFormatError if missing or not HDF5
 */
export function assertHdf5Signature(path: string): void {
  let head: Uint8Array;
  try {
    const file = Deno.openSync(path, { read: true });
    try {
      head = new Uint8Array(8);
      const n = file.readSync(head) ?? 0;
      if (n < 8) throw new FileFormatError(path, "not an HDF5 file (shorter than 8 bytes)");
    } finally {
      file.close();
    }
  } catch (e) {
    if (e instanceof FileFormatError || e instanceof Deno.errors.NotCapable) throw e;
    throw new FileFormatError(path, `cannot read the file (${(e as Error).message})`, { cause: e });
  }
  if (!HDF5_SIGNATURE.every((b, i) => head[i] === b)) {
    throw new FileFormatError(path, "not an HDF5 file (bad signature)");
  }
}

function openH5(path: string, mode: "r" | "a"): H5File {
  assertHdf5Signature(path);
  try {
    return new h5wasm.File(path, mode);
  } catch (e) {
    throw new FileFormatError(path, `h5wasm cannot open it (${(e as Error).message})`, {
      cause: e,
    });
  }
}

function int64Attr(obj: H5Group, name: string, value: number): void {
  if (obj.attrs[name] !== undefined) obj.delete_attribute(name);
  obj.create_attribute(name, BigInt64Array.of(BigInt(value)), [], "<q");
}

function readNumberAttr(obj: H5Group, name: string): number {
  const a = obj.attrs[name];
  if (a === undefined) return NaN;
  const v = a.value;
  if (typeof v === "bigint") return Number(v);
  if (typeof v === "number") return v;
  if (ArrayBuffer.isView(v)) return Number((v as unknown as ArrayLike<number | bigint>)[0]);
  return NaN;
}

interface DatasetSpec {
  name: string;
  dtype: string;
  width: number; // 0 = 1-D
  empty: () => ArrayLike<unknown> | string[];
  gzip: boolean;
}

const ROW_DATASETS: readonly DatasetSpec[] = [
  { name: "sample_id", dtype: "<q", width: 0, empty: () => new BigInt64Array(0), gzip: false },
  { name: "inputs", dtype: "<d", width: 9, empty: () => new Float64Array(0), gzip: true },
  {
    name: "outputs",
    dtype: "<d",
    width: OUTPUT_COLUMNS.length,
    empty: () => new Float64Array(0),
    gzip: true,
  },
  { name: "outcomes", dtype: `S${OUTCOME_BYTES}`, width: 0, empty: () => [], gzip: false },
  { name: "outcome_code", dtype: "<B", width: 0, empty: () => new Uint8Array(0), gzip: false },
  { name: "iteration", dtype: "<i", width: 0, empty: () => new Int32Array(0), gzip: false },
  { name: "seed", dtype: "<Q", width: 0, empty: () => new BigUint64Array(0), gzip: false },
  { name: "num_pairs", dtype: "<q", width: 0, empty: () => new BigInt64Array(0), gzip: false },
  { name: "key_margin", dtype: "<d", width: 0, empty: () => new Float64Array(0), gzip: true },
  {
    name: "diagnostics",
    dtype: "<d",
    width: DIAGNOSTIC_COLUMNS.length,
    empty: () => new Float64Array(0),
    gzip: true,
  },
  {
    name: "metadata_offsets",
    dtype: "<q",
    width: 0,
    empty: () => new BigInt64Array(0),
    gzip: false,
  },
];

function createAppendable(g: H5Group, spec: DatasetSpec, chunkRows = CHUNK_ROWS): H5Dataset {
  const shape = spec.width ? [0, spec.width] : [0];
  return g.create_dataset({
    name: spec.name,
    // deno-lint-ignore no-explicit-any
    data: spec.empty() as any,
    shape,
    maxshape: spec.width ? [null, spec.width] : [null],
    chunks: spec.width ? [chunkRows, spec.width] : [chunkRows],
    dtype: spec.dtype,
    ...(spec.gzip ? { compression: "gzip" as const, compression_opts: GZIP_LEVEL } : {}),
  });
}

function createRowGroup(f: H5File, name: StoreGroup): void {
  const g = f.create_group(name);
  int64Attr(g, "n_committed", 0);
  g.create_attribute("design_json", "{}");
  for (const spec of ROW_DATASETS) {
    const ds = createAppendable(g, spec);
    if (spec.name === "diagnostics") ds.create_attribute("columns", [...DIAGNOSTIC_COLUMNS]);
    if (spec.name === "outputs") ds.create_attribute("columns", [...OUTPUT_COLUMNS]);
    if (spec.name === "inputs") ds.create_attribute("columns", [...INPUT_COLUMNS]);
    if (spec.name === "outcome_code") ds.create_attribute("vocabulary", [...OUTCOMES]);
  }
  createAppendable(g, {
    name: "metadata_bytes",
    dtype: "<B",
    width: 0,
    empty: () => new Uint8Array(0),
    gzip: false,
  }, 8192);
}

function createRunRecord(f: H5File): void {
  const g = f.create_group("run_record");
  int64Attr(g, "n_committed", 0);
  g.create_attribute("phases_json", "{}");
  const ds = createAppendable(g, {
    name: "batches",
    dtype: "<d",
    width: RUN_RECORD_COLUMNS.length,
    empty: () => new Float64Array(0),
    gzip: false,
  }, 256);
  ds.create_attribute("columns", [...RUN_RECORD_COLUMNS]);
}

function dataset(g: H5Group, name: string): H5Dataset {
  const d = g.get(name);
  if (d === null || !(d instanceof h5wasm.Dataset)) {
    throw new FileFormatError(`${g.path}/${name}`, "dataset missing");
  }
  return d;
}

function group(f: H5File, name: string): H5Group {
  const g = f.get(name);
  if (g === null || !(g instanceof h5wasm.Group)) {
    throw new FileFormatError(`/${name}`, "group missing");
  }
  return g;
}

function firstDim(d: H5Dataset): number {
  return (d.shape ?? [0])[0];
}

/**
 * The store opened for writing by the main thread. Create with {@link CampaignStore.create} or
 * {@link CampaignStore.openForAppend}; close with {@link CampaignStore.close}.
 */
export class CampaignStore {
  #file: H5File | null;
  readonly path: string;
  readonly #ids = new Set<number>();
  readonly #committed = new Map<string, number>();
  readonly #heapLength = new Map<string, number>();
  /** Running checksums per group / `active_learning/<matrix>`, verified when first needed. */
  readonly #hashers = new Map<string, StreamHasher>();

  /**
   * Test-only: called by {@link CampaignStore.append} just before the flush that makes a commit's
   * rows durable, where a full disk fails; it may make that flush fail (lib/campaign/write_faults.ts).
   */
  beforeCommitFlush?: () => void;
  /** Set once a write failed: the file is then closed without further errors. */
  #writeFailed = false;

  private constructor(path: string, file: H5File) {
    this.path = path;
    this.#file = file;
  }

  /**
   * Mark the file as open for writing (root attribute `writer_open` = 1) or cleanly closed (0).
   * A file found with 1 was not closed by its writer (kill -9, out of memory, power loss): HDF5
   * gives no crash consistency, so even rows committed before the crash may be damaged, and a
   * resume prefers the last checkpoint copy (docs/campaign.md §7.3).
   */
  #markWriterOpen(open: boolean): void {
    const f = this.#f();
    this.#writing(`marking the store ${open ? "open" : "closed"}`, () => {
      if (f.attrs["writer_open"] !== undefined) f.delete_attribute("writer_open");
      int64Attr(f, "writer_open", open ? 1 : 0);
      flushChecked(f);
    });
  }

  /**
   * Create a new store with the root attributes and empty groups; fails if `path` exists.
   * @throws FileFormatError if the file already exists
   */
  static async create(path: string, attrs: RootAttributes): Promise<CampaignStore> {
    await h5Ready();
    try {
      await Deno.lstat(path);
      throw new FileFormatError(path, "already exists; refusing to overwrite a store");
    } catch (e) {
      if (!(e instanceof Deno.errors.NotFound)) throw e;
    }
    // Build the empty store under a temporary name, then rename: a crash never leaves a
    // half-created store behind.
    const tmp = `${path}.tmp`;
    hdf5Write(tmp, "creation of the store", () => {
      const created = new h5wasm.File(tmp, "w");
      for (const [k, v] of Object.entries(attrs)) {
        if (typeof v === "number" && Number.isInteger(v)) int64Attr(created, k, v);
        else created.create_attribute(k, v as string | number);
      }
      for (const g of STORE_GROUPS) createRowGroup(created, g);
      createRunRecord(created);
      created.close();
    });
    Deno.renameSync(tmp, path);
    const f = new h5wasm.File(path, "a");
    const store = new CampaignStore(path, f);
    for (const g of STORE_GROUPS) {
      store.#committed.set(g, 0);
      store.#heapLength.set(g, 0);
    }
    store.#committed.set("run_record", 0);
    for (const key of CHECKSUM_KEYS) store.#hashers.set(key, StreamHasher.empty());
    store.#markWriterOpen(true);
    return store;
  }

  /**
   * Open an existing store for appending: truncate every dataset to its group's `n_committed`
   * (orphans of a crash between steps 1 and 3 of §7.3) and load the committed ids. With
   * `verify`, every committed row is first read (read-only) and checked against the checksums of
   * the last commit ({@link CampaignStore.verifyChecksums}), so a damaged file is not modified.
   * @returns the store and the number of orphan rows removed per group
   * @throws FileFormatError if the file is not a readable store of this schema, or (with `verify`)
   * its committed rows do not match their checksums
   */
  static async openForAppend(
    path: string,
    options: { verify?: boolean } = {},
  ): Promise<{ store: CampaignStore; truncated: Record<string, number>; cleanlyClosed: boolean }> {
    await h5Ready();
    if (!options.verify) return CampaignStore.openForAppendSync(path);
    // verify read-only first, so that a damaged file is refused before anything is written to it
    const hashers = new Map<string, StreamHasher>();
    const f = openH5(path, "r");
    try {
      for (const key of CHECKSUM_KEYS) hashers.set(key, checkedHasher(f, path, key));
    } finally {
      f.close();
    }
    const opened = CampaignStore.openForAppendSync(path);
    for (const [k, h] of hashers) opened.store.#hashers.set(k, h);
    return opened;
  }

  /**
   * Synchronous {@link CampaignStore.openForAppend}, for reopening between commits; h5wasm must
   * be ready ({@link h5Ready}).
   */
  static openForAppendSync(
    path: string,
    options: { checksumsFrom?: CampaignStore } = {},
  ): { store: CampaignStore; truncated: Record<string, number>; cleanlyClosed: boolean } {
    const f = openH5(path, "a");
    const store = new CampaignStore(path, f);
    // reopened right after `checksumsFrom` closed the same file: its running checksums still hold
    const from = options.checksumsFrom;
    if (from !== undefined) { for (const [k, h] of from.#hashers) store.#hashers.set(k, h); }
    const truncated: Record<string, number> = {};
    let cleanlyClosed = true;
    try {
      const marker = f.attrs["writer_open"]?.value;
      cleanlyClosed = marker === undefined || Number(marker) === 0;
      const schema = f.attrs["schema_version"]?.value;
      if (schema !== SCHEMA_VERSION) {
        throw new FileFormatError(
          path,
          `schema_version ${JSON.stringify(schema)} is not ${SCHEMA_VERSION}`,
        );
      }
      for (const name of STORE_GROUPS) {
        const g = group(f, name);
        const n = readNumberAttr(g, "n_committed");
        if (!Number.isInteger(n) || n < 0) {
          throw new FileFormatError(`${path}:/${name}`, "n_committed missing or invalid");
        }
        const offsets = dataset(g, "metadata_offsets");
        if (firstDim(offsets) < n) {
          throw new FileFormatError(`${path}:/${name}`, `datasets shorter than n_committed ${n}`);
        }
        const heapLen = n === 0 ? 0 : Number((offsets.slice([[n - 1, n]]) as BigInt64Array)[0]);
        let removed = 0;
        for (const spec of ROW_DATASETS) {
          const d = dataset(g, spec.name);
          const len = firstDim(d);
          if (len < n) {
            throw new FileFormatError(
              `${path}:/${name}/${spec.name}`,
              `shorter than n_committed ${n}`,
            );
          }
          if (len > n) {
            removed = Math.max(removed, len - n);
            d.resize(spec.width ? [n, spec.width] : [n]);
          }
        }
        const heap = dataset(g, "metadata_bytes");
        if (firstDim(heap) > heapLen) heap.resize([heapLen]);
        truncated[name] = removed;
        store.#committed.set(name, n);
        store.#heapLength.set(name, heapLen);
        if (n > 0) {
          const ids = dataset(g, "sample_id").slice([[0, n]]) as BigInt64Array;
          for (const id of ids) store.#ids.add(Number(id));
        }
      }
      const al = group(f, "active_learning");
      for (const [name, marker] of Object.entries(ACTIVE_MATRICES)) {
        const d = al.get(name);
        if (d === null || !(d instanceof h5wasm.Dataset)) continue;
        const n = readNumberAttr(al, marker);
        const committed = Number.isInteger(n) && n >= 0 ? n : 0;
        const shape = d.shape ?? [0, 0];
        if (shape[0] > committed) d.resize([committed, shape[1]]);
        store.#committed.set(`active_learning/${name}`, committed);
      }
      const rr = group(f, "run_record");
      const nr = readNumberAttr(rr, "n_committed");
      const batches = dataset(rr, "batches");
      if (firstDim(batches) > nr) batches.resize([nr, RUN_RECORD_COLUMNS.length]);
      store.#committed.set("run_record", nr);
      store.#markWriterOpen(true);
    } catch (e) {
      f.close();
      if (e instanceof CaligoError) throw e;
      throw new FileFormatError(path, `not a readable campaign store (${(e as Error).message})`, {
        cause: e,
      });
    }
    return { store, truncated, cleanlyClosed };
  }

  #f(): H5File {
    if (this.#file === null) throw new InvalidArgumentError("store", this.path, "is closed");
    return this.#file;
  }

  /** Set (or replace) a string root attribute, e.g. `calibration_id`. */
  setRootAttribute(name: string, value: string): void {
    const f = this.#f();
    this.#writing(`write of root attribute ${name}`, () => {
      if (f.attrs[name] !== undefined) f.delete_attribute(name);
      f.create_attribute(name, value);
      flushChecked(f);
    });
  }

  /** A root attribute (int64 attributes as numbers), or undefined if absent. */
  rootAttribute(name: string): string | number | undefined {
    const a = this.#f().attrs[name];
    if (a === undefined) return undefined;
    const v = a.value;
    return typeof v === "bigint" ? Number(v) : typeof v === "number" ? v : String(v);
  }

  /** Committed rows of `group`. */
  committedRows(group: StoreGroup): number {
    return this.#committed.get(group) ?? 0;
  }

  /** Whether `sampleId` is committed anywhere in the file. */
  hasId(sampleId: number): boolean {
    return this.#ids.has(sampleId);
  }

  /** All committed ids, ascending. */
  committedIds(): number[] {
    return [...this.#ids].sort((a, b) => a - b);
  }

  /** Committed sample ids and outcome codes of `group`, in file order. */
  committedOutcomes(groupName: StoreGroup): { sampleId: Float64Array; outcomeCode: Uint8Array } {
    const g = group(this.#f(), groupName);
    const n = this.committedRows(groupName);
    if (n === 0) return { sampleId: new Float64Array(0), outcomeCode: new Uint8Array(0) };
    const ids = dataset(g, "sample_id").slice([[0, n]]) as BigInt64Array;
    const codes = dataset(g, "outcome_code").slice([[0, n]]) as Uint8Array;
    return { sampleId: Float64Array.from(ids, Number), outcomeCode: codes };
  }

  /** Set the `design_json` attribute of a group. */
  setDesignJson(groupName: StoreGroup, json: string): void {
    const g = group(this.#f(), groupName);
    this.#writing(`write of /${groupName} design_json`, () => {
      if (g.attrs["design_json"] !== undefined) g.delete_attribute("design_json");
      g.create_attribute("design_json", json);
      flushChecked(this.#f());
    });
  }

  /**
   * Commit `rows` to `group` with the protocol of docs/campaign.md §7.3. An empty list is a no-op.
   * @throws DuplicateSampleIdError if an id is already in the file or repeated in `rows`
   */
  append(groupName: StoreGroup, rows: readonly StoreRow[]): void {
    const b = rows.length;
    if (b === 0) return;
    const seen = new Set<number>();
    for (const r of rows) {
      if (this.#ids.has(r.sampleId) || seen.has(r.sampleId)) {
        throw new DuplicateSampleIdError(r.sampleId, groupName);
      }
      if (!Number.isSafeInteger(r.sampleId) || r.sampleId < 0) {
        throw new InvalidArgumentError(
          "sampleId",
          r.sampleId,
          "must be a safe non-negative integer",
        );
      }
      seen.add(r.sampleId);
    }
    const f = this.#f();
    this.#writing(
      `commit of ${b} rows to /${groupName}`,
      () => this.#append(f, groupName, rows, seen),
    );
  }

  /** Run the HDF5 writes of `fn`; a failure marks the store failed and throws StoreWriteError. */
  #writing<T>(operation: string, fn: () => T): T {
    try {
      return hdf5Write(this.path, operation, fn);
    } catch (e) {
      if (e instanceof StoreWriteError) this.#writeFailed = true;
      throw e;
    }
  }

  #append(f: H5File, groupName: StoreGroup, rows: readonly StoreRow[], seen: Set<number>): void {
    const b = rows.length;
    const g = group(f, groupName);
    const n = this.committedRows(groupName);
    const nD = DIAGNOSTIC_COLUMNS.length, nO = OUTPUT_COLUMNS.length;
    const ids = new BigInt64Array(b), inputs = new Float64Array(b * 9);
    const outputs = new Float64Array(b * nO), outcomes: string[] = new Array(b);
    const codes = new Uint8Array(b), iteration = new Int32Array(b);
    const seeds = new BigUint64Array(b), numPairs = new BigInt64Array(b);
    const keyMargin = new Float64Array(b), diagnostics = new Float64Array(b * nD);
    const offsets = new BigInt64Array(b);
    const encoder = new TextEncoder();
    const encoded = rows.map((r) => encoder.encode(r.metadata));
    const heapBytes = encoded.reduce((s, e) => s + e.length, 0);
    const heap = new Uint8Array(heapBytes);
    let heapPos = 0;
    const heapStart = this.#heapLength.get(groupName) ?? 0;
    rows.forEach((r, i) => {
      if (r.inputs.length !== 9 || r.outputs.length !== nO || r.diagnostics.length !== nD) {
        throw new InvalidArgumentError(
          `row ${r.sampleId}`,
          [r.inputs.length, r.outputs.length, r.diagnostics.length],
          `needs 9 inputs, ${nO} outputs, ${nD} diagnostics`,
        );
      }
      const code = OUTCOMES.indexOf(r.outcome);
      if (code < 0) throw new InvalidArgumentError("outcome", r.outcome, "not in the vocabulary");
      ids[i] = BigInt(r.sampleId);
      inputs.set(r.inputs as ArrayLike<number>, i * 9);
      outputs.set(r.outputs as ArrayLike<number>, i * nO);
      outcomes[i] = r.outcome;
      codes[i] = code;
      iteration[i] = r.iteration;
      seeds[i] = BigInt.asUintN(64, r.seed);
      numPairs[i] = BigInt(Math.round(r.numPairs));
      keyMargin[i] = r.keyMargin;
      diagnostics.set(r.diagnostics as ArrayLike<number>, i * nD);
      heap.set(encoded[i], heapPos);
      heapPos += encoded[i].length;
      offsets[i] = BigInt(heapStart + heapPos);
    });
    const data: Omit<RowBlock, "metadata_bytes"> = {
      sample_id: ids,
      inputs,
      outputs,
      outcomes,
      outcome_code: codes,
      iteration,
      seed: seeds,
      num_pairs: numPairs,
      key_margin: keyMargin,
      diagnostics,
      metadata_offsets: offsets,
    };
    // §7.3 step 1: every dataset resized and written.
    for (const spec of ROW_DATASETS) {
      const d = dataset(g, spec.name);
      d.resize(spec.width ? [n + b, spec.width] : [n + b]);
      d.write_slice(
        spec.width ? [[n, n + b], []] : [[n, n + b]],
        (data as Record<string, unknown>)[spec.name],
      );
    }
    if (heapBytes > 0) {
      const h = dataset(g, "metadata_bytes");
      h.resize([heapStart + heapBytes]);
      h.write_slice([[heapStart, heapStart + heapBytes]], heap);
    }
    this.beforeCommitFlush?.();
    flushChecked(f); // step 2
    const hasher = this.#hasher(groupName).extendRows(b, { ...data, metadata_bytes: heap });
    writeChecksums(g, hasher, ROW_STREAMS, `${this.path}:/${groupName}`); // step 3
    int64Attr(g, "n_committed", n + b);
    flushChecked(f);
    this.#hashers.set(groupName, hasher);
    this.#committed.set(groupName, n + b);
    this.#heapLength.set(groupName, heapStart + heapBytes);
    for (const id of seen) this.#ids.add(id);
  }

  /**
   * Commit rows to `/active_learning/<name>` (a float64 matrix with a `columns` attribute,
   * created on first use) and then its marker `n_plan_committed` / `n_iterations_committed`
   * (the §7.3 protocol). An empty `rows` is a no-op.
   * @throws InvalidArgumentError if `rows.length` is not a multiple of `columns.length`, or the
   * columns differ from those of the existing dataset
   */
  appendActiveMatrix(name: ActiveMatrix, rows: Float64Array, columns: readonly string[]): void {
    const w = columns.length;
    if (w === 0 || rows.length % w !== 0) {
      throw new InvalidArgumentError("rows", rows.length, `must be a multiple of ${w} columns`);
    }
    const b = rows.length / w;
    if (b === 0) return;
    const f = this.#f();
    const g = group(f, "active_learning");
    let d = g.get(name);
    if (d === null) {
      d = createAppendable(g, {
        name,
        dtype: "<d",
        width: w,
        empty: () => new Float64Array(0),
        gzip: false,
      }, 256);
      (d as H5Dataset).create_attribute("columns", [...columns]);
      int64Attr(g, ACTIVE_MATRICES[name], 0);
    }
    const ds = d as H5Dataset;
    const stored = ds.attrs["columns"]?.value;
    if (!Array.isArray(stored) || stored.join() !== columns.join()) {
      throw new InvalidArgumentError(
        `/active_learning/${name} columns`,
        columns,
        `differ from ${JSON.stringify(stored)}`,
      );
    }
    const key = `active_learning/${name}`;
    const n = this.#committed.get(key) ?? 0;
    this.#writing(`commit of ${b} rows to /${key}`, () => {
      ds.resize([n + b, w]);
      ds.write_slice([[n, n + b], []], rows);
      flushChecked(f);
      const hasher = this.#hasher(key).extendMatrix(b, rows);
      writeChecksums(ds, hasher, MATRIX_STREAMS, `${this.path}:/${key}`);
      int64Attr(g, ACTIVE_MATRICES[name], n + b);
      flushChecked(f);
      this.#hashers.set(key, hasher);
    });
    this.#committed.set(key, n + b);
  }

  /**
   * The running checksums of `key` (a group or `active_learning/<matrix>`): on first use after an
   * open, recomputed from the committed rows and checked against the stored record, so a commit
   * never extends the checksum of damaged rows.
   */
  #hasher(key: string): StreamHasher {
    let h = this.#hashers.get(key);
    if (h === undefined) {
      h = checkedHasher(this.#f(), this.path, key);
      this.#hashers.set(key, h);
    }
    return h;
  }

  /**
   * Recompute the SHA-256 of every group's and matrix's committed rows and compare them with the
   * checksums recorded at the last commit (lib/io/store_checksums.ts). Stores written before
   * checksums existed pass unchecked.
   * @throws FileFormatError naming the file and the dataset whose rows changed
   */
  verifyChecksums(): void {
    for (const key of CHECKSUM_KEYS) {
      this.#hashers.set(key, checkedHasher(this.#f(), this.path, key));
    }
  }

  /** Committed rows of `/active_learning/<name>` (n = 0 before the first append). */
  readActiveMatrix(name: ActiveMatrix): StoredMatrix {
    return readMatrix(group(this.#f(), "active_learning"), name);
  }

  /** The committed rows of a group, read from the open file (Phases 2 and 3). */
  readGroup(groupName: StoreGroup): GroupData {
    return readGroup(this.#f(), groupName);
  }

  /** Append one row to `/run_record/batches` (its own commit marker). */
  appendCommitRecord(rec: CommitRecord): void {
    this.#writing("commit of a /run_record/batches row", () => this.#appendCommitRecord(rec));
  }

  #appendCommitRecord(rec: CommitRecord): void {
    const f = this.#f();
    const g = group(f, "run_record");
    const n = this.#committed.get("run_record") ?? 0;
    const d = dataset(g, "batches");
    const w = RUN_RECORD_COLUMNS.length;
    d.resize([n + 1, w]);
    d.write_slice(
      [[n, n + 1], []],
      Float64Array.of(
        rec.commitIndex,
        rec.phase,
        rec.rows,
        rec.wallS,
        rec.writeS,
        rec.samplesPerS,
        rec.workerUtilisation,
        rec.peakRssMb,
        rec.elapsedS,
      ),
    );
    flushChecked(f);
    int64Attr(g, "n_committed", n + 1);
    flushChecked(f);
    this.#committed.set("run_record", n + 1);
  }

  /** Replace the JSON summary of one phase in `/run_record` attribute `phases_json`. */
  setPhaseSummary(phase: string, summary: unknown): void {
    const f = this.#f();
    const g = group(f, "run_record");
    const current = JSON.parse(String(g.attrs["phases_json"]?.value ?? "{}"));
    current[phase] = summary;
    this.#writing(`write of the ${phase} summary to /run_record`, () => {
      g.delete_attribute("phases_json");
      g.create_attribute("phases_json", JSON.stringify(current));
      flushChecked(f);
    });
  }

  /** Flush and close the file (idempotent). */
  close(): void {
    if (this.#file === null) return;
    const file = this.#file;
    this.#file = null;
    // after a failed write (a full disk) close quietly: the committed state is what is on disk
    const closeQuietly = () => {
      try {
        hdf5Write(this.path, "close", () => file.close());
      } catch { /* the write error already reported is the one that matters */ }
    };
    if (this.#writeFailed) return closeQuietly();
    this.#file = file;
    try {
      this.#writing("close", () => {
        this.#markWriterOpen(false);
        file.close();
      });
    } catch (e) {
      closeQuietly();
      throw e;
    } finally {
      this.#file = null;
    }
  }
}

/** The keys of the store's checksums: the row groups and the `/active_learning` matrices. */
const CHECKSUM_KEYS = [
  ...STORE_GROUPS,
  ...Object.keys(ACTIVE_MATRICES).map((m) => `active_learning/${m}`),
];
const MATRIX_STREAMS = ["rows"] as const;

function writeChecksums(
  obj: H5Group | H5Dataset,
  hasher: StreamHasher,
  names: readonly string[],
  where: string,
): void {
  const last = parseChecksumRecord(obj.attrs[CHECKSUM_ATTRIBUTE]?.value, where);
  if (obj.attrs[CHECKSUM_ATTRIBUTE] !== undefined) obj.delete_attribute(CHECKSUM_ATTRIBUTE);
  obj.create_attribute(CHECKSUM_ATTRIBUTE, checksumRecordText(hasher, names, last));
}

/** The committed rows of a row group exactly as stored (raw 64-bit ints, the metadata heap). */
function readRowBlock(g: H5Group, n: number): RowBlock {
  const slice = <T>(name: string, width = 0, end = n): T =>
    dataset(g, name).slice(width ? [[0, end], []] : [[0, end]]) as T;
  const offsets = n === 0 ? new BigInt64Array(0) : slice<BigInt64Array>("metadata_offsets");
  const heapLen = n === 0 ? 0 : Number(offsets[n - 1]);
  if (n === 0) {
    return {
      sample_id: new BigInt64Array(0),
      inputs: new Float64Array(0),
      outputs: new Float64Array(0),
      outcomes: [],
      outcome_code: new Uint8Array(0),
      iteration: new Int32Array(0),
      seed: new BigUint64Array(0),
      num_pairs: new BigInt64Array(0),
      key_margin: new Float64Array(0),
      diagnostics: new Float64Array(0),
      metadata_offsets: offsets,
      metadata_bytes: new Uint8Array(0),
    };
  }
  return {
    sample_id: slice("sample_id"),
    inputs: slice("inputs", 9),
    outputs: slice("outputs", OUTPUT_COLUMNS.length),
    outcomes: slice("outcomes"),
    outcome_code: slice("outcome_code"),
    iteration: slice("iteration"),
    seed: slice("seed"),
    num_pairs: slice("num_pairs"),
    key_margin: slice("key_margin"),
    diagnostics: slice("diagnostics", 1),
    metadata_offsets: offsets,
    metadata_bytes: heapLen === 0
      ? new Uint8Array(0)
      : dataset(g, "metadata_bytes").slice([[0, heapLen]]) as Uint8Array,
  };
}

/**
 * The checksums of `key`'s committed rows, recomputed from the file and checked against its
 * record. A read that fails (a damaged compressed chunk) is reported the same way.
 * @throws FileFormatError naming `path:/key[/dataset]`
 */
function checkedHasher(f: H5File, path: string, key: string): StreamHasher {
  const where = `${path}:/${key}`;
  try {
    if (key.startsWith("active_learning/")) {
      const name = key.slice("active_learning/".length) as ActiveMatrix;
      const al = group(f, "active_learning");
      const d = al.get(name);
      if (d === null || !(d instanceof h5wasm.Dataset)) return StreamHasher.empty();
      const m = readMatrix(al, name);
      const h = StreamHasher.empty().extendMatrix(m.n, m.rows);
      verifyChecksums(where, parseChecksumRecord(d.attrs[CHECKSUM_ATTRIBUTE]?.value, where), h, [
        ...MATRIX_STREAMS,
      ]);
      return h;
    }
    const g = group(f, key);
    const n = readNumberAttr(g, "n_committed");
    const h = StreamHasher.empty().extendRows(n, readRowBlock(g, n));
    verifyChecksums(
      where,
      parseChecksumRecord(g.attrs[CHECKSUM_ATTRIBUTE]?.value, where),
      h,
      ROW_STREAMS,
    );
    return h;
  } catch (e) {
    if (e instanceof CaligoError) throw e;
    throw new FileFormatError(where, `committed rows cannot be read (${(e as Error).message})`, {
      cause: e,
    });
  }
}

function readMatrix(g: H5Group, name: ActiveMatrix): StoredMatrix {
  const d = g.get(name);
  if (d === null || !(d instanceof h5wasm.Dataset)) {
    return { n: 0, rows: new Float64Array(0), columns: [] };
  }
  const n = readNumberAttr(g, ACTIVE_MATRICES[name]);
  const cols = d.attrs["columns"]?.value;
  const columns = Array.isArray(cols) ? cols.map(String) : [];
  if (!(n > 0)) return { n: 0, rows: new Float64Array(0), columns };
  return { n, rows: d.slice([[0, n], []]) as Float64Array, columns };
}

function readGroup(f: H5File, name: StoreGroup): GroupData {
  const g = group(f, name);
  const n = readNumberAttr(g, "n_committed");
  const rows = <T>(ds: string): T => {
    const d = dataset(g, ds);
    const w = d.shape?.[1];
    if (n === 0) return (d.dtype === "<q" ? new BigInt64Array(0) : new Float64Array(0)) as T;
    return d.slice(w ? [[0, n], []] : [[0, n]]) as T;
  };
  const toF64 = (a: BigInt64Array | Float64Array) =>
    Float64Array.from(a as ArrayLike<number>, Number);
  const offsets = n === 0 ? new BigInt64Array(0) : rows<BigInt64Array>("metadata_offsets");
  const heapLen = n === 0 ? 0 : Number(offsets[n - 1]);
  const heap = heapLen === 0
    ? new Uint8Array(0)
    : dataset(g, "metadata_bytes").slice([[0, heapLen]]) as Uint8Array;
  const decoder = new TextDecoder();
  const metadata: string[] = [];
  for (let i = 0; i < n; i++) {
    const a = i === 0 ? 0 : Number(offsets[i - 1]);
    metadata.push(decoder.decode(heap.subarray(a, Number(offsets[i]))));
  }
  const outcomeStrings = n === 0 ? [] : rows<string[]>("outcomes");
  const columnsAttr = dataset(g, "diagnostics").attrs["columns"]?.value;
  const diagnosticColumns = Array.isArray(columnsAttr) ? columnsAttr.map(String) : [];
  const diagnostics = n === 0 ? new Float64Array(0) : rows<Float64Array>("diagnostics");
  return {
    n,
    sampleId: toF64(rows<BigInt64Array>("sample_id")),
    inputs: n === 0 ? new Float64Array(0) : rows<Float64Array>("inputs"),
    outputs: n === 0 ? new Float64Array(0) : rows<Float64Array>("outputs"),
    outcomes: outcomeStrings.map((s) => s.replace(/\0+$/, "") as Outcome),
    outcomeCode: n === 0 ? new Uint8Array(0) : rows<Uint8Array>("outcome_code"),
    iteration: n === 0 ? new Int32Array(0) : rows<Int32Array>("iteration"),
    seed: n === 0 ? new BigUint64Array(0) : rows<BigUint64Array>("seed"),
    numPairs: toF64(rows<BigInt64Array>("num_pairs")),
    keyMargin: n === 0 ? new Float64Array(0) : rows<Float64Array>("key_margin"),
    cliffMargin: diagnosticColumn(diagnostics, diagnosticColumns, "cliff_margin"),
    diagnostics,
    diagnosticColumns,
    metadata,
  };
}

/** One column of a row-major diagnostics matrix by name; NaN where the store lacks it. */
export function diagnosticColumn(
  diagnostics: Float64Array,
  columns: readonly string[],
  name: string,
): Float64Array {
  const width = columns.length;
  const n = width === 0 ? 0 : diagnostics.length / width;
  const j = columns.indexOf(name);
  const out = new Float64Array(n).fill(NaN);
  if (j >= 0) { for (let i = 0; i < n; i++) out[i] = diagnostics[i * width + j]; }
  return out;
}

/**
 * The root attributes of a store, read-only (int64 attributes as numbers), or null when the file
 * cannot be read: a resume checks the run identity with them before it opens the file for
 * writing, so a refused store is left byte for byte as it was.
 */
export async function readRootAttributes(
  path: string,
): Promise<Record<string, string | number> | null> {
  await h5Ready();
  let f: H5File;
  try {
    f = openH5(path, "r");
  } catch {
    return null;
  }
  try {
    const out: Record<string, string | number> = {};
    for (const [k, a] of Object.entries(f.attrs)) {
      const v = a.value;
      out[k] = typeof v === "bigint" ? Number(v) : typeof v === "number" ? v : String(v);
    }
    return out;
  } catch {
    return null;
  } finally {
    f.close();
  }
}

/**
 * Read the committed rows of a campaign store (rows past a group's `n_committed` are ignored),
 * for analysis scripts and later phases. Opens read-only and closes before returning.
 * With `verify`, the checksums of every group and matrix are checked first (a merge does this).
 * @throws FileFormatError if the file is missing, not HDF5, or not a campaign store, or (with
 * `verify`) its committed rows do not match their checksums
 */
export async function openCampaignStore(
  path: string,
  options: { verify?: boolean } = {},
): Promise<CampaignData> {
  await h5Ready();
  const f = openH5(path, "r");
  try {
    if (options.verify) { for (const key of CHECKSUM_KEYS) checkedHasher(f, path, key); }
    const attributes: Record<string, string | number> = {};
    for (const [k, a] of Object.entries(f.attrs)) {
      const v = a.value;
      attributes[k] = typeof v === "bigint" ? Number(v) : typeof v === "number" ? v : String(v);
    }
    const groups = {} as Record<StoreGroup, GroupData>;
    for (const name of STORE_GROUPS) groups[name] = readGroup(f, name);
    const rr = group(f, "run_record");
    const nr = readNumberAttr(rr, "n_committed");
    const commits: CommitRecord[] = [];
    if (nr > 0) {
      const m = dataset(rr, "batches").slice([[0, nr], []]) as Float64Array;
      const w = RUN_RECORD_COLUMNS.length;
      for (let i = 0; i < nr; i++) {
        const r = m.subarray(i * w, i * w + w);
        commits.push({
          commitIndex: r[0],
          phase: r[1],
          rows: r[2],
          wallS: r[3],
          writeS: r[4],
          samplesPerS: r[5],
          workerUtilisation: r[6],
          peakRssMb: r[7],
          elapsedS: r[8],
        });
      }
    }
    const phases = JSON.parse(String(rr.attrs["phases_json"]?.value ?? "{}"));
    const al = group(f, "active_learning");
    const matrices = { plan: readMatrix(al, "plan"), iterations: readMatrix(al, "iterations") };
    return { path, attributes, groups, matrices, commits, phases };
  } catch (e) {
    if (e instanceof CaligoError) throw e;
    throw new FileFormatError(path, `not a readable campaign store (${(e as Error).message})`, {
      cause: e,
    });
  } finally {
    f.close();
  }
}
