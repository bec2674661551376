/**
 * The Phase 3 holdout set (campaign.md §10.4): `phase3.holdout.size` samples from a separate
 * scrambled-Sobol stream with the Phase 1 marginals, paired strategies, ids 2^41 + j. It is run
 * at the start of Phase 3, stored in `/holdout`, never trained on, and labels the boundary F1
 * of every iteration. Missing ids are recomputed on resume.
 * @module
 */
import { sampleSeed } from "../kernels/rng.ts";
import type { StoreRow } from "../io/hdf5_store.ts";
import type { Logger } from "../io/log.ts";
import type { Phase1Design } from "./design.ts";
import type { SimulationRunner } from "./phase1.ts";
import type { RowPrefilter } from "./prefilter_adapter.ts";
import { holdoutSampleId } from "./phase3_records.ts";
import { type SimulateTask, skippedRow } from "./sample_rows.ts";
import { storeRowsAsTrainingRows, type TrainingRows } from "./surrogate_data.ts";
import { executeTasks, type TaskGuards } from "./task_executor.ts";

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

/** Run the missing holdout samples; returns the rows written by this call. */
export async function ensureHoldout(o: HoldoutOptions): Promise<TrainingRows> {
  const tasks: SimulateTask[] = [];
  const skipped: StoreRow[] = [];
  for (let j = 0; j < o.size; j++) {
    const sampleId = holdoutSampleId(j);
    if (o.committedIds.has(sampleId)) continue;
    const s = o.design.sample(j);
    const task: SimulateTask = {
      sampleId,
      phase: "holdout",
      iteration: -1,
      row: s.row,
      numPairs: s.numPairs,
      seed: sampleSeed(o.campaignSeed, "holdout", sampleId),
    };
    const verdict = o.prefilter?.(s.row, s.numPairs);
    if (verdict && !verdict.isFeasible) skipped.push(skippedRow(task, verdict));
    else tasks.push(task);
  }
  if (tasks.length + skipped.length === 0) return storeRowsAsTrainingRows([]);
  o.log.info(
    `holdout: ${tasks.length} samples to simulate, ${skipped.length} pre-filtered (of ${o.size})`,
  );
  const rows = [...skipped, ...(await executeTasks(tasks, o.pool, o.guards, o.log))];
  o.commit(rows);
  return storeRowsAsTrainingRows(rows);
}
