import { assertEquals, assertThrows } from "../../../tests/assert.ts";
import { OUTCOMES } from "../../protocol/record.ts";
import { MergeError, phase1Cutoff } from "./merge.ts";
import {
  inShard,
  nextShardId,
  parseShardText,
  phase1ResumeState,
  shardTargetSamples,
} from "./resume.ts";
import { UsageError } from "../../errors.ts";

const code = (o: typeof OUTCOMES[number]) => OUTCOMES.indexOf(o);

Deno.test("nextShardId() walks exactly the ids of inShard() in increasing order", () => {
  for (const paired of [true, false]) {
    for (const count of [1, 2, 3, 5]) {
      for (let index = 0; index < count; index++) {
        const s = { index, count, paired };
        const walked: number[] = [];
        for (let id = nextShardId(0, s); id < 60; id = nextShardId(id + 1, s)) walked.push(id);
        const expected = Array.from({ length: 60 }, (_, i) => i).filter((id) => inShard(id, s));
        assertEquals(walked, expected, `paired ${paired}, shard ${index}/${count}`);
      }
    }
  }
  // paired: a pair stays in one shard
  assertEquals(inShard(4, { index: 2, count: 3, paired: true }), true);
  assertEquals(inShard(5, { index: 2, count: 3, paired: true }), true);
});

Deno.test("phase1ResumeState() of a shard reschedules only the shard's missing ids", () => {
  const shard = { index: 1, count: 3, paired: true }; // ids 2, 3, 8, 9, 14, 15, …
  const s = phase1ResumeState(
    [2, 9, 14],
    [code("success"), code("success"), code("success")],
    shard,
  );
  assertEquals(s.missingIds, [3, 8]);
  assertEquals(s.nextId, 15);
  const unsharded = phase1ResumeState([2, 9, 14], [0, 0, 0]);
  assertEquals(unsharded.missingIds.length, 12);
});

Deno.test("parseShardText() accepts I/K with 0 ≤ I < K and names the flag otherwise", () => {
  assertEquals(parseShardText("0/1"), { index: 0, count: 1 });
  assertEquals(parseShardText(" 2 / 7 "), { index: 2, count: 7 });
  for (const bad of ["3/3", "1/0", "-1/2", "a/b", "1", "1/2/3", ""]) {
    const e = assertThrows(() => parseShardText(bad), UsageError);
    assertEquals(e.message.startsWith("--shard:"), true, e.message);
  }
  assertEquals(shardTargetSamples(2000, 4), 627);
});

Deno.test("phase1Cutoff() reproduces runPhase1's stopping rule for paired designs", () => {
  // pairs: (0,1) skipped, (2,3) executed, (4,5) skipped, (6,7) executed, (8,9) executed
  const skipped = new Map([[0, true], [1, true], [2, false], [3, false], [4, true], [5, true]]);
  for (const id of [6, 7, 8, 9, 10, 11]) skipped.set(id, false);
  const input = {
    paired: true,
    idLimit: 1000,
    shardCount: 1,
    shardMaxId: [11],
    skippedOf: (id: number) => skipped.get(id),
  };
  // 3 executed: the pair (2,3) makes 2 < 3, so (6,7) is dispatched too → 4 executed, cutoff 8
  assertEquals(phase1Cutoff({ ...input, numSamples: 3 }), {
    cutoff: 8,
    executed: 4,
    skipped: 4,
    designExhausted: false,
  });
  assertEquals(phase1Cutoff({ ...input, numSamples: 4 }).cutoff, 8);
  assertEquals(phase1Cutoff({ ...input, numSamples: 2 }).cutoff, 4);
  // the design limit ends the walk first
  assertEquals(phase1Cutoff({ ...input, numSamples: 10, idLimit: 6 }), {
    cutoff: 6,
    executed: 2,
    skipped: 4,
    designExhausted: true,
  });
});

Deno.test("phase1Cutoff() names the shard that stopped early or has a gap", () => {
  // 2 shards, alternate: shard 0 has 0, 2, 4; shard 1 has 1 only (stopped early)
  const have = new Set([0, 1, 2, 4]);
  const base = {
    paired: false,
    idLimit: 100,
    shardCount: 2,
    numSamples: 4,
    skippedOf: (id: number) => (have.has(id) ? false : undefined),
  };
  const early = assertThrows(
    () => phase1Cutoff({ ...base, shardMaxId: [4, 1], shardExecuted: [3, 1] }),
    MergeError,
  );
  assertEquals(
    early.message.includes("shard 1/2 stopped at id 1, before id 3"),
    true,
    early.message,
  );
  assertEquals(early.message.includes("--shard-target 4"), true, early.message);
  const gap = assertThrows(() => phase1Cutoff({ ...base, shardMaxId: [4, 5] }), MergeError);
  assertEquals(gap.message.includes("shard 1/2 lacks id 3"), true, gap.message);
});
