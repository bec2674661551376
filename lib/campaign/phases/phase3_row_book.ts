/**
 * The training rows Phase 3 sees (docs/campaign.md §10): the committed rows of Phase 1 and of
 * earlier Phase-3 iterations, plus the rows of this run's iterations, kept in memory.
 * @module
 */
import type { StoreRow } from "../../io/store/schema.ts";
import type { Strategy } from "../../surrogate/twin_landscape.ts";
import type { Phase2Settings } from "../settings.ts";
import {
  filterRows,
  storedBounds,
  storeRowsAsTrainingRows,
  type TrainingRows,
  trainingSet,
} from "../surrogate_data.ts";

/** The training rows seen so far: Phase 1 rows plus the Phase 3 rows appended in memory. */
export class RowBook {
  readonly #groups: TrainingRows[];
  readonly #extra: StoreRow[] = [];
  readonly #ids = new Set<number>();

  constructor(groups: TrainingRows[]) {
    this.#groups = groups;
    for (const g of groups) for (let i = 0; i < g.n; i++) this.#ids.add(g.sampleId[i]);
  }

  get total(): number {
    return this.#ids.size;
  }

  hasId(id: number): boolean {
    return this.#ids.has(id);
  }

  add(rows: StoreRow[]): void {
    for (const r of rows) {
      this.#extra.push(r);
      this.#ids.add(r.sampleId);
    }
  }

  /** Rows of Phase 1 and of Phase 3 iterations ≤ k. */
  upTo(k: number): TrainingRows[] {
    return [
      ...this.#groups.map((g) => filterRows(g, k)),
      storeRowsAsTrainingRows(this.#extra.filter((r) => r.iteration <= k)),
    ];
  }

  training(strategy: Strategy, surrogate: Pick<Phase2Settings, "bounds" | "training">) {
    const bounds = storedBounds(surrogate.bounds);
    return trainingSet(this.upTo(Infinity), strategy, bounds, surrogate.training);
  }
}
