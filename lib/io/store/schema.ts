/**
 * The layout of the campaign store `exploration_data.h5` as data (docs/campaign.md §7.1, fallback
 * "caligo-ts/1-fixedstr"): the groups, each row dataset with its dtype and width, the column lists
 * (the `inputs` columns are the parameter table's, lib/science/parameter_space.ts), the
 * `/run_record` columns, the `/active_learning` matrices and their commit markers, and the types
 * of what is written (a {@link StoreRow}) and read back (a {@link CampaignData}). No I/O: the writer
 * (./writer.ts) and the reader (./reader.ts) both follow this file.
 *
 * Root attributes, then groups `/lhs_warmup`, `/active_learning`, `/holdout`, each with the commit
 * marker `n_committed` (int64 attribute) and the datasets of {@link ROW_DATASETS}: `outcomes` is
 * 32-byte NUL-padded ASCII (h5wasm cannot append variable-length strings), and the metadata JSON
 * is a uint8 heap `metadata_bytes` plus int64 `metadata_offsets` holding the EXCLUSIVE END offset
 * of each row's bytes (row i spans [offsets[i−1], offsets[i]), offsets[−1] = 0). `/run_record`
 * holds per-commit timings (`batches`, {@link RUN_RECORD_COLUMNS}) and phase summaries
 * (`phases_json`).
 * @module
 */
import {
  DIAGNOSTIC_COLUMNS,
  type Outcome,
  OUTCOMES,
  OUTPUT_COLUMNS,
} from "../../protocol/record.ts";
import { STORED_COLUMNS, STORED_WIDTH } from "../../science/parameter_space.ts";

/** Schema tag: the fixed-length-string fallback of docs/campaign.md §7.1, with native 64-bit ints. */
export const SCHEMA_VERSION = "caligo-ts/1-fixedstr";
/** Row groups of the store. */
export const STORE_GROUPS = ["lhs_warmup", "active_learning", "holdout"] as const;
export type StoreGroup = typeof STORE_GROUPS[number];
/** Stored input columns (docs/science.md §1.1), in order: the parameter table's stored columns. */
export const INPUT_COLUMNS = STORED_COLUMNS;
/** Bytes of one stored outcome string. */
export const OUTCOME_BYTES = 32;
/**
 * Rows per chunk of the row datasets. A commit rewrites (and re-deflates) every partly filled chunk
 * it touches, so the cost of a commit of b rows grows with b + CHUNK_ROWS: 1024-row chunks made a
 * 50-row commit cost ≈ 14 ms, 128-row chunks ≈ 4.5 ms (bench/store_commit_bench.ts); a 128-row
 * diagnostics chunk is ≈ 38 KB, inside HDF5's recommended 10 KB–1 MB.
 */
export const CHUNK_ROWS = 128;
/** Rows per chunk of the `/active_learning` matrices and `/run_record/batches`. */
export const MATRIX_CHUNK_ROWS = 256;
/** Bytes per chunk of the metadata heap `metadata_bytes`. */
export const HEAP_CHUNK_BYTES = 8192;
/** Deflate level of the compressed row datasets. */
export const GZIP_LEVEL = 4;

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

/** One appendable dataset of a row group: its dtype, its width (0 = 1-D) and compression. */
export interface DatasetSpec {
  name: string;
  /** HDF5 dtype as h5wasm spells it: `<q` int64, `<d` float64, `S32` fixed string, … */
  dtype: string;
  /** Columns of a 2-D dataset; 0 for a 1-D dataset. */
  width: number;
  /** An empty array of the dataset's type (h5wasm needs one to create it). */
  empty: () => ArrayLike<unknown> | string[];
  gzip: boolean;
  /** A string-list attribute written right after the dataset: `columns`, or `vocabulary`. */
  listAttribute?: { name: "columns" | "vocabulary"; values: readonly string[] };
}

const f64 = () => new Float64Array(0);
const i64 = () => new BigInt64Array(0);

/** The datasets of a row group that hold one entry per row, in write order. */
export const ROW_DATASETS: readonly DatasetSpec[] = [
  { name: "sample_id", dtype: "<q", width: 0, empty: i64, gzip: false },
  {
    name: "inputs",
    dtype: "<d",
    width: STORED_WIDTH,
    empty: f64,
    gzip: true,
    listAttribute: { name: "columns", values: INPUT_COLUMNS },
  },
  {
    name: "outputs",
    dtype: "<d",
    width: OUTPUT_COLUMNS.length,
    empty: f64,
    gzip: true,
    listAttribute: { name: "columns", values: OUTPUT_COLUMNS },
  },
  { name: "outcomes", dtype: `S${OUTCOME_BYTES}`, width: 0, empty: () => [], gzip: false },
  {
    name: "outcome_code",
    dtype: "<B",
    width: 0,
    empty: () => new Uint8Array(0),
    gzip: false,
    listAttribute: { name: "vocabulary", values: OUTCOMES },
  },
  { name: "iteration", dtype: "<i", width: 0, empty: () => new Int32Array(0), gzip: false },
  { name: "seed", dtype: "<Q", width: 0, empty: () => new BigUint64Array(0), gzip: false },
  { name: "num_pairs", dtype: "<q", width: 0, empty: i64, gzip: false },
  { name: "key_margin", dtype: "<d", width: 0, empty: f64, gzip: true },
  {
    name: "diagnostics",
    dtype: "<d",
    width: DIAGNOSTIC_COLUMNS.length,
    empty: f64,
    gzip: true,
    listAttribute: { name: "columns", values: DIAGNOSTIC_COLUMNS },
  },
  { name: "metadata_offsets", dtype: "<q", width: 0, empty: i64, gzip: false },
];

/** The metadata heap of a row group: the rows' JSON bytes, one after the other. */
export const METADATA_HEAP: DatasetSpec = {
  name: "metadata_bytes",
  dtype: "<B",
  width: 0,
  empty: () => new Uint8Array(0),
  gzip: false,
};

/** A float64 matrix dataset (`/run_record/batches`, the `/active_learning` matrices). */
export function matrixSpec(name: string, columns: readonly string[]): DatasetSpec {
  const listAttribute = { name: "columns" as const, values: columns };
  return { name, dtype: "<d", width: columns.length, empty: f64, gzip: false, listAttribute };
}

/** Float64 matrices of `/active_learning` with their own commit markers (docs/campaign.md §7.1). */
export const ACTIVE_MATRICES = {
  plan: "n_plan_committed",
  iterations: "n_iterations_committed",
} as const;
export type ActiveMatrix = keyof typeof ACTIVE_MATRICES;

/** The keys of the store's checksums: the row groups and the `/active_learning` matrices. */
export const CHECKSUM_KEYS = [
  ...STORE_GROUPS,
  ...Object.keys(ACTIVE_MATRICES).map((m) => `active_learning/${m}`),
];
/** The one checksum stream of a matrix dataset. */
export const MATRIX_STREAMS = ["rows"] as const;

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
  /** The 9 stored columns of docs/science.md §1.1 ({@link INPUT_COLUMNS}). */
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

/** The {@link CommitRecord} field of each `/run_record/batches` column. */
const COMMIT_FIELDS: Record<typeof RUN_RECORD_COLUMNS[number], keyof CommitRecord> = {
  commit_index: "commitIndex",
  phase: "phase",
  rows: "rows",
  wall_s: "wallS",
  write_s: "writeS",
  samples_per_s: "samplesPerS",
  worker_utilisation: "workerUtilisation",
  peak_rss_mb: "peakRssMb",
  elapsed_s: "elapsedS",
};

/** A commit record as a `/run_record/batches` row, in {@link RUN_RECORD_COLUMNS} order. */
export function commitRecordRow(record: CommitRecord): Float64Array {
  return Float64Array.from(RUN_RECORD_COLUMNS, (c) => record[COMMIT_FIELDS[c]]);
}

/**
 * The commit record of a `/run_record/batches` row.
 * @example
 * ```ts
 * import { commitRecordOf, commitRecordRow } from "./schema.ts";
 * const r = commitRecordOf(Float64Array.of(0, 1, 50, 2, 0.01, 25, 0.9, 120, 2));
 * console.assert(r.peakRssMb === 120 && commitRecordRow(r)[7] === 120);
 * ```
 */
export function commitRecordOf(row: ArrayLike<number>): CommitRecord {
  const record = {} as CommitRecord;
  RUN_RECORD_COLUMNS.forEach((c, j) => record[COMMIT_FIELDS[c]] = row[j]);
  return record;
}

/** The commit records as a matrix in {@link RUN_RECORD_COLUMNS} order (report figures). */
export function commitMatrix(commits: readonly CommitRecord[]): StoredMatrix {
  const w = RUN_RECORD_COLUMNS.length;
  const rows = new Float64Array(commits.length * w);
  commits.forEach((c, i) => rows.set(commitRecordRow(c), i * w));
  return { n: commits.length, rows, columns: [...RUN_RECORD_COLUMNS] };
}

/** Committed rows of one group, column-wise. */
export interface GroupData {
  /** Number of committed rows. */
  n: number;
  sampleId: Float64Array;
  /** n×9 row-major, {@link INPUT_COLUMNS} (docs/science.md §1.1). */
  inputs: Float64Array;
  /** n×6 row-major in {@link OUTPUT_COLUMNS} order. */
  outputs: Float64Array;
  outcomes: Outcome[];
  outcomeCode: Uint8Array;
  /** −1 for Phase 1 and holdout, else the Phase 3 iteration. */
  iteration: Int32Array;
  seed: BigUint64Array;
  /** Exact N per row. */
  numPairs: Float64Array;
  keyMargin: Float64Array;
  /** The surrogate target (docs/science.md §8.5), from the diagnostics (NaN in older stores). */
  cliffMargin: Float64Array;
  /** n×D row-major, D = `diagnosticColumns.length`. */
  diagnostics: Float64Array;
  diagnosticColumns: readonly string[];
  metadata: string[];
}

/** Committed rows of a float64 matrix dataset (row-major n × columns.length). */
export interface StoredMatrix {
  n: number;
  rows: Float64Array;
  columns: readonly string[];
}

/**
 * A campaign as read back (./reader.ts): root attributes, the three groups, the `/active_learning`
 * matrices and the run record. The one in-memory view of a store: merge, analysis scripts and
 * post-processing (docs/campaign.md §12) read this type, and tests build it synthetically.
 */
export interface CampaignData {
  /** The file it was read from ("" for a synthetic campaign). */
  path: string;
  /** Root attributes (int64 attributes as numbers), docs/campaign.md §7.1. */
  attributes: Record<string, string | number>;
  groups: Record<StoreGroup, GroupData>;
  /** `/active_learning/plan` and `/iterations` (n = 0 and no columns until Phase 3 writes). */
  matrices: Record<ActiveMatrix, StoredMatrix>;
  /** `/run_record/batches`, one record per commit. */
  commits: CommitRecord[];
  /** Per-phase summaries (`/run_record` attribute `phases_json`). */
  phases: Record<string, unknown>;
}

/** A group with no rows. */
export function emptyGroupData(): GroupData {
  return {
    n: 0,
    sampleId: new Float64Array(0),
    inputs: new Float64Array(0),
    outputs: new Float64Array(0),
    outcomes: [],
    outcomeCode: new Uint8Array(0),
    iteration: new Int32Array(0),
    seed: new BigUint64Array(0),
    numPairs: new Float64Array(0),
    keyMargin: new Float64Array(0),
    cliffMargin: new Float64Array(0),
    diagnostics: new Float64Array(0),
    diagnosticColumns: DIAGNOSTIC_COLUMNS,
    metadata: [],
  };
}

/** An empty matrix (no rows, no columns). */
export function emptyMatrix(): StoredMatrix {
  return { n: 0, rows: new Float64Array(0), columns: [] };
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
