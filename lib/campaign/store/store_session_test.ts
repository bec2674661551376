import { assert, assertEquals } from "../../../tests/assert.ts";
import { openCampaignStore } from "../../io/store/reader.ts";
import { CampaignStore } from "../../io/store/writer.ts";
import { TEST_ROOT_ATTRIBUTES, testRow } from "../../io/store/_test_rows.ts";
import { StoreSession } from "./store_session.ts";

Deno.test("StoreSession.checkpoint(): budgeted copies are skipped right after a copy, always ones are not", async () => {
  const dir = await Deno.makeTempDir({ prefix: "caligo_session_" });
  const path = `${dir}/exploration_data.h5`;
  const store = await CampaignStore.create(path, { ...TEST_ROOT_ATTRIBUTES, campaign_seed: 1 });
  const session = new StoreSession(path, store);
  try {
    session.store.append("lhs_warmup", [testRow(0), testRow(1)]);
    assert(session.checkpoint("budgeted"), "the first budgeted checkpoint copies");
    session.store.append("lhs_warmup", [testRow(2)]);
    // A copy takes far more than 1/50 of the few microseconds between these two calls.
    assert(!session.checkpoint("budgeted"), "a budgeted checkpoint right after a copy skips it");
    assertEquals((await openCampaignStore(`${path}.bak`)).groups.lhs_warmup.sampleId.length, 2);
    assert(session.checkpoint("always"));
    assertEquals(Array.from((await openCampaignStore(`${path}.bak`)).groups.lhs_warmup.sampleId), [
      0,
      1,
      2,
    ]);
    assertEquals([session.backups, session.backupsSkipped], [2, 1]);
    session.store.append("lhs_warmup", [testRow(3)]); // the reopened store still appends
    assertEquals(session.store.committedRows("lhs_warmup"), 4);
  } finally {
    session.close();
    await Deno.remove(dir, { recursive: true });
  }
});
