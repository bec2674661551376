import { assert, assertEquals, assertThrows } from "../../tests/assert.ts";
import {
  CampaignDirError,
  defaultOutputDir,
  holdsCampaign,
  prepareFreshCampaignDir,
  requireCampaignDir,
} from "./campaign_dir.ts";

Deno.test("defaultOutputDir() appends a local time stamp only when timestamped", () => {
  const t = new Date(2026, 10, 5, 7, 8, 9);
  const out = { base_dir: "out/", campaign_name: "c", timestamped: true };
  assertEquals(defaultOutputDir(out, t), "out/c_20261105_070809");
  assertEquals(defaultOutputDir({ ...out, timestamped: false }, t), "out/c");
});

Deno.test("prepareFreshCampaignDir() creates logs/ and refuses campaigns, other files and file paths", async () => {
  const base = await Deno.makeTempDir({ prefix: "caligo_dir_" });
  const p = prepareFreshCampaignDir(`${base}/new/`);
  assertEquals(p.dir, `${base}/new`);
  assert(Deno.statSync(p.logDir).isDirectory);
  assert(!holdsCampaign(p.dir));
  prepareFreshCampaignDir(p.dir); // only logs/ inside: a run that died early, reusable
  Deno.writeTextFileSync(p.config, "x: 1\n");
  assert(holdsCampaign(p.dir));
  assertThrows(() => prepareFreshCampaignDir(p.dir), CampaignDirError, "already holds a campaign");
  Deno.mkdirSync(`${base}/other`);
  Deno.writeTextFileSync(`${base}/other/notes.txt`, "keep");
  assertThrows(() => prepareFreshCampaignDir(`${base}/other`), CampaignDirError, "not empty");
  assertThrows(
    () => prepareFreshCampaignDir(`${base}/other/notes.txt`),
    CampaignDirError,
    "not a directory",
  );
  assertThrows(() => prepareFreshCampaignDir(`${base}/other/notes.txt/sub`), CampaignDirError);
  assertEquals(Deno.readTextFileSync(`${base}/other/notes.txt`), "keep");
});

Deno.test("requireCampaignDir() needs the directory, its resolved config and a store or backup", async () => {
  const base = await Deno.makeTempDir({ prefix: "caligo_dir_" });
  assertThrows(() => requireCampaignDir(`${base}/missing`), CampaignDirError, "does not exist");
  assertThrows(() => requireCampaignDir(base), CampaignDirError, "config.resolved.yaml");
  Deno.writeTextFileSync(`${base}/config.resolved.yaml`, "x: 1\n");
  assertThrows(() => requireCampaignDir(base), CampaignDirError, "exploration_data.h5");
  Deno.writeTextFileSync(`${base}/exploration_data.h5.bak`, "");
  assertEquals(requireCampaignDir(base).store, `${base}/exploration_data.h5`);
});
