/**
 * `deno task calibrate` (science.md §9.10; definition in lib/reconciliation/calibration.ts): per
 * QBER grid point, the smallest f_sel (baseline) and ladder start factor f_blind (blind) on an f
 * grid whose frames reach FER ≤ target; cached beside the codes as `<id>.calibration.json`, the
 * id derived from the codes, decoder and settings. `explore`, `codes` and `simulate` make the same
 * calibration on their own when it is missing; this task recomputes it (or prints it, --dry).
 *
 * Flags: --length 16384; --qber 0.005,0.01,…,0.11; --f-grid 1.00,1.02,…,3.00 (or LO:STEP:HI);
 * --frames 1000; --target-fer 0.01; --confidence 0.95; --decoder spa-simd; --alpha 0.8;
 * --iterations 50; --modulation 0.1; --blind-rounds 3; --seed 1 (frame streams);
 * --codes-dir codes; --jobs J (workers, default: the cores); --dry (don't write);
 * --json (print `{"codeLength", "id", "sha256", "rows": [{"qber", "strategy", "fSelect",
 * "efficiency", "fer", "frames"}]}` on stdout; progress goes to stderr).
 * @module
 */
import { parseArgs } from "node:util";
import { UsageError } from "../lib/errors.ts";
import { loadOrBuildCodeFamily } from "../lib/io/code_cache.ts";
import { defaultReconciliationOptions } from "../lib/protocol/simulation_options.ts";
import { defaultCalibrationParams } from "../lib/reconciliation/calibration.ts";
import { describeCalibration, ensureCalibration } from "../lib/campaign/calibration_builds.ts";
import { parseDecoderFlag, runTask } from "./_cli.ts";

function numbers(flag: string, text: string, ok: (x: number) => boolean): number[] {
  const range = /^([^:]+):([^:]+):([^:]+)$/.exec(text);
  if (range) {
    const [lo, step, hi] = range.slice(1).map(Number);
    if (!(step > 0 && hi >= lo)) throw new UsageError(`--${flag}: invalid range ${text}`);
    const count = Math.round((hi - lo) / step) + 1;
    return Array.from({ length: count }, (_, i) => Math.round((lo + i * step) * 1e6) / 1e6);
  }
  return text.split(",").map((t) => {
    const x = Number(t);
    if (!ok(x)) throw new UsageError(`--${flag}: invalid value ${JSON.stringify(t)}`);
    return x;
  });
}

async function main(): Promise<number> {
  const defaults = defaultCalibrationParams();
  const { values } = parseArgs({
    args: Deno.args,
    options: {
      length: { type: "string", default: "16384" },
      qber: { type: "string", default: defaults.qber.join(",") },
      "f-grid": { type: "string", default: "1:0.02:3" },
      frames: { type: "string", default: String(defaults.frames) },
      "target-fer": { type: "string", default: String(defaults.targetFer) },
      confidence: { type: "string", default: String(defaults.confidence) },
      decoder: { type: "string", default: "spa-simd" },
      alpha: { type: "string", default: "0.8" },
      iterations: { type: "string", default: "50" },
      modulation: { type: "string", default: "0.1" },
      "blind-rounds": { type: "string", default: "3" },
      seed: { type: "string", default: "1" },
      "codes-dir": { type: "string", default: "codes" },
      jobs: { type: "string", default: String(navigator.hardwareConcurrency) },
      dry: { type: "boolean", default: false },
      json: { type: "boolean", default: false },
    },
    strict: true,
  });
  const [n] = numbers("length", values.length, (x) => Number.isInteger(x) && x >= 16);
  const qber = numbers("qber", values.qber, (x) => x > 0 && x < 0.5).sort((a, b) => a - b);
  const fGrid = numbers("f-grid", values["f-grid"], (x) => x >= 1).sort((a, b) => a - b);
  const [frames] = numbers("frames", values.frames, (x) => Number.isInteger(x) && x > 0);
  const [targetFer] = numbers("target-fer", values["target-fer"], (x) => x > 0 && x < 1);
  const [confidence] = numbers("confidence", values.confidence, (x) => x > 0 && x < 1);
  const [alpha] = numbers("alpha", values.alpha, (x) => x > 0 && x <= 1);
  const int = (flag: string, text: string) =>
    numbers(flag, text, (x) => Number.isInteger(x) && x > 0)[0];
  const options = {
    ...defaultReconciliationOptions(),
    codeLength: n,
    decoder: parseDecoderFlag(values.decoder),
    nmsAlpha: alpha,
    maxIterations: int("iterations", values.iterations),
    modulationFraction: numbers("modulation", values.modulation, (x) => x >= 0 && x < 0.5)[0],
    blindMaxRounds: int("blind-rounds", values["blind-rounds"]),
  };
  const [seed] = numbers("seed", values.seed, Number.isInteger);
  const jobs = int("jobs", values.jobs);
  const params = { targetFer, frames, confidence, qber, fGrid, seed };
  const family = await loadOrBuildCodeFamily(options, values["codes-dir"]);
  const made = await ensureCalibration(family, options, values["codes-dir"], {
    jobs,
    params,
    dryRun: values.dry,
    recompute: true,
    onRow: (r, ms) =>
      console.error(
        `q ${r.qber.toFixed(3)}  ${r.strategy.padEnd(8)}  f ${r.fSelect.toFixed(2)}  eff ${
          r.efficiency.toFixed(3)
        }  FER ${r.failures}/${r.frames}${r.passed ? "" : " (no grid value passed)"}  ${
          (ms / 1000).toFixed(2)
        } s`,
      ),
  });
  const c = made.calibration;
  console.error(
    `calibration ${c.id} (sha256 ${c.sha256.slice(0, 12)}) in ${(made.ms / 1000).toFixed(1)} s${
      made.path ? `, written to ${made.path}` : " (dry run, not written)"
    }`,
  );
  for (const line of describeCalibration(c)) console.error(line);
  if (values.json) {
    console.log(JSON.stringify({
      codeLength: n,
      id: c.id,
      sha256: c.sha256,
      rows: c.rows.map((r) => ({
        qber: r.qber,
        strategy: r.strategy,
        fSelect: r.fSelect,
        efficiency: Number.isFinite(r.efficiency) ? r.efficiency : null,
        fer: r.fer,
        frames: r.frames,
      })),
    }));
  }
  return 0;
}

if (import.meta.main) await runTask("calibrate", main);
