/**
 * The simulation worker pool of a campaign run (docs/campaign.md §6), shared by Phases 1 and 3 and
 * created on first use: for the real simulator the missing LDPC codes are built first, once, on
 * the worker cores, and the family's calibration is loaded or made (docs/science.md §9.10) and
 * recorded in the store; the `expected` simulator uses a cached calibration when there is one.
 * @module
 */
import { CampaignDirError } from "../../io/campaign_dir.ts";
import { dirname } from "node:path";
import {
  calibrationFileName,
  loadOrBuildCodeFamily,
  writeCalibration,
} from "../../io/code_cache.ts";
import type { Logger } from "../../io/log.ts";
import type { ReconciliationCalibration } from "../../reconciliation/calibration.ts";
import type { CodeFamily } from "../../reconciliation/code_family.ts";
import type { ReconciliationOptions } from "../../reconciliation/types.ts";
import {
  cachedCalibration,
  describeCalibration,
  ensureCalibration,
  storedCalibration,
} from "../workers/calibration_builds.ts";
import { buildCodesInParallel } from "../workers/code_builds.ts";
import { parseFakeFaults } from "../workers/fake_faults.ts";
import type { SimulateTask } from "../sample_rows.ts";
import type { CampaignSettings } from "../settings.ts";
import type { SimWorkerInit, SimWorkerResult } from "../workers/sim_worker.ts";
import type { StoreSession } from "../store/store_session.ts";
import { WorkerPool } from "../workers/worker_pool.ts";
import { campaignWorkerUrl } from "../workers/worker_url.ts";
import type { CampaignRunOptions } from "./run_options.ts";

/** One worker pool for Phases 1 and 3, created on first use (codes built first, once). */
export class PoolHolder {
  #pool: WorkerPool<SimulateTask, SimWorkerResult> | null = null;
  constructor(
    readonly settings: CampaignSettings,
    readonly o: Pick<CampaignRunOptions, "env" | "workerUrl" | "fakeDrawsPerPair">,
    readonly log: Logger,
    readonly session?: StoreSession,
  ) {}

  /** The pool, created now if it does not exist yet. */
  async get(): Promise<WorkerPool<SimulateTask, SimWorkerResult>> {
    if (this.#pool) return this.#pool;
    const { settings, o, log } = this;
    const ex = settings.execution, sim = settings.simulation;
    const init: SimWorkerInit = {
      simulation: sim,
      fakeDrawsPerPair: o.fakeDrawsPerPair,
      fakeFaults: parseFakeFaults(o.env.CALIGO_TEST_FAKE_FAULTS),
      calibration: await this.#calibration(),
    };
    log.info(`starting ${ex.numWorkers} workers (${sim.simulator} simulator)`);
    this.#pool = await WorkerPool.create<SimulateTask, SimWorkerResult>({
      workerUrl: o.workerUrl ?? campaignWorkerUrl("sim_worker"),
      size: ex.numWorkers,
      initPayload: init,
      taskTimeoutMs: ex.taskTimeoutSeconds * 1000,
      initTimeoutMs: ex.workerInitTimeoutSeconds * 1000,
      maxRetries: ex.maxRetries,
      maxTasksPerChild: ex.maxTasksPerChild,
      maxHeapBytes: ex.memoryBudgetMb * 2 ** 20,
      onEvent: (m, level) => level === "debug" ? log.debug(m) : log.warn(m),
    });
    return this.#pool;
  }

  /** Close the pool if it was created; returns the number of abandoned workers. */
  async close(): Promise<number> {
    return this.#pool ? await this.#pool.close() : 0;
  }

  /** The calibration the workers choose rates with (none for the fake simulator). */
  async #calibration(): Promise<ReconciliationCalibration | undefined> {
    const sim = this.settings.simulation;
    if (sim.simulator === "real") {
      const family = await this.#codeFamily();
      return await this.#calibrate(family, sim.options.reconciliation);
    }
    if (sim.simulator !== "expected") return undefined;
    // The exact margin uses the family's calibrated efficiency when it is cached (never built).
    const calibration = await cachedCalibration(sim.options.reconciliation, sim.codesDir) ??
      undefined;
    this.log.info(
      calibration
        ? `expected simulator: efficiency from calibration ${calibration.id}`
        : "expected simulator: no cached calibration of this code family; efficiency f_select",
    );
    return calibration;
  }

  /**
   * The code family, its missing codes built here, once, before the workers load them (a worker
   * would otherwise build them itself, in parallel with the others, past its init timeout).
   */
  async #codeFamily(): Promise<CodeFamily> {
    const { settings, log } = this;
    const t0 = performance.now();
    let built = 0;
    const onBuilt = (r: { id: string; ms: number }) => {
      built++;
      log.info(`LDPC code ${r.id} built in ${(r.ms / 1000).toFixed(1)} s (cached)`);
    };
    const reconciliation = settings.simulation.options.reconciliation;
    const codesDir = settings.simulation.codesDir;
    await this.#buildOnWorkers(reconciliation, onBuilt);
    const family = await loadOrBuildCodeFamily(reconciliation, codesDir, {
      onCode: (r) => {
        if (r.source === "built") onBuilt(r);
      },
    });
    if (built > 0) {
      log.info(`LDPC code family ready in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    }
    return family;
  }

  /**
   * Long codes take minutes each: build the missing ones on the worker cores at once. The workers
   * are optional: if they fail, the codes still missing are built on this thread (each code is
   * seeded by its id, so they are the same codes).
   */
  async #buildOnWorkers(
    reconciliation: ReconciliationOptions,
    onBuilt: (r: { id: string; ms: number }) => void,
  ): Promise<void> {
    const workers = this.settings.execution.numWorkers;
    if (workers <= 1) return;
    try {
      await buildCodesInParallel(
        reconciliation,
        this.settings.simulation.codesDir,
        workers,
        1,
        onBuilt,
      );
    } catch (e) {
      if (e instanceof Deno.errors.PermissionDenied) throw e;
      this.log.warn(`code build workers failed (${e}); building the missing codes on this thread`);
    }
  }

  /**
   * The family's calibration (docs/science.md §9.10): a resumed store's own (`calibration_id`, from
   * the code cache or the campaign's copy), else loaded from the code cache or made now on the
   * worker cores; logged, recorded in the store's root attributes `calibration_id` and
   * `calibration_sha256`, and copied beside the store. A resumed store whose calibration is gone
   * and differs from the one made now is refused.
   */
  async #calibrate(
    family: CodeFamily,
    reconciliation: ReconciliationOptions,
  ): Promise<ReconciliationCalibration> {
    const { settings, log } = this;
    const t0 = performance.now();
    const resumed = await this.#resumedCalibration(family, reconciliation);
    const made = resumed !== null
      ? { calibration: resumed, source: "the resumed store's", ms: performance.now() - t0 }
      : await ensureCalibration(family, reconciliation, settings.simulation.codesDir, {
        jobs: settings.execution.numWorkers,
      });
    const c = made.calibration;
    log.info(
      `calibration ${c.id} (sha256 ${c.sha256.slice(0, 12)}) ${
        made.source === "computed" ? "computed" : `loaded (${made.source})`
      } in ${(made.ms / 1000).toFixed(1)} s`,
    );
    for (const line of describeCalibration(c)) log.info(`calibration ${line}`);
    const unreachable = c.rows.filter((r) => !r.passed);
    if (unreachable.length > 0) {
      log.warn(
        `calibration: FER ≤ ${c.key.params.targetFer} not reached on the f grid at ` +
          unreachable.map((r) => `${r.strategy} q ${r.qber}`).join(", ") +
          " (the family's lowest rate is too high there)",
      );
    }
    this.#recordCalibration(c);
    await this.#keepCalibrationCopy(c);
    return c;
  }

  /**
   * The calibration a resumed store recorded: from the code cache, else from the copy in the
   * campaign directory (a campaign moved to a machine whose cache lacks it continues with its own).
   */
  async #resumedCalibration(
    family: CodeFamily,
    reconciliation: ReconciliationOptions,
  ): Promise<ReconciliationCalibration | null> {
    const store = this.session?.store;
    const id = store?.rootAttribute("calibration_id");
    const sha256 = store?.rootAttribute("calibration_sha256");
    if (typeof id !== "string" || typeof sha256 !== "string") return null;
    for (const dir of [this.settings.simulation.codesDir, this.#campaignDir() ?? []].flat()) {
      const c = await storedCalibration(family, reconciliation, dir, { id, sha256 });
      if (c !== null) return c;
    }
    return null;
  }

  /** The campaign directory (the store's), when a store is open. */
  #campaignDir(): string | undefined {
    const path = this.session?.path;
    return path === undefined ? undefined : dirname(path);
  }

  /** Keep `<campaign>/<id>.calibration.json` beside the store (the report's reconciliation table). */
  async #keepCalibrationCopy(c: ReconciliationCalibration): Promise<void> {
    const dir = this.#campaignDir();
    if (dir === undefined) return;
    try {
      await Deno.lstat(`${dir}/${calibrationFileName(c.id)}`);
    } catch (e) {
      if (!(e instanceof Deno.errors.NotFound)) throw e;
      await writeCalibration(dir, c);
    }
  }

  /** Record the calibration in the store, or refuse a store made with another. */
  #recordCalibration(c: ReconciliationCalibration): void {
    const session = this.session;
    if (session === undefined) return;
    const stored = session.store.rootAttribute("calibration_sha256");
    if (stored !== undefined && stored !== c.sha256) {
      throw new CampaignDirError(
        session.path,
        `the store was made with calibration ${
          session.store.rootAttribute("calibration_id")
        } (sha256 ${stored}), which is neither in ${this.settings.simulation.codesDir} nor in ` +
          `the campaign directory; this software makes ${c.id} (sha256 ${c.sha256}); restore ` +
          "that file or start a new campaign",
      );
    }
    if (stored === undefined) {
      session.store.setRootAttribute("calibration_id", c.id);
      session.store.setRootAttribute("calibration_sha256", c.sha256);
    }
  }
}
