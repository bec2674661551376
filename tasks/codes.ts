/**
 * `deno task codes`: build (or verify from cache) the mother-code family and report the time per
 * code. Flags: --length 16384 (comma list, e.g. 4096,16384,65536), --rates 0.50,…,0.90, --seed 1,
 * --codes-dir codes, --jobs J (missing codes built by J workers at once; default: the number of
 * cores). Each family is then calibrated (science.md §9.10, lib/reconciliation/calibration.ts) for
 * the decoder settings of a campaign and cached beside the codes, as `explore` would do:
 * --decoder spa-simd, --alpha 0.8, --iterations 50, --modulation 0.1, --blind-rounds 3 (the
 * config defaults; pass a campaign's values when they differ), --no-calibrate to skip.
 * Exit code 2 on bad flags or a corrupt cache file.
 * @module
 */
import { parseArgs } from "node:util";
import { UsageError } from "../lib/errors.ts";
import { loadOrBuildCodeFamily } from "../lib/io/code_cache.ts";
import { buildCodesInParallel } from "../lib/campaign/code_builds.ts";
import { describeCalibration, ensureCalibration } from "../lib/campaign/calibration_builds.ts";
import { defaultReconciliationOptions } from "../lib/protocol/simulation_options.ts";
import { parseDecoderFlag, runTask } from "./_cli.ts";

function positive(flag: string, text: string): number {
  const x = Number(text);
  if (!(x > 0)) {
    throw new UsageError(`--${flag}: expected a positive number, got ${JSON.stringify(text)}`);
  }
  return x;
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    args: Deno.args,
    options: {
      length: { type: "string", default: "16384" },
      rates: { type: "string", default: "0.50,0.55,0.60,0.65,0.70,0.75,0.80,0.85,0.90" },
      seed: { type: "string", default: "1" },
      "codes-dir": { type: "string", default: "codes" },
      jobs: { type: "string", default: String(navigator.hardwareConcurrency) },
      decoder: { type: "string", default: "spa-simd" },
      alpha: { type: "string", default: "0.8" },
      iterations: { type: "string", default: "50" },
      modulation: { type: "string", default: "0.1" },
      "blind-rounds": { type: "string", default: "3" },
      "no-calibrate": { type: "boolean", default: false },
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
  const decoding = {
    ...defaultReconciliationOptions(),
    decoder: parseDecoderFlag(values.decoder),
    nmsAlpha: positive("alpha", values.alpha),
    maxIterations: positive("iterations", values.iterations),
    modulationFraction: Number(values.modulation),
    blindMaxRounds: positive("blind-rounds", values["blind-rounds"]),
  };
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
    const family = await loadOrBuildCodeFamily(
      { codeLength: n, motherRates: rates },
      values["codes-dir"],
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
      { ...decoding, codeLength: n, motherRates: rates },
      values["codes-dir"],
      {
        jobs,
        codeSeed: seed,
      },
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
