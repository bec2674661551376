/**
 * Worker-pool benchmarks (campaign issue 5 targets):
 * - dispatch overhead per task: 2000 no-op tasks through a 2-worker pool, 2 × workers in flight
 *   (target ≤ 1 ms per task);
 * - pool scaling: Phase-1-like real-simulator samples at N = 1e5 through 1 and 2 workers
 *   (target: 2 workers ≥ 1.8 × the 1-worker throughput on 2 idle cores). Needs the LDPC codes
 *   of `simulation.reconciliation.code_length: 4096` in ./codes (built on first use).
 * Run: ./deno bench -P lib/campaign/workers/worker_pool_bench.ts
 */
import { parseConfig } from "../../io/config.ts";
import { resolveCampaign } from "../settings.ts";
import { createPhase1Design } from "../design.ts";
import { designTask, type SimulateTask } from "../sample_rows.ts";
import type { SimWorkerInit, SimWorkerResult } from "./sim_worker.ts";
import { WorkerPool } from "./worker_pool.ts";

const TEST_WORKER = new URL("./_test_pool_worker.ts", import.meta.url);

async function drain<T, R>(pool: WorkerPool<T, R>, tasks: T[], inFlight: number): Promise<void> {
  let next = 0;
  const lane = async () => {
    while (next < tasks.length) await pool.submit(tasks[next++]);
  };
  await Promise.all(Array.from({ length: inFlight }, lane));
}

const noopPool = await WorkerPool.create<{ kind: string; x: number }, number>({
  workerUrl: TEST_WORKER,
  size: 2,
  initPayload: { counter: new SharedArrayBuffer(4) },
  taskTimeoutMs: 60_000,
  initTimeoutMs: 60_000,
  maxRetries: 0,
  maxTasksPerChild: Infinity,
});
const noops = Array.from({ length: 2000 }, (_, x) => ({ kind: "double", x }));

Deno.bench({
  name: "dispatch: 2000 no-op tasks, 2 workers, 4 in flight (divide by 2000 per task)",
  group: "dispatch",
  n: 5,
  warmup: 1,
  async fn() {
    await drain(noopPool, noops, 4);
  },
});

const { config } = parseConfig(
  "simulation:\n  reconciliation:\n    code_length: 4096\nbounds:\n  num_pairs: { min_log: 5, max_log: 5.0001 }\n  channel_fidelity: { min: 0.97, max: 1.0 }\n  detection_efficiency: { min_log: -0.3, max_log: 0 }\n  storage_noise_r: { min: 0.0, max: 0.3 }\n",
  {},
);
const design = createPhase1Design({
  campaignSeed: 42,
  bounds: config.bounds,
  method: "sobol",
  strategy: "paired",
  fidelityMarginal: "beta21",
  strategyRatio: 0.5,
  batchSize: 8,
});
const realTasks: SimulateTask[] = Array.from(
  { length: 8 },
  (_, id) => designTask(design.sample(id), id, "phase1", 42),
);
const init: SimWorkerInit = { simulation: resolveCampaign(config).simulation };
for (const size of [1, 2]) {
  const pool = await WorkerPool.create<SimulateTask, SimWorkerResult>({
    workerUrl: new URL("./sim_worker.ts", import.meta.url),
    size,
    initPayload: init,
    taskTimeoutMs: 600_000,
    initTimeoutMs: 600_000,
    maxRetries: 0,
    maxTasksPerChild: Infinity,
  });
  Deno.bench({
    name: `scaling: 8 real samples at N = 1e5, ${size} worker(s)`,
    group: "scaling",
    baseline: size === 1,
    n: 2,
    warmup: 1,
    async fn() {
      await drain(pool, realTasks, 2 * size);
    },
  });
}
