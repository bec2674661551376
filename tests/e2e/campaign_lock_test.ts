/**
 * End-to-end tests of the campaign writer lock (docs/faults.md, lib/campaign/store/campaign_lock.ts)
 * with two real `explore` processes on one directory and the fake simulator: the second is
 * refused with exit 2 and one line; the lock is released on normal exit, SIGTERM (143) and
 * checkpoint exit (SIGUSR2, 75); a kill -9'd owner's lock is taken over by the next run.
 */
import { assert, assertEquals } from "../assert.ts";

const ROOT = new URL("../../", import.meta.url).pathname;
const BASE = "out/e2e_lock";
const FIXTURE = new URL("../fixtures/campaign_fake_small.yaml", import.meta.url);

/** The fake-simulator fixture with slow samples (Phase 1 lasts ≈ 4 s on 2 workers). */
async function writeConfig(): Promise<string> {
  const text = (await Deno.readTextFile(FIXTURE))
    .replace("num_samples: 40", "num_samples: 24")
    .replace("enabled: true", "enabled: false"); // no prefilter: every sample runs (≈ 0.15 s)
  const path = `${BASE}/lock.yaml`;
  await Deno.mkdir(`${ROOT}${BASE}`, { recursive: true });
  await Deno.writeTextFile(`${ROOT}${path}`, text);
  return path;
}

function command(args: string[]): Deno.Command {
  // the launcher execs the task: the child's pid is the explore process itself
  return new Deno.Command("bash", {
    args: [
      "tasks/_launch.sh",
      "explore",
      "--skip-phase2",
      "--skip-phase3",
      "--fake-draws-per-pair",
      "150",
      ...args,
    ],
    cwd: ROOT,
    env: { NO_COLOR: "1" },
    stdout: "piped",
    stderr: "piped",
  });
}

async function explore(args: string[]) {
  const out = await command(args).output();
  return { code: out.code, stderr: new TextDecoder().decode(out.stderr) };
}

const lockPath = (dir: string) => `${ROOT}${dir}/campaign.lock`;
const exists = (p: string) => Deno.stat(p).then(() => true, () => false);

async function waitFor(path: string): Promise<void> {
  const end = Date.now() + 30_000;
  while (!(await exists(path))) {
    if (Date.now() > end) throw new Error(`${path} did not appear`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

async function finish(child: Deno.ChildProcess) {
  const out = await child.output();
  return { code: out.code, stderr: new TextDecoder().decode(out.stderr) };
}

Deno.test("explore: a second process on a live campaign exits 2 with one line; the lock goes on normal exit", async () => {
  const config = await writeConfig();
  const dir = `${BASE}/two_${crypto.randomUUID().slice(0, 8)}`;
  const first = command(["--config", config, "--output-dir", dir]).spawn();
  await waitFor(`${ROOT}${dir}/phase1_checkpoint.json`);
  const second = await explore(["--continue-from", dir]);
  const firstDone = await finish(first);
  assertEquals(second.code, 2, second.stderr);
  const lines = second.stderr.trim().split("\n").filter((l) => !l.startsWith("Warning"));
  assertEquals(lines.length, 1, second.stderr);
  assert(lines[0].includes("in use by explore"), lines[0]);
  assertEquals(firstDone.code, 0, firstDone.stderr); // the first one was not disturbed
  assert(!(await exists(lockPath(dir))), "lock left after a normal exit");
});

Deno.test("explore: the lock is released on SIGTERM (143) and on a checkpoint exit (SIGUSR2, 75), and a kill -9'd owner's lock is taken over", async () => {
  const config = await writeConfig();
  const dir = `${BASE}/signals_${crypto.randomUUID().slice(0, 8)}`;
  const cases: [string[], Deno.Signal, number][] = [
    [["--config", config, "--output-dir", dir], "SIGTERM", 143],
    [["--continue-from", dir], "SIGUSR2", 75],
  ];
  let stopped = 0;
  for (const [args, signal, code] of cases) {
    const checkpoint = `${ROOT}${dir}/phase1_checkpoint.json`;
    await Deno.remove(checkpoint).catch(() => {});
    const child = command(args).spawn();
    await waitFor(checkpoint); // a fresh checkpoint: the run is under way
    child.kill(signal);
    const r = await finish(child);
    if (r.code === 0) continue; // finished before the signal: nothing to check
    stopped++;
    assertEquals(r.code, code, r.stderr);
    assert(!(await exists(lockPath(dir))), `lock left after ${signal}`);
  }
  assert(stopped > 0, "both runs finished before their signal; release not exercised");

  const child = command(["--continue-from", dir]).spawn();
  await waitFor(lockPath(dir));
  child.kill("SIGKILL");
  await finish(child);
  const resumed = await explore(["--continue-from", dir]);
  assertEquals(resumed.code, 0, resumed.stderr);
  assert(!(await exists(lockPath(dir))), "lock left after the resumed run");
  assert(resumed.stderr.includes("took over a stale lock"), resumed.stderr);
});
