import { assert, assertEquals, assertThrows } from "../../tests/assert.ts";
import { runLevelSetSearch } from "./level_set_search.ts";
import { negHartmann6 } from "./test_functions.ts";
import { InvalidArgumentError } from "../errors.ts";

Deno.test("runLevelSetSearch(): timse-log-partition is seeded (same curve twice)", () => {
  const run = () =>
    runLevelSetSearch({
      problem: negHartmann6,
      method: "timse-log-partition",
      seed: 2,
      initialPoints: 20,
      budget: 52,
      q: 16,
      evaluationPoolSize: 2000,
      referenceSize: 256,
    });
  const a = run(), b = run();
  assertEquals(a.curve, b.curve);
  assertEquals(a.curve.map((p) => p.evaluations), [20, 36, 52]);
  assert(a.curve.every((p) => p.f1 >= 0 && p.f1 <= 1));
});

Deno.test("runLevelSetSearch() rejects an unknown method naming the allowed ones", () => {
  assertThrows(
    () =>
      runLevelSetSearch({
        problem: negHartmann6,
        // deno-lint-ignore no-explicit-any
        method: "nope" as any,
        seed: 1,
        initialPoints: 4,
        budget: 8,
        q: 2,
      }),
    InvalidArgumentError,
    "timse-log-partition",
  );
});
