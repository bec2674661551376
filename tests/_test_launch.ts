/**
 * Test support: run a task through the project's launcher from a directory, as `deno task` would
 * (INIT_CWD set to that directory), and collect exit code, stdout and stderr.
 * @module
 */

const ROOT = new URL("..", import.meta.url).pathname.replace(/\/$/, "");

/** Run `tasks/_launch.sh ...args` from `cwd`. */
export async function launchTask(cwd: string, ...args: string[]) {
  const out = await new Deno.Command("bash", {
    args: [`${ROOT}/tasks/_launch.sh`, ...args],
    cwd,
    env: { INIT_CWD: cwd, NO_COLOR: "1" },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const d = new TextDecoder();
  return { code: out.code, stdout: d.decode(out.stdout), stderr: d.decode(out.stderr) };
}
