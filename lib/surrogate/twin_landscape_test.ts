import { assertClose, assertEquals, assertThrows } from "../../tests/assert.ts";
import { NotFittedError, TwinLandscape } from "./twin_landscape.ts";
import { fitGpSync } from "./fit_gp.ts";

Deno.test("TwinLandscape.predictDivergence() returns μ_blind − μ_baseline and its summaries", () => {
  const x = new Float64Array([0, 0.25, 0.5, 0.75, 1]);
  const a = fitGpSync({ x, y: x.map((v) => v), d: 1 });
  const b = fitGpSync({ x, y: x.map((v) => v + 0.2), d: 1 });
  const twin = new TwinLandscape(a, b);
  const xq = new Float64Array([0.1, 0.6]);
  const div = twin.predictDivergence(xq);
  const pa = twin.predictBaseline(xq), pb = twin.predictBlind(xq);
  for (let i = 0; i < 2; i++) assertClose(div.meanDifference[i], pb.mean[i] - pa.mean[i], 0);
  assertClose(
    div.meanAbsDifference,
    (Math.abs(div.meanDifference[0]) + Math.abs(div.meanDifference[1])) / 2,
    1e-15,
  );
  assertClose(div.meanAbsDifference, 0.2, 0.02);
});

Deno.test("TwinLandscape.predict() on an unfitted strategy throws NotFittedError ('not been fitted')", () => {
  const twin = new TwinLandscape(null, null);
  const e = assertThrows(
    () => twin.predictBlind(new Float64Array([0.5])),
    NotFittedError,
    "not been fitted",
  );
  assertEquals(e.strategy, "blind");
});
