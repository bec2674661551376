import { assert, assertEquals } from "../../tests/assert.ts";
import {
  CONTINUOUS_PARAMETERS,
  PARAM_INDEX,
  type ParameterBounds,
  STORED_COLUMNS,
  STORED_LABELS,
  STORED_WIDTH,
  storedBox,
  toPhysical,
  toStored,
} from "./parameter_space.ts";

Deno.test("STORED_COLUMNS lists the stored columns of docs/science.md §1.1 in order", () => {
  assertEquals([...STORED_COLUMNS], [
    "storage_noise_r",
    "log10_storage_rate_nu",
    "log10_wait_time_ns",
    "channel_fidelity",
    "log10_detection_efficiency",
    "detector_error",
    "log10_dark_count_prob",
    "log10_num_pairs",
    "strategy",
  ]);
  assertEquals(STORED_WIDTH, 9);
});

Deno.test("PARAM_INDEX gives each field's position in a stored row", () => {
  for (const spec of CONTINUOUS_PARAMETERS) {
    assertEquals(STORED_COLUMNS[PARAM_INDEX[spec.field]], spec.stored, spec.field);
  }
  assertEquals([PARAM_INDEX.num_pairs, PARAM_INDEX.strategy], [7, 8]);
  assert(Object.isFrozen(PARAM_INDEX));
});

Deno.test("STORED_LABELS are log10 labels exactly for the log-stored parameters", () => {
  CONTINUOUS_PARAMETERS.forEach((spec, j) => {
    assertEquals(STORED_LABELS[j].startsWith("log10 "), spec.scale === "log", spec.field);
    assert(STORED_LABELS[j].includes(spec.symbol), spec.field);
  });
  assertEquals(STORED_LABELS[PARAM_INDEX.strategy], "strategy");
});

Deno.test("storedBox() takes log10 of ν's linear bounds and min_log/max_log as given", () => {
  // config bounds per field under the table's keys: linear values for r, ν, F, e_det; log10 others
  const lo = [0.1, 0.001, 5, 0.501, -3, 0, -8, 4], hi = [0.9, 1, 9, 1, 0, 0.1, -3, 6];
  const bounds = Object.fromEntries(
    CONTINUOUS_PARAMETERS.map((
      p,
      j,
    ) => [p.field, { [p.boundsKeys[0]]: lo[j], [p.boundsKeys[1]]: hi[j] }]),
  ) as unknown as ParameterBounds;
  const box = storedBox(bounds);
  assertEquals(box.lo, [0.1, -3, 5, 0.501, -3, 0, -8, 4]);
  assertEquals(box.hi, [0.9, 0, 9, 1, 0, 0.1, -3, 6]);
});

Deno.test("toStored() and toPhysical() invert each other on every parameter", () => {
  const physical = [0.3, 0.02, 3e7, 0.97, 0.25, 0.01, 3e-7, 123456];
  CONTINUOUS_PARAMETERS.forEach((spec, j) => {
    const back = toPhysical(spec, toStored(spec, physical[j]));
    assert(Math.abs(back - physical[j]) <= 1e-12 * physical[j], `${spec.field}: ${back}`);
  });
});
