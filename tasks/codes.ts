/**
 * `deno task codes`: build (or verify from cache) the mother-code family and report the time per
 * code. Flags: --length 16384 (comma list, e.g. 4096,16384,65536), --rates 0.50,…,0.90, --seed 1,
 * --codes-dir codes, --jobs J (missing codes built by J workers at once; default: the number of
 * cores). Exit code 2 on bad flags or a corrupt cache file.
 * @module
 */
import { loadOrBuildCodeFamily } from "../lib/io/code_cache.ts";
import { buildCodesInParallel } from "../lib/campaign/code_builds.ts";
import { runTask } from "./_cli.ts";
import {
  helpText,
  numberFlag,
  numberListFlag,
  parseTaskFlags,
  requiredNumberFlag,
  stringFlag,
} from "./_flags.ts";
import { TASKS } from "./_tasks.ts";

async function main(): Promise<number> {
  const { values } = parseTaskFlags(TASKS.codes, Deno.args);
  if (values.help) {
    console.log(helpText("codes", TASKS["codes"]));
    return 0;
  }
  const lengths = numberListFlag(values, "length", { integer: true, min: 16 })!;
  const rates = numberListFlag(values, "rates", { min: 0, max: 1, exclusiveMin: true })!;
  const seed = requiredNumberFlag(values, "seed", { integer: true });
  const jobs = numberFlag(values, "jobs", { integer: true, min: 1 }) ??
    navigator.hardwareConcurrency;
  const codesDir = stringFlag(values, "codes-dir")!;
  for (const n of lengths) {
    const t0 = performance.now();
    if (jobs > 1) {
      await buildCodesInParallel(
        { codeLength: n, motherRates: rates },
        codesDir,
        jobs,
        seed,
        (r) => console.log(`${r.id}  built  ${(r.ms / 1000).toFixed(2)} s (worker)`),
      );
    }
    await loadOrBuildCodeFamily({ codeLength: n, motherRates: rates }, codesDir, {
      seed,
      onCode: (r) => console.log(`${r.id}  ${r.source.padEnd(5)}  ${(r.ms / 1000).toFixed(2)} s`),
    });
    console.log(
      `n=${n}: ${rates.length} codes in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
    );
  }
  return 0;
}

if (import.meta.main) await runTask("codes", main);
