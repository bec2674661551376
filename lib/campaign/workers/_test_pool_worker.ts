/// <reference lib="deno.worker" />
/**
 * Test-only pool worker for worker_pool_test.ts. Tasks:
 * `{ kind: "double", x }` → 2x; `{ kind: "spin" }` → tight loop that polls the cancel flag;
 * `{ kind: "spin_ignore", ms }` → busy loop that ignores the flag for `ms`;
 * `{ kind: "throw" }` → throws; `{ kind: "crash" }` → uncaught error that kills the worker;
 * `{ kind: "flaky", failures }` → throws while the shared counter is below `failures`;
 * `{ kind: "alloc", bytes }` → allocates and drops a buffer, returns its length;
 * `{ kind: "retain", length }` → keeps an array of `length` numbers alive (a leak), returns the
 * number of arrays kept.
 * Init payload `{ counter: SharedArrayBuffer, failInit?: boolean, hangInit?: boolean }`.
 * @module
 */
import { serveWorker } from "./worker_protocol.ts";

type Task =
  | { kind: "double"; x: number }
  | { kind: "spin" }
  | { kind: "spin_ignore"; ms: number }
  | { kind: "throw" }
  | { kind: "crash" }
  | { kind: "flaky"; failures: number }
  | { kind: "alloc"; bytes: number }
  | { kind: "retain"; length: number };

/** What `retain` tasks keep alive for the worker's lifetime. */
const retained: number[][] = [];

interface Init {
  counter: SharedArrayBuffer;
  failInit?: boolean;
  hangInit?: boolean;
}

serveWorker<Int32Array, Task, number>(self, {
  init(payload) {
    const p = payload as Init;
    if (p.failInit) throw new Error("init failed on purpose");
    if (p.hangInit) return new Promise(() => {});
    return new Int32Array(p.counter);
  },
  run(task, counter, { cancel, workerId }) {
    switch (task.kind) {
      case "double":
        return 2 * task.x;
      case "spin": {
        for (let i = 0;; i++) {
          if ((i & 0xffff) === 0xffff && Atomics.load(cancel, 0) === 1) return undefined;
        }
      }
      case "spin_ignore": {
        const end = Date.now() + task.ms;
        while (Date.now() < end) { /* ignores the cancel flag */ }
        return -1;
      }
      case "throw":
        throw new Error(`task failed on purpose in worker ${workerId}`);
      case "crash":
        setTimeout(() => {
          throw new Error("uncaught");
        }, 0);
        return new Promise<number>(() => {});
      case "flaky":
        if (Atomics.add(counter, 0, 1) < task.failures) throw new Error("flaky");
        return 1;
      case "alloc":
        return new Float64Array(task.bytes / 8).length;
      case "retain":
        return retained.push(new Array(task.length).fill(0.5));
    }
  },
});
