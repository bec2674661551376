/**
 * The campaign store's writer (docs/campaign.md §7): {@link CampaignStore}, the HDF5 file
 * `exploration_data.h5` opened by the main thread to create it, append committed rows, keep
 * per-commit checksums (./checksums.ts) and the run record, written with h5wasm's Node build on
 * the real filesystem and readable by h5py and `h5dump`. The layout is ./schema.ts; reads go
 * through ./reader.ts.
 *
 * Append protocol (docs/campaign.md §7.3): resize and write every dataset, `flush()`, then rewrite the
 * group's `checksums_json` (SHA-256 of each dataset's committed bytes, lib/io/store/checksums.ts)
 * and `n_committed` and `flush()` again. On open for append, rows beyond `n_committed` are truncated.
 * Only the main thread touches the file.
 * @module
 */
import { CaligoError, FileFormatError, InvalidArgumentError } from "../../errors.ts";
import { DIAGNOSTIC_COLUMNS, OUTCOMES, OUTPUT_COLUMNS } from "../../protocol/record.ts";
import { STORED_WIDTH } from "../../science/parameter_space.ts";
import { flushChecked, withHdf5Diagnostics } from "./hdf5_diagnostics.ts";
import {
  CHECKSUM_ATTRIBUTE,
  checksumRecordText,
  parseChecksumRecord,
  ROW_STREAMS,
  type RowBlock,
  StreamHasher,
} from "./checksums.ts";
import {
  ACTIVE_MATRICES,
  type ActiveMatrix,
  CHECKSUM_KEYS,
  CHUNK_ROWS,
  type CommitRecord,
  commitRecordRow,
  type GroupData,
  HEAP_CHUNK_BYTES,
  MATRIX_CHUNK_ROWS,
  MATRIX_STREAMS,
  matrixSpec,
  METADATA_HEAP,
  type RootAttributes,
  ROW_DATASETS,
  RUN_RECORD_COLUMNS,
  SCHEMA_VERSION,
  STORE_GROUPS,
  type StoredMatrix,
  type StoreGroup,
  type StoreRow,
} from "./schema.ts";
import {
  attributeValue,
  createAppendable,
  createH5,
  dataset,
  firstDim,
  group,
  type H5Dataset,
  type H5File,
  type H5Group,
  h5Ready,
  int64Attr,
  openH5,
  optionalDataset,
  readNumberAttr,
} from "./_hdf5.ts";
import { checkedHasher, readGroup, readMatrix } from "./reader.ts";

/** A sample id already present in the file (a programming error: the run aborts). */
export class DuplicateSampleIdError extends CaligoError {
  constructor(readonly sampleId: number, readonly group: StoreGroup) {
    super(`sample id ${sampleId} is already in the store (appending to /${group})`);
  }
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
 * (lib/io/store/hdf5_diagnostics.ts), so a failed write (a full disk) throws one error.
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

/**
 * @throws FileFormatError if the root attribute `schema_version` is not {@link SCHEMA_VERSION}
 */
function assertSchemaVersion(f: H5File, path: string): void {
  const schema = f.attrs["schema_version"]?.value;
  if (schema !== SCHEMA_VERSION) {
    throw new FileFormatError(
      path,
      `schema_version ${JSON.stringify(schema)} is not ${SCHEMA_VERSION}`,
    );
  }
}

/** Zeroed columns for `b` rows (the metadata heap empty), in the dtypes of ./schema.ts. */
function allocateRowBlock(b: number): RowBlock {
  return {
    sample_id: new BigInt64Array(b),
    inputs: new Float64Array(b * STORED_WIDTH),
    outputs: new Float64Array(b * OUTPUT_COLUMNS.length),
    outcomes: new Array<string>(b),
    outcome_code: new Uint8Array(b),
    iteration: new Int32Array(b),
    seed: new BigUint64Array(b),
    num_pairs: new BigInt64Array(b),
    key_margin: new Float64Array(b),
    diagnostics: new Float64Array(b * DIAGNOSTIC_COLUMNS.length),
    metadata_offsets: new BigInt64Array(b),
    metadata_bytes: new Uint8Array(0),
  };
}

/**
 * The columns of `rows` as they are written (./schema.ts dtypes), the metadata JSON packed into
 * one heap whose end offsets continue from `heapStart`.
 * @throws InvalidArgumentError if a row has the wrong number of inputs, outputs or diagnostics, or
 * an outcome outside the vocabulary
 */
function packRows(rows: readonly StoreRow[], heapStart: number): RowBlock {
  const nI = STORED_WIDTH, nO = OUTPUT_COLUMNS.length, nD = DIAGNOSTIC_COLUMNS.length;
  const block = allocateRowBlock(rows.length);
  const encoder = new TextEncoder();
  const encoded = rows.map((r) => encoder.encode(r.metadata));
  block.metadata_bytes = new Uint8Array(encoded.reduce((s, e) => s + e.length, 0));
  let heapPos = 0;
  rows.forEach((r, i) => {
    if (r.inputs.length !== nI || r.outputs.length !== nO || r.diagnostics.length !== nD) {
      throw new InvalidArgumentError(
        `row ${r.sampleId}`,
        [r.inputs.length, r.outputs.length, r.diagnostics.length],
        `needs ${nI} inputs, ${nO} outputs, ${nD} diagnostics`,
      );
    }
    const code = OUTCOMES.indexOf(r.outcome);
    if (code < 0) throw new InvalidArgumentError("outcome", r.outcome, "not in the vocabulary");
    block.sample_id[i] = BigInt(r.sampleId);
    block.inputs.set(r.inputs as ArrayLike<number>, i * nI);
    block.outputs.set(r.outputs as ArrayLike<number>, i * nO);
    (block.outcomes as string[])[i] = r.outcome;
    block.outcome_code[i] = code;
    block.iteration[i] = r.iteration;
    block.seed[i] = BigInt.asUintN(64, r.seed);
    block.num_pairs[i] = BigInt(Math.round(r.numPairs));
    block.key_margin[i] = r.keyMargin;
    block.diagnostics.set(r.diagnostics as ArrayLike<number>, i * nD);
    block.metadata_bytes.set(encoded[i], heapPos);
    heapPos += encoded[i].length;
    block.metadata_offsets[i] = BigInt(heapStart + heapPos);
  });
  return block;
}

/**
 * `/active_learning/<name>`, created with its `columns` and a zero marker on first use.
 * @throws InvalidArgumentError if it exists with other columns
 */
function activeMatrixDataset(
  g: H5Group,
  name: ActiveMatrix,
  columns: readonly string[],
): H5Dataset {
  let ds = optionalDataset(g, name);
  if (ds === null) {
    ds = createAppendable(g, matrixSpec(name, columns), MATRIX_CHUNK_ROWS);
    int64Attr(g, ACTIVE_MATRICES[name], 0);
  }
  const stored = ds.attrs["columns"]?.value;
  if (!Array.isArray(stored) || stored.join() !== columns.join()) {
    throw new InvalidArgumentError(
      `/active_learning/${name} columns`,
      columns,
      `differ from ${JSON.stringify(stored)}`,
    );
  }
  return ds;
}

/** Create an empty row group: its commit marker, `design_json` and the datasets of the schema. */
function createRowGroup(f: H5File, name: StoreGroup): void {
  const g = f.create_group(name);
  int64Attr(g, "n_committed", 0);
  g.create_attribute("design_json", "{}");
  for (const spec of ROW_DATASETS) createAppendable(g, spec, CHUNK_ROWS);
  createAppendable(g, METADATA_HEAP, HEAP_CHUNK_BYTES);
}

/** Create the empty `/run_record`: its commit marker, `phases_json` and `batches`. */
function createRunRecord(f: H5File): void {
  const g = f.create_group("run_record");
  int64Attr(g, "n_committed", 0);
  g.create_attribute("phases_json", "{}");
  createAppendable(g, matrixSpec("batches", RUN_RECORD_COLUMNS), MATRIX_CHUNK_ROWS);
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
   * rows durable, where a full disk fails; it may make that flush fail (lib/campaign/store/write_faults.ts).
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
      const created = createH5(tmp);
      for (const [k, v] of Object.entries(attrs)) {
        if (typeof v === "number" && Number.isInteger(v)) int64Attr(created, k, v);
        else created.create_attribute(k, v as string | number);
      }
      for (const g of STORE_GROUPS) createRowGroup(created, g);
      createRunRecord(created);
      created.close();
    });
    Deno.renameSync(tmp, path);
    const f = openH5(path, "a");
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
      assertSchemaVersion(f, path);
      for (const name of STORE_GROUPS) truncated[name] = store.#truncateRowGroup(f, name);
      store.#truncateMatrices(group(f, "active_learning"));
      store.#truncateRunRecord(group(f, "run_record"));
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

  /**
   * Cut a row group's datasets back to its `n_committed` and load its committed ids.
   * @returns the number of orphan rows removed
   * @throws FileFormatError if the marker is invalid or a dataset is shorter than it
   */
  #truncateRowGroup(f: H5File, name: StoreGroup): number {
    const g = group(f, name);
    const n = readNumberAttr(g, "n_committed");
    if (!Number.isInteger(n) || n < 0) {
      throw new FileFormatError(`${this.path}:/${name}`, "n_committed missing or invalid");
    }
    const offsets = dataset(g, "metadata_offsets");
    if (firstDim(offsets) < n) {
      throw new FileFormatError(`${this.path}:/${name}`, `datasets shorter than n_committed ${n}`);
    }
    const heapLen = n === 0 ? 0 : Number((offsets.slice([[n - 1, n]]) as BigInt64Array)[0]);
    let removed = 0;
    for (const spec of ROW_DATASETS) {
      const d = dataset(g, spec.name);
      const len = firstDim(d);
      if (len < n) {
        throw new FileFormatError(
          `${this.path}:/${name}/${spec.name}`,
          `shorter than n_committed ${n}`,
        );
      }
      if (len > n) {
        removed = Math.max(removed, len - n);
        d.resize(spec.width ? [n, spec.width] : [n]);
      }
    }
    const heap = dataset(g, METADATA_HEAP.name);
    if (firstDim(heap) > heapLen) heap.resize([heapLen]);
    this.#committed.set(name, n);
    this.#heapLength.set(name, heapLen);
    if (n > 0) {
      const ids = dataset(g, "sample_id").slice([[0, n]]) as BigInt64Array;
      for (const id of ids) this.#ids.add(Number(id));
    }
    return removed;
  }

  /** Cut each `/active_learning` matrix back to its own commit marker. */
  #truncateMatrices(al: H5Group): void {
    for (const [name, marker] of Object.entries(ACTIVE_MATRICES)) {
      const d = optionalDataset(al, name);
      if (d === null) continue;
      const n = readNumberAttr(al, marker);
      const committed = Number.isInteger(n) && n >= 0 ? n : 0;
      const shape = d.shape ?? [0, 0];
      if (shape[0] > committed) d.resize([committed, shape[1]]);
      this.#committed.set(`active_learning/${name}`, committed);
    }
  }

  /** Cut `/run_record/batches` back to its commit marker. */
  #truncateRunRecord(rr: H5Group): void {
    const nr = readNumberAttr(rr, "n_committed");
    const batches = dataset(rr, "batches");
    if (firstDim(batches) > nr) batches.resize([nr, RUN_RECORD_COLUMNS.length]);
    this.#committed.set("run_record", nr);
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
    return a === undefined ? undefined : attributeValue(a.value);
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
    const heapStart = this.#heapLength.get(groupName) ?? 0;
    const block = packRows(rows, heapStart);
    const heapBytes = block.metadata_bytes.length;
    // §7.3 step 1: every dataset resized and written.
    for (const spec of ROW_DATASETS) {
      const d = dataset(g, spec.name);
      d.resize(spec.width ? [n + b, spec.width] : [n + b]);
      d.write_slice(
        spec.width ? [[n, n + b], []] : [[n, n + b]],
        (block as unknown as Record<string, unknown>)[spec.name],
      );
    }
    if (heapBytes > 0) {
      const h = dataset(g, METADATA_HEAP.name);
      h.resize([heapStart + heapBytes]);
      h.write_slice([[heapStart, heapStart + heapBytes]], block.metadata_bytes);
    }
    this.beforeCommitFlush?.();
    flushChecked(f); // step 2
    const hasher = this.#hasher(groupName).extendRows(b, block);
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
    const ds = activeMatrixDataset(g, name, columns);
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
   * checksums recorded at the last commit (./checksums.ts). Stores written before
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
    d.write_slice([[n, n + 1], []], commitRecordRow(rec));
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
