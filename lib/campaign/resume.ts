/**
 * Phase 1 resume state derived from the store, not from the checkpoint (campaign.md §7.4): ids are
 * dispatched in increasing order, so every id below the largest committed id that is missing was
 * in flight at the crash and is rescheduled; dispatch then continues from the largest committed
 * id + 1. The checkpoint is advisory and only compared (§8).
 * @module
 */
import { type Outcome, OUTCOMES } from "../protocol/record.ts";
import type { Phase1Checkpoint } from "../io/checkpoint.ts";

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
 * Derive the resume state from the committed ids and outcome codes of `/lhs_warmup`.
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
  for (let id = 0; id < maxId; id++) if (!committed.has(id)) missingIds.push(id);
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
