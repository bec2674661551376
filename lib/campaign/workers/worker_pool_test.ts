import { assert, assertEquals, assertRejects } from "../../../tests/assert.ts";
import type { HelloInit, TestHello } from "./_test_hello_worker.ts";
import { CaligoError } from "../../errors.ts";
import {
  type PoolOutcome,
  WorkerInitError,
  WorkerPool,
  WorkerPoolExhaustedError,
  type WorkerPoolOptions,
} from "./worker_pool.ts";

const WORKER = new URL("./_test_pool_worker.ts", import.meta.url);
const HELLO_WORKER = new URL("./_test_hello_worker.ts", import.meta.url);
// Pools leave worker threads and timers behind by design (abandoned workers), so the op and
// resource sanitizers are off for these tests.
const t = (name: string, fn: () => Promise<void>) =>
  Deno.test({ name, fn, sanitizeOps: false, sanitizeResources: false });

function options(over: Partial<WorkerPoolOptions> = {}): WorkerPoolOptions {
  return {
    workerUrl: WORKER,
    size: 2,
    initPayload: { counter: new SharedArrayBuffer(4) },
    taskTimeoutMs: 10_000,
    initTimeoutMs: 10_000,
    maxRetries: 1,
    maxTasksPerChild: Infinity,
    cancelGraceMs: 500,
    ...over,
  };
}

type Task = { kind: string; [k: string]: unknown };

t("WorkerPool.submit() runs tasks on all workers and returns results", async () => {
  const pool = await WorkerPool.create<Task, number>(options());
  const outs = await Promise.all(
    Array.from({ length: 20 }, (_, i) => pool.submit({ kind: "double", x: i })),
  );
  assertEquals(outs.map((o) => o.status === "ok" ? o.result : NaN), outs.map((_, i) => 2 * i));
  assert(outs.every((o) => o.attempts === 1));
  const stats = pool.stats();
  assertEquals(stats.reduce((s, w) => s + w.tasks, 0), 20);
  assert(stats.every((w) => w.peakHeapUsedBytes > 0));
  await pool.close();
});

t("WorkerPool: timeout stops a task spinning in a tight loop and the pool continues", async () => {
  const pool = await WorkerPool.create<Task, number>(
    options({ taskTimeoutMs: 150, maxRetries: 1 }),
  );
  const spin = pool.submit({ kind: "spin" });
  const others = Array.from({ length: 6 }, (_, i) => pool.submit({ kind: "double", x: i }));
  const out = await spin;
  assertEquals(out.status, "timeout");
  assertEquals(out.attempts, 2); // one retry with the same task
  for (const [i, p] of others.entries()) {
    const o = await p;
    assert(o.status === "ok" && o.result === 2 * i);
  }
  assertEquals(pool.abandonedWorkers, 0); // it honoured the cancel flag
  assertEquals(pool.stats().reduce((s, w) => s + w.timeouts, 0), 2);
  const after = await pool.submit({ kind: "double", x: 21 });
  assert(after.status === "ok" && after.result === 42);
  await pool.close();
});

t("WorkerPool: a worker that ignores cancellation is abandoned and replaced", async () => {
  const pool = await WorkerPool.create<Task, number>(
    options({ taskTimeoutMs: 100, cancelGraceMs: 100, maxRetries: 0, maxAbandonedWorkers: 5 }),
  );
  const out = await pool.submit({ kind: "spin_ignore", ms: 600 });
  assertEquals(out.status, "timeout");
  assertEquals(pool.abandonedWorkers, 1);
  const ok = await pool.submit({ kind: "double", x: 4 });
  assert(ok.status === "ok" && ok.result === 8);
  assertEquals(pool.stats().reduce((s, w) => s + w.spawns, 0), 3);
  await pool.close();
});

t(
  "WorkerPool: past maxAbandonedWorkers later tasks reject with WorkerPoolExhaustedError",
  async () => {
    const pool = await WorkerPool.create<Task, number>(
      options({
        size: 1,
        taskTimeoutMs: 50,
        cancelGraceMs: 50,
        maxRetries: 0,
        maxAbandonedWorkers: 0,
      }),
    );
    const out = await pool.submit({ kind: "spin_ignore", ms: 400 });
    assertEquals(out.status, "timeout");
    await assertRejects(() => pool.submit({ kind: "double", x: 1 }), WorkerPoolExhaustedError);
    await pool.close();
  },
);

t("WorkerPool: a crashing task is retried with the same task, then recorded", async () => {
  const pool = await WorkerPool.create<Task, number>(options({ maxRetries: 2 }));
  const thrown = await pool.submit({ kind: "throw" });
  assert(
    thrown.status === "crash" && thrown.message.includes("on purpose"),
    JSON.stringify(thrown),
  );
  assertEquals(thrown.attempts, 3);
  const dead = await pool.submit({ kind: "crash" });
  assert(dead.status === "crash" && dead.message.includes("uncaught"), JSON.stringify(dead));
  assertEquals(dead.attempts, 3);
  const flaky = await pool.submit({ kind: "flaky", failures: 1 });
  assert(flaky.status === "ok" && flaky.attempts === 2, JSON.stringify(flaky));
  const ok = await pool.submit({ kind: "double", x: 5 });
  assert(ok.status === "ok" && ok.result === 10);
  await pool.close();
});

t("WorkerPool: workers are recycled after maxTasksPerChild tasks", async () => {
  const pool = await WorkerPool.create<Task, number>(options({ size: 1, maxTasksPerChild: 3 }));
  const ids = new Set<number>();
  for (let i = 0; i < 7; i++) {
    const o = await pool.submit({ kind: "double", x: i }) as PoolOutcome<number> & { status: "ok" };
    assertEquals(o.result, 2 * i);
    ids.add(o.workerId);
  }
  assertEquals(ids.size, 3); // tasks 0–2, 3–5, 6
  assertEquals(pool.stats()[0].spawns, 3);
  await pool.close();
});

t("WorkerPool.create() rejects with WorkerInitError when init throws or hangs", async () => {
  await assertRejects(
    () =>
      WorkerPool.create(
        options({ initPayload: { counter: new SharedArrayBuffer(4), failInit: true } }),
      ),
    WorkerInitError,
    "on purpose",
  );
  await assertRejects(
    () =>
      WorkerPool.create(options({
        size: 1,
        initTimeoutMs: 100,
        maxAbandonedWorkers: 10,
        initPayload: { counter: new SharedArrayBuffer(4), hangInit: true },
      })),
    WorkerInitError,
    "not ready",
  );
});

t("WorkerPool.close() cancels running tasks and resolves queued ones as cancelled", async () => {
  const pool = await WorkerPool.create<Task, number>(options({ size: 1 }));
  const running = pool.submit({ kind: "spin" });
  const queued = pool.submit({ kind: "double", x: 1 });
  await new Promise((r) => setTimeout(r, 50));
  assertEquals(await pool.close(), 0);
  assertEquals((await running).status, "cancelled");
  assertEquals((await queued).status, "cancelled");
});

t(
  "WorkerPool: a worker that dies rejects its in-flight task as a crash and is replaced",
  async () => {
    const pool = await WorkerPool.create<Task, number>(options({ size: 1, maxRetries: 0 }));
    const before = await pool.submit({ kind: "double", x: 1 });
    const dead = await pool.submit({ kind: "crash" });
    assert(dead.status === "crash" && dead.message.includes("uncaught"), JSON.stringify(dead));
    assertEquals(dead.attempts, 1);
    const after = await pool.submit({ kind: "double", x: 2 });
    assert(after.status === "ok" && after.result === 4);
    assert(after.workerId !== before.workerId && after.workerId !== -1);
    const s = pool.stats()[0];
    assertEquals([s.spawns, s.crashes, s.tasks], [2, 1, 2]);
    await pool.close();
  },
);

t("WorkerPool: a worker whose heap passes maxHeapBytes is recycled after its task", async () => {
  const events: string[] = [];
  const pool = await WorkerPool.create<Task, number>(options({
    size: 1,
    maxHeapBytes: 48 * 2 ** 20,
    onEvent: (m, level) => events.push(`${level} ${m}`),
  }));
  const small = await pool.submit({ kind: "double", x: 1 });
  const leak = await pool.submit({ kind: "retain", length: 8_000_000 }); // ≈ 64 MB of heap
  const next = await pool.submit({ kind: "retain", length: 10 });
  assert(small.status === "ok" && leak.status === "ok" && next.status === "ok");
  assertEquals(leak.workerId, small.workerId);
  assert(next.workerId > leak.workerId, "recycled");
  assertEquals(next.result, 1); // a fresh worker: its first retained array
  assertEquals(pool.stats()[0].spawns, 2);
  assert(events.some((e) => e.startsWith("warn recycling")), events.join("\n"));
  await pool.close();
});

t(
  "WorkerPool: an infinite init timeout waits for the worker instead of firing at once",
  async () => {
    const pool = await WorkerPool.create<Task, number>(options({ initTimeoutMs: Infinity }));
    const out = await pool.submit({ kind: "double", x: 3 });
    assert(out.status === "ok" && out.result === 6);
    assertEquals(pool.stats().map((s) => s.spawns), [1, 1]);
    await pool.close();
  },
);

class BackendMismatch extends CaligoError {}

function helloOptions(init: Omit<HelloInit, "spawned">, expected: string) {
  return options({
    workerUrl: HELLO_WORKER,
    size: init.size,
    maxRetries: 0,
    initPayload: { spawned: new SharedArrayBuffer(4), ...init } satisfies HelloInit,
    checkHello: (hello: unknown) => {
      const h = hello as TestHello;
      if (h.backend !== expected) throw new BackendMismatch(`worker loaded ${h.backend}`);
    },
  });
}

t(
  "WorkerPool: the handshake reports each worker's hello; a refused hello fails create",
  async () => {
    const pool = await WorkerPool.create<Task, number, TestHello>(
      helloOptions({ backend: "openblas", size: 2 }, "openblas"),
    );
    assertEquals(pool.hellos().map((h) => h.backend), ["openblas", "openblas"]);
    assertEquals(pool.hellos().map((h) => h.generation).sort(), [0, 1]);
    await pool.close();
    await assertRejects(
      () => WorkerPool.create(helloOptions({ backend: "ts", size: 2 }, "openblas")),
      BackendMismatch,
      "worker loaded ts",
    );
  },
);

t(
  "WorkerPool: a replacement worker with another backend is refused and stops the pool",
  async () => {
    const pool = await WorkerPool.create<Task, number, TestHello>(
      helloOptions({ backend: "openblas", replacementBackend: "ts", size: 1 }, "openblas"),
    );
    const dead = await pool.submit({ kind: "crash" });
    assertEquals(dead.status, "crash");
    await assertRejects(() => pool.submit({ kind: "echo", x: 1 }), BackendMismatch, "loaded ts");
    await pool.close();
  },
);
