import { assert, assertEquals } from "../../tests/assert.ts";
import { type TrainingRows, trainingSet } from "./surrogate_data.ts";

/** Four blind rows (strategy 1) of the unit box; `edit` spoils some inputs. */
function rows(edit: (inputs: Float64Array) => void): TrainingRows {
  const n = 4;
  const inputs = new Float64Array(n * 9).map((_, k) => (k % 9 === 8 ? 1 : 0.5));
  edit(inputs);
  return {
    n,
    sampleId: Float64Array.of(10, 11, 12, 13),
    inputs,
    outputs: new Float64Array(n * 6),
    outcomes: ["success", "success", "success", "success"],
    keyMargin: Float64Array.of(0.1, 0.2, 0.3, 0.4),
    cliffMargin: Float64Array.of(0.1, 0.2, 0.3, 0.4),
    iteration: new Int32Array(n).fill(-1),
  };
}

const box = { lo: new Array(8).fill(0), hi: new Array(8).fill(1) };

Deno.test("trainingSet leaves out rows with a NaN or infinite input and reports their ids", () => {
  const g = rows((x) => {
    x[1 * 9 + 3] = NaN; // sample 11: F
    x[2 * 9 + 7] = Infinity; // sample 12: log10 N
  });
  const set = trainingSet([g], "blind", box, { target: "cliff_margin", trainOnSkipped: false });
  assertEquals(set.n, 2);
  assertEquals(Array.from(set.ids), [10, 13]);
  assertEquals(set.nonFiniteInputIds, [11, 12]);
  assert(set.x.every(Number.isFinite) && set.y.every(Number.isFinite));
});

Deno.test("trainingSet: a NaN strategy column counts as neither strategy's row and is reported by both", () => {
  const g = rows((x) => (x[0 * 9 + 8] = NaN));
  for (const strategy of ["baseline", "blind"] as const) {
    const set = trainingSet([g], strategy, box, { target: "cliff_margin", trainOnSkipped: false });
    assertEquals(set.nonFiniteInputIds, [10]);
    assertEquals(set.n, strategy === "blind" ? 3 : 0);
  }
});
