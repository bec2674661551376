/**
 * Build the missing mother codes of a family on several cores: each code is built in a Web
 * Worker (lib/campaign/code_build_worker.ts) and saved to the code cache by the main thread as it
 * arrives. The codes are the same as a sequential build's (each is seeded by its own id). Long
 * codes make this worthwhile: local PEG takes 1–3 min per code at n = 65536 and 4–7 min at
 * 131072 on one core, nine codes per family.
 * @module
 */
import { CaligoError } from "../../errors.ts";
import { loadMotherCode, saveMotherCode } from "../../io/code_cache.ts";
import { createParityCheckMatrix } from "../../kernels/ldpc/parity_check_matrix.ts";
import { type CodeFamilyOptions, motherCodeId } from "../../reconciliation/code_family.ts";
import type { CodeBuildReply, CodeBuildRequest } from "./code_build_worker.ts";
import { campaignWorkerUrl } from "./worker_url.ts";

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
  const built: ParallelBuildReport[] = [];
  let next = 0;
  const runWorker = async () => {
    const worker = new Worker(campaignWorkerUrl("code_build_worker"), { type: "module" });
    try {
      while (next < missing.length) {
        const request = missing[next++];
        const reply = await new Promise<CodeBuildReply>((resolve, reject) => {
          worker.onmessage = (ev: MessageEvent<CodeBuildReply>) => resolve(ev.data);
          worker.onerror = (e) => {
            e.preventDefault();
            reject(new CodeBuildError(`code build worker crashed: ${e.message}`));
          };
          worker.postMessage(request);
        });
        if (reply.type === "error") {
          throw new CodeBuildError(
            `building n = ${request.n}, R0 = ${request.rate}: ${reply.message}`,
          );
        }
        await saveMotherCode(codesDir, {
          id: reply.id,
          rate: reply.rate,
          matrix: createParityCheckMatrix(reply.m, reply.n, reply.rowPtr, reply.colIdx),
          puncturingOrder: reply.puncturingOrder,
          girth: reply.girth,
          family: request.family,
        }, seed);
        const report = { id: reply.id, ms: reply.ms };
        built.push(report);
        onBuilt?.(report);
      }
    } finally {
      worker.terminate();
    }
  };
  const count = Math.max(1, Math.min(jobs, missing.length));
  if (missing.length > 0) await Promise.all(Array.from({ length: count }, runWorker));
  return built;
}
