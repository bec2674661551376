import { assert, assertEquals } from "../../tests/assert.ts";
import { openCampaignStore } from "../io/store/reader.ts";
import { SCHEMA_VERSION } from "../io/store/schema.ts";
import { CampaignStore } from "../io/store/writer.ts";
import { testRow } from "../io/store/_test_rows.ts";
import { StoreSession } from "./store_session.ts";

Deno.test("StoreSession.checkpoint(): budgeted copies are skipped right after a copy, always ones are not", async () => {
  const dir = await Deno.makeTempDir({ prefix: "caligo_session_" });
  const path = `${dir}/exploration_data.h5`;
  const store = await CampaignStore.create(path, {
    schema_version: SCHEMA_VERSION,
    software_version: "test",
    simulator_version: "fake/1",
    created_utc: "2026-01-01T00:00:00Z",
    campaign_seed: 1,
    config_yaml: "",
    config_sha256: "00",
    bounds_json: "{}",
    link_model: "heralded-double-click",
    key_model: "project",
    leakage: "elkouss",
    codes_id: "none",
    blas_backend: "none",
    compat_flags_json: "{}",
  });
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
