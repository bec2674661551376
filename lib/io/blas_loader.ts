/**
 * BLAS/LAPACK through Deno FFI (docs/platform.md §4): binds dgemm_, dsyrk_, dtrsm_, dgemv_, ddot_,
 * dpotrf_, dpotrs_, dpotri_ (and, where exported, spotri_, ssymv_ and strsm_: the mixed-precision
 * MLL gradient and single-precision exact variances) (Fortran ABI, LP64 int32, column-major) of OpenBLAS or of BLIS +
 * libflame (through the link shim built by `tools/build_la_shim.sh`) into the {@link Linalg}
 * interface of `lib/kernels/linalg/linalg.ts`. Nothing is loaded on import: call
 * {@link loadBlas} (or {@link selectLinalg}) explicitly and close the handle when done.
 *
 * Search order: `CALIGO_LAPACK` / `CALIGO_BLAS` env overrides (if env permission is granted),
 * then `options.candidates` or the defaults: OpenBLAS (pthread), the BLIS+libflame shim
 * `native/libla_blis_flame.so`, an AOCL shim `native/libla_aocl.so`. With `concurrentUse: true`
 * (Web Workers calling LAPACK at the same time) the libflame shims are skipped: libflame 5.2
 * crashes under concurrent calls. BLAS threads are set explicitly (`openblas_set_num_threads`,
 * `bli_thread_set_num_threads` when the symbol exists; default 1).
 * @example
 * ```ts
 * import { selectLinalg } from "./blas_loader.ts";
 * const { linalg, description, close } = await selectLinalg({ threads: 1 });
 * // log description, e.g. "ffi: OpenBLAS 0.3.21 (/usr/lib/...), 1 thread"
 * const a = new Float64Array([4, 2, 2, 3]);
 * console.assert(linalg.potrf(2, a, 2) === 0 && a[0] === 2);
 * close();
 * ```
 * @module
 */
import type { Diag, Linalg, Side, Trans } from "../kernels/linalg/linalg.ts";
import { tsLinalg } from "../kernels/linalg/ts_linalg.ts";

const B = "buffer" as const, Z = "usize" as const; // Z = hidden Fortran string length
const BLAS_SYMBOLS = {
  dgemm_: { parameters: [B, B, B, B, B, B, B, B, B, B, B, B, B, Z, Z], result: "void" },
  dsyrk_: { parameters: [B, B, B, B, B, B, B, B, B, B, Z, Z], result: "void" },
  dtrsm_: { parameters: [B, B, B, B, B, B, B, B, B, B, B, Z, Z, Z, Z], result: "void" },
  dgemv_: { parameters: [B, B, B, B, B, B, B, B, B, B, B, Z], result: "void" },
  ddot_: { parameters: [B, B, B, B, B], result: "f64" },
  ssymv_: { parameters: [B, B, B, B, B, B, B, B, B, B, Z], result: "void", optional: true },
  strsm_: {
    parameters: [B, B, B, B, B, B, B, B, B, B, B, Z, Z, Z, Z],
    result: "void",
    optional: true,
  },
  openblas_set_num_threads: { parameters: ["i32"], result: "void", optional: true },
  openblas_get_config: { parameters: [], result: "pointer", optional: true },
  openblas_get_corename: { parameters: [], result: "pointer", optional: true },
  bli_thread_set_num_threads: { parameters: ["i64"], result: "void", optional: true },
  bli_info_get_version_str: { parameters: [], result: "pointer", optional: true },
  bli_arch_query_id: { parameters: [], result: "i32", optional: true },
  bli_arch_string: { parameters: ["i32"], result: "pointer", optional: true },
} as const;
const LAPACK_SYMBOLS = {
  dpotrf_: { parameters: [B, B, B, B, B, Z], result: "void" },
  dpotrs_: { parameters: [B, B, B, B, B, B, B, B, Z], result: "void" },
  dpotri_: { parameters: [B, B, B, B, B, Z], result: "void" },
  spotri_: { parameters: [B, B, B, B, B, Z], result: "void", optional: true },
} as const;

/** Debian paths (docs/platform.md §4). */
export const OPENBLAS_PATH = "/usr/lib/x86_64-linux-gnu/openblas-pthread/libopenblas.so.0";
/** The BLIS + libflame link shim built by `tools/build_la_shim.sh` (repository-relative). */
export const BLIS_FLAME_SHIM_PATH = "./native/libla_blis_flame.so";
/** The AOCL (AMD BLIS + libFLAME) shim for the cluster, built with BLIS_LIB/FLAME_LIB set. */
export const AOCL_SHIM_PATH = "./native/libla_aocl.so";

/** Options of {@link loadBlas}. */
export interface BlasLoadOptions {
  /** BLAS threads to set in the library (default 1; BLAS threads × workers ≤ cores). */
  threads?: number;
  /** True when several threads (Web Workers) call LAPACK concurrently: skips libflame shims. */
  concurrentUse?: boolean;
  /** Library files to try in order instead of the defaults (env overrides still come first). */
  candidates?: readonly string[];
  /**
   * Exact (BLAS file, LAPACK file) pairs to try instead of `candidates` (env overrides still come
   * first unless `useEnv` is false): how a worker asks for the library its main thread loaded.
   */
  pairs?: readonly { blas: string; lapack: string }[];
  /** Read `CALIGO_BLAS` / `CALIGO_LAPACK` (default true; needs env permission, never prompts). */
  useEnv?: boolean;
}

/** An FFI-backed {@link Linalg}; `close()` unloads the library. */
export interface FfiLinalg extends Linalg {
  /** The library file LAPACK came from. */
  readonly path: string;
  /** The library file BLAS came from (equal to `path` unless they were given apart). */
  readonly blasPath: string;
  /** BLAS threads set in the library, or null if no thread-setting symbol exists. */
  readonly threads: number | null;
  /** Unload the library (the object must not be used afterwards). */
  close(): void;
}

/** Why each candidate failed to load (`<path>: <ErrorClass>: <message>`). */
export class BlasLoadReport {
  constructor(readonly errors: string[] = []) {}
}

function envOrEmpty(name: string): string {
  try {
    return Deno.permissions.querySync({ name: "env", variable: name }).state === "granted"
      ? Deno.env.get(name) ?? ""
      : "";
  } catch {
    return "";
  }
}

/**
 * Whether a LAPACK file is libflame or a link shim around it (libla_*.so): libflame 5.2 crashes
 * under concurrent calls, so Web Workers never load one.
 */
export const isFlameShim = (p: string): boolean => /libla_.*\.so|libflame/.test(p);

/** The optional single-precision routines of {@link Linalg}. */
export type OptionalRoutine = "spotri" | "ssymv" | "strsm";
const OPTIONAL_ROUTINES: readonly OptionalRoutine[] = ["spotri", "ssymv", "strsm"];

/**
 * The optional routines `la` has (what a prediction or fit may ask of it, e.g. "exact-single"
 * variances need strsm).
 * @example
 * ```ts
 * import { optionalRoutines } from "./blas_loader.ts";
 * import { tsLinalg } from "../kernels/linalg/ts_linalg.ts";
 * console.assert(!optionalRoutines(tsLinalg).includes("strsm"));
 * ```
 */
export function optionalRoutines(la: Linalg): OptionalRoutine[] {
  return OPTIONAL_ROUTINES.filter((r) => typeof la[r] === "function");
}

/**
 * What makes two backends compute the same bits: "ts" for the TypeScript kernels, else the BLAS
 * and LAPACK files ("<blas> + <lapack>", or one path when they are the same file). Thread counts
 * are left out (each caller sets its own).
 */
export function linalgIdentity(la: Linalg): string {
  const ffi = la as Partial<FfiLinalg>;
  if (!ffi.path) return "ts";
  const blas = ffi.blasPath ?? ffi.path;
  return blas === ffi.path ? ffi.path : `${blas} + ${ffi.path}`;
}

/** The candidate (blas, lapack) file pairs in search order. */
export function blasCandidates(options: BlasLoadOptions = {}): { blas: string; lapack: string }[] {
  const out: { blas: string; lapack: string }[] = [];
  if (options.useEnv ?? true) {
    const blas = envOrEmpty("CALIGO_BLAS"), lapack = envOrEmpty("CALIGO_LAPACK");
    if (blas || lapack) out.push({ blas: blas || lapack, lapack: lapack || blas });
  }
  if (options.pairs) {
    out.push(...options.pairs);
  } else {
    const files = options.candidates ?? [OPENBLAS_PATH, BLIS_FLAME_SHIM_PATH, AOCL_SHIM_PATH];
    for (const f of files) out.push({ blas: f, lapack: f });
  }
  return options.concurrentUse ? out.filter((c) => !isFlameShim(c.lapack)) : out;
}

function cString(p: Deno.PointerValue): string {
  return p === null ? "" : Deno.UnsafePointerView.getCString(p);
}

/**
 * "OpenBLAS 0.3.21 [Haswell]" / "BLIS 0.9.0 [zen3] + libflame" from the library's own info
 * calls. Reading their C strings needs unscoped `--allow-ffi`; with a path-scoped permission the
 * label falls back to the file name.
 */
function describeLibrary(
  s: Deno.DynamicLibrary<typeof BLAS_SYMBOLS>["symbols"],
  blasPath: string,
  lapackPath: string,
): string {
  const flame = isFlameShim(lapackPath) ? " + libflame" : "";
  try {
    if (s.openblas_get_config) {
      const cfg = cString(s.openblas_get_config()).split(" ");
      const core = s.openblas_get_corename ? cString(s.openblas_get_corename()) : "";
      return `${cfg[0]} ${cfg[1] ?? ""}`.trim() + (core ? ` [${core}]` : "");
    }
    if (s.bli_info_get_version_str) {
      const arch = s.bli_arch_query_id && s.bli_arch_string
        ? cString(s.bli_arch_string(s.bli_arch_query_id()))
        : "";
      return `BLIS ${cString(s.bli_info_get_version_str())}${arch ? ` [${arch}]` : ""}${flame}`;
    }
  } catch (e) {
    if (!(e instanceof Deno.errors.NotCapable)) throw e;
  }
  if (s.openblas_get_config) return "OpenBLAS";
  if (s.bli_info_get_version_str) return `BLIS${flame}`;
  return blasPath.split("/").pop() ?? "BLAS/LAPACK";
}

/**
 * Load the first candidate library that binds every symbol; null when none does (the
 * failures are appended to `report.errors`).
 */
export function loadBlas(
  options: BlasLoadOptions = {},
  report: BlasLoadReport = new BlasLoadReport(),
): Promise<FfiLinalg | null> {
  const threads = options.threads ?? 1;
  for (const { blas, lapack } of blasCandidates(options)) {
    let blasLib: Deno.DynamicLibrary<typeof BLAS_SYMBOLS> | null = null;
    try {
      blasLib = Deno.dlopen(blas, BLAS_SYMBOLS);
      const lapackLib = Deno.dlopen(lapack, LAPACK_SYMBOLS);
      return Promise.resolve(bind(blasLib, lapackLib, blas, lapack, threads));
    } catch (e) {
      if (e instanceof Deno.errors.PermissionDenied) throw e;
      blasLib?.close();
      report.errors.push(`${lapack}: ${(e as Error).name}: ${(e as Error).message}`);
    }
  }
  return Promise.resolve(null);
}

/** What a Web Worker asks {@link workerLinalg} for. */
export interface WorkerBackendRequest {
  /** Library files to try (default OpenBLAS); env overrides come first. */
  candidates?: readonly string[];
  /**
   * The exact library of the main thread (env overrides ignored; "ts": the TypeScript kernels):
   * wins over `candidates`. See {@link workerLibraryOf}.
   */
  library?: WorkerLibrary;
}

/** The exact backend a worker is asked for: the main thread's library files, or "ts". */
export type WorkerLibrary = { blas: string; lapack: string } | "ts";

/** The {@link WorkerLibrary} that makes a worker load the same backend as `la`. */
export function workerLibraryOf(la: Linalg): WorkerLibrary {
  const ffi = la as Partial<FfiLinalg>;
  return ffi.path ? { blas: ffi.blasPath ?? ffi.path, lapack: ffi.path } : "ts";
}

/**
 * The backend of a Web Worker (gp_restart, gp_predict): the requested files or OpenBLAS, 1 thread,
 * never a libflame shim (concurrent calls crash it); the TypeScript kernels when none loads, or
 * when the environment variable `CALIGO_WORKER_BLAS=ts` asks for them (diagnosis and tests of the
 * fallback paths).
 */
export async function workerLinalg(
  request: readonly string[] | WorkerBackendRequest = {},
): Promise<{ linalg: Linalg; close: () => void }> {
  const r: WorkerBackendRequest = Array.isArray(request)
    ? { candidates: request as readonly string[] }
    : request as WorkerBackendRequest;
  if (envOrEmpty("CALIGO_WORKER_BLAS") === "ts" || r.library === "ts") {
    return { linalg: tsLinalg, close: () => {} };
  }
  const ffi = await loadBlas({
    threads: 1,
    concurrentUse: true,
    candidates: r.candidates,
    pairs: r.library ? [r.library] : undefined,
    useEnv: r.library === undefined,
  }).catch(() => null);
  return ffi ? { linalg: ffi, close: () => ffi.close() } : { linalg: tsLinalg, close: () => {} };
}

/**
 * {@link loadBlas} with the explicit TS fallback: returns the backend, a one-line description
 * for the log ("ffi: …" or "ts fallback: library not found at …") and a `close` function.
 */
export async function selectLinalg(
  options: BlasLoadOptions = {},
): Promise<{ linalg: Linalg; description: string; errors: string[]; close: () => void }> {
  const report = new BlasLoadReport();
  let ffi: FfiLinalg | null = null;
  try {
    ffi = await loadBlas(options, report);
  } catch (e) {
    if (!(e instanceof Deno.errors.NotCapable || e instanceof Deno.errors.PermissionDenied)) {
      throw e;
    }
    report.errors.push(`ffi permission: ${(e as Error).message}`);
  }
  if (ffi) return { linalg: ffi, description: ffi.name, errors: report.errors, close: ffi.close };
  const tried = blasCandidates(options).map((c) => c.lapack).join(", ");
  return {
    linalg: tsLinalg,
    description: `ts fallback: library not found at ${tried}`,
    errors: report.errors,
    close: () => {},
  };
}

function bind(
  blasLib: Deno.DynamicLibrary<typeof BLAS_SYMBOLS>,
  lapackLib: Deno.DynamicLibrary<typeof LAPACK_SYMBOLS>,
  blasPath: string,
  lapackPath: string,
  threads: number,
): FfiLinalg {
  const s = blasLib.symbols, l = lapackLib.symbols;
  let threadsSet: number | null = null;
  if (s.openblas_set_num_threads) {
    s.openblas_set_num_threads(threads);
    threadsSet = threads;
  }
  if (s.bli_thread_set_num_threads) {
    s.bli_thread_set_num_threads(BigInt(threads));
    threadsSet = threads;
  }
  const label = describeLibrary(s, blasPath, lapackPath);
  const where = blasPath === lapackPath ? lapackPath : `${blasPath} + ${lapackPath}`;
  const name = `ffi: ${label} (${where}), ${threadsSet ?? "default"} thread${
    threadsSet === 1 ? "" : "s"
  }`;
  // Preallocated scalar cells (one isolate calls at a time, so reuse is safe).
  const ch = (c: string) => new Uint8Array([c.charCodeAt(0)]);
  const CH: Record<string, Uint8Array> = {
    N: ch("N"),
    T: ch("T"),
    L: ch("L"),
    R: ch("R"),
    U: ch("U"),
  };
  const i1 = new Int32Array(1), i2 = new Int32Array(1), i3 = new Int32Array(1);
  const i4 = new Int32Array(1), i5 = new Int32Array(1), i6 = new Int32Array(1);
  const f1 = new Float64Array(1), f2 = new Float64Array(1), info = new Int32Array(1);
  const one = new Int32Array([1]);
  const I = (cell: Int32Array, v: number) => (cell[0] = v, cell);
  const F = (cell: Float64Array, v: number) => (cell[0] = v, cell);
  return {
    name,
    path: lapackPath,
    blasPath,
    threads: threadsSet,
    close: () => {
      lapackLib.close();
      if (lapackLib !== (blasLib as unknown)) blasLib.close();
    },
    gemm(ta: Trans, tb: Trans, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc) {
      if (m === 0 || n === 0) return;
      s.dgemm_(
        CH[ta],
        CH[tb],
        I(i1, m),
        I(i2, n),
        I(i3, k),
        F(f1, alpha),
        a,
        I(i4, Math.max(1, lda)),
        b,
        I(i5, Math.max(1, ldb)),
        F(f2, beta),
        c,
        I(i6, Math.max(1, ldc)),
        1n,
        1n,
      );
    },
    syrk(t: Trans, n, k, alpha, a, lda, beta, c, ldc) {
      if (n === 0) return;
      s.dsyrk_(
        CH.L,
        CH[t],
        I(i1, n),
        I(i2, k),
        F(f1, alpha),
        a,
        I(i3, Math.max(1, lda)),
        F(f2, beta),
        c,
        I(i4, Math.max(1, ldc)),
        1n,
        1n,
      );
    },
    trsm(side: Side, ta: Trans, diag: Diag, m, n, alpha, a, lda, b, ldb) {
      if (m === 0 || n === 0) return;
      s.dtrsm_(
        CH[side],
        CH.L,
        CH[ta],
        CH[diag],
        I(i1, m),
        I(i2, n),
        F(f1, alpha),
        a,
        I(i3, Math.max(1, lda)),
        b,
        I(i4, Math.max(1, ldb)),
        1n,
        1n,
        1n,
        1n,
      );
    },
    potrf(n, a, lda) {
      if (n === 0) return 0;
      l.dpotrf_(CH.L, I(i1, n), a, I(i2, Math.max(1, lda)), info, 1n);
      return info[0];
    },
    potrs(n, nrhs, a, lda, b, ldb) {
      if (n === 0 || nrhs === 0) return;
      l.dpotrs_(CH.L, I(i1, n), I(i2, nrhs), a, I(i3, lda), b, I(i4, ldb), info, 1n);
    },
    potri(n, a, lda) {
      if (n === 0) return 0;
      l.dpotri_(CH.L, I(i1, n), a, I(i2, Math.max(1, lda)), info, 1n);
      return info[0];
    },
    gemv(t: Trans, m, n, alpha, a, lda, x, beta, y) {
      if ((t === "N" ? m : n) === 0) return;
      s.dgemv_(
        CH[t],
        I(i1, m),
        I(i2, n),
        F(f1, alpha),
        a,
        I(i3, Math.max(1, lda)),
        x,
        one,
        F(f2, beta),
        y,
        one,
        1n,
      );
    },
    dot(n, x, y) {
      return n === 0 ? 0 : s.ddot_(I(i1, n), x, one, y, one);
    },
    ...singlePrecision(l, s, CH, I, info),
  };
}

/** The optional single-precision routines of {@link Linalg} whose symbols the library exports. */
function singlePrecision(
  l: Deno.DynamicLibrary<typeof LAPACK_SYMBOLS>["symbols"],
  s: Deno.DynamicLibrary<typeof BLAS_SYMBOLS>["symbols"],
  CH: Record<string, Uint8Array>,
  I: (cell: Int32Array, v: number) => Int32Array,
  info: Int32Array,
): Pick<Linalg, "spotri" | "ssymv" | "strsm"> {
  const n1 = new Int32Array(1), n2 = new Int32Array(1), ld = new Int32Array(1);
  const ldb = new Int32Array(1), one = new Int32Array([1]);
  const a1 = new Float32Array(1), b1 = new Float32Array(1);
  const out: Pick<Linalg, "spotri" | "ssymv" | "strsm"> = {};
  const { spotri_ } = l, { ssymv_, strsm_ } = s;
  if (spotri_) {
    out.spotri = (n, a, lda) => {
      if (n === 0) return 0;
      spotri_(CH.L, I(n1, n), a, I(ld, Math.max(1, lda)), info, 1n);
      return info[0];
    };
  }
  if (ssymv_) {
    out.ssymv = (n, alpha, a, lda, x, beta, y) => {
      if (n === 0) return;
      a1[0] = alpha;
      b1[0] = beta;
      ssymv_(CH.L, I(n1, n), a1, a, I(ld, Math.max(1, lda)), x, one, b1, y, one, 1n);
    };
  }
  if (strsm_) {
    out.strsm = (side, ta, diag, m, n, alpha, a, lda, b, bld) => {
      if (m === 0 || n === 0) return;
      a1[0] = alpha;
      strsm_(
        CH[side],
        CH.L,
        CH[ta],
        CH[diag],
        I(n1, m),
        I(n2, n),
        a1,
        a,
        I(ld, Math.max(1, lda)),
        b,
        I(ldb, Math.max(1, bld)),
        1n,
        1n,
        1n,
        1n,
      );
    };
  }
  return out;
}
