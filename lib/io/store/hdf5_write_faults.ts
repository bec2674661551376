/**
 * Test-only: a disk that fills up under one HDF5 file (docs/faults.md "A full disk"). From the
 * moment {@link failHdf5WritesTo} is called, every write h5wasm makes to that file fails with
 * `ENOSPC` in the Emscripten file system, below HDF5, so HDF5's own error path runs exactly as on
 * a real full disk (its sec2 driver reports `errno = 51, error message = 'No space left on
 * device'`; 51 is ENOSPC in Emscripten's numbering). Used by `CALIGO_TEST_WRITE_FAULTS`
 * (lib/campaign/store/write_faults.ts) and by the store's unit tests where no small file system can be
 * mounted.
 * @module
 */
import { resolve } from "node:path";
import h5wasm from "h5wasm/node";

/** Emscripten's errno for "No space left on device". */
const EMSCRIPTEN_ENOSPC = 51;

interface EmscriptenFs {
  write(stream: { path?: string }, ...rest: unknown[]): number;
  ErrnoError: new (errno: number) => Error;
}

/** Absolute paths whose writes fail. */
const full = new Set<string>();
/** The h5wasm file system once hooked. */
let fs: EmscriptenFs | null = null;

function hook(m: { FS: EmscriptenFs }): void {
  if (fs === m.FS) return;
  const write = m.FS.write;
  m.FS.write = function (stream, ...rest) {
    if (stream.path !== undefined && full.has(resolve(stream.path))) {
      throw new m.FS.ErrnoError(EMSCRIPTEN_ENOSPC);
    }
    return write.call(this, stream, ...rest);
  };
  fs = m.FS;
}
h5wasm.ready.then((m) => hook(m as unknown as { FS: EmscriptenFs }), () => {});

/**
 * Make every later write of h5wasm to `path` fail as on a full disk, until the returned function
 * is called (space freed). Call only once h5wasm is ready (any store open awaits it).
 * @throws Error if h5wasm is not ready yet
 */
export function failHdf5WritesTo(path: string): () => void {
  if (fs === null) throw new Error("h5wasm is not ready: open a store before injecting faults");
  const absolute = resolve(path);
  full.add(absolute);
  return () => full.delete(absolute);
}
