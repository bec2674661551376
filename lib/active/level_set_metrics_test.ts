import { assertClose, assertEquals } from "../../tests/assert.ts";
import { aboveThreshold, f1Score, isBoundaryStable } from "./level_set_metrics.ts";

Deno.test("f1Score() counts a hand-made confusion table", () => {
  const truth = new Uint8Array([1, 1, 1, 0, 0, 0, 0, 1]);
  const pred = new Uint8Array([1, 1, 0, 1, 0, 0, 0, 1]);
  const r = f1Score(pred, truth);
  assertEquals([r.truePositive, r.falsePositive, r.falseNegative], [3, 1, 1]);
  assertClose(r.f1, 0.75, 1e-15);
  assertClose(r.precision, 0.75, 1e-15);
});

Deno.test("f1Score() is n/a when the truth lacks a class and 0 when disjoint", () => {
  const none = f1Score(new Uint8Array(3), new Uint8Array(3));
  assertEquals([Number.isNaN(none.f1), none.positives, none.negatives], [true, 0, 3]);
  const allSecure = f1Score(new Uint8Array([1, 1]), new Uint8Array([1, 1]));
  assertEquals([Number.isNaN(allSecure.f1), allSecure.positives], [true, 2]);
  assertEquals(f1Score(new Uint8Array([1, 0]), new Uint8Array([0, 1])).f1, 0);
  // nothing predicted secure: F1 0, precision n/a
  const blank = f1Score(new Uint8Array([0, 0]), new Uint8Array([0, 1]));
  assertEquals([blank.f1, Number.isNaN(blank.precision)], [0, true]);
});

Deno.test("aboveThreshold() labels strictly greater values", () => {
  assertEquals(Array.from(aboveThreshold([0, 0.1, -1], 0, new Uint8Array(3))), [0, 1, 0]);
});

Deno.test("isBoundaryStable() waits for min_iterations and a full window below f1Delta", () => {
  const rule = { f1Delta: 0.005, window: 3, minIterations: 5 };
  assertEquals(isBoundaryStable([0.9, 0.9, 0.9, 0.9], rule), false); // k = 3 < 5
  assertEquals(isBoundaryStable([0.5, 0.8, 0.9, 0.9, 0.901, 0.902], rule), true);
  assertEquals(isBoundaryStable([0.5, 0.8, 0.9, 0.89, 0.901, 0.902], rule), false);
  assertEquals(isBoundaryStable([0.5, 0.8, 0.9, 0.9, NaN, 0.9], rule), false);
});
