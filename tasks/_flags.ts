/**
 * The one flag parser of the task CLIs. Each task declares its flags once, in
 * {@link TASKS} of `tasks/_tasks.ts` (type, default, whether the value is a path and how the run
 * uses it); the launcher (`tasks/_launch.ts`) reads the same table to grant exactly the named
 * paths, and the task reads its values with {@link parseTaskFlags} and the typed getters below,
 * which all word their errors the same way: `--flag: expected …, got "…"` (a {@link UsageError},
 * exit 2).
 * @module
 */
import { parseArgs } from "node:util";
import { UsageError } from "../lib/errors.ts";

/** How a run uses a path-valued flag: the launcher grants and checks it accordingly. */
export type PathAccess =
  /** an existing file the task reads */
  | "read-file"
  /** an existing directory the task reads */
  | "read-dir"
  /** an existing directory the task reads and writes (a campaign directory) */
  | "update-dir"
  /** a directory the task creates if needed and writes */
  | "write-dir";

/** One flag of a task. */
export interface FlagSpec {
  type: "string" | "boolean";
  short?: string;
  multiple?: boolean;
  /** Default text (strings) or value (booleans), used by the task and shown in `--help`. */
  default?: string | boolean;
  /** Set for path-valued flags: the launcher grants and checks the path. */
  path?: PathAccess;
  /** Hidden from `--help` (benchmark knobs). */
  hidden?: boolean;
}

/** Parsed values: strings, booleans and (for `multiple`) string arrays. */
export type FlagValues = Record<string, string | boolean | string[] | undefined>;

/** The declaration of one task: its file, usage text, flags and positional arguments. */
export interface TaskSpec {
  /** Entry file, relative to the project root. */
  file: string;
  /** First line of `--help`, after "usage: ./deno task <name>". */
  usage: string;
  /** One-line description for `--help` and the README. */
  summary: string;
  flags: Record<string, FlagSpec>;
  /** Positional arguments (name shown in errors, path access if they are paths). */
  positionals?: { name: string; path?: PathAccess; optional?: boolean }[];
  /** Flag (or positional name) naming a campaign YAML whose path keys the run also uses. */
  configFlag?: string;
  /** Flag naming a campaign directory whose `config.resolved.yaml` the run reads. */
  campaignFlag?: string;
  /** Project-relative default config when `configFlag` is absent (explore). */
  defaultConfig?: string;
  /**
   * Directories named in the config (or its defaults) that the run writes, each unless one of
   * the `unless` flags is given (e.g. `output.base_dir` unless `--output-dir`).
   */
  configPaths?: {
    key: "output.base_dir" | "simulation.reconciliation.codes_dir";
    unless?: string[];
  }[];
  /** Whether the run loads BLAS/LAPACK through FFI. */
  ffi?: boolean;
  /** Whether the run renders figures (system fonts). */
  fonts?: boolean;
}

/** Parsed flags and positionals of one task. */
export interface ParsedFlags {
  values: FlagValues;
  positionals: string[];
  /** Where each flag and positional sits in the arguments (the launcher rewrites path values). */
  tokens: FlagToken[];
}

/** A parsed flag or positional and its place in the arguments. */
export type FlagToken =
  | { kind: "option"; name: string; rawName: string; index: number; inlineValue?: boolean }
  | { kind: "positional"; index: number; value: string }
  | { kind: "option-terminator"; index: number };

/**
 * Parse `args` against a task's flags (strict: unknown flags and missing values are
 * {@link UsageError}s naming the flag). Defaults are filled in.
 * @example
 * ```ts
 * import { parseTaskFlags } from "./_flags.ts";
 * const spec = { file: "x.ts", usage: "", summary: "", flags: { n: { type: "string" as const, default: "3" } } };
 * console.assert(parseTaskFlags(spec, ["--n=4"]).values.n === "4");
 * ```
 */
export function parseTaskFlags(spec: TaskSpec, args: readonly string[]): ParsedFlags {
  const options: Record<
    string,
    { type: "string" | "boolean"; short?: string; multiple?: boolean; default?: string | boolean }
  > = {};
  for (const [name, f] of Object.entries(spec.flags)) {
    options[name] = { type: f.type };
    if (f.short) options[name].short = f.short;
    if (f.multiple) options[name].multiple = true;
    if (f.default !== undefined) options[name].default = f.default;
  }
  options.help ??= { type: "boolean", short: "h" };
  try {
    const { values, positionals, tokens } = parseArgs({
      args: [...args],
      options,
      strict: true,
      allowPositionals: (spec.positionals?.length ?? 0) > 0,
      tokens: true,
    });
    const max = spec.positionals?.length ?? 0;
    if (positionals.length > max) {
      throw new UsageError(
        `unexpected argument ${JSON.stringify(positionals[max])}${
          max === 0 ? " (this task takes flags only)" : ""
        }`,
      );
    }
    return { values: values as FlagValues, positionals, tokens: tokens as FlagToken[] };
  } catch (e) {
    if (e instanceof UsageError) throw e;
    throw new UsageError((e as Error).message.replace(/\. To specify a positional.*$/s, ""));
  }
}

/** The `--help` text of a task: usage line, summary and the flags with their defaults. */
export function helpText(name: string, spec: TaskSpec): string {
  const lines = [`usage: ./deno task ${name} ${spec.usage}`, "", spec.summary, ""];
  for (const [flag, f] of Object.entries(spec.flags)) {
    if (f.hidden) continue;
    const short = f.short ? `-${f.short}, ` : "";
    const value = f.type === "string" ? (f.path ? " PATH" : " VALUE") : "";
    const def = f.type === "string" && f.default !== undefined ? `  (default ${f.default})` : "";
    lines.push(`  ${short}--${flag}${value}${def}`);
  }
  lines.push("  -h, --help");
  return lines.join("\n");
}

/** A string flag's value (undefined when absent and without default). */
export function stringFlag(values: FlagValues, flag: string): string | undefined {
  const v = values[flag];
  return typeof v === "string" ? v : undefined;
}

function fail(flag: string, expected: string, text: string): never {
  throw new UsageError(`--${flag}: expected ${expected}, got ${JSON.stringify(text)}`);
}

/**
 * A number flag; `check` returns the wording of what is expected when the value is not allowed.
 * @example
 * ```ts
 * import { numberFlag } from "./_flags.ts";
 * console.assert(numberFlag({ x: "1e3" }, "x") === 1000);
 * ```
 */
export function numberFlag(
  values: FlagValues,
  flag: string,
  options: { integer?: boolean; min?: number; max?: number; exclusiveMin?: boolean } = {},
): number | undefined {
  const text = stringFlag(values, flag);
  if (text === undefined) return undefined;
  return parseNumberText(flag, text, options);
}

/** {@link numberFlag} for a value known to be present (a flag with a default). */
export function requiredNumberFlag(
  values: FlagValues,
  flag: string,
  options: { integer?: boolean; min?: number; max?: number; exclusiveMin?: boolean } = {},
): number {
  const v = numberFlag(values, flag, options);
  if (v === undefined) throw new UsageError(`--${flag}: missing`);
  return v;
}

/** A comma-separated list of numbers, each checked as in {@link numberFlag}. */
export function numberListFlag(
  values: FlagValues,
  flag: string,
  options: { integer?: boolean; min?: number; max?: number; exclusiveMin?: boolean } = {},
): number[] | undefined {
  const text = stringFlag(values, flag);
  if (text === undefined) return undefined;
  return text.split(",").map((t) => parseNumberText(flag, t, options));
}

function parseNumberText(
  flag: string,
  text: string,
  o: { integer?: boolean; min?: number; max?: number; exclusiveMin?: boolean },
): number {
  const kind = o.integer ? "an integer" : "a number";
  const lo = o.min === undefined ? "" : ` ${o.exclusiveMin ? ">" : "≥"} ${o.min}`;
  const hi = o.max === undefined ? "" : `${lo ? " and" : ""} ≤ ${o.max}`;
  const expected = `${kind}${lo}${hi}`;
  const x = Number(text);
  if (text.trim() === "" || !Number.isFinite(x)) fail(flag, expected, text);
  if (o.integer && !Number.isSafeInteger(x)) fail(flag, expected, text);
  if (o.min !== undefined && (o.exclusiveMin ? !(x > o.min) : !(x >= o.min))) {
    fail(flag, expected, text);
  }
  if (o.max !== undefined && !(x <= o.max)) fail(flag, expected, text);
  return x;
}

/** A flag whose value must be one of `allowed`. */
export function choiceFlag<T extends string>(
  values: FlagValues,
  flag: string,
  allowed: readonly T[],
): T | undefined {
  const text = stringFlag(values, flag);
  if (text === undefined) return undefined;
  if (!(allowed as readonly string[]).includes(text)) {
    fail(flag, `one of ${allowed.join(", ")}`, text);
  }
  return text as T;
}
