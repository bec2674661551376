/**
 * `deno task cliff-bench` (docs/campaign.md §10.8): the campaign's own Phase 1 → 2 → 3 against the
 * `expected` simulator, scored on test points against the exact boundary. Flags: see
 * `TASKS["cliff-bench"]` (tasks/_tasks.ts); the runs' campaign directories stay in --work-dir.
 * @module
 */
import { UsageError } from "../lib/errors.ts";
import { createLogger } from "../lib/io/log.ts";
import { runCampaign } from "../lib/campaign/run/run_campaign.ts";
import { CLIFF_BENCH_METHODS, runCliffBench } from "../lib/campaign/cliff_bench.ts";
import { createStopToken } from "../lib/campaign/phases/phase1.ts";
import { selectLinalg } from "../lib/io/blas_loader.ts";
import { runTask } from "./_cli.ts";
import { helpText, numberFlag, parseTaskFlags, requiredNumberFlag, stringFlag } from "./_flags.ts";
import { TASKS } from "./_tasks.ts";

async function main(): Promise<number> {
  const spec = TASKS["cliff-bench"];
  const { values } = parseTaskFlags(spec, Deno.args);
  if (values.help) {
    console.log(helpText("cliff-bench", spec));
    return 0;
  }
  const methods = (values.method as string[] | undefined) ?? ["default", "sobol", "caligo"];
  for (const m of methods) {
    if (!Object.hasOwn(CLIFF_BENCH_METHODS, m)) {
      const allowed = Object.keys(CLIFF_BENCH_METHODS).join(", ");
      throw new UsageError(`--method: expected one of ${allowed}, got ${JSON.stringify(m)}`);
    }
  }
  const int = (flag: string, min: number) =>
    requiredNumberFlag(values, flag, { integer: true, min });
  const configPath = stringFlag(values, "config")!;
  const workDir = stringFlag(values, "work-dir")!;
  const configText = await Deno.readTextFile(configPath);
  await Deno.mkdir(workDir, { recursive: true });
  const log = createLogger({ name: "cliff-bench" });
  const quiet = createLogger({ name: "campaign", level: "WARNING" });
  const la = await selectLinalg();
  try {
    const result = await runCliffBench({
      configText,
      configSource: configPath,
      env: Deno.env.toObject(),
      budget: int("budget", 4),
      seeds: Array.from({ length: int("seeds", 1) }, (_, i) => i + 1),
      testPoints: int("test-points", 10),
      noise: requiredNumberFlag(values, "noise", { min: 0, max: 1 }),
      methods,
      phase1Fraction: requiredNumberFlag(values, "phase1-fraction", { min: 0.05, max: 1 }),
      restarts: numberFlag(values, "restarts", { integer: true, min: 0 }),
      batch: numberFlag(values, "batch", { integer: true, min: 1 }),
      workers: int("workers", 1),
      workDir,
      linalg: la.linalg,
      log,
      async runCampaign(configPath, outputDir) {
        await Deno.remove(outputDir, { recursive: true }).catch(() => {});
        const r = await runCampaign({
          configPath,
          configExplicit: true,
          env: {},
          outputDir,
          skipPhase1: false,
          skipPhase2: false,
          skipPhase3: false,
          skipPostprocess: true,
          validate: false,
          verbose: false,
          stop: createStopToken(),
          log: quiet,
          quiet: true,
        });
        return {
          samples: (r.phase1?.executed ?? 0) + (r.phase3?.samples ?? 0),
          prefiltered: r.phase1?.skipped ?? 0,
        };
      },
    });
    if (values.json) {
      console.log(JSON.stringify(result));
    } else {
      for (const [name, m] of Object.entries(result.methods)) {
        console.log(
          `${name.padEnd(8)} mean F1 ${m.meanF1.toFixed(3)}  min F1 ${m.minF1.toFixed(3)}  ` +
            `${m.samples.toFixed(0)} samples  ${m.seconds.toFixed(1)} s`,
        );
      }
    }
  } finally {
    la.close();
  }
  return 0;
}

if (import.meta.main) runTask("cliff-bench", main);
