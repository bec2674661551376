/**
 * `reconciliation_table` (docs/campaign.md §12.2): the campaign's reconciliation calibration
 * (docs/science.md §9.10) per QBER grid point and strategy, beside the finite-length limit of any
 * code for the same frames (§9.12) — what error correction costs this campaign and how far that is
 * from the floor. Read from the copy the campaign keeps in its directory
 * (`<id>.calibration.json`, named by the store's `calibration_id`).
 * @module
 */
import { FileFormatError } from "../errors.ts";
import { calibrationFileName, readCalibrationById } from "../io/code_cache.ts";
import type { ReconciliationCalibration } from "../reconciliation/calibration.ts";
import { frameEfficiencyLimit } from "../reconciliation/finite_length_limit.ts";
import type { ReportTable } from "./report_table.ts";

/**
 * One row per (QBER, strategy): the factor chosen on the grid, the achieved f (baseline: f_sel;
 * blind: the mean over verified frames), the limit f_lim for the frame's K = n − d payload bits at
 * the target FER, the frames behind it and whether a grid value passed.
 */
export function reconciliationTable(c: ReconciliationCalibration): ReportTable {
  const { codeLength: n, modulationFraction, params } = c.key;
  return {
    name: "reconciliation_table",
    title: `Reconciliation (n = ${n}, FER ≤ ${params.targetFer} at ${
      100 * params.confidence
    } % confidence) against the finite-length limit`,
    columns: ["QBER (%)", "strategy", "factor", "achieved f", "limit f_lim", "failures", "passed"],
    rows: c.rows.map((r) => [
      (100 * r.qber).toFixed(2),
      r.strategy,
      r.fSelect.toFixed(2),
      Number.isFinite(r.efficiency) ? r.efficiency.toFixed(3) : "—",
      frameEfficiencyLimit(n, modulationFraction, r.qber, params.targetFer)?.toFixed(3) ?? "—",
      `${r.failures}/${r.frames}`,
      r.passed ? "yes" : "no",
    ]),
  };
}

/**
 * The calibration a campaign recorded (root attributes `calibration_id`, `calibration_sha256`),
 * from its copy in `dir`; `undefined` for a campaign without one (fake simulator, or made before
 * campaigns kept a copy).
 * @throws FileFormatError when the copy is edited, truncated or not the store's
 */
export async function readCampaignCalibration(
  dir: string,
  attributes: Record<string, unknown>,
): Promise<ReconciliationCalibration | undefined> {
  const id = attributes["calibration_id"], sha256 = attributes["calibration_sha256"];
  if (typeof id !== "string" || typeof sha256 !== "string") return undefined;
  const c = await readCalibrationById(dir, id);
  if (c === null) return undefined;
  if (c.sha256 !== sha256) {
    throw new FileFormatError(
      `${dir}/${calibrationFileName(id)}`,
      `is not the store's calibration (sha256 ${c.sha256}, the store recorded ${sha256})`,
    );
  }
  return c;
}
