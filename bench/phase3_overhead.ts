/**
 * Phase 3 overhead per iteration (issue 7 target: ≤ 10 s at 5,000 training points, q = 16, on
 * 2 cores): everything but the simulation — candidate pool, pre-filter, refinement, prediction,
 * Kriging-believer batch, plan, conditioning of both GPs on the new rows, boundary metrics.
 * The samples come from the fake simulator in-process (instant), so the wall time of an
 * iteration is its overhead. Phase 1 rows are synthetic: the fake simulator on a scrambled-Sobol
 * design.
 *
 *   ./deno run --allow-read --allow-env --allow-ffi bench/phase3_overhead.ts [rows] [iterations]
 */
import { parseConfig } from "../lib/io/config.ts";
import { silentLogger } from "../lib/io/log.ts";
import { createPhase1Design } from "../lib/campaign/design.ts";
import { campaignLinalg } from "../lib/campaign/phases/phase2_stage.ts";
import { fitTwinSurrogate } from "../lib/campaign/phases/phase2.ts";
import { runPhase3 } from "../lib/campaign/phases/phase3.ts";
import { resolveCampaign } from "../lib/campaign/settings.ts";
import { createStopToken, type SimulationRunner } from "../lib/campaign/phases/phase1.ts";
import { designTask, rowFromRecord, type SimulateTask } from "../lib/campaign/sample_rows.ts";
import { storeRowsAsTrainingRows } from "../lib/campaign/surrogate_data.ts";
import { decodeRow } from "../lib/protocol/parameter_point.ts";
import { fakeSimulateSample } from "../lib/protocol/fake_simulate_sample.ts";
import type { GroupData, StoreRow } from "../lib/io/store/schema.ts";

const rows = Number(Deno.args[0] ?? 5000), iterations = Number(Deno.args[1] ?? 3);
const { config } = parseConfig(
  `simulation: { simulator: fake }\nphase2: { gp: { n_restarts_optimizer: 0 } }\n` +
    `phase3: { num_iterations: ${iterations}, batch_size: 16, retrain_interval: 1000, ` +
    `holdout: { size: 0 }, stopping: { enabled: false } }\n`,
  {},
);
const design = createPhase1Design({
  campaignSeed: 42,
  bounds: config.bounds,
  method: "sobol",
  strategy: "paired",
  fidelityMarginal: "beta21",
  strategyRatio: 0.5,
  batchSize: 50,
});
const simulate = (task: SimulateTask) =>
  fakeSimulateSample(decodeRow(task.row, task.numPairs, { maxPairs: Infinity }), task.seed);
const phase1: StoreRow[] = [];
for (let id = 0; id < rows; id++) {
  const task = designTask(design.sample(id), id, "phase1", 42);
  phase1.push(rowFromRecord(task, simulate(task), 1, 0, 0));
}
const pool: SimulationRunner = {
  size: 2,
  submit: (task) =>
    Promise.resolve({
      status: "ok",
      result: { record: simulate(task) },
      attempts: 1,
      workerId: 0,
      busyMs: 0,
    }),
  stats: () => [],
};
const settings = resolveCampaign(config);
const la = await campaignLinalg(settings.execution, silentLogger);
console.error(`linear algebra: ${la.description}`);
const groups = [storeRowsAsTrainingRows(phase1)] as unknown as GroupData[];
let t = performance.now();
const fit = await fitTwinSurrogate({
  settings: settings.phase2,
  groups,
  linalg: la.linalg,
  log: silentLogger,
  fitIndex: 0,
  validate: false,
});
console.error(`Phase 2 fit on ${rows} rows: ${((performance.now() - t) / 1000).toFixed(1)} s`);
const times: number[] = [];
t = performance.now();
const empty = storeRowsAsTrainingRows([]) as unknown as GroupData;
await runPhase3({
  settings: settings.phase3,
  surrogate: settings.phase2,
  phase1: groups[0],
  active: empty,
  holdout: null,
  plan: { n: 0, rows: new Float64Array(0) },
  iterations: { n: 0, rows: new Float64Array(0) },
  initialTwin: fit.twin,
  store: { appendRows() {}, appendPlan() {}, appendIteration() {} },
  pool,
  prefilter: null,
  guards: { memoryBudgetBytes: Infinity, maxPairs: Infinity },
  linalg: la.linalg,
  log: silentLogger,
  stop: createStopToken(),
  onIteration: (k, record) => {
    times.push(record.t_total);
    console.error(
      `iteration ${k}: ${record.t_total.toFixed(2)} s (predict ${record.t_predict.toFixed(2)}, ` +
        `select ${record.t_select.toFixed(2)}, fit ${record.t_fit.toFixed(2)})`,
    );
  },
});
console.log(JSON.stringify({ rows, q: 16, backend: la.description, iterationSeconds: times }));
la.close();
