import { assert, assertClose, assertEquals } from "../../tests/assert.ts";
import { saveSurrogate } from "../io/surrogate_store.ts";
import { silentLogger } from "../io/log.ts";
import { fitGp } from "../surrogate/fit_gp.ts";
import { TwinLandscape } from "../surrogate/twin_landscape.ts";
import { DEFAULT_BOX } from "./_test_analytic_predictor.ts";
import { loadSurrogatePredictor } from "./load_surrogate_predictor.ts";

const COLUMNS = ["r", "nu", "dt", "F", "eta", "edet", "pd", "N"];

/** 20 unit-box points on a fixed lattice, y = u_0 − u_3 (deterministic). */
function unitData(): { x: Float64Array; y: Float64Array } {
  const n = 20;
  const x = new Float64Array(n * 8);
  for (let i = 0; i < n * 8; i++) x[i] = (i * 0.6180339887) % 1;
  const y = new Float64Array(n).map((_, i) => x[i * 8] - x[i * 8 + 3]);
  return { x, y };
}

Deno.test("loadSurrogatePredictor() maps stored units to the unit box and prefers surrogate_final/", async () => {
  const dir = await Deno.makeTempDir({ prefix: "report_surr_" });
  try {
    assertEquals(await loadSurrogatePredictor(dir, silentLogger), undefined); // no model yet
    const { x, y } = unitData();
    const gp = await fitGp({ x, y, d: 8 }, { optimize: false });
    const twin = new TwinLandscape(gp, null);
    const meta = {
      softwareVersion: "test",
      configSha256: "00",
      target: "key_margin",
      threshold: 0.1,
      bounds: { lo: Array.from(DEFAULT_BOX.lo), hi: Array.from(DEFAULT_BOX.hi) },
      columns: COLUMNS,
    };
    await saveSurrogate(`${dir}/surrogate`, new TwinLandscape(null, gp), meta);
    await saveSurrogate(`${dir}/surrogate_final`, twin, meta);
    const p = (await loadSurrogatePredictor(dir, silentLogger))!;
    assertEquals(p.source, "surrogate_final/");
    assertEquals(p.threshold, 0.1);
    // stored point = lo + u·(hi − lo) for the first training row
    const u = x.subarray(0, 8);
    const stored = u.map((v, c) => DEFAULT_BOX.lo[c] + v * (DEFAULT_BOX.hi[c] - DEFAULT_BOX.lo[c]));
    const got = p.predict("baseline", Float64Array.from(stored));
    const direct = gp.predict(Float64Array.from(u));
    assertClose(got.mean[0], direct.mean[0], 1e-12);
    assertClose(got.std[0], Math.sqrt(direct.variance[0]), 1e-12);
    assert(
      Number.isNaN(p.predict("blind", Float64Array.from(stored)).mean[0]),
      "blind GP absent → NaN",
    );
    assertEquals(p.lengthScales!("baseline")!.length, 8);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
