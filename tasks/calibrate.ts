/**
 * `deno task calibrate` (science.md §9.10): per QBER grid point, the smallest f_sel on a grid
 * whose baseline frames (code and (p, s) chosen as in §9.3/§9.6) reach FER ≤ target over N
 * frames; writes `codes/calibration.json`, which the baseline rate choice then interpolates.
 * A grid point stops early once its failures exceed target·N.
 *
 * Flags: --length 16384; --qber 0.02,0.03,…,0.10; --f-grid 1.04,1.06,…,1.30; --frames 1000;
 * --target-fer 0.01; --decoder spa-layered (any name of ldpc-curve); --alpha 0.8;
 * --iterations 50; --modulation 0.1; --seed 1; --codes-dir codes; --dry (print, don't write).
 * @module
 */
import { parseArgs } from "node:util";
import { UsageError } from "../lib/errors.ts";
import { loadOrBuildCodeFamily, writeCalibration } from "../lib/io/code_cache.ts";
import { campaignRng } from "../lib/kernels/rng.ts";
import { familyDecoder, frameLayout } from "../lib/reconciliation/code_family.ts";
import { chooseBaselineRate, modulationSize } from "../lib/reconciliation/rate_adaptation.ts";
import { simulateFrames } from "../lib/reconciliation/frame_simulation.ts";
import type { FSelectCalibration } from "../lib/reconciliation/calibration.ts";
import { binaryEntropy } from "../lib/reconciliation/entropy.ts";
import { parseDecoderFlag, runTask } from "./_cli.ts";

const RATES = [0.5, 0.55, 0.6, 0.65, 0.7, 0.75, 0.8, 0.85, 0.9];
function numbers(flag: string, text: string, ok: (x: number) => boolean): number[] {
  return text.split(",").map((t) => {
    const x = Number(t);
    if (!ok(x)) throw new UsageError(`--${flag}: invalid value ${JSON.stringify(t)}`);
    return x;
  });
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    args: Deno.args,
    options: {
      length: { type: "string", default: "16384" },
      qber: { type: "string", default: "0.02,0.03,0.04,0.05,0.06,0.07,0.08,0.09,0.10" },
      "f-grid": {
        type: "string",
        default: "1.04,1.06,1.08,1.10,1.12,1.14,1.16,1.18,1.20,1.25,1.30,1.40",
      },
      frames: { type: "string", default: "1000" },
      "target-fer": { type: "string", default: "0.01" },
      decoder: { type: "string", default: "spa-layered" },
      alpha: { type: "string", default: "0.8" },
      iterations: { type: "string", default: "50" },
      modulation: { type: "string", default: "0.1" },
      seed: { type: "string", default: "1" },
      "codes-dir": { type: "string", default: "codes" },
      dry: { type: "boolean", default: false },
    },
    strict: true,
  });
  const [n] = numbers("length", values.length, (x) => Number.isInteger(x) && x >= 16);
  const qbers = numbers("qber", values.qber, (x) => x > 0 && x < 0.5);
  const grid = numbers("f-grid", values["f-grid"], (x) => x >= 1).sort((a, b) => a - b);
  const [frames] = numbers("frames", values.frames, (x) => Number.isInteger(x) && x > 0);
  const [targetFer] = numbers("target-fer", values["target-fer"], (x) => x > 0 && x < 1);
  const [alpha] = numbers("alpha", values.alpha, (x) => x > 0 && x <= 1);
  const [iterations] = numbers(
    "iterations",
    values.iterations,
    (x) => Number.isInteger(x) && x > 0,
  );
  const [delta] = numbers("modulation", values.modulation, (x) => x >= 0 && x < 0.5);
  const [seed] = numbers("seed", values.seed, Number.isInteger);
  const decoder = parseDecoderFlag(values.decoder);
  const family = await loadOrBuildCodeFamily(
    { codeLength: n, motherRates: RATES },
    values["codes-dir"],
  );
  const d = modulationSize(n, delta);
  const maxFailures = Math.floor(targetFer * frames) + 1;
  const result: FSelectCalibration = { decoder, codeLength: n, qber: [], fSelect: [], targetFer };
  for (const q of qbers) {
    let chosen = NaN;
    for (const f of grid) {
      const plan = chooseBaselineRate(RATES, n, d, q, f);
      const code = family.codes[plan.codeIndex];
      const layout = frameLayout(family, plan.codeIndex, d);
      const dec = familyDecoder(family, plan.codeIndex, {
        decoder,
        nmsAlpha: alpha,
        maxIterations: iterations,
      });
      const r = simulateFrames(
        code.matrix,
        layout.modulation,
        layout.payload,
        plan.punctured,
        q,
        frames,
        dec,
        campaignRng(seed, `calibrate/${q}/${f}`),
        { maxFailures },
      );
      const fer = r.failures / r.frames;
      const efficiency = (code.matrix.m - plan.punctured) / ((n - d) * binaryEntropy(q));
      console.log(
        `q ${q.toFixed(3)}  f_sel ${f.toFixed(2)}  f ${efficiency.toFixed(3)}  R0 ${
          code.rate.toFixed(2)
        }  FER ${r.failures}/${r.frames}`,
      );
      if (r.failures < maxFailures && fer <= targetFer) {
        chosen = f;
        break;
      }
    }
    if (Number.isNaN(chosen)) {
      console.log(
        `q ${q.toFixed(3)}: no f_sel on the grid reaches FER ≤ ${targetFer}; using ${
          grid[grid.length - 1]
        }`,
      );
      chosen = grid[grid.length - 1];
    }
    result.qber.push(q);
    result.fSelect.push(chosen);
  }
  console.log(JSON.stringify(result));
  if (!values.dry) await writeCalibration(values["codes-dir"], result);
  return 0;
}

if (import.meta.main) await runTask("calibrate", main);
