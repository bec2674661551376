/**
 * Test support for the campaign store: root attributes and deterministic rows.
 * @module
 */
import { DIAGNOSTIC_COLUMNS, OUTCOMES } from "../../protocol/record.ts";
import { STORED_WIDTH } from "../../science/parameter_space.ts";
import { type RootAttributes, SCHEMA_VERSION, type StoreRow } from "./schema.ts";

/** Root attributes of a test store. */
export const TEST_ROOT_ATTRIBUTES: RootAttributes = {
  schema_version: SCHEMA_VERSION,
  software_version: "0.0.0-test",
  simulator_version: "fake/1",
  created_utc: "2026-01-01T00:00:00Z",
  campaign_seed: 42,
  config_yaml: "a: 1\n",
  config_sha256: "00",
  bounds_json: "{}",
  link_model: "heralded-double-click",
  key_model: "project",
  leakage: "elkouss",
  codes_id: "none",
  blas_backend: "none",
  compat_flags_json: "{}",
};

/** A deterministic row whose every value is a function of `id`. */
export function testRow(id: number, special = false): StoreRow {
  const diag = new Float64Array(DIAGNOSTIC_COLUMNS.length).map((_, j) => id * 100 + j + 0.5);
  const outputs = Float64Array.of(id / 7, id, id * 2, 0.01 * id, 1.1, 3);
  if (special) {
    outputs[0] = NaN;
    outputs[1] = Infinity;
    outputs[2] = -Infinity;
    outputs[3] = 0;
    outputs[4] = -0;
  }
  return {
    sampleId: id,
    inputs: new Float64Array(STORED_WIDTH).map((_, j) => id + j / 10),
    outputs,
    outcome: OUTCOMES[id % OUTCOMES.length],
    iteration: -1,
    seed: 0xfedcba9876543210n + BigInt(id),
    numPairs: 10_000 + id,
    keyMargin: special ? NaN : id - 0.25,
    diagnostics: diag,
    metadata: JSON.stringify({ worker_id: id % 3, message: `ü row ${id}` }),
  };
}
