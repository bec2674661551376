/**
 * The start-up handshake of the workers that load a BLAS backend (prediction and GP restarts,
 * docs/faults.md, issue #18): what each worker loaded, reported in its `ready` reply so that the
 * pool compares it with the main thread's backend before any task, never assuming it.
 * @module
 */
import { linalgIdentity, type OptionalRoutine, optionalRoutines } from "../../io/blas_loader.ts";
import type { Linalg } from "../../kernels/linalg/linalg.ts";

/** What a worker loaded. */
export interface BackendHello {
  /** Description of the backend (`Linalg.name`). */
  backend: string;
  /** {@link linalgIdentity} of the backend: "ts" or the library files. */
  identity: string;
  /** Optional routines it has (e.g. "strsm" for "exact-single" variances). */
  routines: OptionalRoutine[];
}

/** The handshake of a worker whose backend is `la`. */
export function backendHello(la: Linalg): BackendHello {
  return { backend: la.name, identity: linalgIdentity(la), routines: optionalRoutines(la) };
}
