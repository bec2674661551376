import { assert, assertEquals, assertRejects } from "../../../tests/assert.ts";
import { CaligoError } from "../../errors.ts";
import { runAll } from "./run_all.ts";
import { WorkerPool } from "./worker_pool.ts";

const WORKER = new URL("./_test_pool_worker.ts", import.meta.url);
type Task = { kind: string; [k: string]: unknown };

function pool(maxRetries = 0) {
  return WorkerPool.create<Task, number>({
    workerUrl: WORKER,
    size: 2,
    initPayload: { counter: new SharedArrayBuffer(4) },
    taskTimeoutMs: 10_000,
    initTimeoutMs: 10_000,
    maxRetries,
    maxTasksPerChild: Infinity,
    cancelGraceMs: 500,
  });
}

class TaskFailed extends CaligoError {}

Deno.test("runAll() hands every result to onResult with its task and index", async () => {
  const p = await pool();
  try {
    const tasks = Array.from({ length: 9 }, (_, x) => ({ kind: "double", x }));
    const got = new Array<number>(tasks.length);
    await runAll(p, tasks, (result, task, i) => {
      assertEquals(task, tasks[i]);
      got[i] = result;
    }, () => new TaskFailed("unexpected"));
    assertEquals(got, tasks.map((t) => 2 * t.x));
  } finally {
    await p.close();
  }
});

Deno.test("runAll() rejects with the caller's error for the first failed task", async () => {
  const p = await pool();
  try {
    const tasks = [{ kind: "double", x: 1 }, { kind: "throw" }, { kind: "double", x: 2 }];
    const e = await assertRejects(
      () => runAll(p, tasks, () => {}, (t, reason) => new TaskFailed(`${t.kind}: ${reason}`)),
      TaskFailed,
    );
    assert(e.message.startsWith("throw: task failed on purpose"), e.message);
  } finally {
    await p.close();
  }
});
