/**
 * `deno task codes`: build (or verify from cache) the mother-code family and report the time per
 * code. Flags: --length 16384 (comma list, e.g. 4096,16384,65536), --family caligo|de-bsc
 * (degree-distribution table), --rates (default: the family's, 0.50…0.90 or 0.35…0.90), --seed 1,
 * --codes-dir codes, --jobs J (missing codes built by J workers at once; default: the number of
 * cores). Each family is then calibrated (docs/science.md §9.10, lib/reconciliation/calibration.ts) for
 * the decoder settings of a campaign and cached beside the codes, as `explore` would do:
 * --decoder spa-simd, --alpha 0.8, --iterations 50, --modulation 0.1, --blind-rounds 3 (the
 * config defaults; pass a campaign's values when they differ), --no-calibrate to skip.
 * Exit code 2 on bad flags or a corrupt cache file.
 * @module
 */
import { loadOrBuildCodeFamily } from "../lib/io/code_cache.ts";
import { buildCodesInParallel } from "../lib/campaign/workers/code_builds.ts";
import {
  describeCalibration,
  ensureCalibration,
} from "../lib/campaign/workers/calibration_builds.ts";
import { runTask } from "./_cli.ts";
import { parseFamilyFlags } from "./_family_flags.ts";
import { helpText, numberListFlag, parseTaskFlags, requiredNumberFlag } from "./_flags.ts";
import { TASKS } from "./_tasks.ts";

async function main(): Promise<number> {
  const { values } = parseTaskFlags(TASKS.codes, Deno.args);
  if (values.help) {
    console.log(helpText("codes", TASKS["codes"]));
    return 0;
  }
  const lengths = numberListFlag(values, "length", { integer: true, min: 16 })!;
  const { codeFamily, motherRates: rates, decoding, jobs, codesDir } = parseFamilyFlags(values);
  const seed = requiredNumberFlag(values, "seed", { integer: true });
  for (const n of lengths) {
    const t0 = performance.now();
    if (jobs > 1) {
      await buildCodesInParallel(
        { codeLength: n, motherRates: rates, codeFamily },
        codesDir,
        jobs,
        seed,
        (r) => console.log(`${r.id}  built  ${(r.ms / 1000).toFixed(2)} s (worker)`),
      );
    }
    const family = await loadOrBuildCodeFamily(
      { codeLength: n, motherRates: rates, codeFamily },
      codesDir,
      {
        seed,
        onCode: (r) => console.log(`${r.id}  ${r.source.padEnd(5)}  ${(r.ms / 1000).toFixed(2)} s`),
      },
    );
    console.log(
      `n=${n}: ${rates.length} codes in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
    );
    if (values["no-calibrate"]) continue;
    const made = await ensureCalibration(
      family,
      { ...decoding, codeLength: n, motherRates: rates, codeFamily },
      codesDir,
      { jobs, codeSeed: seed },
    );
    console.log(
      `n=${n}: calibration ${made.calibration.id} (sha256 ${
        made.calibration.sha256.slice(0, 12)
      }) ${made.source === "cache" ? "loaded" : "computed"} in ${(made.ms / 1000).toFixed(1)} s`,
    );
    for (const line of describeCalibration(made.calibration)) console.log(`  ${line}`);
  }
  return 0;
}

if (import.meta.main) await runTask("codes", main);
