/**
 * Merge of the Phase 1 shard stores of a job array (docs/campaign.md §7.5) into one campaign:
 * `DIR/shards/shardI/exploration_data.h5` (I = 0 … K−1, each written by `explore --shard I/K`)
 * become `DIR/exploration_data.h5`, sorted by sample id, plus `DIR/config.resolved.yaml` and a
 * complete `DIR/phase1_checkpoint.json`, so that `explore --continue-from DIR --skip-phase1` runs
 * Phases 2–3 on it.
 *
 * The merged rows are exactly those of a single process with the same config and seed. That
 * process dispatches ids in increasing order; an even id of a paired design (any id of an
 * alternate one) is dispatched while fewer than `num_samples` dispatched ids were not skipped by
 * the pre-filter and the id is below the design limit, and the blind partner 2j+1 always follows
 * its baseline 2j (phase1.ts `nextCandidate`). So its ids are the prefix [0, cutoff) of the id
 * sequence, and the cutoff follows from the skip flags alone. Each shard overshoots its share
 * (resume.ts `shardTargetSamples`); the merge walks the ids, requires every id below the cutoff
 * (a shard that stopped earlier is an error naming it) and drops the overshoot.
 * @module
 */
import { dirname } from "node:path";
import { CaligoError } from "../../errors.ts";
import { calibrationFileName } from "../../io/code_cache.ts";
import { writeCheckpointSync, writeFileAtomicSync } from "../../io/checkpoint.ts";
import type { Phase1Checkpoint } from "../../io/checkpoint.ts";
import { CAMPAIGN_FILES, type CampaignPaths, campaignPaths } from "../../io/campaign_dir.ts";
import { type CampaignConfig, parseConfig } from "../../io/config.ts";
import { openCampaignStore } from "../../io/store/reader.ts";
import { type CampaignSettings, resolveCampaign } from "../settings.ts";
import {
  type CampaignData,
  type GroupData,
  type RootAttributes,
  type StoreRow,
} from "../../io/store/schema.ts";
import { CampaignStore } from "../../io/store/writer.ts";
import type { Logger } from "../../io/log.ts";
import { type Outcome, OUTCOMES } from "../../protocol/record.ts";
import { createPhase1Design } from "../design.ts";
import { inShard, isSkipped, parseShardText, shardText } from "./resume.ts";

/** The shards cannot be merged (missing, inconsistent or incomplete). Tasks exit with code 1. */
export class MergeError extends CaligoError {}

/** Root attributes that differ between shards by design (`writer_open` is checked apart). */
const SHARD_FIELDS = new Set(["shard", "created_utc", "writer_open"]);

/** What the single-process run would have dispatched, derived from the shards' rows. */
export interface Phase1Cutoff {
  /** The single process dispatches exactly the ids 0 … cutoff − 1. */
  cutoff: number;
  /** Non-skipped rows among them. */
  executed: number;
  /** Rows skipped by the pre-filter among them. */
  skipped: number;
  /** The design limit stopped the walk before `num_samples` executed rows. */
  designExhausted: boolean;
}

/** Input of {@link phase1Cutoff}. */
export interface CutoffInput {
  numSamples: number;
  paired: boolean;
  /** First id beyond the design (`max_design_points`, doubled for paired designs). */
  idLimit: number;
  /** Shard count K. */
  shardCount: number;
  /** Whether `id` was committed by its shard as a pre-filter skip; undefined if not committed. */
  skippedOf(id: number): boolean | undefined;
  /** Largest id committed by shard I, −1 if none. */
  shardMaxId: readonly number[];
  /** Executed (non-skipped) rows of shard I, for the suggested larger target. */
  shardExecuted?: readonly number[];
}

/**
 * Walk ids as a single process would dispatch them and return its cutoff (see the module
 * documentation).
 * @throws MergeError naming the shard if an id below the cutoff is missing: either the shard
 * stopped before the cutoff (target too small, or it was interrupted) or it has a gap (it was
 * interrupted with tasks in flight and not resumed)
 * @example
 * ```ts
 * import { phase1Cutoff } from "./merge.ts";
 * // alternate design, 1 shard, ids 0…5 with id 1 skipped: 3 executed samples end at id 4
 * const c = phase1Cutoff({ numSamples: 3, paired: false, idLimit: 100, shardCount: 1,
 *   skippedOf: (id) => id > 5 ? undefined : id === 1, shardMaxId: [5] });
 * console.assert(c.cutoff === 4 && c.executed === 3 && c.skipped === 1);
 * ```
 */
export function phase1Cutoff(input: CutoffInput): Phase1Cutoff {
  const { numSamples, paired, idLimit, shardCount } = input;
  const shard = (id: number) => (paired ? Math.floor(id / 2) : id) % shardCount;
  let executed = 0, skipped = 0, id = 0;
  const take = (x: number) => {
    const s = input.skippedOf(x);
    if (s === undefined) {
      const I = shard(x);
      const max = input.shardMaxId[I];
      const resume = `deno task explore --continue-from <campaign-dir>/shards/shard${I}`;
      const larger = Math.max(4, 2 * (input.shardExecuted?.[I] ?? 2));
      const what = x > max
        ? `stopped at id ${max}, before id ${x} which a single process would have run (its ` +
          "target of executed rows was too small for this design, or it was interrupted); " +
          `resume it with '${resume} --shard-target ${larger}', then merge again`
        : `lacks id ${x} below its largest id ${max} (it was interrupted with samples in ` +
          `flight); resume it with '${resume}', then merge again`;
      throw new MergeError(`shard ${I}/${shardCount} ${what}`);
    }
    if (s) skipped++;
    else executed++;
  };
  for (;;) {
    if (executed >= numSamples) return { cutoff: id, executed, skipped, designExhausted: false };
    if (id >= idLimit) return { cutoff: id, executed, skipped, designExhausted: true };
    take(id++);
    if (paired) take(id++); // the blind partner always follows its baseline
  }
}

/** Options of {@link mergeShards}. */
export interface MergeOptions {
  /** If given, the shards' config must equal it (output paths and worker count aside). */
  expectedConfig?: CampaignConfig;
  log: Logger;
}

/** Result of a merge. */
export interface MergeResult {
  store: string;
  shardCount: number;
  /** Rows in the merged `/lhs_warmup`. */
  rows: number;
  executed: number;
  skipped: number;
  /** First id the single process would not have run. */
  cutoff: number;
  /** Overshoot rows dropped, per shard. */
  droppedPerShard: number[];
  designExhausted: boolean;
}

interface Shard {
  index: number;
  path: string;
  data: CampaignData;
}

function listShardStores(dir: string): { index: number; path: string }[] {
  const base = `${dir}/shards`;
  let entries: Deno.DirEntry[];
  try {
    entries = [...Deno.readDirSync(base)];
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) {
      throw new MergeError(`${base}: no shard directory (expected ${base}/shardI/)`, { cause: e });
    }
    throw e;
  }
  const found: { index: number; path: string }[] = [];
  for (const e of entries) {
    const m = /^shard(\d+)$/.exec(e.name);
    if (!m || !e.isDirectory) continue;
    const path = `${base}/${e.name}/${CAMPAIGN_FILES.store}`;
    try {
      Deno.statSync(path);
    } catch (err) {
      if (err instanceof Deno.errors.NotFound) {
        throw new MergeError(`${path}: missing; shard ${m[1]} has no store (did it run?)`);
      }
      throw err;
    }
    found.push({ index: Number(m[1]), path });
  }
  if (found.length === 0) {
    throw new MergeError(`${base}: no shard stores shard*/${CAMPAIGN_FILES.store}`);
  }
  return found.sort((a, b) => a.index - b.index);
}

/** Compare configs without output paths and worker counts (node-specific). */
function comparableConfig(config: CampaignConfig): string {
  const c = structuredClone(config) as Partial<CampaignConfig>;
  delete c.output;
  (c.execution as Partial<CampaignConfig["execution"]>).num_workers = undefined;
  return JSON.stringify(c);
}

/**
 * The shard count K after checking that the shards are K closed shard stores 0 … K − 1 of one
 * run (same root attributes but the shard's, same columns) with Phase-1 rows only.
 * @throws MergeError naming the shard and what to do
 */
function checkConsistent(shards: Shard[]): number {
  const counts = new Set(shards.map(checkShardStore));
  if (counts.size > 1) {
    throw new MergeError(
      `shards of different counts K (${[...counts].join(", ")}) under one directory; ` +
        "remove the stale ones",
    );
  }
  const K = [...counts][0];
  const missing = [];
  for (let i = 0; i < K; i++) if (!shards.some((s) => s.index === i)) missing.push(i);
  if (missing.length > 0 || shards.length !== K) {
    throw new MergeError(
      `shards ${missing.join(", ")} of ${K} are missing; run them (array tasks ${
        missing.join(",")
      }) before merging`,
    );
  }
  for (const s of shards.slice(1)) checkSameRun(shards[0], s);
  return K;
}

/** One shard store: its shard attribute, closed by its writer, Phase-1 rows only; its count K. */
function checkShardStore(s: Shard): number {
  const attr = s.data.attributes.shard;
  if (attr === undefined) {
    throw new MergeError(`${s.path}: not a shard store (no shard attribute)`);
  }
  const spec = parseShardText(String(attr), `${s.path} shard attribute`);
  if (spec.index !== s.index) {
    throw new MergeError(`${s.path}: holds shard ${shardText(spec)}, not shard ${s.index}`);
  }
  if (Number(s.data.attributes.writer_open ?? 0) !== 0) {
    throw new MergeError(
      `${s.path}: shard ${s.index} was not closed by its writer (killed?); resume it with ` +
        `'deno task explore --continue-from ${s.path.replace(/\/[^/]*$/, "")}', then merge again`,
    );
  }
  for (const g of ["active_learning", "holdout"] as const) {
    if (s.data.groups[g].n > 0) {
      throw new MergeError(`${s.path}: /${g} is not empty; a shard runs Phase 1 only`);
    }
  }
  return spec.count;
}

/** Shard `s` ran what shard `ref` ran: every root attribute but the shard's, the same columns. */
function checkSameRun(ref: Shard, s: Shard): void {
  const keys = new Set([...Object.keys(ref.data.attributes), ...Object.keys(s.data.attributes)]);
  for (const k of keys) {
    if (SHARD_FIELDS.has(k)) continue;
    if (ref.data.attributes[k] !== s.data.attributes[k]) {
      throw new MergeError(
        `shard ${s.index} differs from shard ${ref.index} in root attribute ${k}; all shards ` +
          "must run the same config, seed and software",
      );
    }
  }
  const a = ref.data.groups.lhs_warmup, b = s.data.groups.lhs_warmup;
  if (a.diagnosticColumns.join() !== b.diagnosticColumns.join()) {
    throw new MergeError(`shard ${s.index}: diagnostic columns differ from shard ${ref.index}`);
  }
}

function rowOf(g: GroupData, i: number): StoreRow {
  const nO = g.outputs.length / Math.max(g.n, 1), D = g.diagnosticColumns.length;
  return {
    sampleId: g.sampleId[i],
    inputs: g.inputs.subarray(9 * i, 9 * i + 9),
    outputs: g.outputs.subarray(nO * i, nO * i + nO),
    outcome: g.outcomes[i],
    iteration: g.iteration[i],
    seed: g.seed[i],
    numPairs: g.numPairs[i],
    keyMargin: g.keyMargin[i],
    diagnostics: g.diagnostics.subarray(D * i, D * i + D),
    metadata: g.metadata[i],
  };
}

function removeIfExists(path: string): void {
  try {
    Deno.removeSync(path);
  } catch (e) {
    if (!(e instanceof Deno.errors.NotFound)) throw e;
  }
}

/**
 * Merge `dir/shards/shard*` into `dir` (see the module documentation).
 * @throws MergeError if shards are missing, inconsistent, overlapping or incomplete, or `dir`
 * already holds a store
 */
export async function mergeShards(dir: string, options: MergeOptions): Promise<MergeResult> {
  const log = options.log;
  const paths = campaignPaths(dir);
  refuseExistingStore(paths);
  const set = await openShardSet(paths, options.expectedConfig);
  const index = indexShardRows(set);
  const cut = mergeCutoff(set, index, log);
  const droppedPerShard = new Array<number>(set.count).fill(0);
  for (const [id, w] of index.where) if (id >= cut.cutoff) droppedPerShard[w.shard]++;
  const byOutcome = await writeMergedStore(paths, set, index, cut, droppedPerShard);
  writeMergedDirectory(paths, set, cut, byOutcome, log);
  log.info(
    `merged ${set.count} shards into ${paths.store}: ${cut.cutoff} rows (ids 0…${
      cut.cutoff - 1
    }), ${cut.executed} executed, ${cut.skipped} skipped; overshoot dropped per shard: ` +
      droppedPerShard.join(", "),
  );
  return {
    store: paths.store,
    shardCount: set.count,
    rows: cut.cutoff,
    executed: cut.executed,
    skipped: cut.skipped,
    cutoff: cut.cutoff,
    droppedPerShard,
    designExhausted: cut.designExhausted,
  };
}

/** The shards of a campaign, read and checked, with the configuration they ran. */
interface ShardSet {
  shards: Shard[];
  count: number;
  attrs: CampaignData["attributes"];
  configYaml: string;
  settings: CampaignSettings;
}

/** Where each committed row of the shards is, by sample id, and each shard's progress. */
interface ShardIndex {
  where: Map<number, { shard: number; row: number }>;
  shardMaxId: number[];
  shardExecuted: number[];
}

function refuseExistingStore(paths: CampaignPaths): void {
  for (const f of [paths.store, paths.storeBackup]) {
    try {
      Deno.statSync(f);
      throw new MergeError(`${f}: already exists; remove it to merge again`);
    } catch (e) {
      if (!(e instanceof Deno.errors.NotFound)) throw e;
    }
  }
}

/** Open every shard store (verified), check they belong together and ran `expected`. */
async function openShardSet(
  paths: CampaignPaths,
  expected: CampaignConfig | undefined,
): Promise<ShardSet> {
  const shards: Shard[] = [];
  for (const { index, path } of listShardStores(paths.dir)) {
    shards.push({ index, path, data: await openCampaignStore(path, { verify: true }) });
  }
  const count = checkConsistent(shards);
  const attrs = shards[0].data.attributes;
  const configYaml = String(attrs.config_yaml);
  const { config } = parseConfig(configYaml, {}, `${shards[0].path}:config_yaml`);
  if (expected && comparableConfig(expected) !== comparableConfig(config)) {
    throw new MergeError(
      `the shards under ${paths.dir}/shards were run with a different config than the one given ` +
        "(compared without output.* and execution.num_workers)",
    );
  }
  return { shards, count, attrs, configYaml, settings: resolveCampaign(config) };
}

/** Index every committed row by id: ids unique over all shards and owned by their shard. */
function indexShardRows(set: ShardSet): ShardIndex {
  const K = set.count, paired = set.settings.design.strategy === "paired";
  const where = new Map<number, { shard: number; row: number }>();
  const shardMaxId = new Array<number>(K).fill(-1);
  const shardExecuted = new Array<number>(K).fill(0);
  for (const s of set.shards) {
    const g = s.data.groups.lhs_warmup;
    for (let i = 0; i < g.n; i++) {
      const id = g.sampleId[i];
      const prev = where.get(id);
      if (prev !== undefined) {
        throw new MergeError(
          `sample id ${id} appears in shard ${prev.shard} and shard ${s.index}; the shards overlap`,
        );
      }
      if (!inShard(id, { index: s.index, count: K, paired })) {
        throw new MergeError(`${s.path}: sample id ${id} does not belong to shard ${s.index}/${K}`);
      }
      where.set(id, { shard: s.index, row: i });
      if (id > shardMaxId[s.index]) shardMaxId[s.index] = id;
      if (!isSkipped(g.outcomes[i])) shardExecuted[s.index]++;
    }
  }
  return { where, shardMaxId, shardExecuted };
}

/** The id where the single process would have stopped (see {@link phase1Cutoff}). */
function mergeCutoff(set: ShardSet, index: ShardIndex, log: Logger) {
  const paired = set.settings.design.strategy === "paired";
  const { numSamples, maxDesignPoints } = set.settings.phase1;
  const maxDesign = maxDesignPoints > 0 ? maxDesignPoints : 20 * numSamples;
  const cut = phase1Cutoff({
    numSamples,
    paired,
    idLimit: paired ? 2 * maxDesign : maxDesign,
    shardCount: set.count,
    shardMaxId: index.shardMaxId,
    shardExecuted: index.shardExecuted,
    skippedOf: (id) => {
      const w = index.where.get(id);
      return w === undefined
        ? undefined
        : isSkipped(set.shards[w.shard].data.groups.lhs_warmup.outcomes[w.row]);
    },
  });
  if (cut.designExhausted) {
    log.warn(
      `design exhausted after ${maxDesign} design points with ${cut.executed} of ` +
        `${numSamples} executed samples (as a single process would be)`,
    );
  }
  return cut;
}

/**
 * Write the merged store under a temporary name and rename it when complete: the rows below the
 * cutoff in id order, every shard's run record, the design and the phase summary.
 * @returns the merged rows per outcome
 */
async function writeMergedStore(
  paths: CampaignPaths,
  set: ShardSet,
  index: ShardIndex,
  cut: ReturnType<typeof phase1Cutoff>,
  droppedPerShard: number[],
): Promise<Record<Outcome, number>> {
  const { shards, count: K } = set;
  const tmp = `${paths.store}.merging`;
  removeIfExists(tmp);
  removeIfExists(`${tmp}.tmp`);
  const store = await CampaignStore.create(tmp, mergedRootAttributes(set));
  const byOutcome = Object.fromEntries(OUTCOMES.map((o) => [o, 0])) as Record<Outcome, number>;
  try {
    // as runPhase1Stage writes it: a pure function of the settings
    store.setDesignJson("lhs_warmup", createPhase1Design(set.settings.design).describe());
    appendMergedRows(store, set, index, cut.cutoff, byOutcome);
    for (const s of shards) for (const c of s.data.commits) store.appendCommitRecord(c);
    store.setPhaseSummary("phase1", {
      status: cut.designExhausted ? "design_exhausted" : "complete",
      merged: true,
      shardCount: K,
      cutoffId: cut.cutoff,
      executed: cut.executed,
      skipped: cut.skipped,
      committedRows: cut.cutoff,
      droppedPerShard,
      byOutcome,
      shards: Object.fromEntries(shards.map((s) => [s.index, s.data.phases.phase1 ?? null])),
      outcome_vocabulary: OUTCOMES,
    });
  } finally {
    store.close();
  }
  Deno.renameSync(tmp, paths.store);
  return byOutcome;
}

/** The shards' root attributes without `shard`, with the earliest creation time. */
function mergedRootAttributes(set: ShardSet): RootAttributes {
  const created = set.shards.map((s) => String(s.data.attributes.created_utc)).sort()[0];
  const { shard: _s, created_utc: _c, writer_open: _w, ...rest } = set.attrs;
  return {
    ...rest,
    created_utc: created,
    merged_from_shards: set.count,
  } as unknown as RootAttributes;
}

/** Rows 0 … cutoff − 1 in id order, in commits of 4096. */
function appendMergedRows(
  store: CampaignStore,
  set: ShardSet,
  index: ShardIndex,
  cutoff: number,
  byOutcome: Record<Outcome, number>,
): void {
  const BATCH = 4096;
  let batch: StoreRow[] = [];
  for (let id = 0; id < cutoff; id++) {
    const w = index.where.get(id)!;
    const row = rowOf(set.shards[w.shard].data.groups.lhs_warmup, w.row);
    byOutcome[row.outcome]++;
    batch.push(row);
    if (batch.length >= BATCH) {
      store.append("lhs_warmup", batch);
      batch = [];
    }
  }
  store.append("lhs_warmup", batch);
}

/** The shards' calibration copy (`<id>.calibration.json`, one for all of them), when shard 0 has it. */
function copyShardCalibration(paths: CampaignPaths, set: ShardSet): void {
  const id = set.attrs.calibration_id;
  if (typeof id !== "string") return;
  const name = calibrationFileName(id);
  let bytes: Uint8Array;
  try {
    bytes = Deno.readFileSync(`${dirname(set.shards[0].path)}/${name}`);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return;
    throw e;
  }
  writeFileAtomicSync(`${paths.dir}/${name}`, bytes);
}

/** The campaign directory: the shards' config (its hash matches the store) and a complete checkpoint. */
function writeMergedDirectory(
  paths: CampaignPaths,
  set: ShardSet,
  cut: ReturnType<typeof phase1Cutoff>,
  byOutcome: Record<Outcome, number>,
  log: Logger,
): void {
  Deno.mkdirSync(paths.logDir, { recursive: true });
  let existing: string | null = null;
  try {
    existing = Deno.readTextFileSync(paths.config);
  } catch (e) {
    if (!(e instanceof Deno.errors.NotFound)) throw e;
  }
  if (existing !== null && existing !== set.configYaml) {
    log.warn(`${paths.config} differed from the shards' config; replaced by theirs`);
  }
  if (existing !== set.configYaml) {
    writeFileAtomicSync(paths.config, new TextEncoder().encode(set.configYaml));
  }
  copyShardCalibration(paths, set);
  const ckpt: Phase1Checkpoint & { merged_from_shards: number } = {
    schema: "caligo-ts/phase1-checkpoint/1",
    config_sha256: String(set.attrs.config_sha256),
    campaign_seed: Number(set.attrs.campaign_seed),
    next_id: cut.cutoff,
    executed: cut.executed,
    skipped: cut.skipped,
    committed_rows: cut.cutoff,
    failures_by_outcome: Object.fromEntries(
      Object.entries(byOutcome).filter(([k, v]) => k !== "success" && v > 0),
    ),
    yield: cut.cutoff === 0 ? 0 : cut.executed / cut.cutoff,
    elapsed_s: 0,
    written_utc: new Date().toISOString(),
    complete: true,
    merged_from_shards: set.count,
  };
  writeCheckpointSync(paths.phase1Checkpoint, ckpt);
}
