/**
 * The common ending of the task CLIs: run `main`, print a one-line message and exit 2 for usage
 * and configuration errors (the project's typed errors, flag errors, a path the run may not or
 * cannot use), exit 1 with one line for anything else (the stack only with `CALIGO_DEBUG=1`),
 * and always end with `Deno.exit` so that no worker left running can keep the process alive.
 * @module
 */
import { CaligoError, ConfigError, UsageError } from "../lib/errors.ts";
import {
  decoderFlagValues,
  decoderForFlag,
  type DecoderName,
} from "../lib/kernels/ldpc/decoder_registry.ts";

/**
 * The decoder named by a `--decoder` flag value.
 * @throws UsageError listing the accepted values
 */
export function parseDecoderFlag(text: string): DecoderName {
  const name = decoderForFlag(text);
  if (name === undefined) {
    throw new UsageError(
      `--decoder: expected one of ${decoderFlagValues().join(", ")}, got ${JSON.stringify(text)}`,
    );
  }
  return name;
}

/** Whether `e` is an error of node:util `parseArgs` (unknown option, missing value, …). */
export function isParseArgsError(e: unknown): boolean {
  const code = (e as { code?: unknown })?.code;
  return typeof code === "string" && code.startsWith("ERR_PARSE_ARGS");
}

/**
 * Whether `e` says a file could not be used: Deno's permission errors (`NotCapable`, the path
 * was not granted) or the operating system's (`PermissionDenied`, `NotFound`, …).
 */
export function isPathError(e: unknown): boolean {
  return e instanceof Deno.errors.NotCapable || e instanceof Deno.errors.PermissionDenied ||
    e instanceof Deno.errors.NotFound || e instanceof Deno.errors.NotADirectory ||
    e instanceof Deno.errors.IsADirectory;
}

/** One line for an unexpected error; its stack only when `CALIGO_DEBUG=1`. */
export function unexpectedErrorLine(e: unknown): string {
  let debug = false;
  try {
    debug = Deno.permissions.querySync({ name: "env", variable: "CALIGO_DEBUG" }).state ===
        "granted" && Deno.env.get("CALIGO_DEBUG") === "1";
  } catch { /* no env permission */ }
  const err = e as Error;
  if (debug) return `${err?.stack ?? e}`;
  return `${err?.name ?? "Error"}: ${err?.message ?? e} (CALIGO_DEBUG=1 prints the stack)`;
}

/** Run a task's `main` and exit with its code (2 with a one-line message on bad input). */
export async function runTask(name: string, main: () => number | Promise<number>): Promise<never> {
  let code: number;
  try {
    code = await main();
  } catch (e) {
    if (e instanceof CaligoError || isParseArgsError(e) || isPathError(e)) {
      console.error(`${name}: ${(e as Error).message}`);
      code = 2;
    } else {
      console.error(`${name}: unexpected error: ${unexpectedErrorLine(e)}`);
      code = 1;
    }
  }
  Deno.exit(code);
}

/**
 * Print `e` for a campaign CLI and return its exit code: 2 for bad usage, configuration, a path
 * that cannot be used or any of `usageErrors` (one line, no stack); 1 for the project's other
 * errors (name and message) and for anything unexpected (one line; stack with CALIGO_DEBUG=1).
 */
export function campaignErrorExitCode(
  e: unknown,
  // deno-lint-ignore no-explicit-any
  usageErrors: readonly (new (...args: any[]) => Error)[] = [],
): number {
  if (
    e instanceof UsageError || e instanceof ConfigError || isPathError(e) ||
    usageErrors.some((c) => e instanceof c)
  ) {
    console.error(`error: ${(e as Error).message}`);
    return 2;
  }
  if (e instanceof CaligoError) {
    console.error(`error: ${e.name}: ${e.message}`);
    return 1;
  }
  console.error(`fatal: ${unexpectedErrorLine(e)}`);
  return 1;
}
