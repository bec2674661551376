import { assertEquals, assertThrows } from "../../tests/assert.ts";
import { InvalidArgumentError } from "../errors.ts";
import { type CandidatePool, selectBatch } from "./batch_selection.ts";
import { straddle } from "./acquisition.ts";

const straddleScore = (m: Float64Array, s: Float64Array, out: Float64Array) =>
  straddle(m, s, 1.96, 0, out);

/** A 1-D pool on a grid whose fantasy update zeroes σ within `radius` of the pick. */
function gridPool(std: number[], radius: number): CandidatePool {
  const m = std.length;
  const pool: CandidatePool = {
    x: Float64Array.from({ length: m }, (_, i) => i / m),
    d: 1,
    mean: new Float64Array(m),
    std: Float64Array.from(std),
    condition(index) {
      for (let i = 0; i < m; i++) if (Math.abs(i - index) <= radius) pool.std[i] = 0;
    },
  };
  return pool;
}

Deno.test("selectBatch() kriging_believer re-scores after each fantasy update", () => {
  const pool = gridPool([1, 0.95, 0.9, 0.5, 0.8], 1);
  const picks = selectBatch([pool], straddleScore, { method: "kriging_believer", q: 3 });
  // 0 first (σ = 1), zeroing σ at 0–1; then 2 (σ = 0.9), zeroing 1–3; then 4 (σ = 0.8).
  assertEquals(picks.map((p) => p.index), [0, 2, 4]);
  assertEquals(picks[0].std, 1);
});

Deno.test("selectBatch() never picks a candidate twice and stops when the pools run out", () => {
  const pool = gridPool([1, 1, 1], 0);
  const picks = selectBatch([pool], straddleScore, { method: "kriging_believer", q: 5 });
  assertEquals(picks.map((p) => p.index), [0, 1, 2]);
});

Deno.test("selectBatch() breaks ties by lowest pool then lowest index", () => {
  const a = gridPool([0.5, 0.7], 0), b = gridPool([0.7, 0.2], 0);
  const picks = selectBatch([a, b], straddleScore, { method: "kriging_believer", q: 2 });
  assertEquals(picks.map((p) => [p.pool, p.index]), [[0, 1], [1, 0]]);
});

Deno.test("selectBatch() respects excluded candidates", () => {
  const pool = gridPool([1, 0.9, 0.1], 0);
  pool.excluded = new Uint8Array([1, 0, 0]);
  const picks = selectBatch([pool], straddleScore, { method: "kriging_believer", q: 1 });
  assertEquals(picks[0].index, 1);
});

Deno.test("selectBatch() local_penalization spreads picks apart", () => {
  const pool = gridPool([1, 0.99, 0.98, 0.3, 0.9], 0);
  pool.lengthScales = new Float64Array([0.05]);
  const picks = selectBatch([pool], straddleScore, { method: "local_penalization", q: 2 });
  assertEquals(picks[0].index, 0);
  // Index 1 sits 0.2 away = 4 length scales: penalty 1 − e^(−8) barely matters; index 1 wins.
  assertEquals(picks[1].index, 1);
  pool.lengthScales = new Float64Array([1]);
  const spread = selectBatch(
    [gridPool([1, 0.99, 0.98, 0.3, 0.9], 0)].map((p) => {
      p.lengthScales = new Float64Array([0.3]);
      return p;
    }),
    straddleScore,
    { method: "local_penalization", q: 2 },
  );
  assertEquals(spread[1].index, 4);
});

Deno.test("selectBatch() rejects q < 1 and kriging_believer without an update", () => {
  const pool = gridPool([1], 0);
  assertThrows(
    () => selectBatch([pool], straddleScore, { method: "kriging_believer", q: 0 }),
    InvalidArgumentError,
    "q",
  );
  delete pool.condition;
  assertThrows(
    () => selectBatch([pool], straddleScore, { method: "kriging_believer", q: 1 }),
    InvalidArgumentError,
    "condition",
  );
});
