/**
 * Read a campaign directory into {@link CampaignData}: the HDF5 store through the campaign
 * engineer's reader (`openCampaignStore`, lib/io/hdf5_store.ts), plus the Phase 3 iteration
 * records (`/active_learning/iterations`, docs/campaign.md §10.5) read directly with h5wasm when
 * present. Works on a campaign that stopped half-way (only committed rows are read).
 * @module
 */
import h5wasm from "h5wasm/node";
import { CaligoError } from "../errors.ts";
import { openCampaignStore, RUN_RECORD_COLUMNS } from "../io/hdf5_store.ts";
import type { Logger } from "../io/log.ts";
import type { CampaignData, GroupRows, RecordMatrix } from "./campaign_data.ts";

/** File name of the store inside a campaign directory (docs/campaign.md §1). */
export const STORE_FILE = "exploration_data.h5";

/** The campaign directory has no store: nothing to report (tasks exit with code 2). */
export class NoCampaignStoreError extends CaligoError {
  constructor(readonly dir: string, readonly reason: string) {
    super(`${dir}: ${reason}`);
  }
}

async function isDirectory(path: string): Promise<boolean> {
  try {
    return (await Deno.stat(path)).isDirectory;
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return false;
    throw e;
  }
}

async function isFile(path: string): Promise<boolean> {
  try {
    return (await Deno.stat(path)).isFile;
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return false;
    throw e;
  }
}

/**
 * Read `/active_learning/iterations` (float64 matrix, attribute `columns`, commit marker
 * `n_iterations_committed`); undefined when absent.
 */
export async function readIterationRecords(path: string): Promise<RecordMatrix | undefined> {
  await h5wasm.ready;
  const f = new h5wasm.File(path, "r");
  try {
    const g = f.get("active_learning");
    if (!(g instanceof h5wasm.Group)) return undefined;
    const d = g.get("iterations");
    if (!(d instanceof h5wasm.Dataset)) return undefined;
    const colsAttr = d.attrs["columns"]?.value ?? g.attrs["iteration_columns"]?.value;
    const columns = Array.isArray(colsAttr) ? colsAttr.map(String) : [];
    const shape = d.shape ?? [0, 0];
    const w = shape[1] ?? 0;
    if (columns.length !== w || w === 0) return undefined;
    const marker = g.attrs["n_iterations_committed"]?.value;
    const committed = marker === undefined ? shape[0] : Number(marker as number | bigint);
    const n = Math.min(shape[0], Number.isFinite(committed) ? committed : shape[0]);
    if (n === 0) return { columns, values: new Float64Array(0) };
    const values = Float64Array.from(d.slice([[0, n], []]) as ArrayLike<number>);
    return { columns, values };
  } finally {
    f.close();
  }
}

function groupRows(g: {
  n: number;
  sampleId: Float64Array;
  iteration: Int32Array;
  inputs: Float64Array;
  numPairs: Float64Array;
  outputs: Float64Array;
  outcomes: string[];
  keyMargin: Float64Array;
  diagnostics: Float64Array;
  diagnosticColumns: string[];
}): GroupRows {
  return {
    n: g.n,
    sampleId: g.sampleId,
    iteration: g.iteration,
    inputs: g.inputs,
    numPairs: g.numPairs,
    outputs: g.outputs,
    outcomes: g.outcomes.map(String),
    keyMargin: g.keyMargin,
    diagnostics: g.diagnostics,
    diagnosticColumns: g.diagnosticColumns,
  };
}

/**
 * Load the campaign in `dir`, from `storePath` when given (a snapshot of a live campaign's store,
 * lib/campaign/live_snapshot.ts).
 * @throws NoCampaignStoreError if `dir` or its `exploration_data.h5` is missing
 * @throws FileFormatError if the store cannot be read
 */
export async function loadCampaignData(
  dir: string,
  log?: Logger,
  storePath = `${dir}/${STORE_FILE}`,
): Promise<CampaignData> {
  if (!(await isDirectory(dir))) throw new NoCampaignStoreError(dir, "no such campaign directory");
  const path = storePath;
  if (!(await isFile(path))) {
    throw new NoCampaignStoreError(dir, `no campaign store (${STORE_FILE}) in this directory`);
  }
  const store = await openCampaignStore(path);
  const w = RUN_RECORD_COLUMNS.length;
  const perf = new Float64Array(store.commits.length * w);
  store.commits.forEach((c, i) =>
    perf.set([
      c.commitIndex,
      c.phase,
      c.rows,
      c.wallS,
      c.writeS,
      c.samplesPerS,
      c.workerUtilisation,
      c.peakRssMb,
      c.elapsedS,
    ], i * w)
  );
  let iterations: RecordMatrix | undefined;
  try {
    iterations = await readIterationRecords(path);
  } catch (e) {
    if (e instanceof Deno.errors.PermissionDenied) throw e;
    log?.warn(`iteration records unreadable, skipped: ${(e as Error).message}`);
  }
  return {
    groups: {
      lhs_warmup: groupRows(store.groups.lhs_warmup),
      active_learning: groupRows(store.groups.active_learning),
      holdout: groupRows(store.groups.holdout),
    },
    attributes: store.attributes,
    iterations,
    runPerformance: { columns: RUN_RECORD_COLUMNS, values: perf },
    phases: store.phases,
  };
}
