/**
 * The default linear-algebra backend of the public API (mod.ts): FFI BLAS/LAPACK when the script
 * was granted FFI for a library that is installed, else the TypeScript kernels — chosen once, on
 * first use, and announced once through `log`, like the campaign's "linear algebra: …" line. The
 * permission is queried first, so a script run without `--allow-ffi` never prompts and never
 * fails: it gets the TypeScript kernels.
 * @module
 */
import type { Linalg } from "../kernels/linalg/linalg.ts";
import { tsLinalg } from "../kernels/linalg/ts_linalg.ts";
import { blasCandidates, type BlasLoadOptions, selectLinalg } from "./blas_loader.ts";

/** The choice: the backend and the line that announced it. */
export interface LinalgChoice {
  linalg: Linalg;
  /** "ffi: OpenBLAS 0.3.21 [Haswell] (…), 1 thread" or "ts: …why…". */
  description: string;
}

function ffiGranted(path: string): boolean {
  try {
    return Deno.permissions.querySync({ name: "ffi", path }).state === "granted";
  } catch {
    return false;
  }
}

/** The candidate library files (from {@link blasCandidates}) this process may load. */
export function grantedBlasFiles(options: BlasLoadOptions = {}): string[] {
  const files: string[] = [];
  for (const c of blasCandidates(options)) {
    if (c.blas !== c.lapack) continue; // split pairs go through CALIGO_BLAS/CALIGO_LAPACK below
    if (ffiGranted(c.lapack) && !files.includes(c.lapack)) files.push(c.lapack);
  }
  return files;
}

/**
 * Choose the backend: FFI when permitted and found, else the TypeScript kernels.
 * @example
 * ```ts ignore
 * const { linalg, description } = await chooseDefaultLinalg();
 * ```
 */
export async function chooseDefaultLinalg(options: BlasLoadOptions = {}): Promise<LinalgChoice> {
  const pairs = blasCandidates(options);
  const envPair = (options.useEnv ?? true) ? pairs.find((c) => c.blas !== c.lapack) : undefined;
  const useEnv = envPair !== undefined && ffiGranted(envPair.blas) && ffiGranted(envPair.lapack);
  const files = grantedBlasFiles({ ...options, useEnv: false });
  if (!useEnv && files.length === 0) {
    return { linalg: tsLinalg, description: "ts (no --allow-ffi for a BLAS/LAPACK library)" };
  }
  const chosen = await selectLinalg({ ...options, candidates: files, useEnv });
  return {
    linalg: chosen.linalg,
    description: chosen.linalg === tsLinalg
      ? `ts (${chosen.description.replace(/^ts fallback: /, "")})`
      : chosen.description,
  };
}

/**
 * A lazily made {@link LinalgChoice}: the first {@link DefaultLinalg.get} chooses and logs, the
 * later ones return the same backend. The library stays loaded for the life of the object.
 */
export class DefaultLinalg {
  #choice: Promise<LinalgChoice> | null = null;
  constructor(
    private readonly log: (line: string) => void,
    private readonly options: BlasLoadOptions = {},
  ) {}

  /** The backend, chosen (and announced) on the first call. */
  get(): Promise<LinalgChoice> {
    this.#choice ??= chooseDefaultLinalg(this.options).then((c) => {
      this.log(`linear algebra: ${c.description}`);
      return c;
    });
    return this.#choice;
  }
}
