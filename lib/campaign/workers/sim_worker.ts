/// <reference lib="deno.worker" />
/**
 * The simulation worker of the campaign pool (docs/campaign.md §5.1, §6): runs the whole per-sample
 * pipeline for one {@link SimulateTask} and returns the S§12 record. Init payload:
 * {@link SimWorkerInit}. The real simulator and the LDPC code family are loaded once per worker;
 * the fake simulator needs nothing.
 * @module
 */
import { loadOrBuildCodeFamily } from "../../io/code_cache.ts";
import type { ReconciliationCalibration } from "../../reconciliation/calibration.ts";
import { stageRng } from "../../kernels/rng.ts";
import {
  calibratedEfficiency,
  expectedModelOf,
  expectedSimulateSample,
} from "../../protocol/expected_simulate_sample.ts";
import { fakeSimulateSample } from "../../protocol/fake_simulate_sample.ts";
import { decodeRow } from "../../protocol/parameter_point.ts";
import type { SampleRecord } from "../../protocol/record.ts";
import { simulateSample } from "../../protocol/simulate_sample.ts";
import { ToeplitzFftWorkspace } from "../../kernels/toeplitz_fft.ts";
import { pointMaxPairs } from "../../protocol/simulation_options.ts";
import type { SimulateTask } from "../sample_rows.ts";
import type { SimulationSettings } from "../settings.ts";
import { serveWorker } from "./worker_protocol.ts";
import { type FakeFaults, injectFakeFault } from "./fake_faults.ts";

/** Init payload of the simulation worker. */
export interface SimWorkerInit {
  /** Synthetic xoshiro draws per pair before the fake record (benchmarks), default 0. */
  fakeDrawsPerPair?: number;
  /** The campaign's simulation settings (lib/campaign/settings.ts). */
  simulation: SimulationSettings;
  /**
   * The calibration the main thread loaded or made for this family (lib/campaign/
   * calibration_builds.ts); the rate choice of both strategies uses it.
   */
  calibration?: ReconciliationCalibration;
  /** Test-only faults of the fake simulator (lib/campaign/fake_faults.ts). */
  fakeFaults?: FakeFaults;
}

/** What the worker returns per task. */
export interface SimWorkerResult {
  record: SampleRecord;
}

type Simulate = (task: SimulateTask, cancel: Int32Array) => SampleRecord | null;

/**
 * Synthetic per-pair work for benchmarks of the fake simulator: `draws` xoshiro draws from the
 * sample's `detector` stream, polling the cancel flag every 65 536 draws.
 * @returns false when cancelled
 */
function syntheticWork(seed: bigint, draws: number, cancel: Int32Array): boolean {
  const rng = stageRng(seed, "detector");
  let acc = 0;
  for (let i = 0; i < draws; i++) {
    acc ^= rng.nextUint32();
    if ((i & 0xffff) === 0xffff && Atomics.load(cancel, 0) === 1) return false;
  }
  return acc !== -1; // uint32 XOR is never −1; keeps the loop observable
}

/** The simulator of this worker: the real pipeline with codes loaded once, or the fake. */
async function createSimulator(init: SimWorkerInit): Promise<Simulate> {
  const simulation = init.simulation.options;
  const maxPairs = pointMaxPairs(simulation);
  if (init.simulation.simulator === "fake") {
    const perPair = init.fakeDrawsPerPair ?? 0;
    return (task, cancel) => {
      if (perPair > 0 && !syntheticWork(task.seed, Math.round(perPair * task.numPairs), cancel)) {
        return null;
      }
      return fakeSimulateSample(decodeRow(task.row, task.numPairs, { maxPairs }), task.seed);
    };
  }
  if (init.simulation.simulator === "expected") {
    const model = expectedModelOf(
      simulation,
      init.calibration
        ? calibratedEfficiency(init.calibration, simulation.reconciliation.fSelect)
        : undefined,
    );
    const noise = init.simulation.expectedNoise;
    return (task) => {
      const point = decodeRow(task.row, task.numPairs, { maxPairs });
      return expectedSimulateSample(point, simulation, model, task.seed, noise);
    };
  }
  const family = await loadOrBuildCodeFamily(
    simulation.reconciliation,
    init.simulation.codesDir,
  );
  family.calibration = init.calibration;
  const now = () => performance.now();
  const hashWorkspace = new ToeplitzFftWorkspace();
  return (task, cancel) => {
    const record = simulateSample(decodeRow(task.row, task.numPairs, { maxPairs }), {
      seed: task.seed,
      family,
      simulation,
      cancel,
      now,
      hashWorkspace,
    });
    // the simulator reports a cancelled sample as stage `timeout`
    return record.abort_stage === "timeout" && Atomics.load(cancel, 0) === 1 ? null : record;
  };
}

interface WorkerState {
  simulate: Simulate;
  faults?: FakeFaults;
}

serveWorker<WorkerState, SimulateTask, SimWorkerResult>(self, {
  init: async (payload) => {
    const init = payload as SimWorkerInit;
    const faults = init.simulation.simulator === "fake" ? init.fakeFaults : undefined;
    return { simulate: await createSimulator(init), faults };
  },
  run(task, { simulate, faults }, { cancel }) {
    const fault = injectFakeFault(faults, task.sampleId, cancel);
    if (fault === "cancelled") return undefined;
    if (fault === "dies") return new Promise<never>(() => {}); // the worker ends first
    const t0 = performance.now();
    const record = simulate(task, cancel);
    if (record === null) return undefined;
    if (record.execution_time_seconds === 0) {
      record.execution_time_seconds = (performance.now() - t0) / 1000;
    }
    return { record };
  },
});
