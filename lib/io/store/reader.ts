/**
 * The one reader of the campaign store (docs/campaign.md §7): the committed rows of each group
 * (rows past a group's `n_committed` are ignored), the `/active_learning` matrices, the run record
 * and the root attributes, read-only, into a {@link CampaignData}; and the checksum check of the
 * committed rows (./checksums.ts). The writer (./writer.ts) reads through the same functions.
 * @module
 */
import { CaligoError, FileFormatError } from "../../errors.ts";
import type { Outcome } from "../../protocol/record.ts";
import {
  CHECKSUM_ATTRIBUTE,
  parseChecksumRecord,
  ROW_STREAMS,
  type RowBlock,
  StreamHasher,
  verifyChecksums,
} from "./checksums.ts";
import {
  ACTIVE_MATRICES,
  type ActiveMatrix,
  type CampaignData,
  CHECKSUM_KEYS,
  type CommitRecord,
  commitRecordOf,
  diagnosticColumn,
  emptyMatrix,
  type GroupData,
  MATRIX_STREAMS,
  ROW_DATASETS,
  RUN_RECORD_COLUMNS,
  STORE_GROUPS,
  type StoredMatrix,
  type StoreGroup,
} from "./schema.ts";
import {
  dataset,
  group,
  type H5File,
  type H5Group,
  h5Ready,
  openH5,
  optionalDataset,
  readNumberAttr,
  rootAttributes,
  stringListAttr,
} from "./_hdf5.ts";

/**
 * Read the committed rows of a campaign store, for analysis scripts, a merge, later phases and the
 * report. Opens read-only and closes before returning. With `verify`, the checksums of every group
 * and matrix are checked first (a merge does this).
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
    const groups = {} as Record<StoreGroup, GroupData>;
    for (const name of STORE_GROUPS) groups[name] = readGroup(f, name);
    const rr = group(f, "run_record");
    const phases = JSON.parse(String(rr.attrs["phases_json"]?.value ?? "{}"));
    const al = group(f, "active_learning");
    const matrices = { plan: readMatrix(al, "plan"), iterations: readMatrix(al, "iterations") };
    const attributes = rootAttributes(f);
    return { path, attributes, groups, matrices, commits: readCommitRecords(rr), phases };
  } catch (e) {
    if (e instanceof CaligoError) throw e;
    throw new FileFormatError(path, `not a readable campaign store (${(e as Error).message})`, {
      cause: e,
    });
  } finally {
    f.close();
  }
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
    return rootAttributes(f);
  } catch {
    return null;
  } finally {
    f.close();
  }
}

/** The committed records of `/run_record/batches`. */
function readCommitRecords(rr: H5Group): CommitRecord[] {
  const n = readNumberAttr(rr, "n_committed");
  if (!(n > 0)) return [];
  const m = dataset(rr, "batches").slice([[0, n], []]) as Float64Array;
  const w = RUN_RECORD_COLUMNS.length;
  return Array.from({ length: n }, (_, i) => commitRecordOf(m.subarray(i * w, (i + 1) * w)));
}

/** Committed rows of `/active_learning/<name>` (n = 0 and no columns before its first append). */
export function readMatrix(g: H5Group, name: ActiveMatrix): StoredMatrix {
  const d = optionalDataset(g, name);
  if (d === null) return emptyMatrix();
  const n = readNumberAttr(g, ACTIVE_MATRICES[name]);
  const columns = stringListAttr(d, "columns");
  if (!(n > 0)) return { n: 0, rows: new Float64Array(0), columns };
  return { n, rows: d.slice([[0, n], []]) as Float64Array, columns };
}

/**
 * The committed rows of a row group exactly as stored: raw 64-bit ints, the outcome strings
 * NUL-padded, the metadata heap up to the last row's end offset.
 */
export function readRowBlock(g: H5Group, n: number): RowBlock {
  const block: Record<string, unknown> = {};
  for (const spec of ROW_DATASETS) {
    block[spec.name] = n === 0
      ? spec.empty()
      : dataset(g, spec.name).slice(spec.width ? [[0, n], []] : [[0, n]]);
  }
  const offsets = block.metadata_offsets as BigInt64Array;
  const heapLength = n === 0 ? 0 : Number(offsets[n - 1]);
  block.metadata_bytes = heapLength === 0
    ? new Uint8Array(0)
    : dataset(g, "metadata_bytes").slice([[0, heapLength]]) as Uint8Array;
  return block as unknown as RowBlock;
}

/** The committed rows of a row group, column-wise, with the metadata decoded to JSON text. */
export function readGroup(f: H5File, name: StoreGroup): GroupData {
  const g = group(f, name);
  const n = readNumberAttr(g, "n_committed");
  const b = readRowBlock(g, n > 0 ? n : 0);
  const diagnosticColumns = stringListAttr(dataset(g, "diagnostics"), "columns");
  return {
    n,
    sampleId: Float64Array.from(b.sample_id, Number),
    inputs: b.inputs,
    outputs: b.outputs,
    outcomes: b.outcomes.map((s) => s.replace(/\0+$/, "") as Outcome),
    outcomeCode: b.outcome_code,
    iteration: b.iteration,
    seed: b.seed,
    numPairs: Float64Array.from(b.num_pairs, Number),
    keyMargin: b.key_margin,
    cliffMargin: diagnosticColumn(b.diagnostics, diagnosticColumns, "cliff_margin"),
    diagnostics: b.diagnostics,
    diagnosticColumns,
    metadata: metadataTexts(b.metadata_offsets, b.metadata_bytes),
  };
}

/** The JSON text of each row: row i spans [offsets[i−1], offsets[i]) of the heap. */
function metadataTexts(offsets: BigInt64Array, heap: Uint8Array): string[] {
  const decoder = new TextDecoder();
  return Array.from(offsets, (end, i) => {
    const start = i === 0 ? 0 : Number(offsets[i - 1]);
    return decoder.decode(heap.subarray(start, Number(end)));
  });
}

/**
 * The checksums of `key`'s committed rows (a row group or `active_learning/<matrix>`), recomputed
 * from the file and checked against its record. A read that fails (a damaged compressed chunk) is
 * reported the same way.
 * @throws FileFormatError naming `path:/key[/dataset]`
 */
export function checkedHasher(f: H5File, path: string, key: string): StreamHasher {
  const where = `${path}:/${key}`;
  try {
    if (key.startsWith("active_learning/")) return checkedMatrixHasher(f, key, where);
    const g = group(f, key);
    const n = readNumberAttr(g, "n_committed");
    const h = StreamHasher.empty().extendRows(n, readRowBlock(g, n));
    const record = parseChecksumRecord(g.attrs[CHECKSUM_ATTRIBUTE]?.value, where);
    verifyChecksums(where, record, h, ROW_STREAMS);
    return h;
  } catch (e) {
    if (e instanceof CaligoError) throw e;
    throw new FileFormatError(where, `committed rows cannot be read (${(e as Error).message})`, {
      cause: e,
    });
  }
}

function checkedMatrixHasher(f: H5File, key: string, where: string): StreamHasher {
  const name = key.slice("active_learning/".length) as ActiveMatrix;
  const al = group(f, "active_learning");
  const d = optionalDataset(al, name);
  if (d === null) return StreamHasher.empty();
  const m = readMatrix(al, name);
  const h = StreamHasher.empty().extendMatrix(m.n, m.rows);
  const record = parseChecksumRecord(d.attrs[CHECKSUM_ATTRIBUTE]?.value, where);
  verifyChecksums(where, record, h, [...MATRIX_STREAMS]);
  return h;
}
