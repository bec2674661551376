/**
 * Failure report of `deno task compile` (docs/campaign.md §11.1, docs/platform.md §7). The task runs
 * `deno compile` with its stderr in `dist/compile.log`; only when that fails does it run this
 * file, which prints ONE line — the cause (the Deno runtime `denort` could not be downloaded, or
 * the compiler's first error line) and the fallback, `deno task bundle` — and exits 1.
 * Usage: deno run --allow-read=./dist tasks/compile.ts dist/compile.log
 * @module
 */
const log = Deno.args[0] ?? "dist/compile.log";
let text = "";
try {
  text = Deno.readTextFileSync(log);
} catch {
  // no log: report the generic failure below
}
// deno's error output is ANSI-coloured
// deno-lint-ignore no-control-regex
const plain = text.replace(/\x1b\[[0-9;]*m/g, "");
const unreachable = /denort|dl\.deno\.land/.test(plain) &&
  /dns error|error sending request|Connect|timed out|Network is unreachable/i.test(plain);
const firstError = plain.split("\n").find((l) => l.startsWith("error:"))?.slice(6).trim();
console.error(
  unreachable
    ? "compile: deno compile needs the Deno runtime (denort) from dl.deno.land, which is " +
      "unreachable here; use 'deno task bundle' instead (dist/README.md has the run command)"
    : `compile: deno compile failed (${firstError ?? "see " + log}); full output in ${log}; ` +
      "'deno task bundle' is the fallback",
);
Deno.exit(1);
