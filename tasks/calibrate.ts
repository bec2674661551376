/**
 * `deno task calibrate` (docs/science.md §9.10; definition in lib/reconciliation/calibration.ts): per
 * QBER grid point, the smallest f_sel (baseline) and ladder start factor f_blind (blind) on an f
 * grid whose frames reach FER ≤ target; cached beside the codes as `<id>.calibration.json`, the
 * id derived from the codes, decoder and settings. `explore`, `codes` and `simulate` make the same
 * calibration on their own when it is missing; this task recomputes it (or prints it, --dry).
 *
 * Flags: --length 16384; --qber 0.005,0.01,…,0.11; --f-grid 1.00,1.02,…,3.00 (or LO:STEP:HI);
 * --frames 1000; --target-fer 0.01; --confidence 0.95; --decoder spa-simd; --alpha 0.8;
 * --iterations 50; --modulation 0.1; --blind-rounds 3; --seed 1 (frame streams);
 * --family caligo|de-bsc (degree-distribution table, default caligo); --rates LIST (default: the
 * family's table, 0.50…0.90 or 0.35…0.90);
 * --codes-dir codes; --jobs J (workers, default: the cores); --dry (don't write);
 * --json (print `{"codeLength", "id", "sha256", "rows": [{"qber", "strategy", "fSelect",
 * "efficiency", "fer", "frames", "fLimit"}]}` on stdout; progress goes to stderr). `fLimit` is
 * the finite-length limit of any code for the frame's payload n − d at the target FER
 * (lib/reconciliation/finite_length_limit.ts): the floor under `efficiency`.
 * @module
 */
import { UsageError } from "../lib/errors.ts";
import { loadOrBuildCodeFamily } from "../lib/io/code_cache.ts";
import { frameEfficiencyLimit } from "../lib/reconciliation/finite_length_limit.ts";
import {
  describeCalibration,
  ensureCalibration,
} from "../lib/campaign/workers/calibration_builds.ts";
import { runTask } from "./_cli.ts";
import { parseFamilyFlags } from "./_family_flags.ts";
import {
  type FlagValues,
  helpText,
  numberListFlag,
  parseTaskFlags,
  requiredNumberFlag,
  stringFlag,
} from "./_flags.ts";
import { TASKS } from "./_tasks.ts";

/** A comma list or LO:STEP:HI range of numbers ≥ `min`. */
function gridFlag(values: FlagValues, flag: string, min: number): number[] {
  const text = stringFlag(values, flag)!;
  const range = /^([^:]+):([^:]+):([^:]+)$/.exec(text);
  if (!range) return numberListFlag(values, flag, { min })!.sort((a, b) => a - b);
  const [lo, step, hi] = range.slice(1).map(Number);
  if (!(step > 0 && hi >= lo && lo >= min)) {
    throw new UsageError(
      `--${flag}: expected LO:STEP:HI with LO ≥ ${min}, got ${JSON.stringify(text)}`,
    );
  }
  const count = Math.round((hi - lo) / step) + 1;
  return Array.from({ length: count }, (_, i) => Math.round((lo + i * step) * 1e6) / 1e6);
}

async function main(): Promise<number> {
  const { values } = parseTaskFlags(TASKS.calibrate, Deno.args);
  if (values.help) {
    console.log(helpText("calibrate", TASKS.calibrate));
    return 0;
  }
  const n = requiredNumberFlag(values, "length", { integer: true, min: 16 });
  const qber = numberListFlag(values, "qber", { min: 0, max: 0.5, exclusiveMin: true })!
    .sort((a, b) => a - b);
  const fGrid = gridFlag(values, "f-grid", 1);
  const frames = requiredNumberFlag(values, "frames", { integer: true, min: 1 });
  const targetFer = requiredNumberFlag(values, "target-fer", {
    min: 0,
    max: 1,
    exclusiveMin: true,
  });
  const confidence = requiredNumberFlag(values, "confidence", {
    min: 0,
    max: 1,
    exclusiveMin: true,
  });
  const { codeFamily, motherRates, decoding, jobs, codesDir } = parseFamilyFlags(values);
  const options = { ...decoding, codeLength: n, codeFamily, motherRates };
  const seed = requiredNumberFlag(values, "seed", { integer: true });
  const params = { targetFer, frames, confidence, qber, fGrid, seed };
  const family = await loadOrBuildCodeFamily(options, codesDir);
  const limitOf = (q: number) => frameEfficiencyLimit(n, decoding.modulationFraction, q, targetFer);
  const made = await ensureCalibration(family, options, codesDir, {
    jobs,
    params,
    dryRun: values.dry === true,
    recompute: true,
    onRow: (r, ms) =>
      console.error(
        `q ${r.qber.toFixed(3)}  ${r.strategy.padEnd(8)}  f ${r.fSelect.toFixed(2)}  eff ${
          r.efficiency.toFixed(3)
        }  limit ${limitOf(r.qber)?.toFixed(3) ?? "—"}  FER ${r.failures}/${r.frames}${
          r.passed ? "" : " (no grid value passed)"
        }  ${(ms / 1000).toFixed(2)} s`,
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
      codeFamily,
      motherRates: options.motherRates,
      id: c.id,
      sha256: c.sha256,
      rows: c.rows.map((r) => ({
        qber: r.qber,
        strategy: r.strategy,
        fSelect: r.fSelect,
        efficiency: Number.isFinite(r.efficiency) ? r.efficiency : null,
        fer: r.fer,
        frames: r.frames,
        fLimit: limitOf(r.qber),
      })),
    }));
  }
  return 0;
}

if (import.meta.main) await runTask("calibrate", main);
