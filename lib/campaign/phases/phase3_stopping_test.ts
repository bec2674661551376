import { assertEquals } from "../../../tests/assert.ts";
import { isBoundaryStable } from "../../active/level_set_metrics.ts";
import { stoppingF1 } from "./phase3.ts";

Deno.test("stoppingF1(): holdout F1 first, else stability; n/a when nothing is predicted secure", () => {
  assertEquals(stoppingF1(0.9, 0.5, 0.3), 0.9);
  assertEquals(stoppingF1(NaN, 0.5, 0.3), 0.5);
  assertEquals(Number.isNaN(stoppingF1(0.9, 1, 0)), true); // a model that predicts no key
  assertEquals(Number.isNaN(stoppingF1(NaN, NaN, 0.3)), true); // F1 n/a (a class missing)
});

Deno.test("the stopping rule never converges on iterations that predict nothing secure", () => {
  const rule = { f1Delta: 0.005, window: 3, minIterations: 3 };
  // the dry-run failure mode: F1 history [0, 1, 1, …] with nothing predicted secure
  const blank = [0, 1, 1, 1, 1].map((f) => stoppingF1(NaN, f, 0));
  assertEquals(isBoundaryStable(blank, rule), false);
  const real = [0.9, 0.95, 0.951, 0.952, 0.951].map((f) => stoppingF1(f, 0, 0.4));
  assertEquals(isBoundaryStable(real, rule), true);
});
