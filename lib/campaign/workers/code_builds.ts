/**
 * Build the missing mother codes of a family on several cores: each code is a task of a
 * {@link WorkerPool} of `./code_build_worker.ts` workers (timeout {@link CODE_BUILD_TIMEOUT_MS})
 * and is saved to the code cache by the main thread as it arrives. The codes are the same as a sequential build's (each is seeded by its own id). Long
 * codes make this worthwhile: local PEG takes 1–3 min per code at n = 65536 and 4–7 min at
 * 131072 on one core, nine codes per family.
 * @module
 */
import { CaligoError } from "../../errors.ts";
import { loadMotherCode, saveMotherCode } from "../../io/code_cache.ts";
import { createParityCheckMatrix } from "../../kernels/ldpc/parity_check_matrix.ts";
import { type CodeFamilyOptions, motherCodeId } from "../../reconciliation/code_family.ts";
import type { BuiltCode, CodeBuildRequest } from "./code_build_worker.ts";
import { runAll } from "./run_all.ts";
import { WorkerPool } from "./worker_pool.ts";
import { campaignWorkerUrl } from "./worker_url.ts";

/**
 * Wall-clock limit of one code construction, ms: 1 h, about 8× the slowest measured build (local
 * PEG at n = 131072). A construction does not poll a cancel flag, so its worker is abandoned.
 */
export const CODE_BUILD_TIMEOUT_MS = 3_600_000;

/** A code construction failed inside a worker. */
export class CodeBuildError extends CaligoError {}

/** One built code, as reported by {@link buildCodesInParallel}. */
export interface ParallelBuildReport {
  id: string;
  /** Construction time inside the worker, ms. */
  ms: number;
}

/**
 * Build and cache every code of the family that `codesDir` lacks, with up to `jobs` workers.
 * @returns the codes built (empty when all were cached)
 * @throws CodeBuildError if a construction fails (codes already saved stay saved)
 */
export async function buildCodesInParallel(
  options: CodeFamilyOptions,
  codesDir: string,
  jobs: number,
  seed = 1,
  onBuilt?: (report: ParallelBuildReport) => void,
): Promise<ParallelBuildReport[]> {
  const missing: CodeBuildRequest[] = [];
  for (const rate of options.motherRates) {
    const family = options.codeFamily ?? "caligo";
    const id = motherCodeId(options.codeLength, rate, seed, family);
    if ((await loadMotherCode(codesDir, id)) === null) {
      missing.push({ n: options.codeLength, rate, seed, family });
    }
  }
  if (missing.length === 0) return [];
  const pool = await openBuildPool(Math.max(1, Math.min(jobs, missing.length)));
  const built: ParallelBuildReport[] = [];
  try {
    await runAll(pool, missing, async (code, request) => {
      await saveBuiltCode(codesDir, code, request, seed);
      const report = { id: code.id, ms: code.ms };
      built.push(report);
      onBuilt?.(report);
    }, (r, reason) => new CodeBuildError(`building n = ${r.n}, R0 = ${r.rate}: ${reason}`));
  } finally {
    await pool.close();
  }
  return built;
}

function openBuildPool(size: number): Promise<WorkerPool<CodeBuildRequest, BuiltCode>> {
  return WorkerPool.create<CodeBuildRequest, BuiltCode>({
    workerUrl: campaignWorkerUrl("code_build_worker"),
    name: "code-build",
    size,
    initPayload: null,
    taskTimeoutMs: CODE_BUILD_TIMEOUT_MS,
    cancelGraceMs: 0,
    initErrorAs: (e) => new CodeBuildError(e.message, { cause: e }),
  });
}

function saveBuiltCode(
  codesDir: string,
  code: BuiltCode,
  request: CodeBuildRequest,
  seed: number,
): Promise<void> {
  return saveMotherCode(codesDir, {
    id: code.id,
    rate: code.rate,
    matrix: createParityCheckMatrix(code.m, code.n, code.rowPtr, code.colIdx),
    puncturingOrder: code.puncturingOrder,
    girth: code.girth,
    family: request.family,
  }, seed);
}
