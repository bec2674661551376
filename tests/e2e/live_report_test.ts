/**
 * `report` on a live campaign (docs/faults.md "`report` on a live campaign",
 * lib/campaign/store/live_snapshot.ts): while a writer holds the campaign lock, report reads a verified
 * copy of the store, or else the last checkpoint's backup, says which in one line, and never
 * touches the store, the backup or the writer. Fake-simulator campaigns under ./out/e2e_live/.
 */
import { assert, assertEquals } from "../assert.ts";
import { acquireCampaignLock } from "../../lib/campaign/store/campaign_lock.ts";
import { openCampaignStore } from "../../lib/io/store/reader.ts";

const ROOT = new URL("../../", import.meta.url).pathname;
const BASE = "out/e2e_live";
const FIXTURE = new URL("../fixtures/campaign_fake_small.yaml", import.meta.url);

/** The fake-simulator fixture, 24 samples, no pre-filter (every sample runs). */
async function writeConfig(): Promise<string> {
  const text = (await Deno.readTextFile(FIXTURE))
    .replace("num_samples: 40", "num_samples: 24")
    .replace("enabled: true", "enabled: false");
  const path = `${BASE}/live.yaml`;
  await Deno.mkdir(`${ROOT}${BASE}`, { recursive: true });
  await Deno.writeTextFile(`${ROOT}${path}`, text);
  return path;
}

/** `explore` with slow fake samples (Phase 1 lasts ≈ 4–8 s on 2 workers). */
function exploreCommand(config: string, dir: string): Deno.Command {
  return new Deno.Command("bash", {
    args: ["tasks/_launch.sh", "explore", "--skip-phase2", "--skip-phase3"]
      .concat(["--fake-draws-per-pair", "150", "--config", config, "--output-dir", dir]),
    cwd: ROOT,
    env: { NO_COLOR: "1" },
    stdout: "piped",
    stderr: "piped",
  });
}

async function report(dir: string): Promise<{ code: number; stderr: string }> {
  const out = await new Deno.Command("bash", {
    args: ["tasks/_launch.sh", "report", dir],
    cwd: ROOT,
    env: { NO_COLOR: "1" },
    stdout: "piped",
    stderr: "piped",
  }).output();
  return { code: out.code, stderr: new TextDecoder().decode(out.stderr) };
}

/** The lines of `stderr` that say what a report on a live campaign read. */
const snapshotLines = (stderr: string) =>
  stderr.split("\n").filter((l) => l.includes("is being written by"));

const exists = (p: string) => Deno.stat(p).then(() => true, () => false);
const leftCopies = (dir: string) =>
  [...Deno.readDirSync(`${ROOT}${dir}`)].filter((e) => e.name.startsWith(".report-snapshot-"));

Deno.test("report on a campaign that explore is writing reads a verified snapshot, says so in one line, and leaves the writer undisturbed", async () => {
  const config = await writeConfig();
  const dir = `${BASE}/running_${crypto.randomUUID().slice(0, 8)}`;
  const writer = exploreCommand(config, dir).spawn();
  const store = `${ROOT}${dir}/exploration_data.h5`;
  for (const end = Date.now() + 30_000; !(await exists(store));) {
    assert(Date.now() < end, "the store never appeared");
    await new Promise((r) => setTimeout(r, 20));
  }
  let live = 0;
  while (await exists(`${ROOT}${dir}/campaign.lock`)) {
    const r = await report(dir);
    if (!(await exists(`${ROOT}${dir}/campaign.lock`))) break; // the writer ended meanwhile
    assertEquals(r.code, 0, r.stderr);
    const lines = snapshotLines(r.stderr);
    assertEquals(lines.length, 1, r.stderr);
    assert(
      /explore \(pid \d+ on .+\): reading (a copy|the last checkpoint's backup)/.test(lines[0]),
    );
    live++;
  }
  const done = await writer.output();
  assertEquals(done.code, 0, new TextDecoder().decode(done.stderr));
  assert(live >= 1, "no report ran while the writer was live");
  assertEquals((await openCampaignStore(store, { verify: true })).groups.lhs_warmup.n, 24);
  assertEquals(leftCopies(dir), []);
  const after = await report(dir); // no writer: the store itself, no snapshot line
  assertEquals(after.code, 0, after.stderr);
  assertEquals(snapshotLines(after.stderr), []);
  await Deno.remove(`${ROOT}${dir}`, { recursive: true });
});

Deno.test("report on a live campaign whose store does not verify reads the checkpoint's backup, or fails in one line when that fails too; nothing is written", async () => {
  const config = await writeConfig();
  const dir = `${BASE}/damaged_${crypto.randomUUID().slice(0, 8)}`;
  const ran = await exploreCommand(config, dir).output();
  assertEquals(ran.code, 0, new TextDecoder().decode(ran.stderr));
  const store = `${ROOT}${dir}/exploration_data.h5`;
  const bak = `${store}.bak`;
  // a store caught mid-write: here the committed seed of row 3 no longer matches its checksum
  const seed = (await openCampaignStore(store)).groups.lhs_warmup.seed[3];
  const bytes = await Deno.readFile(store);
  const needle = new Uint8Array(BigUint64Array.of(seed).buffer);
  const at = bytes.findIndex((_, i) => needle.every((b, j) => bytes[i + j] === b));
  assert(at >= 0, "the seed of row 3 is stored uncompressed");
  bytes[at] ^= 0x01;
  await Deno.writeFile(store, bytes);
  const backup = await Deno.readFile(bak);
  const lock = acquireCampaignLock(`${ROOT}${dir}`, { owner: "explore" }); // this process writes
  try {
    const r = await report(dir);
    assertEquals(r.code, 0, r.stderr);
    const lines = snapshotLines(r.stderr);
    assertEquals(lines.length, 1, r.stderr);
    assert(lines[0].includes(`reading the last checkpoint's backup exploration_data.h5.bak`));
    assert(lines[0].includes("lhs_warmup/seed: committed rows do not match"), lines[0]);

    await Deno.writeFile(bak, backup.subarray(0, 512)); // the backup unreadable too
    const refused = await report(dir);
    assertEquals(refused.code, 1, refused.stderr);
    const last = refused.stderr.trim().split("\n");
    assertEquals(last.length, 1, refused.stderr);
    assert(last[0].startsWith(`error: ${ROOT}${dir}/exploration_data.h5: is being written by`));
    assert(last[0].endsWith("run report again when the writer has ended"), last[0]);
    assertEquals(await Deno.readFile(store), bytes);
  } finally {
    lock.release();
  }
  assertEquals(leftCopies(dir), []);
  await Deno.remove(`${ROOT}${dir}`, { recursive: true });
});
