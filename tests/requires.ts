/**
 * Tests that need a system package. On a machine with only bash, node and npm, such a test is
 * skipped with one line naming the package to install; every other test runs. CI (`.ci/run`)
 * installs the packages and sets `CALIGO_REQUIRE_ALL=1`, under which a missing package fails the
 * test instead, so CI still proves them all. `CALIGO_HIDE_PACKAGES=h5dump,chromium` makes the
 * named requirements look absent (to check the skip path).
 * @module
 */
import { OPENBLAS_PATH } from "../lib/io/blas_loader.ts";

/** A system package a test needs: its Debian name and whether it is present here. */
export interface Requirement {
  /** Short name used by CALIGO_HIDE_PACKAGES (e.g. "h5dump"). */
  name: string;
  /** What to install (e.g. "apt-get install hdf5-tools"). */
  install: string;
  present: () => boolean;
}

function env(name: string): string | undefined {
  try {
    return Deno.env.get(name);
  } catch {
    return undefined;
  }
}

function commandWorks(cmd: string, args: string[]): boolean {
  try {
    return new Deno.Command(cmd, { args, stdout: "null", stderr: "null" }).outputSync().success;
  } catch {
    return false;
  }
}

function fileExists(path: string): boolean {
  try {
    return Deno.statSync(path).isFile;
  } catch {
    return false;
  }
}

/** The requirements the test suite knows. */
export const REQUIREMENTS = {
  h5dump: {
    name: "h5dump",
    install: "apt-get install hdf5-tools",
    present: () => commandWorks("h5dump", ["--version"]),
  },
  h5py: {
    name: "h5py",
    install: "apt-get install python3-h5py",
    present: () => commandWorks("/usr/bin/python3", ["-c", "import h5py"]),
  },
  chromium: {
    name: "chromium",
    install: "apt-get install chromium",
    present: () => commandWorks("chromium", ["--version"]),
  },
  openblas: {
    name: "openblas",
    install: "apt-get install libopenblas0-pthread",
    present: () => fileExists(OPENBLAS_PATH),
  },
  blisShim: {
    name: "blis-shim",
    install: "apt-get install libblis4-pthread libflame1 binutils && bash tools/build_la_shim.sh",
    present: () => fileExists(new URL("../native/libla_blis_flame.so", import.meta.url).pathname),
  },
  slurm: {
    name: "slurm",
    install: "apt-get install slurmctld slurmd slurm-client munge (and run as root)",
    present: () =>
      commandWorks("slurmctld", ["-V"]) && commandWorks("munged", ["--version"]) &&
      commandWorks("id", ["-u"]) && new TextDecoder().decode(
          new Deno.Command("id", { args: ["-u"], stdout: "piped" }).outputSync().stdout,
        ).trim() === "0",
  },
  clang: {
    name: "clang",
    install: "apt-get install clang lld",
    present: () => commandWorks("clang", ["--version"]) && commandWorks("wasm-ld", ["--version"]),
  },
  tmpfsMount: {
    name: "tmpfs-mount",
    install: "root where `mount -t tmpfs` is allowed (a container needs CAP_SYS_ADMIN)",
    present: tmpfsMountable,
  },
} satisfies Record<string, Requirement>;

/** Whether this process may mount a tmpfs: a 64 KB one is mounted and unmounted in /tmp. */
function tmpfsMountable(): boolean {
  let dir: string | undefined;
  try {
    dir = Deno.makeTempDirSync({ prefix: "caligo_mount_probe_" });
    if (!commandWorks("mount", ["-t", "tmpfs", "-o", "size=64k", "tmpfs", dir])) return false;
    return commandWorks("umount", [dir]);
  } catch {
    return false;
  } finally {
    if (dir !== undefined) {
      try {
        Deno.removeSync(dir);
      } catch { /* still mounted: leave the empty directory */ }
    }
  }
}

/** The requirements of `needs` that are missing here (or hidden by CALIGO_HIDE_PACKAGES). */
export function missingRequirements(needs: readonly Requirement[]): Requirement[] {
  const hidden = (env("CALIGO_HIDE_PACKAGES") ?? "").split(",").map((s) => s.trim());
  return needs.filter((r) => hidden.includes(r.name) || !r.present());
}

/**
 * `Deno.test` for a test that needs system packages: runs it when they are present; otherwise
 * prints one line `skip: <name>: needs <install>` and ignores it, or, with
 * `CALIGO_REQUIRE_ALL=1`, fails it with that reason.
 * @example
 * ```ts ignore
 * testNeeding([REQUIREMENTS.h5dump], "store: h5dump reads the rows", async () => { … });
 * ```
 */
export function testNeeding(
  needs: readonly Requirement[],
  name: string,
  fn: (t: Deno.TestContext) => void | Promise<void>,
  options: Omit<Deno.TestDefinition, "name" | "fn" | "ignore"> = {},
): void {
  const missing = missingRequirements(needs);
  const reason = missing.map((r) => r.install).join("; ");
  const strict = env("CALIGO_REQUIRE_ALL") === "1";
  if (missing.length > 0 && !strict) console.error(`skip: ${name}: needs ${reason}`);
  Deno.test({
    ...options,
    name,
    ignore: missing.length > 0 && !strict,
    fn: missing.length > 0
      ? () => {
        throw new Error(`CALIGO_REQUIRE_ALL=1 but a package is missing: ${reason}`);
      }
      : fn,
  });
}

/**
 * For a `Deno.test({ ignore })` of test `name` that needs `needs`: true (skip) when a requirement
 * is missing, after printing the one skip line; false under `CALIGO_REQUIRE_ALL=1` (the test runs
 * and fails on the missing package).
 */
export function ignoreUnless(needs: readonly Requirement[], name: string): boolean {
  const missing = missingRequirements(needs);
  if (missing.length === 0 || env("CALIGO_REQUIRE_ALL") === "1") return false;
  console.error(`skip: ${name}: needs ${missing.map((r) => r.install).join("; ")}`);
  return true;
}
