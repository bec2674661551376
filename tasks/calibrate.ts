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
import { loadOrBuildCodeFamily, writeCalibration } from "../lib/io/code_cache.ts";
import { campaignRng } from "../lib/kernels/rng.ts";
import { familyDecoder, frameLayout } from "../lib/reconciliation/code_family.ts";
import { chooseBaselineRate, modulationSize } from "../lib/reconciliation/rate_adaptation.ts";
import { simulateFrames } from "../lib/reconciliation/frame_simulation.ts";
import type { FSelectCalibration } from "../lib/reconciliation/calibration.ts";
import { binaryEntropy } from "../lib/reconciliation/entropy.ts";
import { parseDecoderFlag, runTask } from "./_cli.ts";
import {
  helpText,
  numberListFlag,
  parseTaskFlags,
  requiredNumberFlag,
  stringFlag,
} from "./_flags.ts";
import { TASKS } from "./_tasks.ts";

const RATES = [0.5, 0.55, 0.6, 0.65, 0.7, 0.75, 0.8, 0.85, 0.9];

async function main(): Promise<number> {
  const { values } = parseTaskFlags(TASKS.calibrate, Deno.args);
  if (values.help) {
    console.log(helpText("calibrate", TASKS["calibrate"]));
    return 0;
  }
  const n = requiredNumberFlag(values, "length", { integer: true, min: 16 });
  const qbers = numberListFlag(values, "qber", { min: 0, max: 0.4999, exclusiveMin: true })!;
  const grid = numberListFlag(values, "f-grid", { min: 1 })!.sort((a, b) => a - b);
  const frames = requiredNumberFlag(values, "frames", { integer: true, min: 1 });
  const targetFer = requiredNumberFlag(values, "target-fer", {
    min: 0,
    max: 0.9999,
    exclusiveMin: true,
  });
  const alpha = requiredNumberFlag(values, "alpha", { min: 0, max: 1, exclusiveMin: true });
  const iterations = requiredNumberFlag(values, "iterations", { integer: true, min: 1 });
  const delta = requiredNumberFlag(values, "modulation", { min: 0, max: 0.49 });
  const seed = requiredNumberFlag(values, "seed", { integer: true });
  const decoder = parseDecoderFlag(stringFlag(values, "decoder")!);
  const codesDir = stringFlag(values, "codes-dir")!;
  const family = await loadOrBuildCodeFamily(
    { codeLength: n, motherRates: RATES },
    codesDir,
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
  if (values.dry !== true) await writeCalibration(codesDir, result);
  return 0;
}

if (import.meta.main) await runTask("calibrate", main);
