import { assert, assertEquals } from "../../tests/assert.ts";
import {
  CONTINUOUS_PARAMETERS,
  PARAM_INDEX,
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
  const box = storedBox({
    storage_noise_r: { min: 0.1, max: 0.9 },
    storage_rate_nu: { min: 0.001, max: 1 },
    wait_time_ns: { min_log: 5, max_log: 9 },
    channel_fidelity: { min: 0.501, max: 1 },
    detection_efficiency: { min_log: -3, max_log: 0 },
    detector_error: { min: 0, max: 0.1 },
    dark_count_prob: { min_log: -8, max_log: -3 },
    num_pairs: { min_log: 4, max_log: 6 },
  });
  assertEquals(box.lo, [0.1, Math.log10(0.001), 5, 0.501, -3, 0, -8, 4]);
  assertEquals(box.hi, [0.9, 0, 9, 1, 0, 0.1, -3, 6]);
});

Deno.test("toStored() and toPhysical() invert each other on every parameter", () => {
  const physical = [0.3, 0.02, 3e7, 0.97, 0.25, 0.01, 3e-7, 123456];
  CONTINUOUS_PARAMETERS.forEach((spec, j) => {
    const back = toPhysical(spec, toStored(spec, physical[j]));
    assert(Math.abs(back - physical[j]) <= 1e-12 * physical[j], `${spec.field}: ${back}`);
  });
});
