/**
 * The SLURM job templates (slurm/*.sbatch, docs/campaign.md §13) on a real single-node SLURM cluster
 * started on loopback by tools/slurm_local.sh (needs root and the Debian packages slurmctld,
 * slurmd, slurm-client and munge). Covers: (a) explore.sbatch runs a tiny fake campaign to completion;
 * (b) a 3-task phase1-array.sbatch plus a dependent merge.sbatch gives exactly the rows of the
 * single-process run (a); (c) USR1 sent to a running explore.sbatch job → checkpoint, exit 75,
 * `scontrol requeue`, resume in the same directory, no lost or duplicated sample id; the same for
 * an array task (its scratch directory is copied to shards/ before the requeue);
 * (d) slurm/setup_env.sh with and without AOCL (a fake AOCL_ROOT of symlinks to the system
 * libraries) says which BLAS it chose. If the cluster cannot be started the SLURM tests are
 * ignored and the reason is printed. Outputs go under ./out/e2e_slurm/.
 */
import { assert, assertEquals } from "../assert.ts";
import { openCampaignStore } from "../../lib/io/store/reader.ts";
import { storeRows } from "./_test_store_rows.ts";
import { ignoreUnless, REQUIREMENTS } from "../requires.ts";

const ROOT = new URL("../../", import.meta.url).pathname.replace(/\/$/, "");
/** The cluster script; CALIGO_SLURM_LOCAL overrides it (e.g. to check the ignore path). */
const SLURM_LOCAL = Deno.env.get("CALIGO_SLURM_LOCAL") ??
  new URL("../../tools/slurm_local.sh", import.meta.url).pathname;
const BASE = `${ROOT}/out/e2e_slurm`;
const CONFIG = `${BASE}/slurm_fake_tiny.yaml`;
const decoder = new TextDecoder();

interface Cluster {
  env: Record<string, string>;
  /** This file started the daemons (stop them at the end). */
  started: boolean;
}

function sh(cmd: string, args: string[], env: Record<string, string> = {}) {
  const out = new Deno.Command(cmd, { args, env, stdout: "piped", stderr: "piped" }).outputSync();
  return { code: out.code, stdout: decoder.decode(out.stdout), stderr: decoder.decode(out.stderr) };
}

/** Start (or reuse) the local cluster; a string is the reason it is not available. */
function startCluster(): Cluster | string {
  if (Deno.build.os !== "linux") return "not Linux";
  try {
    Deno.statSync(SLURM_LOCAL);
  } catch {
    return `${SLURM_LOCAL} not found`;
  }
  if (sh("id", ["-u"]).stdout.trim() !== "0") return "slurm_local.sh needs root";
  const before = sh("bash", [SLURM_LOCAL, "status"]);
  const up = sh("bash", [SLURM_LOCAL, "up"]);
  if (up.code !== 0) {
    return `'slurm_local.sh up' failed (exit ${up.code}): ${
      up.stderr.trim().split("\n").slice(-3).join(" | ")
    }`;
  }
  const env: Record<string, string> = {};
  for (const m of up.stdout.matchAll(/^export (\w+)=(.*)$/gm)) {
    env[m[1]] = m[2].replace(/^'(.*)'$/, "$1");
  }
  if (!env.SLURM_CONF) return `'slurm_local.sh up' printed no SLURM_CONF: ${up.stdout}`;
  return { env, started: before.code !== 0 };
}

const cluster = ignoreUnless([REQUIREMENTS.slurm], "SLURM tests")
  ? "SLURM packages missing"
  : startCluster();
const ignore = typeof cluster === "string";
if (typeof cluster === "string") {
  if (Deno.env.get("CALIGO_REQUIRE_ALL") === "1") {
    throw new Error(`CALIGO_REQUIRE_ALL=1 but the SLURM cluster did not start: ${cluster}`);
  }
  if (cluster !== "SLURM packages missing") console.error(`skip: SLURM tests: ${cluster}`);
} else if (cluster.started) {
  globalThis.addEventListener("unload", () => {
    sh("bash", [SLURM_LOCAL, "down"], cluster.env);
  });
}
const env = (): Record<string, string> => (ignore ? {} : (cluster as Cluster).env);

function slurm(cmd: string, args: string[], extra: Record<string, string> = {}) {
  return sh(cmd, args, { ...env(), ...extra });
}

/** Submit a template from the project root; returns the job id. */
function sbatch(args: string[], extra: Record<string, string> = {}): string {
  const r = slurm("sbatch", ["--parsable", `--chdir=${ROOT}`, ...args], extra);
  assertEquals(r.code, 0, `sbatch ${args.join(" ")}: ${r.stderr}`);
  return r.stdout.trim().split(";")[0];
}

async function waitJobs(...ids: string[]): Promise<{ code: number; stderr: string }> {
  const out = await new Deno.Command("bash", {
    args: [SLURM_LOCAL, "wait", ...ids],
    env: { ...env(), SLURM_LOCAL_WAIT_TIMEOUT: "150" },
    stdout: "piped",
    stderr: "piped",
  }).output();
  return { code: out.code, stderr: decoder.decode(out.stderr) };
}

function jobLog(path: string): string {
  try {
    return Deno.readTextFileSync(path);
  } catch {
    return `(no ${path})`;
  }
}

async function prepare(): Promise<void> {
  await Deno.mkdir(BASE, { recursive: true });
  const fixture = await Deno.readTextFile(
    new URL("../fixtures/slurm_fake_tiny.yaml", import.meta.url),
  );
  await Deno.writeTextFile(CONFIG, fixture);
}

function fresh(name: string): string {
  return `${BASE}/${name}_${crypto.randomUUID().slice(0, 8)}`;
}

/** Remove a passed test's campaign directory and its job logs (`<dir>*`). */
async function cleanup(dir: string): Promise<void> {
  const name = dir.slice(BASE.length + 1);
  for (const e of Deno.readDirSync(BASE)) {
    if (e.name.startsWith(name)) await Deno.remove(`${BASE}/${e.name}`, { recursive: true });
  }
}

/** Committed /lhs_warmup rows sorted by id, metadata left out. */
function rows(store: string): Promise<string[]> {
  return storeRows(store);
}

function ids(r: string[]): number[] {
  return r.map((x) => JSON.parse(x)[0]);
}

let referenceRows: string[] | null = null;
/** Rows of a plain single-process run (no SLURM) of the same config and seed, computed once. */
async function reference(): Promise<string[]> {
  if (referenceRows === null) {
    await prepare();
    const dir = fresh("single");
    const out = await new Deno.Command("bash", {
      args: ["tasks/_launch.sh", "explore", "--config", CONFIG]
        .concat(["--output-dir", dir, "--skip-phase2", "--skip-phase3"]),
      cwd: ROOT,
      stdout: "piped",
      stderr: "piped",
    }).output();
    assertEquals(out.code, 0, decoder.decode(out.stderr));
    referenceRows = await rows(`${dir}/exploration_data.h5`);
  }
  return referenceRows;
}

const opts = { ignore, sanitizeOps: false, sanitizeResources: false };

Deno.test({
  name: "slurm: explore.sbatch runs a tiny fake campaign to completion",
  ...opts,
  fn: async () => {
    await prepare();
    const dir = fresh("explore");
    const id = sbatch([`--output=${dir}.out`, "slurm/explore.sbatch", CONFIG, dir]);
    const w = await waitJobs(id);
    const log = jobLog(`${dir}.out`);
    assertEquals(w.code, 0, `${w.stderr}\n${log}`);
    assert(log.includes("setup_env: chose BLAS"), log);
    const data = await openCampaignStore(`${dir}/exploration_data.h5`);
    const summary = JSON.parse(log.trim().split("\n").at(-1)!);
    assertEquals(summary.phasesRun, ["phase1", "phase2", "phase3"]);
    assertEquals(summary.phase1.executed, 12);
    assertEquals(data.groups.lhs_warmup.n, summary.phase1.committedRows);
    const got = await rows(`${dir}/exploration_data.h5`);
    assertEquals(got, await reference());
    // the single-process id set is a prefix of the id sequence
    assertEquals(ids(got), Array.from({ length: got.length }, (_, i) => i));
    await cleanup(dir);
  },
});

Deno.test({
  name:
    "slurm: phase1-array.sbatch (3 shards) + dependent merge.sbatch equal the single-process run",
  ...opts,
  fn: async () => {
    await prepare();
    const expected = await reference();
    const dir = fresh("array");
    const array = sbatch([
      `--output=${dir}-p1-%a.out`,
      "--array=0-2",
      "slurm/phase1-array.sbatch",
      CONFIG,
      dir,
    ]);
    const merge = sbatch([
      `--output=${dir}-merge.out`,
      `--dependency=afterok:${array}`,
      "slurm/merge.sbatch",
      CONFIG,
      dir,
    ]);
    const w = await waitJobs(array, merge);
    const logs = [0, 1, 2].map((i) => jobLog(`${dir}-p1-${i}.out`)).join("\n") +
      jobLog(`${dir}-merge.out`);
    assertEquals(w.code, 0, `${w.stderr}\n${logs}`);
    for (let i = 0; i < 3; i++) {
      const shard = await openCampaignStore(`${dir}/shards/shard${i}/exploration_data.h5`);
      assertEquals(shard.attributes.shard, `${i}/3`);
    }
    const merged = await rows(`${dir}/exploration_data.h5`);
    assertEquals(merged.length, expected.length);
    for (let i = 0; i < merged.length; i++) assertEquals(merged[i], expected[i], `row ${i}`);
    const data = await openCampaignStore(`${dir}/exploration_data.h5`);
    assertEquals(data.attributes.merged_from_shards, 3);
    await Deno.stat(`${dir}/surrogate_final/model.json`); // Phases 2–3 ran after the merge
    await cleanup(dir);
  },
});

Deno.test({
  name:
    "slurm: USR1 → checkpoint (exit 75) → scontrol requeue → resumed campaign, no lost or duplicated id",
  ...opts,
  fn: async () => {
    await prepare();
    const expected = await reference();
    const dir = fresh("usr1");
    const out = `${dir}.out`;
    // synthetic work in the fake simulator (results unchanged) keeps Phase 1 running for ~6 s
    const id = sbatch([`--output=${out}`, "slurm/explore.sbatch", CONFIG, dir], {
      CALIGO_EXPLORE_ARGS: "--fake-draws-per-pair 500",
    });
    const end = Date.now() + 60_000;
    const until = async (what: string, ok: () => boolean) => {
      while (!ok()) {
        if (Date.now() > end) throw new Error(`timed out waiting for ${what}\n${jobLog(out)}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    };
    const exists = (p: string) => {
      try {
        Deno.statSync(p);
        return true;
      } catch {
        return false;
      }
    };
    await until("the first checkpoint", () => exists(`${dir}/phase1_checkpoint.json`));
    const sig = slurm("scancel", ["--signal=USR1", "--batch", id]);
    assertEquals(sig.code, 0, sig.stderr);
    const state = () => slurm("squeue", ["-h", "-j", id, "-o", "%T"]).stdout.trim();
    await until("the requeued job to be PENDING", () => state() === "PENDING");
    const log1 = jobLog(out);
    assert(log1.includes("USR1 received"), log1);
    assert(log1.includes("checkpointed (exit 75), requeueing"), log1);
    const ckpt = JSON.parse(Deno.readTextFileSync(`${dir}/phase1_checkpoint.json`));
    assertEquals(ckpt.complete, false, "USR1 arrived after Phase 1 finished; slow it down");
    // SLURM revokes the old run's credentials with one-second resolution: a restart within the
    // same second fails ("Job credential revoked"); the real 120 s requeue delay never hits this
    await new Promise((r) => setTimeout(r, 2000));
    const upd = slurm("scontrol", ["update", `JobId=${id}`, "StartTime=now"]);
    assertEquals(upd.code, 0, upd.stderr);
    const w = await waitJobs(id);
    const log = jobLog(out);
    assertEquals(w.code, 0, `${w.stderr}\n${log}`);
    assert(/restart 1 on/.test(log), log);
    const summary = JSON.parse(log.trim().split("\n").at(-1)!);
    assert(summary.resumed, "the requeued run continues with --continue-from");
    const got = await rows(`${dir}/exploration_data.h5`);
    assertEquals(new Set(ids(got)).size, got.length, "duplicate ids");
    assertEquals(got, expected);
    await cleanup(dir);
  },
});

Deno.test({
  name:
    "slurm: USR1 to an array task → checkpoint, copy to shards/, requeue, resume; the merge is still exact",
  ...opts,
  fn: async () => {
    await prepare();
    const expected = await reference();
    const dir = fresh("array_usr1");
    const out = (i: number) => `${dir}-p1-${i}.out`;
    const array = sbatch(
      [`--output=${dir}-p1-%a.out`, "--array=0-1", "slurm/phase1-array.sbatch", CONFIG, dir],
      { CALIGO_EXPLORE_ARGS: "--fake-draws-per-pair 500" },
    );
    const task0 = `${array}_0`;
    const end = Date.now() + 90_000;
    const until = async (what: string, ok: () => boolean) => {
      while (!ok()) {
        if (Date.now() > end) throw new Error(`timed out waiting for ${what}\n${jobLog(out(0))}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    };
    await until("shard 0 to commit", () => /Phase 1 shard 0\/2: [1-9]/.test(jobLog(out(0))));
    const sig = slurm("scancel", ["--signal=USR1", "--batch", task0]);
    assertEquals(sig.code, 0, sig.stderr);
    const state = () => slurm("squeue", ["-h", "-j", task0, "-o", "%T"]).stdout.trim();
    await until(
      "task 0 to be requeued",
      () => jobLog(out(0)).includes("requeueing") && state() === "PENDING",
    );
    // the checkpointed shard was copied out of scratch before the requeue
    const copied = JSON.parse(Deno.readTextFileSync(`${dir}/shards/shard0/phase1_checkpoint.json`));
    assertEquals([copied.shard, copied.complete], ["0/2", false]);
    await new Promise((r) => setTimeout(r, 2000)); // see the USR1 test
    const upd = slurm("scontrol", ["update", `JobId=${task0}`, "StartTime=now"]);
    assertEquals(upd.code, 0, upd.stderr);
    const merge = sbatch([
      `--output=${dir}-merge.out`,
      `--dependency=afterok:${array}`,
      "slurm/merge.sbatch",
      CONFIG,
      dir,
    ], { CALIGO_MERGE_ONLY: "1" });
    const w = await waitJobs(array, merge);
    const log0 = jobLog(out(0));
    assertEquals(
      w.code,
      0,
      `${w.stderr}\n${log0}\n${jobLog(out(1))}\n${jobLog(`${dir}-merge.out`)}`,
    );
    assert(/restart 1 on/.test(log0) && log0.includes("resuming Phase 1"), log0);
    assertEquals(await rows(`${dir}/exploration_data.h5`), expected);
    let phase2 = true;
    try {
      Deno.statSync(`${dir}/surrogate`);
    } catch {
      phase2 = false;
    }
    assert(!phase2, "CALIGO_MERGE_ONLY=1 stops after the merge");
    await cleanup(dir);
  },
});

Deno.test({
  name: "slurm/setup_env.sh picks AOCL from AOCL_ROOT, else the system BLIS, and says which",
  sanitizeOps: false,
  sanitizeResources: false,
  ignore: Deno.build.os !== "linux",
  fn: async () => {
    const sys = "/usr/lib/x86_64-linux-gnu";
    const blis = `${sys}/blis-pthread/libblis.so.4`, flame = `${sys}/libflame.so.1`;
    const haveBlis = [blis, flame].every((p) => {
      try {
        return Deno.statSync(p).isFile;
      } catch {
        return false;
      }
    });
    await Deno.mkdir(BASE, { recursive: true });
    const aocl = await Deno.makeTempDir({ dir: BASE, prefix: "aocl_" });
    await Deno.mkdir(`${aocl}/lib`);
    // (Deno.symlink needs unscoped read/write permissions; ln does not)
    for (const [target, name] of [[blis, "libblis-mt.so"], [flame, "libflame.so"]]) {
      const ln = sh("ln", ["-s", target, `${aocl}/lib/${name}`]);
      assertEquals(ln.code, 0, ln.stderr);
    }
    const probe = (extra: Record<string, string>) => {
      const scratch = `${aocl}/scratch_${Object.keys(extra).length}`;
      const r = sh("bash", [
        "-c",
        `set -u; source ${ROOT}/slurm/setup_env.sh; echo "KIND=$CALIGO_BLAS_KIND"; ` +
        `echo "BLAS=\${CALIGO_BLAS:-}"; echo "LAPACK=\${CALIGO_LAPACK:-}"; ` +
        `echo "ARCH=\${CALIGO_BLIS_ARCH:-}"; echo "FFI=\${CALIGO_FFI_PATHS:-}"`,
      ], { CALIGO_ROOT: ROOT, CALIGO_SCRATCH_DIR: scratch, LD_LIBRARY_PATH: "", ...extra });
      const v = Object.fromEntries(
        [...r.stdout.matchAll(/^(\w+)=(.*)$/gm)].map((m) => [m[1], m[2]]),
      );
      return { ...r, v };
    };
    const withAocl = probe({ AOCL_ROOT: aocl });
    assertEquals(withAocl.code, 0, withAocl.stderr);
    assertEquals(withAocl.v.KIND, "aocl", withAocl.stderr);
    assertEquals(withAocl.v.BLAS, `${aocl}/lib/libblis-mt.so`);
    assert(withAocl.stderr.includes(`AOCL found: BLIS ${aocl}/lib/libblis-mt.so`), withAocl.stderr);
    assert(withAocl.stderr.includes("setup_env: chose BLAS: aocl"), withAocl.stderr);
    // BLIS reported the kernel set it selected (forced to zen3 where it would pick 'generic')
    assert(/sub-configuration '\w+'/.test(withAocl.v.ARCH), withAocl.stderr);
    if (haveBlis) {
      // Debian's libflame does not link BLIS: a link shim is built and must load with dgemm_
      assert(withAocl.v.LAPACK.endsWith("libla_blis_flame.so"), withAocl.stderr);
      const run = sh(`${ROOT}/deno`, [
        "run",
        "--no-prompt",
        `--allow-ffi=${withAocl.v.LAPACK}`,
        `${ROOT}/tools/blas_probe.ts`,
        withAocl.v.LAPACK,
      ], { BLIS_ARCH_TYPE: "6" });
      assertEquals(run.code, 0, run.stderr);
      assert(run.stdout.includes("dgemm ok"), run.stdout);
    }
    const without = probe({});
    assertEquals(without.code, 0, without.stderr);
    assert(without.stderr.includes("AOCL not found"), without.stderr);
    assertEquals(without.v.KIND, haveBlis ? "system-blis" : without.v.KIND);
    assert(without.stderr.includes(`setup_env: chose BLAS: ${without.v.KIND}`), without.stderr);
    assert(!without.v.BLAS.includes(aocl), without.v.BLAS);
    const disabled = probe({ AOCL_ROOT: aocl, CALIGO_NO_AOCL: "1" });
    assertEquals(disabled.v.KIND, without.v.KIND, disabled.stderr);
    for (const r of [withAocl, without]) {
      assert(r.stderr.includes("threads: BLIS=1 OMP=1"), r.stderr);
      assertEquals(r.v.FFI.split(",").filter(Boolean).length, r.v.LAPACK ? 2 : r.v.BLAS ? 1 : 0);
    }
    await Deno.remove(aocl, { recursive: true });
  },
});
