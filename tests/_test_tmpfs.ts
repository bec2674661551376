/**
 * Test support: a small real file system that fills up (docs/faults.md "A full disk"). Needs root
 * where `mount -t tmpfs` is allowed: guard the test with `REQUIREMENTS.tmpfsMount`
 * (tests/requires.ts).
 * @module
 */

function run(cmd: string, args: string[]): void {
  const r = new Deno.Command(cmd, { args, stdout: "null", stderr: "piped" }).outputSync();
  if (!r.success) {
    throw new Error(`${cmd} ${args.join(" ")}: ${new TextDecoder().decode(r.stderr)}`);
  }
}

/**
 * Mount a tmpfs of `kib` KiB on `dir` (created; default a new directory under /tmp).
 * @returns the directory and its unmount (lazy: a store closed after a failed write may keep its
 * file descriptor until the process ends), which also removes a directory it created
 */
export function mountTmpfs(kib: number, dir?: string): { dir: string; unmount: () => void } {
  const at = dir ?? Deno.makeTempDirSync({ prefix: "caligo_tmpfs_" });
  Deno.mkdirSync(at, { recursive: true });
  run("mount", ["-t", "tmpfs", "-o", `size=${kib}k`, "tmpfs", at]);
  return {
    dir: at,
    unmount: () => {
      run("umount", ["--lazy", at]);
      if (dir === undefined) Deno.removeSync(at);
    },
  };
}

/** Free bytes of the file system holding `dir` (`df`). */
export function availableBytes(dir: string): number {
  const out = new Deno.Command("df", { args: ["--output=avail", "-B1", dir] }).outputSync();
  return Number(new TextDecoder().decode(out.stdout).trim().split("\n").at(-1));
}
