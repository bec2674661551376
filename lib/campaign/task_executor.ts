/**
 * Run a known set of simulation tasks on the pool and turn every outcome into a store row
 * (Phase 3 batches and the holdout set). Tasks over the memory guard are recorded as failures
 * without running (docs/campaign.md §6); cancelled tasks produce no row (they are re-run on resume).
 * @module
 */
import type { StoreRow } from "../io/store/schema.ts";
import type { Logger } from "../io/log.ts";
import type { SimulationRunner } from "./phases/phase1.ts";
import { failureRow, rowFromPoolOutcome, type SimulateTask } from "./sample_rows.ts";

/** Limits checked before a task is dispatched. */
export interface TaskGuards {
  /** Bytes per worker (`execution.memory_budget_mb`); 64 B × N above it fails the sample. */
  memoryBudgetBytes: number;
  /** `simulation.max_pairs`, a guard on the rounds simulated. */
  maxPairs: number;
  /** Rounds a row simulates (erven2014: the expected detected rounds); default N. */
  simulatedRounds?: (row: ArrayLike<number>, numPairs: number) => number;
}

/** Execute `tasks` concurrently (the pool queues them) and return their rows in task order. */
export async function executeTasks(
  tasks: readonly SimulateTask[],
  pool: SimulationRunner,
  guards: TaskGuards,
  log: Logger,
): Promise<StoreRow[]> {
  const rows = await Promise.all(tasks.map(async (task): Promise<StoreRow | null> => {
    const rounds = guards.simulatedRounds?.(task.row, task.numPairs) ?? task.numPairs;
    if (64 * rounds > guards.memoryBudgetBytes || rounds > guards.maxPairs) {
      return failureRow(
        task,
        "memory_budget",
        0,
        -1,
        0,
        rounds > guards.maxPairs
          ? `memory guard: N = ${rounds} exceeds simulation.max_pairs = ${guards.maxPairs}`
          : `memory budget: 64 B × N = ${64 * rounds} B exceeds ${guards.memoryBudgetBytes} B`,
      );
    }
    const out = await pool.submit(task);
    return rowFromPoolOutcome(task, out, log);
  }));
  return rows.filter((r): r is StoreRow => r !== null);
}
