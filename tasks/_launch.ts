/**
 * The permission planner of the task launcher `tasks/_launch.sh` (one launcher for `deno task`
 * and the SLURM templates). Deno cannot widen a running program's permissions, so the launcher
 * runs this file first, with read access and nothing else that matters, to compute the exact
 * grants of one run; then it `exec`s the task with them (no parent process stays behind).
 *
 *   deno run -q --allow-read --allow-env --allow-sys=uid,gid --allow-write=PLAN \
 *     tasks/_launch.ts ROOT CALLER_CWD PLAN TASK [ARGS...]
 *
 * It parses ARGS with the task's declaration in `tasks/_tasks.ts`, resolves every path-valued
 * flag and positional against CALLER_CWD (the directory `deno task` or the user started from),
 * checks that each can be read or written (else exit 2 with one line naming the flag and the
 * path), reads the config the run will use for the directories it names (`output.base_dir`,
 * `simulation.reconciliation.codes_dir`, relative to the project root), and writes to PLAN the
 * NUL-separated command line:
 *
 *   ROOT/deno run -q --no-prompt --allow-read=ROOT,<fonts>,<named paths> \
 *     --allow-write=<named paths> --allow-env --allow-sys=… [--allow-ffi=<BLAS files>] \
 *     ROOT/tasks/<task>.ts ARGS (paths made absolute)
 *
 * `--help` prints the task's usage to stdout and writes an empty plan (exit 0).
 * @module
 */
import { ConfigError, UsageError } from "../lib/errors.ts";
import { parseConfig } from "../lib/io/config.ts";
import { blasCandidates } from "../lib/io/blas_loader.ts";
import { helpText, parseTaskFlags, type PathAccess, type TaskSpec } from "./_flags.ts";
import { TASKS } from "./_tasks.ts";

/** Directory of the DejaVu fonts the figure renderer reads. */
export const FONTS_DIR = "/usr/share/fonts/truetype/dejavu";
/** `--allow-sys` of every task (worker counts, host name and load in the logs). */
export const SYS_GRANTS = "hostname,osRelease,loadavg,systemMemoryInfo";
/** BLAS/LAPACK libraries a task may load, besides `CALIGO_BLAS` / `CALIGO_LAPACK`. */
export const FFI_LIBRARIES = [
  "/usr/lib/x86_64-linux-gnu/openblas-pthread/libopenblas.so.0",
  "/usr/lib/x86_64-linux-gnu/blis-pthread/libblis.so.4",
  "native/libla_blis_flame.so",
  "native/libla_aocl.so",
];

/** A path that cannot be used as its flag says: the launcher prints it and exits 2. */
export class PathAccessError extends UsageError {
  constructor(readonly flag: string, readonly path: string, verb: string, reason: string) {
    super(`${flag}: cannot ${verb} ${JSON.stringify(path)}: ${reason}`);
  }
}

/** The grants and the rewritten arguments of one run. */
export interface LaunchPlan {
  read: string[];
  write: string[];
  ffi: string[];
  /** The task's arguments with every path made absolute. */
  args: string[];
  /** The full command line to exec. */
  command: string[];
}

function isAbsolute(p: string): boolean {
  return p.startsWith("/");
}

/** `p` made absolute against `base`, with `.` and `..` segments and repeated slashes removed. */
export function resolvePath(base: string, p: string): string {
  const joined = isAbsolute(p) ? p : `${base}/${p}`;
  const out: string[] = [];
  for (const seg of joined.split("/")) {
    if (seg === "" || seg === ".") continue;
    if (seg === "..") out.pop();
    else out.push(seg);
  }
  return "/" + out.join("/");
}

function parentOf(p: string): string {
  const i = p.lastIndexOf("/");
  return i <= 0 ? "/" : p.slice(0, i);
}

function statOrNull(p: string): Deno.FileInfo | null {
  try {
    return Deno.statSync(p);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound || e instanceof Deno.errors.NotADirectory) return null;
    throw e;
  }
}

/** Identity for mode-bit checks; root passes every check, as the kernel lets it. */
interface Identity {
  uid: number | null;
  gid: number | null;
}

function identity(): Identity {
  try {
    return { uid: Deno.uid(), gid: Deno.gid() };
  } catch {
    return { uid: null, gid: null };
  }
}

/**
 * Whether the mode bits allow `want` (4 read, 2 write, 1 search) to `who`. Supplementary groups
 * are not visible to Deno, so any group or other bit that allows the access is accepted (the
 * check errs towards letting the task try).
 */
function allows(info: Deno.FileInfo, want: number, who: Identity): boolean {
  if (who.uid === 0 || who.uid === null || info.mode === null) return true;
  const mode = info.mode;
  if (info.uid === who.uid) return ((mode >> 6) & want) === want;
  return ((mode >> 3) & want) === want || (mode & want) === want;
}

/** Check that `path` can be used with `access`; throws {@link PathAccessError} otherwise. */
export function checkPath(flag: string, path: string, access: PathAccess, who: Identity): void {
  if (path.includes(",")) {
    throw new PathAccessError(
      flag,
      path,
      "use",
      "Deno's permission flags cannot name a path containing ','; rename it or use a link",
    );
  }
  const verb = access === "read-file" || access === "read-dir" ? "read" : "write";
  const fail = (reason: string) => new PathAccessError(flag, path, verb, reason);
  const info = statOrNull(path);
  switch (access) {
    case "read-file":
      if (info === null) throw fail("not found");
      if (info.isDirectory) throw fail("is a directory, expected a file");
      if (!allows(info, 4, who)) throw fail("not readable");
      return;
    case "read-dir":
    case "update-dir": {
      if (info === null) throw fail("no such directory");
      if (!info.isDirectory) throw fail("not a directory");
      const want = access === "read-dir" ? 5 : 7;
      if (!allows(info, want, who)) {
        throw fail(access === "read-dir" ? "not readable" : "not writable");
      }
      return;
    }
    case "write-dir": {
      if (info !== null) {
        if (!info.isDirectory) throw fail("it is not a directory");
        if (!allows(info, 3, who)) throw fail("not writable");
        return;
      }
      // a directory to create: the nearest existing ancestor must be a writable directory
      let up = parentOf(path);
      let upInfo = statOrNull(up);
      while (upInfo === null && up !== "/") {
        up = parentOf(up);
        upInfo = statOrNull(up);
      }
      if (upInfo === null || !upInfo.isDirectory) {
        throw fail(`${up} is not a directory`);
      }
      if (!allows(upInfo, 3, who)) {
        throw fail(`cannot create it in ${up} (not writable)`);
      }
      return;
    }
  }
}

function configValue(
  config: Record<string, unknown>,
  key: string,
): string | undefined {
  let v: unknown = config;
  for (const part of key.split(".")) v = (v as Record<string, unknown> | undefined)?.[part];
  return typeof v === "string" ? v : undefined;
}

/**
 * The plan of one run of task `name` with `args`, started from `callerCwd`, for the project at
 * `root`.
 * @throws UsageError (exit 2) for bad flags or unusable paths
 */
export function planLaunch(
  root: string,
  callerCwd: string,
  name: string,
  args: readonly string[],
  env: Record<string, string | undefined>,
  who: Identity = identity(),
): LaunchPlan | "help" {
  const spec: TaskSpec | undefined = Object.hasOwn(TASKS, name)
    ? (TASKS as Record<string, TaskSpec>)[name]
    : undefined;
  if (spec === undefined) {
    throw new UsageError(
      `unknown task ${JSON.stringify(name)}; tasks: ${Object.keys(TASKS).join(", ")}`,
    );
  }
  const parsed = parseTaskFlags(spec, args);
  if (parsed.values.help === true) return "help";
  const out = [...args];
  const read = new Set<string>([root]);
  const write = new Set<string>();
  const given = new Set<string>();
  const absOf = new Map<string, string>();
  const grant = (access: PathAccess, p: string) => {
    read.add(p);
    if (access === "update-dir" || access === "write-dir") write.add(p);
  };
  let positional = 0;
  for (const t of parsed.tokens) {
    if (t.kind === "option") {
      given.add(t.name);
      const access = spec.flags[t.name]?.path;
      const value = parsed.values[t.name];
      if (access === undefined || typeof value !== "string") continue;
      const abs = resolvePath(callerCwd, value);
      checkPath(`--${t.name}`, abs, access, who);
      grant(access, abs);
      absOf.set(t.name, abs);
      if (t.inlineValue) out[t.index] = `${t.rawName}=${abs}`;
      else out[t.index + 1] = abs;
    } else if (t.kind === "positional") {
      const p = spec.positionals?.[positional++];
      if (p?.path === undefined) continue;
      const abs = resolvePath(callerCwd, t.value);
      checkPath(p.name, abs, p.path, who);
      grant(p.path, abs);
      absOf.set(p.name, abs);
      out[t.index] = abs;
    }
  }
  // flag defaults that are paths (--codes-dir codes): relative to the project root
  for (const [flag, f] of Object.entries(spec.flags)) {
    if (f.path === undefined || given.has(flag) || typeof f.default !== "string") continue;
    const abs = resolvePath(root, f.default);
    checkPath(`--${flag} (default)`, abs, f.path, who);
    grant(f.path, abs);
  }
  if (spec.configPaths !== undefined) {
    const config = runConfig(root, spec, absOf, env);
    for (const { key, unless } of spec.configPaths) {
      if (unless?.some((f) => given.has(f))) continue;
      const value = configValue(config ?? {}, key) ?? undefined;
      if (value === undefined) continue;
      const abs = resolvePath(root, value);
      checkPath(key, abs, "write-dir", who);
      grant("write-dir", abs);
    }
  }
  if (spec.fonts && statOrNull(FONTS_DIR) !== null) read.add(FONTS_DIR);
  const ffi: string[] = [];
  if (spec.ffi) {
    const files = [
      ...blasCandidates({ candidates: [], useEnv: true }).flatMap((c) => [c.blas, c.lapack]),
      ...FFI_LIBRARIES,
    ];
    for (const f of files.map((f) => resolvePath(root, f))) {
      if (!ffi.includes(f) && !f.includes(",") && statOrNull(f)?.isFile) ffi.push(f);
    }
  }
  const command = [
    `${root}/deno`,
    "run",
    "-q",
    "--no-prompt",
    `--allow-read=${[...read].join(",")}`,
    ...(write.size > 0 ? [`--allow-write=${[...write].join(",")}`] : []),
    "--allow-env",
    `--allow-sys=${SYS_GRANTS}`,
    ...(ffi.length > 0 ? [`--allow-ffi=${ffi.join(",")}`] : []),
    `${root}/${spec.file}`,
    ...out,
  ];
  return { read: [...read], write: [...write], ffi, args: out, command };
}

/**
 * The parsed config the run will use: its `--config`, else the campaign directory's
 * `config.resolved.yaml`, else the task's default config, else the defaults. A config that does
 * not parse grants nothing: the task itself reports the error.
 */
function runConfig(
  root: string,
  spec: TaskSpec,
  absOf: Map<string, string>,
  env: Record<string, string | undefined>,
): Record<string, unknown> | null {
  const campaign = spec.campaignFlag === undefined ? undefined : absOf.get(spec.campaignFlag);
  const fromCampaign = campaign === undefined ? undefined : `${campaign}/config.resolved.yaml`;
  const path = (spec.campaignFlag === "continue-from" ? fromCampaign : undefined) ??
    (spec.configFlag === undefined ? undefined : absOf.get(spec.configFlag)) ??
    fromCampaign ??
    (spec.defaultConfig === undefined ? undefined : resolvePath(root, spec.defaultConfig));
  let text = "";
  if (path !== undefined) {
    try {
      text = Deno.readTextFileSync(path);
    } catch {
      return null;
    }
  }
  try {
    return parseConfig(text, env, path ?? "<defaults>").config as unknown as Record<
      string,
      unknown
    >;
  } catch (e) {
    if (e instanceof ConfigError) return null;
    throw e;
  }
}

function main(argv: string[]): number {
  const [root, callerCwd, planFile, name, ...args] = argv;
  if (planFile === undefined || name === undefined) {
    console.error("usage: tasks/_launch.sh TASK [ARGS...]");
    return 2;
  }
  try {
    const plan = planLaunch(root, callerCwd, name, args, Deno.env.toObject());
    if (plan === "help") {
      console.log(helpText(name, (TASKS as Record<string, TaskSpec>)[name]));
      Deno.writeTextFileSync(planFile, "");
      return 0;
    }
    Deno.writeTextFileSync(planFile, plan.command.map((a) => a + "\0").join(""));
    return 0;
  } catch (e) {
    if (e instanceof UsageError) {
      console.error(`${name}: ${e.message}`);
      if (!(e instanceof PathAccessError)) console.error(`see: ./deno task ${name} --help`);
      return 2;
    }
    console.error(`${name}: launcher: ${(e as Error)?.message ?? e}`);
    return 1;
  }
}

if (import.meta.main) Deno.exit(main(Deno.args));
