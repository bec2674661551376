import { assert, assertEquals, assertThrows } from "../../tests/assert.ts";
import { InvalidArgumentError } from "../errors.ts";
import {
  createParameterPoint,
  decodeRow,
  encodePoint,
  type ParameterPoint,
} from "./parameter_point.ts";

const base: ParameterPoint = {
  storageNoiseR: 0.3,
  storageRateNu: 0.01,
  waitTimeNs: 1e6,
  channelFidelity: 0.97,
  detectionEfficiency: 0.2,
  detectorError: 0.01,
  darkCountProb: 1e-6,
  numPairs: 1_000_001,
  strategy: "blind",
};

Deno.test("createParameterPoint() rejects out-of-range values naming the parameter", () => {
  const cases: [Partial<ParameterPoint>, string][] = [
    [{ channelFidelity: 0.4 }, "channel_fidelity"],
    [{ channelFidelity: 0.5 }, "channel_fidelity"],
    [{ detectionEfficiency: 0 }, "detection_efficiency"],
    [{ numPairs: 9999 }, "num_pairs"],
    [{ numPairs: 1e4 + 0.5 }, "num_pairs"],
    [{ numPairs: 2e7 }, "num_pairs"],
    [{ storageNoiseR: NaN }, "storage_noise_r"],
    [{ storageRateNu: 0 }, "storage_rate_nu"],
    [{ waitTimeNs: 1e4 }, "wait_time_ns"],
    [{ detectorError: 0.2 }, "detector_error"],
    [{ darkCountProb: 0 }, "dark_count_prob"],
    // deno-lint-ignore no-explicit-any
    [{ strategy: "fast" as any }, "strategy"],
  ];
  for (const [over, name] of cases) {
    const e = assertThrows(
      () => createParameterPoint({ ...base, ...over }),
      InvalidArgumentError,
      name,
    );
    assertEquals(e.argument, name);
  }
  assertEquals(createParameterPoint({ ...base, numPairs: 2e7 }, { maxPairs: 1e8 }).numPairs, 2e7);
});

Deno.test("createParameterPoint() is immutable and survives structured clone", () => {
  const p = createParameterPoint(base);
  assert(Object.isFrozen(p));
  assertThrows(() => {
    (p as { storageNoiseR: number }).storageNoiseR = 1;
  }, TypeError);
  assertEquals(structuredClone(p), { ...p });
});

Deno.test("encodePoint() and decodeRow() round-trip with exact N", () => {
  const p = createParameterPoint(base);
  const row = encodePoint(p);
  assertEquals(row.length, 9);
  assertEquals(row[0], 0.3);
  assertEquals(row[8], 1);
  const q = decodeRow(row, p.numPairs);
  assertEquals(q.numPairs, 1_000_001);
  assertEquals(q.storageNoiseR, p.storageNoiseR);
  assertEquals(q.channelFidelity, p.channelFidelity);
  assertEquals(q.strategy, "blind");
  for (
    const k of ["storageRateNu", "waitTimeNs", "detectionEfficiency", "darkCountProb"] as const
  ) {
    assert(Math.abs(q[k] / p[k] - 1) < 1e-14, k);
  }
  // Without the integer column N comes from round(10^x7); strategy from x8 ≥ 0.5.
  assertEquals(decodeRow([...row.slice(0, 8), 0.49]).strategy, "baseline");
  assertEquals(decodeRow(row).numPairs, 1_000_001);
  assertEquals(decodeRow(row, 123456n).numPairs, 123456);
});

Deno.test("decodeRow() accepts boundary values despite 10^x round-off", () => {
  const edge = createParameterPoint({
    ...base,
    darkCountProb: 1e-3,
    waitTimeNs: 1e11,
    storageRateNu: 1,
  });
  const back = decodeRow(encodePoint(edge), edge.numPairs);
  assertEquals([back.darkCountProb, back.waitTimeNs, back.storageRateNu], [1e-3, 1e11, 1]);
  assertThrows(
    () => decodeRow([0.3, 0, 6, 0.4, 0, 0, -6, 5, 0]),
    InvalidArgumentError,
    "channel_fidelity",
  );
});
