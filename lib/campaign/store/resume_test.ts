import { assertEquals } from "../../../tests/assert.ts";
import { OUTCOMES } from "../../protocol/record.ts";
import type { Phase1Checkpoint } from "../../io/checkpoint.ts";
import { compareCheckpoint, phase1ResumeState } from "./resume.ts";

const code = (o: typeof OUTCOMES[number]) => OUTCOMES.indexOf(o);

Deno.test("phase1ResumeState() reschedules every missing id below the largest committed id", () => {
  // committed in completion order: 4, 0, 1, 6 (2, 3, 5 were in flight at the crash)
  const s = phase1ResumeState(
    [4, 0, 1, 6],
    [code("success"), code("skipped_infeasible"), code("failure_timeout"), code("failure_qber")],
  );
  assertEquals(s.missingIds, [2, 3, 5]);
  assertEquals(s.nextId, 7);
  assertEquals(s.executed, 3);
  assertEquals(s.skipped, 1);
  assertEquals(s.byOutcome.failure_timeout, 1);
});

Deno.test("phase1ResumeState() of an empty store starts at id 0", () => {
  const s = phase1ResumeState([], []);
  assertEquals([s.nextId, s.missingIds.length, s.executed, s.skipped], [0, 0, 0, 0]);
});

Deno.test("compareCheckpoint() reports a stale checkpoint and a different config hash", () => {
  const state = phase1ResumeState([0, 1, 2], [0, 0, 6]);
  const ckpt = { committed_rows: 2, config_sha256: "aa" } as Phase1Checkpoint;
  assertEquals(compareCheckpoint(ckpt, state, "aa").length, 1);
  assertEquals(compareCheckpoint({ ...ckpt, committed_rows: 3 }, state, "aa"), []);
  assertEquals(compareCheckpoint({ ...ckpt, committed_rows: 3 }, state, "bb").length, 1);
});
