import { assert, assertEquals } from "../../tests/assert.ts";
import { ABORT_STAGES, DIAGNOSTIC_COLUMNS, STAGE_OUTCOME } from "./record.ts";
import { finishRecord, setKeyMargin, startRecord } from "./sample_record_builder.ts";

Deno.test("startRecord() has every diagnostic NaN except kind none and retries 0", () => {
  const r = startRecord(0xabcn);
  assertEquals(r.seed, "0000000000000abc");
  for (const c of DIAGNOSTIC_COLUMNS) {
    if (c === "key_margin_kind") assertEquals(r.diagnostics[c], 3);
    else if (c === "retries") assertEquals(r.diagnostics[c], 0);
    else assert(Number.isNaN(r.diagnostics[c]), c);
  }
});

Deno.test("finishRecord() derives the outcome from the typed stage for every stage", () => {
  ABORT_STAGES.forEach((stage, code) => {
    const r = finishRecord(setKeyMargin(startRecord(1n), 0.1, "actual"), stage, "why");
    assertEquals(r.outcome, STAGE_OUTCOME[stage]);
    assertEquals(r.diagnostics.abort_stage, code);
    assertEquals(r.error_message, `${stage}: why`);
  });
});
