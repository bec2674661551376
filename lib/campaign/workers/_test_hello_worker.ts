/// <reference lib="deno.worker" />
/**
 * Test-only worker for the handshake tests of worker_pool_test.ts: its hello is
 * `{ backend, generation }`, where `generation` counts the workers started with the same init
 * payload (a shared Int32 counter) and `backend` is the payload's `backend`, or
 * `replacementBackend` from generation `size` on (a replacement worker that loads another
 * backend). Tasks: `{ kind: "echo", x }` → x; `{ kind: "crash" }` → an uncaught error ends it.
 * @module
 */
import { serveWorker } from "./worker_protocol.ts";

/** Init payload. */
export interface HelloInit {
  spawned: SharedArrayBuffer;
  backend: string;
  replacementBackend?: string;
  size: number;
}

/** The handshake. */
export interface TestHello {
  backend: string;
  generation: number;
}

type Task = { kind: "echo"; x: number } | { kind: "crash" };

serveWorker<TestHello, Task, number, TestHello>(self, {
  init(payload) {
    const p = payload as HelloInit;
    const generation = Atomics.add(new Int32Array(p.spawned), 0, 1);
    const replaced = generation >= p.size && p.replacementBackend !== undefined;
    return { backend: replaced ? p.replacementBackend! : p.backend, generation };
  },
  hello: (state) => state,
  run(task) {
    if (task.kind === "echo") return task.x;
    setTimeout(() => {
      throw new Error("uncaught in the hello worker");
    });
    return new Promise<number>(() => {});
  },
});
