/**
 * HDF5's own error reports during a store write, caught instead of printed (docs/faults.md
 * "A full disk"). h5wasm ignores the status of most HDF5 calls (`flush()`, `write_slice`,
 * `resize`), so a failed write (a full disk, a quota, an I/O error) shows only as HDF5's default
 * error handler printing its multi-line `HDF5-DIAG` stack to stderr. h5wasm's own alternative
 * (`activate_throwing_error_handler`) prints that stack into a `tmpfile()` in `/tmp`, which a task
 * may not be allowed to open, and HDF5's `H5Eset_auto2` is not exported by h5wasm's build.
 *
 * So {@link withHdf5Diagnostics} takes the text at the layer below: the Emscripten file system's
 * `FS.write` for file descriptor 2 (h5wasm's Node build, NODERAWFS, sends every C `stderr` write
 * through it). While a write runs, that text is kept instead of printed; when the write ends, any
 * kept text means HDF5 reported an error, and the write throws {@link Hdf5ReportedError} with the
 * text as its `report`. Outside a write the text is dropped (`CALIGO_DEBUG=1` prints it): a read
 * that fails throws in h5wasm itself, and the store reports that in one line. {@link flushChecked} is `H5Fflush` with its status checked, and fails as
 * soon as HDF5 reported any error since the write began, so a store commit stops before it writes
 * its commit marker (docs/campaign.md §7.3).
 * @module
 */
import h5wasm from "h5wasm/node";
import { CaligoError } from "../../errors.ts";

/** The part of the Emscripten file system that {@link withHdf5Diagnostics} hooks. */
interface EmscriptenFs {
  write(stream: { fd: number; path?: string }, buffer: ArrayBufferView, ...rest: number[]): number;
}

/** The h5wasm module functions used here (`flush` returns `H5Fflush`'s status, < 0 on failure). */
interface H5Module {
  FS: EmscriptenFs;
  flush(fileId: bigint): number;
}

const STDERR_FD = 2;

/** The text HDF5 printed since the innermost {@link withHdf5Diagnostics} began; null outside. */
let kept: string[] | null = null;
/** The h5wasm module once its stderr is hooked (h5wasm is ready). */
let hooked: H5Module | null = null;

/**
 * An HDF5 call reported an error. `report` is HDF5's whole diagnostic stack (many lines); the
 * message is its reason in one line: the operating system's (`error message = '…'`, e.g. "No
 * space left on device") where the stack has one, else the description of its outermost entry.
 */
export class Hdf5ReportedError extends Error {
  constructor(readonly report: string, options?: ErrorOptions) {
    super(reportReason(report), options);
    this.name = "Hdf5ReportedError";
  }
}

function reportReason(report: string): string {
  const os = /error message = '([^']*)'/.exec(report)?.[1];
  if (os !== undefined) return os;
  const outermost = /#000: .* in (\w+\(\): .*)/.exec(report)?.[1];
  return outermost ?? report.split("\n").find((l) => l.trim() !== "")?.trim() ?? "HDF5 error";
}

/**
 * Route h5wasm's stderr (installed once, when h5wasm is ready): kept while a write runs; outside
 * a write (a read of a damaged file, which h5wasm reports by throwing) dropped, or printed with
 * `CALIGO_DEBUG=1`.
 */
function hookStderr(m: H5Module): void {
  const write = m.FS.write;
  const printOutside = debugging();
  m.FS.write = function (stream, buffer, offset, length, ...rest) {
    if (stream.fd !== STDERR_FD || (kept === null && printOutside)) {
      return write.call(this, stream, buffer, offset, length, ...rest);
    }
    const bytes = new Uint8Array(buffer.buffer, buffer.byteOffset + offset, length);
    kept?.push(new TextDecoder().decode(bytes.slice()));
    return length;
  };
  hooked = m;
}

/** `CALIGO_DEBUG=1`, where the env permission allows reading it. */
function debugging(): boolean {
  try {
    const asked = { name: "env", variable: "CALIGO_DEBUG" } as const;
    return Deno.permissions.querySync(asked).state === "granted" &&
      Deno.env.get("CALIGO_DEBUG") === "1";
  } catch {
    return false;
  }
}
h5wasm.ready.then((m) => hookStderr(m as unknown as H5Module), () => {});

/**
 * Run the HDF5 calls of `fn` with HDF5's stderr kept, not printed.
 * @throws Hdf5ReportedError when HDF5 reported an error during `fn` (whether `fn` returned or
 * threw something other than a project error); a project error thrown by `fn` passes unchanged
 */
export function withHdf5Diagnostics<T>(fn: () => T): T {
  const outer = kept;
  kept = [];
  try {
    const value = fn();
    throwIfReported();
    return value;
  } catch (e) {
    const report = kept.join("");
    if (report === "" || e instanceof Hdf5ReportedError || e instanceof CaligoError) throw e;
    throw new Hdf5ReportedError(report, { cause: e });
  } finally {
    kept = outer;
  }
}

function throwIfReported(): void {
  if (kept !== null && kept.length > 0) throw new Hdf5ReportedError(kept.join(""));
}

/**
 * `H5Fflush` of `file` with its status checked (h5wasm's `File.flush()` drops it). Inside
 * {@link withHdf5Diagnostics} it also fails when HDF5 reported an error earlier in the same write
 * (a chunk that could not be written when its dataset closed); outside, it runs in its own.
 * @throws Hdf5ReportedError with HDF5's report, or the status when HDF5 printed nothing
 */
export function flushChecked(file: { file_id: bigint }): void {
  if (kept === null) return withHdf5Diagnostics(() => flushChecked(file));
  if (hooked === null) throw new Error("h5wasm is not ready: await h5wasm.ready first");
  throwIfReported();
  const status = hooked.flush(file.file_id);
  throwIfReported();
  if (status < 0) throw new Hdf5ReportedError(`H5Fflush(): failed with status ${status}`);
}
