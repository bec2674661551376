/**
 * `deno task cliff-bench` (campaign.md §10.7): the campaign's own Phase 1 → 2 → 3 against the
 * `expected` simulator, scored on test points against the exact boundary.
 *
 * Flags: --budget 2000; --seeds 5 (seeds 1..S); --test-points 20000; --noise SIGMA (0);
 * --method NAME (repeatable; default, sobol, caligo, timse; default the first three);
 * --phase1-fraction 0.5; --restarts R (the config's); --config FILE (configs/qia_challenge.yaml);
 * --workers N; --keep DIR (keep the runs there); --json.
 * @module
 */
import { parseArgs } from "node:util";
import { UsageError } from "../lib/errors.ts";
import { createLogger } from "../lib/io/log.ts";
import { runCampaign } from "../lib/campaign/campaign.ts";
import { CLIFF_BENCH_METHODS, runCliffBench } from "../lib/campaign/cliff_bench.ts";
import { createStopToken } from "../lib/campaign/phase1.ts";
import { selectLinalg } from "../lib/io/blas_loader.ts";
import { runTask } from "./_cli.ts";

const USAGE = `usage: deno task cliff-bench [--budget 2000] [--seeds 5] [--test-points 20000]
  [--noise SIGMA] [--method NAME]... [--phase1-fraction 0.5] [--restarts R] [--config FILE]
  [--workers N] [--keep DIR] [--json]
methods: ${Object.keys(CLIFF_BENCH_METHODS).join(", ")}`;

function count(flag: string, text: string, min: number): number {
  const x = Number(text);
  if (!/^\d+$/.test(text.trim()) || x < min) {
    throw new UsageError(`--${flag}: expected an integer ≥ ${min}, got ${JSON.stringify(text)}`);
  }
  return x;
}

function fraction(flag: string, text: string, lo: number, hi: number): number {
  const x = Number(text);
  if (text.trim() === "" || !(x >= lo && x <= hi)) {
    throw new UsageError(
      `--${flag}: expected a number in [${lo}, ${hi}], got ${JSON.stringify(text)}`,
    );
  }
  return x;
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    args: Deno.args,
    strict: true,
    options: {
      budget: { type: "string", default: "2000" },
      seeds: { type: "string", default: "5" },
      "test-points": { type: "string", default: "20000" },
      noise: { type: "string", default: "0" },
      method: { type: "string", multiple: true },
      "phase1-fraction": { type: "string", default: "0.5" },
      restarts: { type: "string" },
      config: { type: "string", default: "configs/qia_challenge.yaml" },
      workers: { type: "string" },
      keep: { type: "string" },
      json: { type: "boolean", default: false },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const methods = values.method ?? ["default", "sobol", "caligo"];
  for (const m of methods) {
    if (!Object.hasOwn(CLIFF_BENCH_METHODS, m)) {
      throw new UsageError(
        `--method: unknown ${JSON.stringify(m)}; allowed: ${
          Object.keys(CLIFF_BENCH_METHODS).join(", ")
        }`,
      );
    }
  }
  const budget = count("budget", values.budget, 4);
  const seeds = Array.from({ length: count("seeds", values.seeds, 1) }, (_, i) => i + 1);
  const workers = values.workers === undefined ? undefined : count("workers", values.workers, 1);
  let configText: string;
  try {
    configText = await Deno.readTextFile(values.config);
  } catch (e) {
    throw new UsageError(`--config: cannot read ${values.config} (${(e as Error).name})`);
  }
  await Deno.mkdir("out", { recursive: true });
  const workDir = values.keep ?? await Deno.makeTempDir({ dir: "out", prefix: "cliff-bench-" });
  await Deno.mkdir(workDir, { recursive: true });
  const log = createLogger({ name: "cliff-bench" });
  const quiet = createLogger({ name: "campaign", level: "WARNING" });
  const la = await selectLinalg();
  try {
    const result = await runCliffBench({
      configText,
      configSource: values.config,
      env: Deno.env.toObject(),
      budget,
      seeds,
      testPoints: count("test-points", values["test-points"], 10),
      noise: fraction("noise", values.noise, 0, 1),
      methods,
      phase1Fraction: fraction("phase1-fraction", values["phase1-fraction"], 0.05, 1),
      restarts: values.restarts === undefined ? undefined : count("restarts", values.restarts, 0),
      workDir,
      linalg: la.linalg,
      log,
      async runCampaign(configPath, outputDir) {
        const r = await runCampaign({
          configPath,
          configExplicit: true,
          env: {},
          outputDir,
          workers,
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
      const slim = {
        ...result,
        methods: Object.fromEntries(
          Object.entries(result.methods).map(([k, v]) => [k, {
            meanF1: v.meanF1,
            minF1: v.minF1,
            samples: v.samples,
            seconds: v.seconds,
            runs: v.runs,
          }]),
        ),
      };
      console.log(JSON.stringify(slim));
    } else {
      for (const [name, m] of Object.entries(result.methods)) {
        console.log(
          `${name.padEnd(8)} mean F1 ${m.meanF1.toFixed(3)}  min F1 ${m.minF1.toFixed(3)}  ` +
            `${m.samples.toFixed(0)} samples  ${m.seconds.toFixed(1)} s`,
        );
      }
    }
  } finally {
    la.close?.();
    if (values.keep === undefined) await Deno.remove(workDir, { recursive: true });
  }
  return 0;
}

if (import.meta.main) runTask("cliff-bench", main);
