/**
 * Writes a synthetic {@link CampaignData} into a real HDF5 campaign store (lib/io/store/writer.ts)
 * for the loader and end-to-end report tests. Internal: not part of the public API.
 * @module
 */
import type { CampaignData, RootAttributes, StoreRow } from "../io/store/schema.ts";
import { TEST_ROOT_ATTRIBUTES } from "../io/store/_test_rows.ts";
import { CampaignStore } from "../io/store/writer.ts";
import { saveSurrogate } from "../io/surrogate_store.ts";
import type { Outcome } from "../protocol/record.ts";
import { fitGp } from "../surrogate/fit_gp.ts";
import { TwinLandscape } from "../surrogate/twin_landscape.ts";
import { CONTINUOUS_WIDTH, INPUT_WIDTH, REPORT_GROUPS, STORED_COLUMNS } from "./campaign_data.ts";

/** Root attributes of the fixture store. */
export const FIXTURE_ATTRIBUTES: RootAttributes = {
  ...TEST_ROOT_ATTRIBUTES,
  config_yaml: "tables:\n  formats: [csv, markdown, latex]\n",
};

/** Create `<dir>/exploration_data.h5` holding the rows of `data`. */
export async function writeFixtureStore(dir: string, data: CampaignData): Promise<void> {
  const store = await CampaignStore.create(`${dir}/exploration_data.h5`, FIXTURE_ATTRIBUTES);
  try {
    for (const name of REPORT_GROUPS) {
      const g = data.groups[name];
      const d = g.diagnosticColumns.length;
      const rows: StoreRow[] = [];
      for (let i = 0; i < g.n; i++) {
        rows.push({
          sampleId: g.sampleId[i],
          inputs: g.inputs.subarray(i * INPUT_WIDTH, (i + 1) * INPUT_WIDTH),
          outputs: g.outputs.subarray(i * 6, i * 6 + 6),
          outcome: g.outcomes[i] as Outcome,
          iteration: g.iteration[i],
          seed: BigInt(i + 1),
          numPairs: g.numPairs[i],
          keyMargin: g.keyMargin[i],
          diagnostics: g.diagnostics.subarray(i * d, (i + 1) * d),
          metadata: "{}",
        });
      }
      if (rows.length) store.append(name, rows);
    }
    store.appendCommitRecord({
      commitIndex: 0,
      phase: 1,
      rows: data.groups.lhs_warmup.n,
      wallS: 1.5,
      writeS: 0.01,
      samplesPerS: 4,
      workerUtilisation: 0.9,
      peakRssMb: 100,
      elapsedS: 1.5,
    });
  } finally {
    store.close();
  }
}

/**
 * Save a small twin GP (20 lattice points in the default box, fixed initial hyper-parameters,
 * y = u_F − u_r − 0.3, same GP for both strategies) as a model directory (docs/campaign.md §9.8).
 */
export async function writeFixtureSurrogate(modelDir: string): Promise<void> {
  const n = 20;
  const x = new Float64Array(n * 8);
  for (let i = 0; i < n * 8; i++) x[i] = (i * 0.6180339887) % 1;
  const y = new Float64Array(n).map((_, i) => x[i * 8 + 3] - x[i * 8] - 0.3);
  const gp = await fitGp({ x, y, d: 8 }, { optimize: false });
  await saveSurrogate(modelDir, new TwinLandscape(gp, gp), {
    softwareVersion: "0.0.0-test",
    configSha256: "00",
    target: "key_margin",
    threshold: 0,
    bounds: { lo: [0, -3, 5, 0.501, -3, 0, -8, 4], hi: [1, 0, 9, 1, 0, 0.1, -3, 6] },
    columns: STORED_COLUMNS.slice(0, CONTINUOUS_WIDTH),
    metrics: { baseline: { r2: 0.9, rmse: 0.05 }, blind: { r2: 0.8, rmse: 0.07 } },
  });
}
