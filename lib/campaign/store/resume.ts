/**
 * Phase 1 resume state derived from the store, not from the checkpoint (docs/campaign.md §7.4): ids are
 * dispatched in increasing order, so every id below the largest committed id that is missing was
 * in flight at the crash and is rescheduled; dispatch then continues from the largest committed
 * id + 1. The checkpoint is advisory and only compared (§8).
 *
 * Sharding (§7.5): shard I of K owns the ids with ⌊id/2⌋ mod K = I (paired designs, so a pair
 * stays together) or id mod K = I (alternate designs); a shard's resume considers only its ids.
 * @module
 */
import { UsageError } from "../../errors.ts";
import { type Outcome, OUTCOMES } from "../../protocol/record.ts";
import type { Phase1Checkpoint } from "../../io/checkpoint.ts";

/** Shard I of K of Phase 1 (`--shard I/K`). */
export interface ShardSpec {
  /** I, 0 ≤ I < K. */
  index: number;
  /** K ≥ 1. */
  count: number;
  /** Paired designs shard by design point ⌊id/2⌋, alternate ones by id. */
  paired: boolean;
}

/**
 * Parse `I/K` (0 ≤ I < K).
 * @throws UsageError naming `flag` if malformed
 * @example
 * ```ts
 * import { parseShardText } from "./resume.ts";
 * console.assert(parseShardText("2/3").index === 2 && parseShardText("2/3").count === 3);
 * ```
 */
export function parseShardText(text: string, flag = "--shard"): { index: number; count: number } {
  const m = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(text);
  const index = m ? Number(m[1]) : NaN, count = m ? Number(m[2]) : NaN;
  if (!m || !Number.isSafeInteger(count) || count < 1 || !(index < count)) {
    throw new UsageError(
      `${flag}: expected I/K with integers 0 ≤ I < K (e.g. 0/4), got ${JSON.stringify(text)}`,
    );
  }
  return { index, count };
}

/** Text form `I/K` of a shard, as stored in the root attribute `shard` and the checkpoint. */
export function shardText(shard: { index: number; count: number }): string {
  return `${shard.index}/${shard.count}`;
}

/** Whether sample id `id` belongs to `shard`. */
export function inShard(id: number, shard: ShardSpec): boolean {
  const key = shard.paired ? Math.floor(id / 2) : id;
  return key % shard.count === shard.index;
}

/**
 * The smallest id ≥ `id` of `shard` (for a paired design, an odd `id` inside the shard is kept:
 * it is the blind partner of a dispatched pair).
 * @example
 * ```ts
 * import { nextShardId } from "./resume.ts";
 * const s = { index: 1, count: 3, paired: true };
 * console.assert(nextShardId(0, s) === 2 && nextShardId(3, s) === 3 && nextShardId(4, s) === 8);
 * ```
 */
export function nextShardId(id: number, shard: ShardSpec): number {
  const { index, count } = shard;
  if (shard.paired) {
    const j = Math.floor(id / 2);
    if (j % count === index) return id;
    return 2 * (j + ((index - (j % count) + count) % count));
  }
  return id + ((index - (id % count) + count) % count);
}

/**
 * Executed samples a shard aims for: its share ⌈num_samples/K⌉ with a 25 % margin plus one pair,
 * ⌈1.25 · num_samples / K⌉ + 2, so that the union of the shards covers the ids a single process
 * would have run (the merge trims the overshoot). K = 1 gives the same margin.
 */
export function shardTargetSamples(numSamples: number, count: number): number {
  return Math.ceil(1.25 * numSamples / count) + 2;
}

/** Where Phase 1 stands according to the committed rows of `/lhs_warmup`. */
export interface Phase1ResumeState {
  /** Committed ids. */
  committed: Set<number>;
  /** Ids < `nextId` that are not committed, ascending (rescheduled first). */
  missingIds: number[];
  /** First id never dispatched. */
  nextId: number;
  /** Committed rows that were simulated (not skipped). */
  executed: number;
  /** Committed skipped rows. */
  skipped: number;
  /** Committed rows per outcome. */
  byOutcome: Record<Outcome, number>;
}

/** Whether an outcome is a pre-filter or guardrail skip (not an executed sample). */
export function isSkipped(outcome: Outcome): boolean {
  return outcome === "skipped_infeasible" || outcome === "skipped_predicted_failure";
}

/**
 * Derive the resume state from the committed ids and outcome codes of `/lhs_warmup`; with `shard`,
 * only the shard's ids below the largest committed one count as missing.
 * @example
 * ```ts
 * import { phase1ResumeState } from "./resume.ts";
 * const s = phase1ResumeState(Float64Array.of(0, 1, 3, 5), Uint8Array.of(0, 6, 0, 1));
 * console.assert(s.nextId === 6 && s.missingIds.join() === "2,4" && s.executed === 3);
 * ```
 */
export function phase1ResumeState(
  sampleIds: ArrayLike<number>,
  outcomeCodes: ArrayLike<number>,
  shard?: ShardSpec,
): Phase1ResumeState {
  const committed = new Set<number>();
  const byOutcome = Object.fromEntries(OUTCOMES.map((o) => [o, 0])) as Record<Outcome, number>;
  let maxId = -1, executed = 0, skipped = 0;
  for (let i = 0; i < sampleIds.length; i++) {
    const id = sampleIds[i];
    committed.add(id);
    if (id > maxId) maxId = id;
    const outcome = OUTCOMES[outcomeCodes[i]];
    byOutcome[outcome]++;
    if (isSkipped(outcome)) skipped++;
    else executed++;
  }
  const missingIds: number[] = [];
  if (shard === undefined) {
    for (let id = 0; id < maxId; id++) if (!committed.has(id)) missingIds.push(id);
  } else {
    // only the shard's own ids were dispatched by this shard
    for (let id = nextShardId(0, shard); id < maxId; id = nextShardId(id + 1, shard)) {
      if (!committed.has(id)) missingIds.push(id);
    }
  }
  return { committed, missingIds, nextId: maxId + 1, executed, skipped, byOutcome };
}

/**
 * Differences between a checkpoint and the store-derived state, as human-readable notes (the
 * store wins; the caller logs them as warnings).
 */
export function compareCheckpoint(
  checkpoint: Phase1Checkpoint,
  state: Phase1ResumeState,
  configSha256: string,
): string[] {
  const notes: string[] = [];
  if (checkpoint.config_sha256 !== configSha256) {
    notes.push(`checkpoint config_sha256 ${checkpoint.config_sha256} differs from the store's`);
  }
  const rows = state.executed + state.skipped;
  if (checkpoint.committed_rows !== rows) {
    notes.push(
      `checkpoint says ${checkpoint.committed_rows} committed rows, the store has ${rows}; using the store`,
    );
  }
  return notes;
}
