/**
 * Test-only write-fault injection (docs/faults.md, issue #18): the K-th store commit or the K-th
 * checkpoint of a run fails with the error a full disk gives, at the point where the real write
 * fails: a commit at the flush that makes its rows durable (from there on every HDF5 write to the
 * store fails with ENOSPC below HDF5, lib/io/store/hdf5_write_faults.ts, so HDF5 reports `No space left
 * on device` itself), a checkpoint at the copy of the store to `exploration_data.h5.bak` (Deno's
 * ENOSPC). Set by
 * `CALIGO_TEST_WRITE_FAULTS`, a comma-separated list of `commit:K` / `checkpoint:K` (K ≥ 1): the
 * commits counted are the row commits of every group, the checkpoints those that copy the store.
 * @module
 */
import { ConfigError } from "../../errors.ts";

export type WriteFaultOperation = "commit" | "checkpoint";

/** Which commit and which checkpoint of the run fail (1-based). */
export interface WriteFaults {
  commit?: number;
  checkpoint?: number;
}

/** Parse `CALIGO_TEST_WRITE_FAULTS`; undefined when unset or empty. */
export function parseWriteFaults(text: string | undefined): WriteFaults | undefined {
  if (text === undefined || text.trim() === "") return undefined;
  const faults: WriteFaults = {};
  for (const item of text.split(",")) {
    const [operation, k, rest] = item.trim().split(":");
    if (
      (operation !== "commit" && operation !== "checkpoint") || !/^[1-9]\d*$/.test(k ?? "") ||
      rest !== undefined
    ) {
      throw new ConfigError(
        "CALIGO_TEST_WRITE_FAULTS",
        item,
        "expected commit:K or checkpoint:K with K ≥ 1",
      );
    }
    faults[operation] = Number(k);
  }
  return faults;
}

/** The error Deno gives a copy onto a full disk (`Deno.copyFileSync`, ENOSPC). */
export function diskFullCopyError(from: string, to: string): Error {
  return Object.assign(
    new Error(`No space left on device (os error 28): copy '${from}' -> '${to}'`),
    { code: "ENOSPC" },
  );
}
