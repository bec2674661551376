/**
 * The Phase 3 holdout set (docs/campaign.md §10.4): `phase3.holdout.size` simulated samples from a
 * separate scrambled-Sobol stream with the Phase 1 marginals, paired strategies, ids 2^41 + j.
 * Points the pre-filter rules out are skipped (not stored): they are insecure by the pre-filter's
 * verdict, which the maps show as such, and only the feasible region has both classes, so the
 * holdout checks the boundary where it can lie. It is run at the start of Phase 3, stored in
 * `/holdout`, never trained on, and labels the boundary F1 of every iteration. Missing ids are
 * recomputed on resume (the walk over j is deterministic).
 * @module
 */
import type { StoreRow } from "../../io/store/schema.ts";
import type { Logger } from "../../io/log.ts";
import type { Phase1Design } from "../design.ts";
import type { SimulationRunner } from "./phase1.ts";
import type { RowPrefilter } from "../prefilter_adapter.ts";
import { holdoutSampleId } from "./phase3_records.ts";
import { designTask, type SimulateTask } from "../sample_rows.ts";
import { storeRowsAsTrainingRows, type TrainingRows } from "../surrogate_data.ts";
import { executeTasks, type TaskGuards } from "../task_executor.ts";

/** Options of {@link ensureHoldout}. */
export interface HoldoutOptions {
  size: number;
  campaignSeed: number;
  /** The holdout design (stream `holdout`, same marginals and pairing as Phase 1). */
  design: Phase1Design;
  /** Ids already committed to `/holdout`. */
  committedIds: ReadonlySet<number>;
  pool: SimulationRunner;
  prefilter: RowPrefilter | null;
  guards: TaskGuards;
  /** Commits rows to `/holdout`. */
  commit(rows: StoreRow[]): void;
  log: Logger;
}

/** Design points walked per holdout sample before giving up on finding feasible ones. */
const MAX_WALK_PER_SAMPLE = 64;

/** Run the missing holdout samples; returns the rows written by this call. */
export async function ensureHoldout(o: HoldoutOptions): Promise<TrainingRows> {
  const tasks: SimulateTask[] = [];
  let feasible = 0, ruledOut = 0;
  for (let j = 0; feasible < o.size && j < MAX_WALK_PER_SAMPLE * o.size; j++) {
    const s = o.design.sample(j);
    const verdict = o.prefilter?.(s.row, s.numPairs);
    if (verdict && !verdict.isFeasible) {
      ruledOut++;
      continue;
    }
    feasible++;
    const sampleId = holdoutSampleId(j);
    if (o.committedIds.has(sampleId)) continue;
    tasks.push(designTask(s, sampleId, "holdout", o.campaignSeed));
  }
  if (feasible < o.size) {
    o.log.warn(`holdout: only ${feasible} of ${o.size} design points pass the pre-filter`);
  }
  if (tasks.length === 0) return storeRowsAsTrainingRows([]);
  o.log.info(
    `holdout: ${tasks.length} samples to simulate (${ruledOut} pre-filtered points passed over)`,
  );
  const rows = await executeTasks(tasks, o.pool, o.guards, o.log);
  o.commit(rows);
  return storeRowsAsTrainingRows(rows);
}
