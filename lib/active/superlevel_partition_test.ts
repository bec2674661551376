import { assert, assertEquals } from "../../tests/assert.ts";
import {
  connectedPositives,
  fitSuperlevelPartition,
  nearestComponent,
} from "./superlevel_partition.ts";
import { fitGpSync } from "../surrogate/fit_gp.ts";

/** Two bumps on [0, 1] of different widths: a narrow one at 0.2, a wide one at 0.7. */
function twoBumps(u: number): number {
  return 2 * Math.exp(-((u - 0.2) ** 2) / (2 * 0.03 ** 2)) +
    2 * Math.exp(-((u - 0.7) ** 2) / (2 * 0.12 ** 2));
}

function design() {
  const x = Float64Array.from({ length: 41 }, (_, i) => i / 40);
  const y = x.map(twoBumps);
  const gp = fitGpSync({ x, y, d: 1 }, { restarts: 1, seed: 3 });
  return { x, y, gp };
}

Deno.test("nearestComponent(): closest member in the length-scale metric, ties to the lower index", () => {
  // d = 2, ℓ = (1, 0.1): the second coordinate counts 100× more.
  const x = new Float64Array([0, 0, 1, 0.5]);
  const comps = [Int32Array.of(0), Int32Array.of(1)];
  const q = new Float64Array([0.9, 0.05, 0.1, 0.45, 0.5, 0.25]);
  // q0: to x0 0.81 + 100·0.0025 = 1.06, to x1 0.01 + 100·0.2025 = 20.26 → 0
  // q1: to x0 0.01 + 100·0.2025 = 20.26, to x1 0.81 + 100·0.0025 = 1.06 → 1
  // q2: 0.25 + 6.25 = 6.5 both → tie → 0
  assertEquals(
    Array.from(nearestComponent(q, 3, x, comps, new Float64Array([1, 0.1]), 2)),
    [0, 1, 0],
  );
});

Deno.test("connectedPositives(): the two bumps above h = 1 are two components", () => {
  const { x, y, gp } = design();
  const positives = Array.from(y.keys()).filter((i) => y[i] > 1);
  const comps = connectedPositives(gp, x, 1, positives, 1, 8);
  assertEquals(comps.length, 2);
  // Every member of a component lies in one bump (left of 0.45 or right of it).
  for (const c of comps) {
    const sides = new Set(Array.from(c, (i) => x[i] < 0.45));
    assertEquals(sides.size, 1);
  }
  assertEquals(comps.reduce((s, c) => s + c.length, 0), positives.length);
});

Deno.test("fitSuperlevelPartition(): one GP per cell, queries predicted by their cell's GP", () => {
  const { x, y, gp } = design();
  const fitted: number[] = [];
  const part = fitSuperlevelPartition(gp, x, y, 1, (rows, cell, start) => {
    fitted.push(cell);
    assertEquals(start, gp.state.logTheta);
    return fitGpSync({
      x: Float64Array.from(rows, (r) => x[r]),
      y: Float64Array.from(rows, (r) => y[r]),
      d: 1,
    }, { restarts: 1, seed: 3 + cell });
  });
  assertEquals(part.components.length, 2);
  assertEquals(fitted, [0, 1]);
  // The cells split the training rows between the bumps.
  const left = part.trainingCells[Math.round(0.2 * 40)], right = part.trainingCells[28];
  assert(left !== right && left >= 0 && right >= 0);
  const q = new Float64Array([0.19, 0.33, 0.66]);
  const mu = part.predictMean(q);
  for (let i = 0; i < q.length; i++) {
    const cell = part.trainingCells[Math.round(q[i] * 40)];
    const own = part.cellModels[cell].predict(q.subarray(i, i + 1), { variance: "none" }).mean[0];
    assertEquals(mu[i], own);
  }
  // With the threshold above both peaks there is no component: the global mean, unchanged.
  const none = fitSuperlevelPartition(gp, x, y, 5, () => {
    throw new Error("no cell fit expected");
  });
  assertEquals(none.components.length, 0);
  assertEquals(none.predictMean(q), gp.predict(q, { variance: "none" }).mean);
});
