/**
 * The fault matrix of issue #18 (docs/faults.md lists every case with its test): damaged stores
 * (a flipped bit, a truncated file), signals in Phases 2 and 3 and in post-processing, kill -9
 * during a parallel GP fit and during post-processing, crashing and hanging simulation workers,
 * a full disk during a commit and during a checkpoint, and parameters at the edges of their
 * ranges. Each run is the small fake-simulator campaign of tests/fixtures/campaign_fake_small.yaml
 * (a few seconds); outputs under ./out/e2e_faults/.
 */
import { assert, assertEquals } from "../assert.ts";
import { FileFormatError } from "../../lib/errors.ts";
import { openCampaignStore } from "../../lib/io/store/reader.ts";
import { CampaignStore } from "../../lib/io/store/writer.ts";
import { storeRows } from "./_test_store_rows.ts";
import { REQUIREMENTS, testNeeding } from "../requires.ts";
import { mountTmpfs } from "../_test_tmpfs.ts";

const ROOT = new URL("../../", import.meta.url).pathname;
const BASE = "out/e2e_faults";
const FIXTURE = new URL("../fixtures/campaign_fake_small.yaml", import.meta.url);

/** The fixture with 16 samples in commits of 2 rows, edited further by `edit`. */
async function writeConfig(name: string, edit: (t: string) => string = (t) => t): Promise<string> {
  const text = edit(
    (await Deno.readTextFile(FIXTURE)).replace("num_samples: 40", "num_samples: 16")
      .replace("batch_size: 3", "batch_size: 2"),
  );
  const path = `${BASE}/${name}.yaml`;
  await Deno.mkdir(`${ROOT}${BASE}`, { recursive: true });
  await Deno.writeTextFile(`${ROOT}${path}`, text);
  return path;
}

/** Phase 3 with 4 iterations of 3 samples, refits every 2 (as tests/e2e/phase3_resume_test.ts). */
const phase3 = (t: string) =>
  t.replace("num_iterations: 0", "num_iterations: 4\n  batch_size: 3\n  retrain_interval: 2");

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function command(args: string[], env: Record<string, string> = {}): Deno.Command {
  return new Deno.Command("bash", {
    args: ["tasks/_launch.sh", "explore", ...args],
    cwd: ROOT,
    env: { NO_COLOR: "1", ...env },
    stdout: "piped",
    stderr: "piped",
  });
}

async function explore(args: string[], env: Record<string, string> = {}): Promise<Run> {
  const out = await command(args, env).output();
  const d = new TextDecoder();
  return { code: out.code, stdout: d.decode(out.stdout), stderr: d.decode(out.stderr) };
}

function fresh(name: string): string {
  return `${BASE}/${name}_${crypto.randomUUID().slice(0, 8)}`;
}

/** Every committed row of every group and the Phase 3 plan, comparable across runs. */
async function allRows(dir: string): Promise<Record<string, string[]>> {
  const store = `${ROOT}${dir}/exploration_data.h5`;
  const data = await openCampaignStore(store, { verify: true });
  const plan = data.matrices.plan;
  const w = plan.columns.length;
  return {
    lhs_warmup: await storeRows(store, "lhs_warmup"),
    active_learning: await storeRows(store, "active_learning"),
    holdout: await storeRows(store, "holdout"),
    plan: Array.from(
      { length: plan.n },
      (_, i) => JSON.stringify(Array.from(plan.rows.subarray(i * w, i * w + w)).map(String)),
    ).sort(),
  };
}

Deno.test("fault: a bit flipped inside a committed dataset, or a truncated store, is named in one line; the backup is used, nothing overwritten", async () => {
  const config = await writeConfig("damaged");
  const dir = fresh("damaged");
  const r = await explore([
    "--config",
    config,
    "--output-dir",
    dir,
    "--skip-phase2",
    "--skip-phase3",
  ]);
  assertEquals(r.code, 0, r.stderr);
  const store = `${ROOT}${dir}/exploration_data.h5`;
  const data = await openCampaignStore(store);
  const seed = data.groups.lhs_warmup.seed[3];
  const good = await Deno.readFile(store);
  const needle = new Uint8Array(BigUint64Array.of(seed).buffer);
  const at = good.findIndex((_, i) => needle.every((b, j) => good[i + j] === b));
  assert(at >= 0, "the seed of row 3 is stored uncompressed");
  const flipped = good.slice();
  flipped[at] ^= 0x01;

  // without a backup: exit 1, one line naming the file and the dataset, the file untouched
  await Deno.rename(`${store}.bak`, `${store}.bak.saved`);
  await Deno.writeFile(store, flipped);
  const refused = await explore(["--continue-from", dir, "--skip-phase2", "--skip-phase3"]);
  assertEquals(refused.code, 1, refused.stderr);
  const line = refused.stderr.split("\n").filter((l) => l.includes("do not match"));
  assertEquals(line.length, 1, refused.stderr);
  assert(line[0].includes(`${store}:/lhs_warmup/seed`), line[0]);
  assertEquals(await Deno.readFile(store), flipped);

  // with a valid backup: the damaged file is kept aside and the campaign resumes from the backup
  await Deno.rename(`${store}.bak.saved`, `${store}.bak`);
  const resumed = await explore(["--continue-from", dir, "--skip-phase2", "--skip-phase3"]);
  assertEquals(resumed.code, 0, resumed.stderr);
  const warn = resumed.stderr.split("\n").filter((l) => l.includes("do not match"));
  assertEquals(warn.length, 1, resumed.stderr);
  assert(warn[0].includes("lhs_warmup/seed") && warn[0].includes("resuming from the backup"));
  const aside = [...Deno.readDirSync(`${ROOT}${dir}`)].find((e) => e.name.includes(".corrupt-"));
  assert(aside !== undefined);
  assertEquals(await Deno.readFile(`${ROOT}${dir}/${aside.name}`), flipped);
  assertEquals(
    (await openCampaignStore(store, { verify: true })).groups.lhs_warmup.n,
    data.groups.lhs_warmup.n,
  );

  // a truncated store: the same path
  const whole = await Deno.readFile(store);
  await Deno.writeFile(store, whole.subarray(0, Math.floor(whole.length * 0.6)));
  const truncated = await explore(["--continue-from", dir, "--skip-phase2", "--skip-phase3"]);
  assertEquals(truncated.code, 0, truncated.stderr);
  assert(truncated.stderr.includes("resuming from the backup"), truncated.stderr);
  await Deno.remove(`${ROOT}${dir}`, { recursive: true });
});

/** Start explore and send `signal` once the campaign log shows `marker`; its exit and stderr. */
async function signalAt(
  args: string[],
  dir: string,
  marker: string,
  signal: Deno.Signal,
): Promise<{ code: number; stderr: string; signalled: boolean }> {
  const child = command(args).spawn();
  const log = `${ROOT}${dir}/logs/campaign.log`;
  const end = Date.now() + 60_000;
  let signalled = false;
  for (;;) {
    const text = await Deno.readTextFile(log).catch(() => "");
    if (text.includes(marker)) {
      try {
        child.kill(signal);
        signalled = true;
      } catch { /* already finished */ }
      break;
    }
    if (Date.now() > end) throw new Error(`${marker} never logged`);
    await new Promise((r) => setTimeout(r, 5));
  }
  const out = await child.output();
  return { code: out.code, stderr: new TextDecoder().decode(out.stderr), signalled };
}

for (
  const [signal, code, phase, marker] of [
    ["SIGTERM", 143, "Phase 2", "Phase 1 complete"],
    ["SIGUSR2", 75, "Phase 2", "Phase 1 complete"],
    ["SIGTERM", 143, "Phase 3", "phase 3: iteration 1"],
    ["SIGUSR2", 75, "Phase 3", "phase 3: iteration 1"],
  ] as const
) {
  Deno.test(`fault: ${signal} in ${phase} exits ${code}; the resumed run ends with the uninterrupted run's rows`, async () => {
    const config = await writeConfig("signals", phase3);
    const ref = fresh("signals_ref");
    const r = await explore(["--config", config, "--output-dir", ref]);
    assertEquals(r.code, 0, r.stderr);
    const dir = fresh(`signal_${signal}`);
    const run = await signalAt(["--config", config, "--output-dir", dir], dir, marker, signal);
    if (run.code === 0) console.warn(`${signal}: the run ended before the signal took effect`);
    else assertEquals(run.code, code, run.stderr);
    let resumed: Run = { code: run.code, stdout: "", stderr: "" };
    for (let i = 0; i < 3 && resumed.code !== 0; i++) {
      resumed = await explore(["--continue-from", dir]);
    }
    assertEquals(resumed.code, 0, resumed.stderr);
    assertEquals(await allRows(dir), await allRows(ref));
    await Deno.remove(`${ROOT}${dir}`, { recursive: true });
    await Deno.remove(`${ROOT}${ref}`, { recursive: true });
  });
}

/**
 * The one line of a failed write: exit 1, no HDF5 diagnostics, exactly one line naming ENOSPC,
 * and it is the last line and names `operation` and the store.
 */
function assertOneWriteErrorLine(run: Run, operation: string): void {
  assertEquals(run.code, 1, run.stderr);
  assert(!run.stderr.includes("HDF5-DIAG"), run.stderr.slice(0, 2000));
  const lines = run.stderr.split("\n").filter((l) => l.includes("No space left on device"));
  assertEquals(lines.length, 1, run.stderr);
  assert(lines[0].startsWith("error: StoreWriteError: "), lines[0]);
  assert(lines[0].includes(operation) && lines[0].includes("exploration_data.h5"), lines[0]);
  assertEquals(run.stderr.trim().split("\n").at(-1), lines[0]);
}

/**
 * The committed rows kept after a failed write: the store's, if they verify; else (a commit that
 * failed half-way inside HDF5 may have reused file space that committed rows still occupy; HDF5
 * has no crash consistency) the damage must be named in one line and the checkpoint's backup,
 * from which the resume starts, must verify.
 */
async function committedRowsKept(store: string): Promise<number> {
  const live = await openCampaignStore(store, { verify: true }).then((d) => d, (e: Error) => e);
  if (!(live instanceof Error)) return live.groups.lhs_warmup.n;
  assert(live instanceof FileFormatError && live.message.startsWith(store), String(live));
  assert(!live.message.includes("\n"), live.message);
  return (await openCampaignStore(`${store}.bak`, { verify: true })).groups.lhs_warmup.n;
}

// The store is ≈ 105 KB at the first checkpoint and ≈ 112 KB when the next commit grows it: with
// 230 KB left the backup fits and a later commit does not; with 180 KB the first backup does not.
for (
  const [leftKib, stage, operation] of [
    // "commit of K rows …": K depends on when the results arrive
    [230, "commit", "rows to /lhs_warmup failed"],
    [180, "checkpoint", "checkpoint (copy of the store) failed"],
  ] as const
) {
  testNeeding(
    [REQUIREMENTS.tmpfsMount],
    `fault: a real full disk (2 MB tmpfs, ${leftKib} KB left) fails at the ${stage} with one line and no HDF5 diagnostics; after space is freed the resume gives the same rows`,
    async () => {
      const mnt = `${ROOT}${BASE}/tmpfs_${crypto.randomUUID().slice(0, 8)}`;
      const { unmount } = mountTmpfs(2048, mnt);
      try {
        const config = await writeConfig("diskfull");
        const ref = fresh("diskfull_ref");
        assertEquals((await explore(["--config", config, "--output-dir", ref])).code, 0);
        await Deno.writeFile(`${mnt}/filler`, new Uint8Array(2 * 2 ** 20 - leftKib * 2 ** 10));
        const dir = `${mnt}/c`;
        assertOneWriteErrorLine(
          await explore(["--config", config, "--output-dir", dir]),
          operation,
        );
        assert(await committedRowsKept(`${dir}/exploration_data.h5`) > 0);
        await Deno.remove(`${mnt}/filler`);
        const resumed = await explore(["--continue-from", dir]);
        assertEquals(resumed.code, 0, resumed.stderr);
        assertEquals(await allRows(dir.slice(ROOT.length)), await allRows(ref));
        await Deno.remove(`${ROOT}${ref}`, { recursive: true });
      } finally {
        unmount();
      }
    },
  );
}

// commit:3 comes after the first checkpoint (checkpoint_interval 2), so a backup exists when the
// failed commit damages the live store (see committedRowsKept).
for (
  const [fault, operation] of [
    ["commit:3", "rows to /lhs_warmup failed"],
    ["checkpoint:1", "checkpoint (copy of the store) failed"],
  ] as const
) {
  Deno.test(`fault: a full disk during a ${fault.split(":")[0]} (CALIGO_TEST_WRITE_FAULTS=${fault}) exits 1 with one line naming the operation and the file; the committed rows are intact and the resume gives the uninterrupted rows`, async () => {
    const config = await writeConfig("writefault");
    const ref = fresh("writefault_ref");
    assertEquals((await explore(["--config", config, "--output-dir", ref])).code, 0);
    const dir = fresh(`writefault_${fault.replace(":", "")}`);
    const failed = await explore(["--config", config, "--output-dir", dir], {
      CALIGO_TEST_WRITE_FAULTS: fault,
    });
    assertOneWriteErrorLine(failed, operation);
    const store = `${ROOT}${dir}/exploration_data.h5`;
    assert(await committedRowsKept(store) > 0);
    assert(!(await Deno.stat(`${store}.bak.tmp`).then(() => true, () => false)));
    const resumed = await explore(["--continue-from", dir]);
    assertEquals(resumed.code, 0, resumed.stderr);
    assertEquals(await allRows(dir), await allRows(ref));
    await Deno.remove(`${ROOT}${dir}`, { recursive: true });
    await Deno.remove(`${ROOT}${ref}`, { recursive: true });
  });
}

/** Post-processing on: svg only, four figures, tables and report.html (about 1–2 s). */
const withReport = (t: string) =>
  t.replace(
    "visualization:\n  enabled: false",
    "visualization:\n  enabled: true\n  format: svg\n  figures: [sensitivity, death_valley, " +
      "hyperparameters, exploration_progress]",
  ).replace("tables:\n  enabled: false", "tables:\n  enabled: true")
    .replace("report:\n  enabled: false", "report:\n  enabled: true");

Deno.test("fault: SIGTERM, SIGUSR2 or kill -9 during post-processing; --continue-from finishes the report and the store keeps its rows", async () => {
  const config = await writeConfig("postprocess", withReport);
  const dir = fresh("postprocess");
  const base = await explore(["--config", config, "--output-dir", dir, "--skip-postprocess"]);
  assertEquals(base.code, 0, base.stderr);
  const want = await allRows(dir);
  const log = `${ROOT}${dir}/logs/campaign.log`;
  for (const [signal, code] of [["SIGTERM", 143], ["SIGUSR2", 75], ["SIGKILL", 137]] as const) {
    await Deno.remove(`${ROOT}${dir}/report.html`).catch(() => {});
    // a fresh marker per case: the log is appended to by every run
    const runs = (await Deno.readTextFile(log)).split("post-processing /").length;
    const child = command(["--continue-from", dir]).spawn();
    for (const end = Date.now() + 60_000;;) {
      const text = await Deno.readTextFile(log).catch(() => "");
      if (text.split("post-processing /").length > runs) break;
      if (Date.now() > end) throw new Error("post-processing never started");
      await new Promise((r) => setTimeout(r, 5));
    }
    try {
      child.kill(signal);
    } catch { /* already finished */ }
    const out = await child.output();
    const stderr = new TextDecoder().decode(out.stderr);
    if (out.code === 0) console.warn(`${signal}: post-processing ended before the signal`);
    else {
      assertEquals(out.code, code, stderr);
      if (signal !== "SIGKILL") {
        assert(stderr.includes("post-processing stopped by"), stderr);
        await Deno.stat(`${ROOT}${dir}/report.html`).then(
          () => assert(false, "a stopped post-processing wrote report.html"),
          () => {},
        );
      }
    }
    const resumed = await explore(["--continue-from", dir]);
    assertEquals(resumed.code, 0, resumed.stderr);
    assert(JSON.parse(resumed.stdout).phasesRun.includes("postprocess"), resumed.stdout);
    assert((await Deno.readTextFile(`${ROOT}${dir}/report.html`)).includes("</html>"));
    assertEquals(await allRows(dir), want, signal);
  }
  await Deno.remove(`${ROOT}${dir}`, { recursive: true });
});

Deno.test("fault: simulation workers that throw, die or hang (CALIGO_TEST_FAKE_FAULTS) are retried; persistent faults give failure_error / failure_timeout rows, no id lost or duplicated", async () => {
  const config = await writeConfig(
    "worker_faults",
    (t) => t.replace("timeout_seconds: 30", "timeout_seconds: 1"),
  );
  const phase1Only = ["--skip-phase2", "--skip-phase3"];
  const ref = fresh("worker_faults_ref");
  assertEquals((await explore(["--config", config, "--output-dir", ref, ...phase1Only])).code, 0);
  const want = (await storeRows(`${ROOT}${ref}/exploration_data.h5`)).map((r) => JSON.parse(r));
  const ids = want.filter((r) => r[3] === "success").map((r) => r[0] as number);
  // max_retries 1: a fault on the first attempt only is retried to the normal row
  const [throwOnce, dieOnce, dies, hangs, throws] = ids;
  const faults =
    `throw:${throwOnce}:1,exit:${dieOnce}:1,exit:${dies},hang:${hangs},throw:${throws}`;
  const dir = fresh("worker_faults");
  const r = await explore(
    ["--config", config, "--output-dir", dir, ...phase1Only],
    { CALIGO_TEST_FAKE_FAULTS: faults },
  );
  assertEquals(r.code, 0, r.stderr);
  assert(r.stderr.includes(`sample ${dies}: worker crash on all 2 attempts`), r.stderr);
  assert(r.stderr.includes(`sample ${throws}: worker crash on all 2 attempts`), r.stderr);
  assert(r.stderr.includes(`sample ${hangs}: timed out on all 2 attempts`), r.stderr);
  const got = (await storeRows(`${ROOT}${dir}/exploration_data.h5`)).map((r) => JSON.parse(r));
  assertEquals(got.map((r) => r[0]), want.map((r) => r[0])); // same ids, none twice
  const failed: Record<number, string> = {
    [dies]: "failure_error",
    [throws]: "failure_error",
    [hangs]: "failure_timeout",
  };
  const { diagnosticColumns } = (await openCampaignStore(`${ROOT}${ref}/exploration_data.h5`))
    .groups.lhs_warmup;
  const retries = diagnosticColumns.indexOf("retries");
  for (const [i, row] of got.entries()) {
    const id = row[0] as number;
    if (failed[id]) {
      assertEquals(row[3], failed[id], `sample ${id}`);
      assertEquals(row[7][retries], "1", `sample ${id}`);
      continue;
    }
    // a retried sample records its retry, and is otherwise the uninterrupted run's row
    const retried = id === throwOnce || id === dieOnce;
    assertEquals(row[7][retries], retried ? "1" : "0", `sample ${id}`);
    row[7][retries] = want[i][7][retries];
    assertEquals(row, want[i], `sample ${id}`);
  }
  await Deno.remove(`${ROOT}${dir}`, { recursive: true });
  await Deno.remove(`${ROOT}${ref}`, { recursive: true });
});

Deno.test("fault: a worker whose heap grows past execution.memory_budget_mb is recycled after its task; the rows equal an uninterrupted run's", async () => {
  // N ≤ 1e5 keeps every task under the 48 MiB budget's 64 B/pair guard; a fake worker's heap is
  // a few MB, and the injected leak keeps ≈ 64 MB alive
  const config = await writeConfig(
    "heap_growth",
    (t) =>
      t.replace("  max_retries: 1", "  max_retries: 1\n  memory_budget_mb: 48")
        .replace("phase1:", "bounds:\n  num_pairs: { min_log: 4, max_log: 5 }\nphase1:"),
  );
  const phase1Only = ["--skip-phase2", "--skip-phase3"];
  const ref = fresh("heap_ref");
  const r0 = await explore(["--config", config, "--output-dir", ref, ...phase1Only]);
  assertEquals(r0.code, 0, r0.stderr);
  const want = await storeRows(`${ROOT}${ref}/exploration_data.h5`);
  const id = (JSON.parse(want.find((r) => JSON.parse(r)[3] === "success")!) as number[])[0];
  const dir = fresh("heap");
  const r = await explore(
    ["--config", config, "--output-dir", dir, ...phase1Only],
    { CALIGO_TEST_FAKE_FAULTS: `grow:${id}` },
  );
  assertEquals(r.code, 0, r.stderr);
  assert(/recycling worker \d+ after \d+ tasks \(heap \d+/.test(r.stderr), r.stderr);
  assertEquals(await storeRows(`${ROOT}${dir}/exploration_data.h5`), want);
  await Deno.remove(`${ROOT}${dir}`, { recursive: true });
  await Deno.remove(`${ROOT}${ref}`, { recursive: true });
});

/**
 * The saved surrogate's model.json with its times left out (created_utc, fit_seconds); it holds
 * θ, the metrics and the SHA-256 of every array file, so equal texts mean the same model.
 */
async function savedModel(dir: string): Promise<string> {
  return (await Deno.readTextFile(`${ROOT}${dir}/surrogate/model.json`))
    .replace(/"created_utc": "[^"]*"/, "").replace(/"fit_seconds": [0-9.e+-]+/g, "");
}

Deno.test("fault: kill -9 during a parallel GP fit (Phase 2, 520 rows, restarts on workers); the resume fits the same model and rows", async () => {
  // 520 training rows per strategy (≥ 500: restarts on workers), 2 restarts: ≈ 1 s per fit
  const config = await writeConfig(
    "gp_kill",
    (t) =>
      t.replace("num_samples: 16", "num_samples: 520").replace("batch_size: 2", "batch_size: 100") +
      "phase2:\n  train_on_skipped: true\n  validation_split: 0\n  gp:\n    n_restarts_optimizer: 2\n",
  );
  const ref = fresh("gp_kill_ref");
  const p1 = await explore([
    "--config",
    config,
    "--output-dir",
    ref,
    "--skip-phase2",
    "--skip-phase3",
  ]);
  assertEquals(p1.code, 0, p1.stderr);
  const dir = fresh("gp_kill");
  await Deno.mkdir(`${ROOT}${dir}`, { recursive: true });
  for (const e of Deno.readDirSync(`${ROOT}${ref}`)) {
    if (e.isFile) await Deno.copyFile(`${ROOT}${ref}/${e.name}`, `${ROOT}${dir}/${e.name}`);
  }
  const whole = await explore(["--continue-from", ref, "--skip-phase3"]);
  assertEquals(whole.code, 0, whole.stderr);
  assert(!whole.stderr.includes("GP restart workers failed"), whole.stderr);

  const child = command(["--continue-from", dir, "--skip-phase3"]).spawn();
  for (const end = Date.now() + 60_000;;) {
    const text = await Deno.readTextFile(`${ROOT}${dir}/logs/campaign.log`).catch(() => "");
    if (text.includes("linear algebra:")) break;
    if (Date.now() > end) throw new Error("Phase 2 never started");
    await new Promise((r) => setTimeout(r, 5));
  }
  await new Promise((r) => setTimeout(r, 400));
  child.kill("SIGKILL");
  assertEquals((await child.output()).code, 137);
  await Deno.stat(`${ROOT}${dir}/surrogate/model.json`).then(
    () => console.warn("the fit ended before kill -9; resume path of a finished Phase 2"),
    () => {},
  );
  const resumed = await explore(["--continue-from", dir, "--skip-phase3"]);
  assertEquals(resumed.code, 0, resumed.stderr);
  assertEquals(await savedModel(dir), await savedModel(ref));
  assertEquals(await allRows(dir), await allRows(ref));
  await Deno.remove(`${ROOT}${dir}`, { recursive: true });
  await Deno.remove(`${ROOT}${ref}`, { recursive: true });
});

Deno.test("fault: a writer killed before its first checkpoint left damaged rows and no backup: the store is kept aside and started again; the resume gives the same rows", async () => {
  const config = await writeConfig(
    "crash_first",
    (t) => t.replace(/checkpoint_interval: \d+/, "checkpoint_interval: 1000"),
  );
  const dir = fresh("crash_first");
  const phase1Only = ["--skip-phase2", "--skip-phase3"];
  assertEquals((await explore(["--config", config, "--output-dir", dir, ...phase1Only])).code, 0);
  const reference = await allRows(dir);
  const store = `${ROOT}${dir}/exploration_data.h5`;
  // the bytes of a store its writer still holds open (writer_open = 1, as after a kill -9) …
  const { store: held } = await CampaignStore.openForAppend(store);
  const open = await Deno.readFile(store);
  held.close();
  // … with one committed row damaged, and no checkpoint copy
  const seed = (await openCampaignStore(store)).groups.lhs_warmup.seed[3];
  const needle = new Uint8Array(BigUint64Array.of(seed).buffer);
  const at = open.findIndex((_, i) => needle.every((b, j) => open[i + j] === b));
  assert(at >= 0, "the seed of row 3 is stored uncompressed");
  open[at] ^= 0x01;
  await Deno.writeFile(store, open);
  await Deno.remove(`${store}.bak`).catch(() => {});
  const resumed = await explore(["--continue-from", dir, ...phase1Only]);
  assertEquals(resumed.code, 0, resumed.stderr);
  const warn = resumed.stderr.split("\n").filter((l) => l.includes("starting the store again"));
  assertEquals(warn.length, 1, resumed.stderr);
  const aside = [...Deno.readDirSync(`${ROOT}${dir}`)].find((e) => e.name.includes(".crashed-"));
  assertEquals(await Deno.readFile(`${ROOT}${dir}/${aside!.name}`), open);
  assertEquals(await allRows(dir), reference);
  await Deno.remove(`${ROOT}${dir}`, { recursive: true });
});
