import { assert, assertEquals } from "../../tests/assert.ts";
import { createProgress, formatDuration } from "./progress.ts";

Deno.test("createProgress() prints one plain line per interval when not on a terminal", () => {
  const lines: string[] = [];
  let t = 0;
  const p = createProgress({
    label: "Phase 1",
    total: 100,
    isTerminal: false,
    intervalMs: 10_000,
    now: () => t,
    write: (s) => lines.push(s),
  });
  p.update(1);
  t = 5_000;
  p.update(2); // within the interval: suppressed
  t = 10_001;
  p.update(50, "3.2 samples/s");
  p.finish();
  assertEquals(lines.length, 3);
  assert(lines.every((l) => l.endsWith("\n") && !l.includes("\r")), JSON.stringify(lines));
  assert(lines[1].startsWith("Phase 1: 50/100 (50.0%)"), lines[1]);
  assert(lines[1].includes("3.2 samples/s"), lines[1]);
});

Deno.test("createProgress() redraws in place on a terminal", () => {
  const out: string[] = [];
  const p = createProgress({
    label: "x",
    total: 4,
    isTerminal: true,
    now: () => 0,
    write: (s) => out.push(s),
  });
  p.update(1);
  p.update(2);
  p.finish();
  assertEquals(out.length, 3);
  assert(out[0].startsWith("\r\x1b[2K"), JSON.stringify(out[0]));
  assert(out[2].endsWith("\n"));
});

Deno.test("formatDuration() renders seconds, minutes and hours", () => {
  assertEquals(formatDuration(4.21), "4.2s");
  assertEquals(formatDuration(125), "2m05s");
  assertEquals(formatDuration(3723), "1h02m03s");
});
