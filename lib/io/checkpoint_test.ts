import { assert, assertEquals, assertThrows } from "../../tests/assert.ts";
import { availableBytes, mountTmpfs } from "../../tests/_test_tmpfs.ts";
import { REQUIREMENTS, testNeeding } from "../../tests/requires.ts";
import { FileFormatError } from "../errors.ts";
import {
  backupFileSync,
  FileWriteError,
  readCheckpointSync,
  writeCheckpointSync,
} from "./checkpoint.ts";

type C = { schema: "s/1"; next_id: number };

Deno.test("writeCheckpointSync() round-trips; missing → null; overwrite → latest", async () => {
  const dir = await Deno.makeTempDir({ prefix: "caligo_ckpt_" });
  const p = `${dir}/phase1_checkpoint.json`;
  assertEquals(readCheckpointSync<C>(p, "s/1"), null);
  writeCheckpointSync(p, { schema: "s/1", next_id: 3 });
  assertEquals(readCheckpointSync<C>(p, "s/1"), { schema: "s/1", next_id: 3 });
  writeCheckpointSync(p, { schema: "s/1", next_id: 9 });
  assertEquals(readCheckpointSync<C>(p, "s/1")?.next_id, 9);
  assertEquals([...Deno.readDirSync(dir)].map((e) => e.name), ["phase1_checkpoint.json"]);
});

Deno.test("readCheckpointSync() rejects corrupt JSON and a wrong schema with FileFormatError", async () => {
  const dir = await Deno.makeTempDir({ prefix: "caligo_ckpt_" });
  Deno.writeTextFileSync(`${dir}/a.json`, '{"schema": "s/1", "next_');
  assertThrows(() => readCheckpointSync<C>(`${dir}/a.json`, "s/1"), FileFormatError, "corrupt");
  Deno.writeTextFileSync(`${dir}/b.json`, '{"schema": "other"}');
  assertThrows(() => readCheckpointSync<C>(`${dir}/b.json`, "s/1"), FileFormatError, "schema");
});

Deno.test("backupFileSync() copies bytes to <path>.bak and leaves no tmp file", async () => {
  const dir = await Deno.makeTempDir({ prefix: "caligo_ckpt_" });
  const bytes = new Uint8Array(5000).map((_, i) => i * 7);
  Deno.writeFileSync(`${dir}/x.h5`, bytes);
  backupFileSync(`${dir}/x.h5`);
  assertEquals(Deno.readFileSync(`${dir}/x.h5.bak`), bytes);
  assertEquals([...Deno.readDirSync(dir)].map((e) => e.name).sort(), ["x.h5", "x.h5.bak"]);
});

testNeeding(
  [REQUIREMENTS.tmpfsMount],
  "writeCheckpointSync() on a real full tmpfs throws one FileWriteError line naming the file; the previous checkpoint stays and no tmp file is left",
  () => {
    const { dir, unmount } = mountTmpfs(64);
    try {
      const path = `${dir}/phase1_checkpoint.json`;
      writeCheckpointSync(path, { schema: "s", next_id: 1 });
      Deno.writeFileSync(`${dir}/filler`, new Uint8Array(availableBytes(dir) - 8192));
      const big = { schema: "s", next_id: 2, pad: "x".repeat(32 * 1024) };
      const e = assertThrows(() => writeCheckpointSync(path, big), FileWriteError);
      assert(e.message.startsWith(`${path}: write failed: No space left on device`), e.message);
      assert(!e.message.includes("\n"));
      assertEquals(readCheckpointSync<{ schema: "s"; next_id: number }>(path, "s")?.next_id, 1);
      assertEquals([...Deno.readDirSync(dir)].map((f) => f.name).sort(), [
        "filler",
        "phase1_checkpoint.json",
      ]);
    } finally {
      unmount();
    }
  },
);
