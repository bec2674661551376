import { assert, assertEquals } from "../../../tests/assert.ts";
import { openCampaignStore } from "../../io/store/reader.ts";
import { TEST_ROOT_ATTRIBUTES } from "../../io/store/_test_rows.ts";
import { CampaignStore } from "../../io/store/writer.ts";
import { readCheckpointSync } from "../../io/checkpoint.ts";
import type { Phase1Checkpoint } from "../../io/checkpoint.ts";
import { silentLogger } from "../../io/log.ts";
import { createPhase1Design, type DesignBounds } from "../design.ts";
import { createStopToken, runPhase1, type SimulationRunner } from "./phase1.ts";
import { rowPrefilterOf } from "../prefilter_adapter.ts";
import { defaultSimulationOptions } from "../../protocol/simulation_options.ts";
import { StoreSession } from "../store/store_session.ts";
import { WorkerPool } from "../workers/worker_pool.ts";
import type { SimulateTask } from "../sample_rows.ts";
import type { SimWorkerInit, SimWorkerResult } from "../workers/sim_worker.ts";
import { parseConfig } from "../../io/config.ts";
import { resolveCampaign } from "../settings.ts";

const FAKE_SIMULATION = resolveCampaign(parseConfig("simulation:\n  simulator: fake\n", {}).config)
  .simulation;

const t = (name: string, fn: () => Promise<void>) =>
  Deno.test({ name, fn, sanitizeOps: false, sanitizeResources: false });

/** The schema's default box (docs/campaign.md §2.1). */
const BOUNDS: DesignBounds = parseConfig("", {}).config.bounds;

async function newCampaign(): Promise<{ dir: string; session: StoreSession }> {
  const dir = await Deno.makeTempDir({ prefix: "caligo_phase1_" });
  const path = `${dir}/exploration_data.h5`;
  const store = await CampaignStore.create(path, {
    ...TEST_ROOT_ATTRIBUTES,
    campaign_seed: 5,
    config_sha256: "abc",
    bounds_json: JSON.stringify(BOUNDS),
  });
  return { dir, session: new StoreSession(path, store) };
}

function pool(
  size: number,
  slow?: { fakeDrawsPerPair: number; taskTimeoutMs: number },
): Promise<WorkerPool<SimulateTask, SimWorkerResult>> {
  return WorkerPool.create<SimulateTask, SimWorkerResult>({
    workerUrl: new URL("../workers/sim_worker.ts", import.meta.url),
    size,
    initPayload: {
      simulation: FAKE_SIMULATION,
      fakeDrawsPerPair: slow?.fakeDrawsPerPair,
    } satisfies SimWorkerInit,
    taskTimeoutMs: slow?.taskTimeoutMs ?? 30_000,
    initTimeoutMs: 30_000,
    maxRetries: 1,
    maxTasksPerChild: 7,
  });
}

async function run(
  dir: string,
  session: StoreSession,
  runner: SimulationRunner,
  over: {
    numSamples?: number;
    batch?: number;
    prefilter?: boolean;
    stopAfter?: number;
    memoryBudgetBytes?: number;
  } = {},
) {
  const stop = createStopToken();
  let submitted = 0;
  const wrapped: SimulationRunner = {
    size: runner.size,
    stats: () => runner.stats(),
    submit(task) {
      if (over.stopAfter !== undefined && ++submitted >= over.stopAfter) stop.request("SIGTERM");
      return runner.submit(task);
    },
  };
  return await runPhase1({
    campaignSeed: 5,
    configSha256: "abc",
    numSamples: over.numSamples ?? 30,
    commitBatchSize: over.batch ?? 4,
    commitIntervalMs: 30_000,
    checkpointInterval: 2,
    maxDesignPoints: 0,
    maxInFlight: 2 * runner.size,
    memoryBudgetBytes: over.memoryBudgetBytes ?? 1536 * 2 ** 20,
    maxPairs: 1e7,
    design: createPhase1Design({
      campaignSeed: 5,
      bounds: BOUNDS,
      method: "sobol",
      strategy: "paired",
      fidelityMarginal: "beta21",
      strategyRatio: 0.5,
      batchSize: 4,
    }),
    prefilter: over.prefilter ? rowPrefilterOf("project", defaultSimulationOptions()) : null,
    pool: wrapped,
    session,
    checkpointPath: `${dir}/phase1_checkpoint.json`,
    stop,
    log: silentLogger,
  });
}

/** Rows of /lhs_warmup sorted by id, without metadata (timings, worker ids). */
async function rowsById(dir: string) {
  const g = (await openCampaignStore(`${dir}/exploration_data.h5`)).groups.lhs_warmup;
  const D = g.diagnosticColumns.length;
  const order = Array.from(g.sampleId.keys()).sort((a, b) => g.sampleId[a] - g.sampleId[b]);
  return order.map((i) => ({
    id: g.sampleId[i],
    inputs: Array.from(g.inputs.subarray(9 * i, 9 * i + 9)),
    outputs: Array.from(g.outputs.subarray(6 * i, 6 * i + 6)).map(String),
    outcome: g.outcomes[i],
    seed: g.seed[i],
    n: g.numPairs[i],
    km: String(g.keyMargin[i]),
    diag: Array.from(g.diagnostics.subarray(D * i, D * i + D)).map(String),
  }));
}

t("runPhase1() commits 30 executed samples; rows independent of worker count", async () => {
  const a = await newCampaign(), b = await newCampaign();
  const p1 = await pool(1);
  const sa = await run(a.dir, a.session, p1, { batch: 3 });
  await p1.close();
  const p3 = await pool(3);
  const sb = await run(b.dir, b.session, p3, { batch: 7 });
  await p3.close();
  a.session.close();
  b.session.close();
  assertEquals(sa.status, "complete");
  assertEquals(sa.executed, 30);
  assertEquals(sb.executed, 30);
  const ra = await rowsById(a.dir), rb = await rowsById(b.dir);
  assertEquals(ra.map((r) => r.id), Array.from({ length: 30 }, (_, i) => i));
  assertEquals(ra, rb);
  assert(ra.some((r) => r.outcome === "success") && ra.some((r) => r.outcome !== "success"));
  const ckpt = readCheckpointSync<Phase1Checkpoint>(
    `${a.dir}/phase1_checkpoint.json`,
    "caligo-ts/phase1-checkpoint/1",
  );
  assert(ckpt?.complete === true && ckpt.committed_rows === 30);
  const data = await openCampaignStore(`${a.dir}/exploration_data.h5`);
  assertEquals(data.commits.reduce((s, c) => s + c.rows, 0), 30);
  assertEquals((data.phases.phase1 as { executed: number }).executed, 30);
  await Deno.stat(`${a.dir}/exploration_data.h5.bak`);
});

t("runPhase1() stopped at 15 then resumed gives the uninterrupted run's 30 rows", async () => {
  const ref = await newCampaign(), cut = await newCampaign();
  const p = await pool(2);
  await run(ref.dir, ref.session, p);
  ref.session.close();
  const first = await run(cut.dir, cut.session, p, { stopAfter: 15 });
  assertEquals(first.status, "stopped");
  assert(first.committedRows < 30, `${first.committedRows}`);
  const second = await run(cut.dir, cut.session, p);
  await p.close();
  cut.session.close();
  assertEquals(second.status, "complete");
  assertEquals(await rowsById(cut.dir), await rowsById(ref.dir));
});

t(
  "runPhase1() records pre-filtered points as skipped_infeasible without simulating them",
  async () => {
    const c = await newCampaign();
    const p = await pool(2);
    const s = await run(c.dir, c.session, p, { numSamples: 6, prefilter: true, batch: 50 });
    await p.close();
    c.session.close();
    assertEquals(s.executed, 6);
    const g = (await openCampaignStore(`${c.dir}/exploration_data.h5`)).groups.lhs_warmup;
    const skipped = g.outcomes.filter((o) => o === "skipped_infeasible").length;
    assertEquals(skipped, s.skipped);
    assertEquals(g.n, 6 + skipped);
    assert(skipped > 0, "the default bounds skip most points");
    const i = g.outcomes.indexOf("skipped_infeasible");
    assert(JSON.parse(g.metadata[i]).error_message.startsWith("Infeasible: margin="));
    // paired: both members of a design point share the verdict
    const ids = new Set(Array.from(g.sampleId));
    for (const id of ids) assert(ids.has(id ^ 1), `partner of ${id}`);
  },
);

t(
  "runPhase1() records samples over the memory budget as failure_error (stage sampling)",
  async () => {
    const c = await newCampaign();
    const p = await pool(1);
    // 64 B × N > 64 × 10^5.5 for roughly the upper quarter of log10 N ∈ [4, 6]
    const s = await run(c.dir, c.session, p, { numSamples: 8, memoryBudgetBytes: 64 * 10 ** 5.5 });
    await p.close();
    c.session.close();
    const g = (await openCampaignStore(`${c.dir}/exploration_data.h5`)).groups.lhs_warmup;
    assertEquals(s.executed, 8);
    const stage = g.diagnosticColumns.indexOf("abort_stage");
    for (let i = 0; i < g.n; i++) {
      const over = g.numPairs[i] > 10 ** 5.5;
      assertEquals(g.outcomes[i] === "failure_error", over, `N = ${g.numPairs[i]}`);
      if (over) {
        assertEquals(g.diagnostics[i * g.diagnosticColumns.length + stage], 3); // sampling
        assert(JSON.parse(g.metadata[i]).error_message.startsWith("sampling: memory budget"));
      }
    }
    assert(g.outcomes.includes("failure_error"), "some N above the budget");
  },
);

t(
  "runPhase1() records failure_timeout after the retry when every attempt exceeds the limit",
  async () => {
    const c = await newCampaign();
    // ≥ 1e4 pairs × 1e4 draws per pair ≈ seconds per sample, against a 100 ms limit
    const p = await pool(2, { fakeDrawsPerPair: 1e4, taskTimeoutMs: 100 });
    const s = await run(c.dir, c.session, p, { numSamples: 2 });
    await p.close();
    c.session.close();
    assertEquals(s.byOutcome.failure_timeout, 2);
    assertEquals(p.abandonedWorkers, 0); // the fake polls the cancel flag
    const g = (await openCampaignStore(`${c.dir}/exploration_data.h5`)).groups.lhs_warmup;
    const retries = g.diagnosticColumns.indexOf("retries");
    for (let i = 0; i < g.n; i++) {
      assertEquals(g.outcomes[i], "failure_timeout");
      assert(Number.isNaN(g.keyMargin[i]));
      assertEquals(g.diagnostics[i * g.diagnosticColumns.length + retries], 1);
      assertEquals(JSON.parse(g.metadata[i]).attempts, 2);
    }
  },
);
