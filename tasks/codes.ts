/**
 * `deno task codes`: build (or verify from cache) the mother-code family and report the time per
 * code. Flags: --length 16384 (comma list, e.g. 4096,16384,65536), --rates 0.50,…,0.90, --seed 1,
 * --codes-dir codes, --jobs J (missing codes built by J workers at once; default: the number of
 * cores). Exit code 2 on bad flags or a corrupt cache file.
 * @module
 */
import { parseArgs } from "node:util";
import { UsageError } from "../lib/errors.ts";
import { loadOrBuildCodeFamily } from "../lib/io/code_cache.ts";
import { buildCodesInParallel } from "../lib/campaign/code_builds.ts";
import { runTask } from "./_cli.ts";

async function main(): Promise<number> {
  const { values } = parseArgs({
    args: Deno.args,
    options: {
      length: { type: "string", default: "16384" },
      rates: { type: "string", default: "0.50,0.55,0.60,0.65,0.70,0.75,0.80,0.85,0.90" },
      seed: { type: "string", default: "1" },
      "codes-dir": { type: "string", default: "codes" },
      jobs: { type: "string", default: String(navigator.hardwareConcurrency) },
    },
    strict: true,
  });
  const lengths = values.length.split(",").map((t) => {
    const n = Number(t);
    if (!Number.isInteger(n) || n < 16) {
      throw new UsageError(`--length: expected integers ≥ 16, got ${JSON.stringify(t)}`);
    }
    return n;
  });
  const rates = values.rates.split(",").map((t) => {
    const r = Number(t);
    if (!(r > 0 && r < 1)) {
      throw new UsageError(`--rates: expected rates in (0, 1), got ${JSON.stringify(t)}`);
    }
    return r;
  });
  const seed = Number(values.seed);
  if (!Number.isInteger(seed)) {
    throw new UsageError(`--seed: expected an integer, got ${JSON.stringify(values.seed)}`);
  }
  const jobs = Number(values.jobs);
  if (!(Number.isInteger(jobs) && jobs >= 1)) {
    throw new UsageError(`--jobs: expected an integer ≥ 1, got ${JSON.stringify(values.jobs)}`);
  }
  for (const n of lengths) {
    const t0 = performance.now();
    if (jobs > 1) {
      await buildCodesInParallel(
        { codeLength: n, motherRates: rates },
        values["codes-dir"],
        jobs,
        seed,
        (r) => console.log(`${r.id}  built  ${(r.ms / 1000).toFixed(2)} s (worker)`),
      );
    }
    await loadOrBuildCodeFamily({ codeLength: n, motherRates: rates }, values["codes-dir"], {
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
