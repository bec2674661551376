import { assertEquals, assertRejects } from "../../tests/assert.ts";
import { FileFormatError } from "../errors.ts";
import { calibrationFileName, writeCalibration } from "../io/code_cache.ts";
import {
  CALIBRATION_VERSION,
  type CalibrationRow,
  makeCalibration,
} from "../reconciliation/calibration.ts";
import { efficiencyLimit } from "../reconciliation/finite_length_limit.ts";
import { readCampaignCalibration, reconciliationTable } from "./reconciliation_table.ts";

/** A hand-made calibration of n = 4096 codes (δ = 0.1: d = 410, K = 3686) on a 2-point grid. */
function calibration() {
  const row = (qber: number, strategy: "baseline" | "blind", f: number, passed = true) => ({
    qber,
    strategy,
    fSelect: f,
    efficiency: f + 0.01,
    fer: 0,
    frames: 300,
    failures: 0,
    passed,
    trials: [],
  } satisfies CalibrationRow);
  return makeCalibration({
    version: CALIBRATION_VERSION,
    codeLength: 4096,
    motherRates: [0.5, 0.7],
    codeAlgorithm: "ace-peg-v1",
    codesSha256: "ab".repeat(32),
    decoder: "spa-layered",
    nmsAlpha: null,
    maxIterations: 50,
    modulationFraction: 0.1,
    blindMaxRounds: 6,
    params: {
      targetFer: 0.01,
      frames: 300,
      confidence: 0.95,
      qber: [0.02, 0.05],
      fGrid: [1, 1.5, 2],
      seed: 1,
    },
  }, [
    row(0.02, "baseline", 1.5),
    row(0.02, "blind", 1.0),
    row(0.05, "baseline", 2, false),
    row(0.05, "blind", 1.5),
  ]);
}

Deno.test("reconciliationTable() puts the limit of the same frames beside every calibrated row", () => {
  const t = reconciliationTable(calibration());
  assertEquals(t.name, "reconciliation_table");
  assertEquals(t.rows.length, 4);
  assertEquals(t.rows[0], [
    "2.00",
    "baseline",
    "1.50",
    "1.510",
    efficiencyLimit(4096 - 410, 0.02, 0.01).toFixed(3),
    "0/300",
    "yes",
  ]);
  assertEquals(t.rows[2][4], efficiencyLimit(3686, 0.05, 0.01).toFixed(3));
  assertEquals(t.rows[2][6], "no");
});

Deno.test("readCampaignCalibration() reads the store's copy and refuses another or an edited one", async () => {
  const dir = await Deno.makeTempDir({ prefix: "report_calibration_" });
  try {
    const c = calibration();
    const attributes = { calibration_id: c.id, calibration_sha256: c.sha256 };
    assertEquals(await readCampaignCalibration(dir, attributes), undefined); // no copy yet
    await writeCalibration(dir, c);
    assertEquals(await readCampaignCalibration(dir, attributes), c);
    assertEquals(await readCampaignCalibration(dir, {}), undefined); // fake simulator
    await assertRejects(
      () => readCampaignCalibration(dir, { ...attributes, calibration_sha256: "0".repeat(64) }),
      FileFormatError,
    );
    const path = `${dir}/${calibrationFileName(c.id)}`;
    const edited = JSON.parse(await Deno.readTextFile(path));
    edited.rows[0].fSelect = 1;
    await Deno.writeTextFile(path, JSON.stringify(edited));
    await assertRejects(() => readCampaignCalibration(dir, attributes), FileFormatError);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
