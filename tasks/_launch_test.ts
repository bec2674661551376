import { assert, assertEquals } from "../tests/assert.ts";
import { PathAccessError, planLaunch, resolvePath } from "./_launch.ts";
import { TASKS } from "./_tasks.ts";
import { launchTask as launch } from "../tests/_test_launch.ts";

const ROOT = new URL("..", import.meta.url).pathname.replace(/\/$/, "");
const ROOT_ID = { uid: 0, gid: 0 };
/** An unprivileged user: mode bits decide (root passes every check, as the kernel lets it). */
const USER_ID = { uid: 54321, gid: 54321 };

function plan(name: string, args: string[], cwd = ROOT, who = ROOT_ID) {
  const p = planLaunch(ROOT, cwd, name, args, {}, who);
  if (p === "help") throw new Error("unexpected help");
  return p;
}

function throwsPathError(f: () => unknown, flag: string, path: string): PathAccessError {
  try {
    f();
  } catch (e) {
    assert(e instanceof PathAccessError, `expected PathAccessError, got ${e}`);
    assertEquals(e.flag, flag);
    assertEquals(e.path, path);
    assert(e.message.startsWith(`${flag}: cannot `), e.message);
    return e;
  }
  throw new Error("expected a PathAccessError");
}

Deno.test("resolvePath() joins relative paths and removes . and ..", () => {
  assertEquals(resolvePath("/a/b", "c/./d"), "/a/b/c/d");
  assertEquals(resolvePath("/a/b", "../c"), "/a/c");
  assertEquals(resolvePath("/a/b", "/x//y/"), "/x/y");
  assertEquals(resolvePath("/a", "my dir/f.yaml"), "/a/my dir/f.yaml");
});

Deno.test("planLaunch() grants a relative config with spaces and an absolute output dir", async () => {
  const tmp = await Deno.makeTempDir({ prefix: "launch plan " });
  try {
    await Deno.copyFile(`${ROOT}/configs/dry_run_test.yaml`, `${tmp}/my config.yaml`);
    const p = plan("explore", ["--config", "my config.yaml", `--output-dir=${tmp}/run`], tmp);
    assertEquals(p.args, ["--config", `${tmp}/my config.yaml`, `--output-dir=${tmp}/run`]);
    assert(p.read.includes(`${tmp}/my config.yaml`) && p.read.includes(ROOT));
    assert(p.write.includes(`${tmp}/run`));
    // exactly the named paths: not the parent, not the config's base_dir (--output-dir given)
    assert(!p.write.includes(tmp), p.write.join(" "));
    assert(!p.write.some((w) => w.endsWith("/exploration_results")), p.write.join(" "));
    // the config's codes_dir (default "codes", relative to the project) is written
    assert(p.write.includes(`${ROOT}/codes`), p.write.join(" "));
    assertEquals(p.command.slice(1, 4), ["run", "-q", "--no-prompt"]);
    assert(!p.command.some((a) => a.startsWith("-P") || a === "-A" || a === "--allow-all"));
    assertEquals(p.command.at(-4), `${ROOT}/tasks/explore.ts`);
  } finally {
    await Deno.remove(tmp, { recursive: true });
  }
});

Deno.test("planLaunch() grants the config's base_dir when no output dir is named", () => {
  const p = plan("explore", ["--config", "configs/dry_run_test.yaml"]);
  assert(p.write.includes(`${ROOT}/exploration_results`), p.write.join(" "));
});

Deno.test("planLaunch() rejects an unreadable path naming the flag", async () => {
  const tmp = await Deno.makeTempDir({ prefix: "launch_unreadable_" });
  try {
    throwsPathError(
      () => plan("explore", ["--config", "nope.yaml"], tmp),
      "--config",
      `${tmp}/nope.yaml`,
    );
    throwsPathError(() => plan("ldpc-curve", ["--matrix", tmp]), "--matrix", tmp);
    throwsPathError(() => plan("merge", [`${tmp}/none`]), "DIR", `${tmp}/none`);
    await Deno.writeTextFile(`${tmp}/secret.yaml`, "");
    await Deno.chmod(`${tmp}/secret.yaml`, 0o000);
    const e = throwsPathError(
      () => plan("explore", ["--config", `${tmp}/secret.yaml`], tmp, USER_ID),
      "--config",
      `${tmp}/secret.yaml`,
    );
    assert(e.message.endsWith("not readable"), e.message);
  } finally {
    await Deno.remove(tmp, { recursive: true });
  }
});

Deno.test("planLaunch() rejects an unwritable path naming the flag", async () => {
  const tmp = await Deno.makeTempDir({ prefix: "launch_unwritable_" });
  try {
    await Deno.writeTextFile(`${tmp}/file`, "");
    throwsPathError(
      () => plan("explore", ["--output-dir", "file/run"], tmp),
      "--output-dir",
      `${tmp}/file/run`,
    );
    throwsPathError(
      () => plan("codes", ["--codes-dir", `${tmp}/file`]),
      "--codes-dir",
      `${tmp}/file`,
    );
    await Deno.mkdir(`${tmp}/ro`);
    await Deno.chmod(`${tmp}/ro`, 0o555);
    const e = throwsPathError(
      () => plan("report", ["--campaign", `${tmp}/ro`], ROOT, USER_ID),
      "--campaign",
      `${tmp}/ro`,
    );
    assert(e.message.endsWith("not writable"), e.message);
    throwsPathError(
      () => plan("explore", ["--output-dir", `${tmp}/ro/new/run`], ROOT, USER_ID),
      "--output-dir",
      `${tmp}/ro/new/run`,
    );
    throwsPathError(() => plan("codes", ["--codes-dir", "/tmp/a,b"]), "--codes-dir", "/tmp/a,b");
  } finally {
    await Deno.remove(tmp, { recursive: true });
  }
});

Deno.test("planLaunch() answers --help for every task", () => {
  for (const name of Object.keys(TASKS)) {
    assertEquals(planLaunch(ROOT, ROOT, name, ["--help"], {}, ROOT_ID), "help", name);
  }
});

Deno.test("tasks/_launch.sh: bad paths give exit 2 and one line naming the flag, no Deno message", async () => {
  const tmp = await Deno.makeTempDir({ prefix: "launch sh " });
  try {
    await Deno.writeTextFile(`${tmp}/file`, "");
    const cases: [string[], string][] = [
      [["explore", "--config", "missing.yaml"], `--config: cannot read "${tmp}/missing.yaml"`],
      [["explore", "--output-dir", "file/run"], `--output-dir: cannot write "${tmp}/file/run"`],
      [["report", "--campaign", "nowhere"], `--campaign: cannot write "${tmp}/nowhere"`],
      [["ldpc-curve", "--matrix", "m.csr.txt"], `--matrix: cannot read "${tmp}/m.csr.txt"`],
      [["simulate", "--codes-dir", "file"], `--codes-dir: cannot write "${tmp}/file"`],
    ];
    for (const [args, expected] of cases) {
      const r = await launch(tmp, ...args);
      assertEquals(r.code, 2, `${args.join(" ")}: ${r.stderr}`);
      const lines = r.stderr.trim().split("\n");
      assertEquals(lines.length, 1, r.stderr);
      assert(lines[0].startsWith(`${args[0]}: ${expected}`), r.stderr);
      assert(!/Requires|NotCapable|experimental|\bat file:/.test(r.stderr), r.stderr);
    }
  } finally {
    await Deno.remove(tmp, { recursive: true });
  }
});

Deno.test("tasks/_launch.sh: --help exits 0 with the usage on stdout for every task", async () => {
  for (const name of Object.keys(TASKS)) {
    const r = await launch(ROOT, name, "--help");
    assertEquals(r.code, 0, `${name}: ${r.stderr}`);
    assert(r.stdout.startsWith(`usage: ./deno task ${name}`), r.stdout);
    assertEquals(r.stderr, "", name);
  }
});

Deno.test("tasks/_launch.sh: a relative matrix path with spaces runs from another directory", async () => {
  const tmp = await Deno.makeTempDir({ prefix: "launch matrix " });
  try {
    await Deno.copyFile(
      `${ROOT}/tests/fixtures/ldpc_caligo_4096_r050.csr.txt`,
      `${tmp}/my matrix.csr.txt`,
    );
    const r = await launch(
      tmp,
      "ldpc-curve",
      "--matrix",
      "my matrix.csr.txt",
      "--qber",
      "0.02",
      "--frames",
      "2",
      "--json",
    );
    assertEquals(r.code, 0, r.stderr);
    assertEquals(JSON.parse(r.stdout).matrix, `${tmp}/my matrix.csr.txt`);
    assertEquals(r.stderr, "");
  } finally {
    await Deno.remove(tmp, { recursive: true });
  }
});
