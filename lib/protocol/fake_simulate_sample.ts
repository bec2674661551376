/**
 * The project's fake simulator for pipeline tests (docs/campaign.md §14 "Pipeline"): a cheap,
 * deterministic function of F and the sample seed with the real record's shape.
 * @module
 */
import { stageRng } from "../kernels/rng.ts";
import type { ParameterPoint } from "./parameter_point.ts";
import type { SampleRecord } from "./record.ts";
import { finishRecord, setKeyMargin, startRecord } from "./sample_record_builder.ts";

/**
 * Fake sample (docs/campaign.md §14): U ~ U(−0.1, 0.1) from the sample seed (first double of stream
 * `quantum`), margin = 2(F − 0.5) − 0.2 + U; F < 0.6 → failure_qber (kind projected);
 * else success iff margin > 0, otherwise failure_security (kind actual); key_margin is the
 * margin on success and min(margin, 0) otherwise (docs/science.md §8.5), cliff_margin equals
 * key_margin; net_efficiency = key_margin on success, else 0.
 * @example
 * ```ts
 * import { fakeSimulateSample } from "./fake_simulate_sample.ts";
 * import { createParameterPoint } from "./parameter_point.ts";
 * const p = createParameterPoint({
 *   storageNoiseR: 0.3, storageRateNu: 1, waitTimeNs: 1e6, channelFidelity: 0.99,
 *   detectionEfficiency: 1, detectorError: 0, darkCountProb: 1e-9, numPairs: 10000, strategy: "baseline",
 * });
 * console.assert(fakeSimulateSample(p, 1n).outcome === "success");
 * ```
 */
export function fakeSimulateSample(point: ParameterPoint, seed: bigint): SampleRecord {
  const u = -0.1 + 0.2 * stageRng(seed, "quantum").nextDouble();
  const keyMargin = 2 * (point.channelFidelity - 0.5) - 0.2 + u;
  const record = startRecord(seed);
  record.execution_time_seconds = 0;
  record.diagnostics.t_total = 0;
  record.diagnostics.cliff_margin = keyMargin > 0 && point.channelFidelity >= 0.6
    ? keyMargin
    : Math.min(keyMargin, 0);
  if (point.channelFidelity < 0.6) {
    setKeyMargin(record, Math.min(keyMargin, 0), "projected");
    return finishRecord(record, "parameter_estimation", "fake simulator: F < 0.6");
  }
  setKeyMargin(record, keyMargin, "actual");
  if (!(keyMargin > 0)) {
    return finishRecord(
      record,
      "key_length",
      `fake simulator: key_margin = ${keyMargin.toFixed(4)} ≤ 0`,
    );
  }
  finishRecord(record, "none");
  record.net_efficiency = keyMargin;
  record.final_key_length = Math.floor(keyMargin * point.numPairs);
  return record;
}
