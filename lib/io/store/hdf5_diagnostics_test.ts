import { assert, assertEquals, assertThrows } from "../../../tests/assert.ts";
import { REQUIREMENTS, testNeeding } from "../../../tests/requires.ts";
import { availableBytes, mountTmpfs } from "../../../tests/_test_tmpfs.ts";
import { FileFormatError, InvalidArgumentError } from "../../errors.ts";
import h5wasm from "h5wasm/node";
import { flushChecked, Hdf5ReportedError, withHdf5Diagnostics } from "./hdf5_diagnostics.ts";
import { failHdf5WritesTo } from "./hdf5_write_faults.ts";
import { openCampaignStore } from "./reader.ts";
import type { StoreRow } from "./schema.ts";
import { TEST_ROOT_ATTRIBUTES } from "./_test_rows.ts";
import { CampaignStore, StoreWriteError } from "./writer.ts";
import { DIAGNOSTIC_COLUMNS, OUTPUT_COLUMNS } from "../../protocol/record.ts";

const ATTRS = TEST_ROOT_ATTRIBUTES;

/** A row whose values are all `id` (the store's own tests cover the encoding). */
function testRow(id: number): StoreRow {
  return {
    sampleId: id,
    inputs: new Float64Array(9).fill(id),
    outputs: new Float64Array(OUTPUT_COLUMNS.length).fill(id),
    outcome: "success",
    iteration: -1,
    seed: BigInt(id),
    numPairs: 1000 + id,
    keyMargin: id,
    diagnostics: new Float64Array(DIAGNOSTIC_COLUMNS.length).fill(id),
    metadata: `{"id":${id}}`,
  };
}

async function committedIds(path: string): Promise<number[]> {
  const data = await openCampaignStore(path, { verify: true });
  return Array.from(data.groups.lhs_warmup.sampleId);
}

/** The one-line StoreWriteError of a commit of `b` rows, with HDF5's report kept as its cause. */
function assertCommitFailure(e: StoreWriteError, path: string, b: number): void {
  assertEquals(
    e.message,
    `${path}: commit of ${b} rows to /lhs_warmup failed: No space left on device`,
  );
  const report = (e.cause as Hdf5ReportedError).report;
  assert(e.cause instanceof Hdf5ReportedError, String(e.cause));
  assert(report.startsWith("HDF5-DIAG: Error detected in HDF5"), report.slice(0, 200));
  assert(report.includes("errno = 51, error message = 'No space left on device'"));
}

Deno.test("CampaignStore.append() on a disk that fills up fails at that commit in one line; the rows committed before verify and the store resumes once space is back", async () => {
  const dir = await Deno.makeTempDir({ prefix: "caligo_diag_" });
  const path = `${dir}/exploration_data.h5`;
  const store = await CampaignStore.create(path, ATTRS);
  store.append("lhs_warmup", [testRow(0), testRow(1)]);
  const spaceBack = failHdf5WritesTo(path);
  try {
    const e = assertThrows(
      () => store.append("lhs_warmup", [testRow(2), testRow(3)]),
      StoreWriteError,
    );
    assertCommitFailure(e, path, 2);
    store.close(); // quiet after a failed write
  } finally {
    spaceBack();
  }
  assertEquals(await committedIds(path), [0, 1]);
  const { store: resumed } = await CampaignStore.openForAppend(path, { verify: true });
  resumed.append("lhs_warmup", [testRow(2), testRow(3)]);
  resumed.close();
  assertEquals(await committedIds(path), [0, 1, 2, 3]);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("flushChecked() reports the H5Fflush failure that h5wasm's File.flush() drops", async () => {
  await h5wasm.ready;
  const dir = await Deno.makeTempDir({ prefix: "caligo_diag_" });
  const path = `${dir}/f.h5`;
  const f = new h5wasm.File(path, "w");
  flushChecked(f);
  f.create_attribute("note", "held in HDF5's metadata cache until a flush");
  const spaceBack = failHdf5WritesTo(path);
  try {
    // h5wasm's own flush returns as if it had worked (its report is kept, not printed)
    assertThrows(() => withHdf5Diagnostics(() => f.flush()), Hdf5ReportedError);
    const e = assertThrows(() => flushChecked(f), Hdf5ReportedError);
    assert(e.report.includes(" in H5F__flush"), e.report.slice(0, 300));
    assertEquals(e.message, "No space left on device");
  } finally {
    spaceBack();
  }
  // HDF5's cache is left inconsistent by a failed flush: the handle is only closed, never reused
  assertThrows(() => flushChecked(f), Hdf5ReportedError);
  withHdf5Diagnostics(() => f.close());
  await Deno.remove(dir, { recursive: true });
});

Deno.test("withHdf5Diagnostics() returns the value when HDF5 reported nothing and passes the project's errors unchanged", async () => {
  await h5wasm.ready;
  assertEquals(withHdf5Diagnostics(() => 42), 42);
  const own = new InvalidArgumentError("rows", 3, "must be even");
  const thrown = assertThrows(() =>
    withHdf5Diagnostics(() => {
      throw own;
    }), InvalidArgumentError);
  assertEquals(thrown, own);
});

testNeeding(
  [REQUIREMENTS.tmpfsMount],
  "CampaignStore.append() on a real full tmpfs: the commit that does not fit fails in one line; the file keeps the earlier commits or is refused in one line",
  async () => {
    const { dir, unmount } = mountTmpfs(512);
    try {
      const path = `${dir}/exploration_data.h5`;
      const store = await CampaignStore.create(path, ATTRS);
      // leave 160 KB free, then commit 16 rows at a time until the disk is full
      Deno.writeFileSync(`${dir}/filler`, new Uint8Array(availableBytes(dir) - 160 * 1024));
      let id = 0;
      let failure: StoreWriteError | undefined;
      while (failure === undefined && id < 4000) {
        const rows = Array.from({ length: 16 }, (_, i) => testRow(id + i));
        try {
          store.append("lhs_warmup", rows);
          id += 16;
        } catch (e) {
          if (!(e instanceof StoreWriteError)) throw e;
          failure = e;
        }
      }
      assert(failure !== undefined && id > 0, `no failure after ${id} rows`);
      assertCommitFailure(failure, path, 16);
      store.close();
      Deno.removeSync(`${dir}/filler`);
      // A flush that failed half-way may leave HDF5's metadata damaged (HDF5 has no crash
      // consistency; explore then resumes from the last checkpoint copy, tests/e2e/
      // fault_matrix_test.ts): the file either verifies with exactly the rows committed before,
      // or is refused in one line naming it.
      const reopened = await committedIds(path).then((ids) => ids, (e) => e);
      if (reopened instanceof Error) {
        assert(reopened instanceof FileFormatError, String(reopened));
        assert(reopened.message.startsWith(`${path}:`) && !reopened.message.includes("\n"));
      } else {
        assertEquals(reopened, Array.from({ length: id }, (_, i) => i));
      }
    } finally {
      unmount();
    }
  },
);

Deno.test("Hdf5ReportedError: its message is the one-line reason of HDF5's stack", () => {
  const stack = (entry: string) =>
    "HDF5-DIAG: Error detected in HDF5 (2.0.0):\n" +
    `  #000: /src/H5F.c line 1 in H5Fflush(): unable to flush file\n    major: File accessibility\n` +
    entry;
  const sec2 = "  #001: /src/H5FDsec2.c line 775 in H5FD__sec2_write(): file write failed: " +
    "time = …, errno = 122, error message = 'Disk quota exceeded', buf = 0x1\n";
  assertEquals(new Hdf5ReportedError(stack(sec2)).message, "Disk quota exceeded");
  assertEquals(new Hdf5ReportedError(stack("")).message, "H5Fflush(): unable to flush file");
  assertEquals(
    new Hdf5ReportedError("H5Fflush(): failed with status -1").message,
    "H5Fflush(): failed with status -1",
  );
});
