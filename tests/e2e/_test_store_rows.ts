/**
 * Shared by the end-to-end tests: the committed rows of a store group in a comparable form
 * (sorted by sample id; timings, worker ids and other metadata left out), so two campaigns can
 * be compared row by row with `assertEquals`.
 */
import { openCampaignStore } from "../../lib/io/store/reader.ts";
import { type StoreGroup } from "../../lib/io/store/schema.ts";

/** Rows of `group` (default /lhs_warmup) of the store at `path`, one JSON string per row. */
export async function storeRows(path: string, group: StoreGroup = "lhs_warmup"): Promise<string[]> {
  const g = (await openCampaignStore(path)).groups[group];
  const D = g.diagnosticColumns.length;
  const order = Array.from(g.sampleId.keys()).sort((a, b) => g.sampleId[a] - g.sampleId[b]);
  return order.map((i) =>
    JSON.stringify([
      g.sampleId[i],
      Array.from(g.inputs.subarray(9 * i, 9 * i + 9)),
      Array.from(g.outputs.subarray(6 * i, 6 * i + 6)).map(String),
      g.outcomes[i],
      String(g.seed[i]),
      g.numPairs[i],
      String(g.keyMargin[i]),
      Array.from(g.diagnostics.subarray(D * i, D * i + D)).map(String),
      g.iteration[i],
    ])
  );
}
