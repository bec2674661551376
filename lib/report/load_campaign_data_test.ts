import { assertEquals, assertRejects } from "../../tests/assert.ts";
import { writeFixtureStore } from "./_test_store_fixture.ts";
import { tableCampaign } from "./_test_synthetic_campaign.ts";
import { openCampaignStore } from "../io/store/reader.ts";
import { loadCampaignData, NoCampaignStoreError } from "./load_campaign_data.ts";

Deno.test("loadCampaignData() reads back a store written by lib/io/store/writer.ts", async () => {
  const dir = await Deno.makeTempDir({ prefix: "report_load_" });
  try {
    const src = tableCampaign();
    await writeFixtureStore(dir, src);
    const data = await loadCampaignData(dir);
    for (const g of ["lhs_warmup", "active_learning", "holdout"] as const) {
      assertEquals(data.groups[g].n, src.groups[g].n, g);
      assertEquals(Array.from(data.groups[g].sampleId), Array.from(src.groups[g].sampleId));
      assertEquals(Array.from(data.groups[g].inputs), Array.from(src.groups[g].inputs));
      assertEquals(data.groups[g].outcomes, src.groups[g].outcomes);
      assertEquals(Array.from(data.groups[g].numPairs), Array.from(src.groups[g].numPairs));
    }
    assertEquals(data.attributes["link_model"], "heralded-double-click");
    assertEquals(data.commits.length, 1); // one commit record
    assertEquals(data.commits[0].peakRssMb, 100);
    assertEquals(data.matrices.iterations, { n: 0, rows: new Float64Array(0), columns: [] });
    // the report reads through the store's one reader: the same data, field for field
    assertEquals(data, await openCampaignStore(`${dir}/exploration_data.h5`));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("loadCampaignData() throws NoCampaignStoreError naming the directory", async () => {
  const dir = await Deno.makeTempDir({ prefix: "report_nostore_" });
  try {
    const e = await assertRejects(
      () => loadCampaignData(dir),
      NoCampaignStoreError,
      "no campaign store",
    );
    assertEquals(e.dir, dir);
    await assertRejects(
      () => loadCampaignData(`${dir}/missing`),
      NoCampaignStoreError,
      "no such campaign directory",
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
