/**
 * Test-only fault injection for the fake simulator (docs/faults.md, issue #18): the worker that
 * runs a named sample id throws, dies or hangs, so the campaign-level retry, failure rows and
 * timeout can be tested end to end. Set by `CALIGO_TEST_FAKE_FAULTS`, a comma-separated list of
 * `MODE:SAMPLE_ID[:TIMES]`:
 * - `throw`: the task throws (a `task_error`);
 * - `exit`: an uncaught error ends the worker (a crash; the pool respawns it);
 * - `hang`: a busy loop that only the pool's cancel flag ends (`execution.timeout_seconds`);
 * - `grow`: the worker keeps ≈ 64 MB of V8 heap alive after the sample (a leak): the pool must
 *   recycle it once its heap exceeds `execution.memory_budget_mb`.
 *
 * TIMES (default every attempt) counts attempts over all workers: the payload carries a
 * SharedArrayBuffer counter per fault, which every worker of the pool shares.
 * @module
 */
import { ConfigError } from "../../errors.ts";

export type FakeFaultMode = "throw" | "exit" | "hang" | "grow";

/** The faults of a campaign, sent to every simulation worker in its init payload. */
export interface FakeFaults {
  faults: { mode: FakeFaultMode; sampleId: number; times: number }[];
  /** Attempts seen so far, one Int32 per fault (shared by all workers). */
  attempts: SharedArrayBuffer;
}

/** Parse `CALIGO_TEST_FAKE_FAULTS`; undefined when unset or empty. */
export function parseFakeFaults(text: string | undefined): FakeFaults | undefined {
  if (text === undefined || text.trim() === "") return undefined;
  const faults = text.split(",").map((item) => {
    const [mode, id, times] = item.trim().split(":");
    if (
      !["throw", "exit", "hang", "grow"].includes(mode) || !/^\d+$/.test(id ?? "") ||
      (times !== undefined && !/^\d+$/.test(times))
    ) {
      throw new ConfigError(
        "CALIGO_TEST_FAKE_FAULTS",
        item,
        "expected MODE:SAMPLE_ID[:TIMES] with MODE throw, exit, hang or grow",
      );
    }
    return {
      mode: mode as FakeFaultMode,
      sampleId: Number(id),
      times: times === undefined ? Infinity : Number(times),
    };
  });
  return { faults, attempts: new SharedArrayBuffer(4 * faults.length) };
}

/** Heap a `grow` fault keeps alive for the worker's lifetime. */
const leaked: number[][] = [];

/**
 * Inject the fault for `sampleId`, if any and not yet used up: throw, end the worker (an uncaught
 * error, thrown once the task has yielded), or spin until `cancel[0]` is 1.
 * @returns `"run"` to run the sample normally, `"cancelled"` after a hang was cancelled, `"dies"`
 * when the worker is about to end (the task must not settle)
 */
export function injectFakeFault(
  faults: FakeFaults | undefined,
  sampleId: number,
  cancel: Int32Array,
): "run" | "cancelled" | "dies" {
  const i = faults?.faults.findIndex((f) => f.sampleId === sampleId) ?? -1;
  if (i < 0) return "run";
  const f = faults!.faults[i];
  if (Atomics.add(new Int32Array(faults!.attempts), i, 1) >= f.times) return "run";
  if (f.mode === "throw") throw new Error(`injected fault: sample ${sampleId} throws`);
  if (f.mode === "grow") {
    leaked.push(new Array(8_000_000).fill(0.5)); // ≈ 64 MB of heap kept alive by this worker
    return "run";
  }
  if (f.mode === "exit") {
    setTimeout(() => {
      throw new Error(`injected fault: the worker of sample ${sampleId} dies`);
    });
    return "dies";
  }
  while (Atomics.load(cancel, 0) !== 1) { /* hang until the pool cancels */ }
  return "cancelled";
}
