/**
 * End-to-end tests of Phase 1 sharding (docs/campaign.md §7.5): `explore --shard I/K` into
 * `<dir>/shards/shardI/`, then `deno task merge <dir>`, must give exactly the `/lhs_warmup` rows of
 * a single-process run with the same config and seed (same ids, same values), for paired and
 * alternate designs; a shard interrupted by SIGKILL resumes on its own ids only; a missing or
 * too-short shard makes the merge fail (exit 1) naming the shard; the merged campaign runs
 * Phases 2–3 with `--continue-from DIR --skip-phase1`; a shard running on "scratch" with
 * `--copy-back` and killed (node death) resumes from its copied-back directory alone. Fake
 * simulator, outputs under ./out/e2e_shard/.
 */
import { assert, assertEquals } from "../assert.ts";
import { openCampaignStore } from "../../lib/io/store/reader.ts";
import { storeRows } from "./_test_store_rows.ts";

const ROOT = new URL("../../", import.meta.url).pathname;
const BASE = "out/e2e_shard";
const FIXTURE = new URL("../fixtures/campaign_fake_small.yaml", import.meta.url);

async function writeConfig(name: string, edit: (text: string) => string): Promise<string> {
  const text = edit(await Deno.readTextFile(FIXTURE));
  const path = `${BASE}/${name}.yaml`;
  await Deno.mkdir(`${ROOT}${BASE}`, { recursive: true });
  await Deno.writeTextFile(`${ROOT}${path}`, text);
  return path;
}

/** 20 executed samples, commits of 2 rows (many commits to interrupt), paired design. */
const paired = () =>
  writeConfig(
    "paired",
    (t) =>
      t.replace("num_samples: 40", "num_samples: 20").replace("batch_size: 3", "batch_size: 2"),
  );
/** 15 executed samples (odd: the prefix ends inside no pair), alternate design. */
const alternate = () =>
  writeConfig("alternate", (t) =>
    t.replace("num_samples: 40", "num_samples: 15")
      .replace("  prefilter:\n", "  design:\n    strategy: alternate\n  prefilter:\n"));

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function command(task: string, args: string[]): Deno.Command {
  return new Deno.Command("bash", {
    args: ["tasks/_launch.sh", task.replace(/^tasks\/(\w+)\.ts$/, "$1"), ...args],
    cwd: ROOT,
    env: { CALIGO_TEST_SEED: "11", NO_COLOR: "1" },
    stdout: "piped",
    stderr: "piped",
  });
}

async function run(task: string, args: string[]): Promise<Run> {
  const out = await command(task, args).output();
  const d = new TextDecoder();
  return { code: out.code, stdout: d.decode(out.stdout), stderr: d.decode(out.stderr) };
}
const explore = (args: string[]) => run("tasks/explore.ts", args);
const merge = (args: string[]) => run("tasks/merge.ts", args);

function fresh(name: string): string {
  return `${BASE}/${name}_${crypto.randomUUID().slice(0, 8)}`;
}

/** Committed /lhs_warmup rows sorted by id, metadata left out. */
function rows(store: string): Promise<string[]> {
  return storeRows(`${ROOT}${store}`);
}

async function reference(config: string): Promise<{ dir: string; rows: string[] }> {
  const dir = fresh("single");
  const r = await explore([
    "--config",
    config,
    "--output-dir",
    dir,
    "--skip-phase2",
    "--skip-phase3",
  ]);
  assertEquals(r.code, 0, r.stderr);
  return { dir, rows: await rows(`${dir}/exploration_data.h5`) };
}

async function runShard(config: string, dir: string, i: number, k: number, extra: string[] = []) {
  const r = await explore([
    "--config",
    config,
    "--output-dir",
    `${dir}/shards/shard${i}`,
    "--shard",
    `${i}/${k}`,
    ...extra,
  ]);
  assertEquals(r.code, 0, r.stderr);
  const s = JSON.parse(r.stdout);
  assertEquals(s.phasesRun, ["phase1"]);
  assert(String(s.phasesSkipped.phase2).includes("shard mode"), JSON.stringify(s.phasesSkipped));
  return s;
}

async function waitFor(path: string, timeoutMs = 20_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    try {
      await Deno.stat(`${ROOT}${path}`);
      return;
    } catch {
      if (Date.now() > end) throw new Error(`${path} did not appear`);
      await new Promise((r) => setTimeout(r, 10));
    }
  }
}

Deno.test("explore --shard + merge: 3 paired shards (one killed and resumed) equal the single-process run", async () => {
  const config = await paired();
  const ref = await reference(config);
  const dir = fresh("sharded");
  const first = await runShard(config, dir, 0, 3);
  // target ⌈1.25·20/3⌉ + 2 = 11 executed rows; pairs are executed (or skipped) together → 12
  assertEquals(first.phase1.executed, 12);
  await runShard(config, dir, 2, 3);
  // shard 1: SIGKILL once its first checkpoint exists, then resume with --continue-from only
  const shard1 = `${dir}/shards/shard1`;
  const child = command("tasks/explore.ts", [
    "--config",
    config,
    "--output-dir",
    shard1,
    "--shard",
    "1/3",
  ]).spawn();
  await waitFor(`${shard1}/phase1_checkpoint.json`);
  try {
    child.kill("SIGKILL");
  } catch { /* already finished */ }
  await child.status;
  await child.stdout.cancel();
  await child.stderr.cancel();
  const resumed = await explore(["--continue-from", shard1]);
  assertEquals(resumed.code, 0, resumed.stderr);
  assert(JSON.parse(resumed.stdout).phasesSkipped.phase2.includes("shard 1/3"), resumed.stdout);
  const ckpt = JSON.parse(await Deno.readTextFile(`${ROOT}${shard1}/phase1_checkpoint.json`));
  assertEquals([ckpt.shard, ckpt.complete], ["1/3", true]);
  // every shard holds only its own ids (⌊id/2⌋ mod 3 = I), no duplicates
  for (let i = 0; i < 3; i++) {
    const data = await openCampaignStore(`${ROOT}${dir}/shards/shard${i}/exploration_data.h5`);
    assertEquals(data.attributes.shard, `${i}/3`);
    const ids = Array.from(data.groups.lhs_warmup.sampleId);
    assertEquals(new Set(ids).size, ids.length, `shard ${i} duplicates`);
    assert(ids.every((id) => Math.floor(id / 2) % 3 === i), `shard ${i}: ${ids}`);
  }

  const m = await merge(["--config", config, dir]);
  assertEquals(m.code, 0, m.stderr);
  const summary = JSON.parse(m.stdout);
  assertEquals(summary.executed, 20);
  assert(summary.droppedPerShard.some((n: number) => n > 0), "the shards overshoot");
  const merged = await rows(`${dir}/exploration_data.h5`);
  assertEquals(merged.length, ref.rows.length);
  for (let i = 0; i < merged.length; i++) assertEquals(merged[i], ref.rows[i], `row ${i}`);
  const data = await openCampaignStore(`${ROOT}${dir}/exploration_data.h5`);
  const single = await openCampaignStore(`${ROOT}${ref.dir}/exploration_data.h5`);
  assertEquals(data.attributes.shard, undefined);
  assertEquals(data.attributes.merged_from_shards, 3);
  assertEquals(data.attributes.config_sha256, single.attributes.config_sha256);
  assertEquals(data.groups.lhs_warmup.sampleId, single.groups.lhs_warmup.sampleId.slice().sort());
  assertEquals(
    await Deno.readTextFile(`${ROOT}${dir}/config.resolved.yaml`),
    await Deno.readTextFile(`${ROOT}${ref.dir}/config.resolved.yaml`),
  );
  const again = await merge([dir]);
  assertEquals(again.code, 1, again.stderr);
  assert(again.stderr.includes("already exists"), again.stderr);

  // Phases 2–3 on the merged campaign
  const p23 = await explore(["--continue-from", dir, "--skip-phase1"]);
  assertEquals(p23.code, 0, p23.stderr);
  assertEquals(JSON.parse(p23.stdout).phasesRun, ["phase2", "phase3"]);
  assertEquals(await rows(`${dir}/exploration_data.h5`), ref.rows);
  await Deno.remove(`${ROOT}${dir}`, { recursive: true });
  await Deno.remove(`${ROOT}${ref.dir}`, { recursive: true });
});

Deno.test("explore --shard + merge: alternate design with 2 shards equals the single-process run", async () => {
  const config = await alternate();
  const ref = await reference(config);
  const dir = fresh("alternate");
  for (const i of [0, 1]) await runShard(config, dir, i, 2);
  const m = await merge([dir]);
  assertEquals(m.code, 0, m.stderr);
  assertEquals(JSON.parse(m.stdout).executed, 15);
  assertEquals(await rows(`${dir}/exploration_data.h5`), ref.rows);
  await Deno.remove(`${ROOT}${dir}`, { recursive: true });
  await Deno.remove(`${ROOT}${ref.dir}`, { recursive: true });
});

Deno.test("merge: a missing shard or one stopped before the cutoff fails naming it; extending it fixes the merge", async () => {
  const config = await paired();
  const ref = await reference(config);
  const dir = fresh("short");
  await runShard(config, dir, 0, 3);
  await runShard(config, dir, 1, 3, ["--shard-target", "2"]);
  const missing = await merge([dir]);
  assertEquals(missing.code, 1, missing.stderr);
  assert(missing.stderr.includes("shards 2 of 3 are missing"), missing.stderr);
  await runShard(config, dir, 2, 3);
  const short = await merge([dir]);
  assertEquals(short.code, 1, short.stderr);
  assert(
    short.stderr.includes("shard 1/3 stopped") && short.stderr.includes("--shard-target"),
    short.stderr,
  );
  const bad = await explore(["--continue-from", `${dir}/shards/shard1`, "--shard", "2/3"]);
  assertEquals(bad.code, 2, bad.stderr);
  assert(bad.stderr.includes("differs from the store's shard 1/3"), bad.stderr);
  const usage = await explore(["--config", config, "--shard", "3/3"]);
  assertEquals(usage.code, 2, usage.stderr);
  assert(usage.stderr.includes("--shard"), usage.stderr);
  // resume the short shard with a larger target: it continues on its own ids only
  const ext = await explore(["--continue-from", `${dir}/shards/shard1`, "--shard-target", "12"]);
  assertEquals(ext.code, 0, ext.stderr);
  assert(JSON.parse(ext.stdout).resumed);
  const m = await merge(["--config", config, dir]);
  assertEquals(m.code, 0, m.stderr);
  assertEquals(await rows(`${dir}/exploration_data.h5`), ref.rows);
  await Deno.remove(`${ROOT}${BASE}`, { recursive: true });
});

Deno.test("explore --shard --copy-back: a shard killed on scratch (node death) resumes from the copy; merge equals the single-process run", async () => {
  const config = await paired();
  const ref = await reference(config);
  const dir = fresh("copyback");
  await runShard(config, dir, 0, 2);
  const scratch = `${dir}/scratch1`, copy = `${dir}/shards/shard1`;
  const child = command("tasks/explore.ts", [
    "--config",
    config,
    "--output-dir",
    scratch,
    "--shard",
    "1/2",
    "--copy-back",
    copy,
    "--fake-draws-per-pair",
    "200",
  ]).spawn();
  await waitFor(`${copy}/phase1_checkpoint.json`);
  try {
    child.kill("SIGKILL");
  } catch { /* already finished */ }
  await child.status;
  await child.stdout.cancel();
  await child.stderr.cancel();
  // The copy holds a whole, closed store with at least the rows of the copied checkpoint (a
  // later copy may have replaced the store and not yet the checkpoint), never a lock.
  const ckpt = JSON.parse(await Deno.readTextFile(`${ROOT}${copy}/phase1_checkpoint.json`));
  if (ckpt.complete) console.warn("the shard finished before the kill; node death not exercised");
  const copied = await openCampaignStore(`${ROOT}${copy}/exploration_data.h5`);
  assert(copied.groups.lhs_warmup.n >= ckpt.committed_rows, JSON.stringify(ckpt));
  assertEquals(copied.attributes.writer_open, 0);
  assert(!(await Deno.stat(`${ROOT}${copy}/campaign.lock`).then(() => true, () => false)));
  const onScratch = await openCampaignStore(`${ROOT}${scratch}/exploration_data.h5`);
  const scratchIds = new Set(onScratch.groups.lhs_warmup.sampleId);
  assert(copied.groups.lhs_warmup.sampleId.every((id) => scratchIds.has(id)));
  // the node is gone with its scratch: resume from the copy alone
  await Deno.remove(`${ROOT}${scratch}`, { recursive: true });
  const resumed = await explore(["--continue-from", copy]);
  assertEquals(resumed.code, 0, resumed.stderr);
  const m = await merge([dir]);
  assertEquals(m.code, 0, m.stderr);
  assertEquals(await rows(`${dir}/exploration_data.h5`), ref.rows);
  const same = await explore(["--continue-from", copy, "--copy-back", copy]);
  assertEquals(same.code, 2, same.stderr);
  assert(same.stderr.includes("--copy-back: must differ"), same.stderr);
  await Deno.remove(`${ROOT}${dir}`, { recursive: true });
  await Deno.remove(`${ROOT}${ref.dir}`, { recursive: true });
});
