/**
 * The common ending of the small task CLIs: run `main`, print a one-line message and exit 2 for
 * usage and configuration errors (the project's typed errors and node:util parseArgs errors),
 * let anything else surface with its stack, and always end with `Deno.exit` so that no worker
 * left running can keep the process alive.
 */
import { CaligoError, ConfigError, UsageError } from "../lib/errors.ts";
import type { DecoderName } from "../lib/kernels/ldpc/decoder.ts";

/** `--decoder` values: the decoder names plus Caligo's short names (spa, minsum). */
const DECODER_FLAGS: Record<string, DecoderName> = {
  spa: "spa-flooding",
  minsum: "nms-layered",
  "nms-layered": "nms-layered",
  "nms-simd": "nms-simd",
  "spa-layered": "spa-layered",
  "spa-simd": "spa-simd",
  "spa-flooding": "spa-flooding",
};

/**
 * The decoder named by a `--decoder` flag value.
 * @throws UsageError listing the accepted values
 */
export function parseDecoderFlag(text: string): DecoderName {
  const name = Object.hasOwn(DECODER_FLAGS, text) ? DECODER_FLAGS[text] : undefined;
  if (name === undefined) {
    throw new UsageError(
      `--decoder: expected one of ${Object.keys(DECODER_FLAGS).join(", ")}, got ${
        JSON.stringify(text)
      }`,
    );
  }
  return name;
}

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

/**
 * Print `e` for a campaign CLI and return its exit code: 2 for bad usage, configuration, a
 * missing permission or any of `usageErrors` (one line, no stack); 1 for the project's other
 * errors (name and message) and for anything unexpected (with its stack).
 */
export function campaignErrorExitCode(
  e: unknown,
  // deno-lint-ignore no-explicit-any
  usageErrors: readonly (new (...args: any[]) => Error)[] = [],
): number {
  if (
    e instanceof UsageError || e instanceof ConfigError || e instanceof Deno.errors.NotCapable ||
    usageErrors.some((c) => e instanceof c)
  ) {
    console.error(`error: ${(e as Error).message}`);
    return 2;
  }
  if (e instanceof CaligoError) {
    console.error(`error: ${e.name}: ${e.message}`);
    return 1;
  }
  console.error(`fatal: ${(e as Error)?.stack ?? e}`);
  return 1;
}
