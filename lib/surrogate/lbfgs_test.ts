import { assert, assertClose, assertEquals } from "../../tests/assert.ts";
import { minimizeLbfgs } from "./lbfgs.ts";

Deno.test("minimizeLbfgs() finds the Rosenbrock minimum (1, 1) from (−1.2, 1)", () => {
  const r = minimizeLbfgs(
    (x, g) => {
      const a = 1 - x[0], b = x[1] - x[0] * x[0];
      g[0] = -2 * a - 400 * x[0] * b;
      g[1] = 200 * b;
      return a * a + 100 * b * b;
    },
    new Float64Array([-1.2, 1]),
    { relativeDecreaseTolerance: 0 },
  );
  assertEquals(r.status, "gradient-tolerance");
  assertClose(r.x[0], 1, 1e-5);
  assertClose(r.x[1], 1, 1e-5);
  assert(r.iterations < 100, `${r.iterations} iterations`);
});

Deno.test("minimizeLbfgs() backs off from non-finite values (log barrier at x = 0)", () => {
  // f = x − 2 ln x has its minimum at x = 2; steps that reach x ≤ 0 give NaN.
  const r = minimizeLbfgs(
    (x, g) => {
      g[0] = 1 - 2 / x[0];
      return x[0] - 2 * Math.log(x[0]);
    },
    new Float64Array([0.05]),
    { relativeDecreaseTolerance: 0 },
  );
  assertClose(r.x[0], 2, 1e-4);
});

Deno.test("minimizeLbfgs() stops with status cancelled when shouldStop() is true", () => {
  const r = minimizeLbfgs(
    (x, g) => {
      g[0] = 2 * x[0];
      return x[0] * x[0];
    },
    new Float64Array([5]),
    { shouldStop: () => true },
  );
  assertEquals(r.status, "cancelled");
  assertEquals(r.iterations, 0);
});

Deno.test("minimizeLbfgs() stall test stops a slow flat tail and reports 'stalled'", () => {
  // f = (x0 − 1)² + 1e-3·e^(−x1): x1 drifts to +∞ with ever smaller gains.
  const fg = (x: Float64Array, g: Float64Array) => {
    g[0] = 2 * (x[0] - 1);
    g[1] = -1e-3 * Math.exp(-x[1]);
    return (x[0] - 1) ** 2 + 1e-3 * Math.exp(-x[1]);
  };
  const x0 = new Float64Array([5, 0]);
  const free = minimizeLbfgs(fg, x0, { relativeDecreaseTolerance: 0, gradientTolerance: 1e-12 });
  const r = minimizeLbfgs(fg, x0, {
    relativeDecreaseTolerance: 0,
    gradientTolerance: 1e-12,
    stall: { iterations: 3, decrease: 1e-4 },
  });
  assertEquals(r.status, "stalled");
  assert(r.iterations < free.iterations, `${r.iterations} vs ${free.iterations}`);
  assert(Math.abs(r.x[0] - 1) < 1e-3 && r.f < 1e-3 * Math.exp(-x0[1]));
});
