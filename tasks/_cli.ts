/**
 * The common ending of the small task CLIs: run `main`, print a one-line message and exit 2 for
 * usage and configuration errors (the project's typed errors and node:util parseArgs errors),
 * let anything else surface with its stack, and always end with `Deno.exit` so that no worker
 * left running can keep the process alive.
 */
import { CaligoError } from "../lib/errors.ts";

/** Whether `e` is an error of node:util `parseArgs` (unknown option, missing value, …). */
export function isParseArgsError(e: unknown): boolean {
  const code = (e as { code?: unknown })?.code;
  return typeof code === "string" && code.startsWith("ERR_PARSE_ARGS");
}

/** Run a task's `main` and exit with its code (2 with a one-line message on bad input). */
export async function runTask(name: string, main: () => number | Promise<number>): Promise<never> {
  let code: number;
  try {
    code = await main();
  } catch (e) {
    if (e instanceof CaligoError || isParseArgsError(e)) {
      console.error(`${name}: ${(e as Error).message}`);
      code = 2;
    } else {
      throw e;
    }
  }
  Deno.exit(code);
}
