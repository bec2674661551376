/**
 * `deno task lse-bench`: level-set estimation benchmarks (issue 7 §4). Runs seeded batch active
 * learning on Branin (h = 50) or −Hartmann-6 (h = 1) and reports the F1 of {μ > h} against the
 * truth on a fixed pool versus the number of evaluations, for the plain straddle + Kriging
 * believer baseline and the project's best method.
 *
 *   deno task lse-bench --problem hartmann6 --q 16 --seeds 10 --budget 150 --init 20 --json
 *
 * Human output on stderr; with --json one object on stdout:
 * { problem, q, budget, init, methods: { <method>: { meanF1, minF1, runs: [{ seed, curve }] } } }
 */
import {
  LEVEL_SET_METHODS,
  type LevelSetMethod,
  runLevelSetSearch,
} from "../lib/active/level_set_search.ts";
import { LEVEL_SET_PROBLEMS } from "../lib/active/test_functions.ts";
import { UsageError } from "../lib/errors.ts";
import { runTask } from "./_cli.ts";
import { type FlagValues, helpText, numberFlag, parseTaskFlags, stringFlag } from "./_flags.ts";
import { TASKS } from "./_tasks.ts";

const BEST_METHOD: LevelSetMethod = "timse-log-partition";

function positiveInt(values: FlagValues, flag: string, fallback: number): number {
  return numberFlag(values, flag, { integer: true, min: 1 }) ?? fallback;
}

function main(): number {
  const { values } = parseTaskFlags(TASKS["lse-bench"], Deno.args);
  if (values.help) {
    console.log(helpText("lse-bench", TASKS["lse-bench"]));
    return 0;
  }
  const problemName = stringFlag(values, "problem")!;
  const problem = Object.hasOwn(LEVEL_SET_PROBLEMS, problemName)
    ? LEVEL_SET_PROBLEMS[problemName]
    : undefined;
  if (!problem) {
    throw new UsageError(
      `--problem: must be one of ${Object.keys(LEVEL_SET_PROBLEMS).join(", ")}, got ${
        JSON.stringify(problemName)
      }`,
    );
  }
  const isBranin = problem.name === "branin";
  const q = positiveInt(values, "q", isBranin ? 1 : 16);
  const seeds = positiveInt(values, "seeds", 10);
  const budget = positiveInt(values, "budget", isBranin ? 30 : 150);
  const init = positiveInt(values, "init", isBranin ? 10 : 20);
  if (init < 2 || init > budget) {
    throw new UsageError(`--init: must be in [2, --budget = ${budget}], got ${init}`);
  }
  const methods =
    (values.method as string[] | undefined ?? ["straddle", BEST_METHOD]) as LevelSetMethod[];
  for (const m of methods) {
    if (!LEVEL_SET_METHODS.includes(m)) {
      throw new UsageError(
        `--method: must be one of ${LEVEL_SET_METHODS.join(", ")}, got ${JSON.stringify(m)}`,
      );
    }
  }
  const out: Record<string, unknown> = { problem: problem.name, q, budget, init, methods: {} };
  for (const method of methods) {
    const runs = [];
    const t0 = performance.now();
    for (let seed = 0; seed < seeds; seed++) {
      const r = runLevelSetSearch({
        problem,
        method,
        seed,
        q,
        budget,
        initialPoints: init,
        poolSize: numberFlag(values, "pool", { integer: true, min: 1 }),
        evaluationPoolSize: numberFlag(values, "eval-pool", { integer: true, min: 1 }),
      });
      runs.push({ seed, finalF1: r.finalF1, curve: r.curve });
      console.error(
        `${problem.name} ${method} seed ${seed}: F1 ${r.finalF1.toFixed(4)} at ${budget}`,
      );
    }
    const finals = runs.map((r) => r.finalF1);
    const meanF1 = finals.reduce((a, b) => a + b, 0) / finals.length;
    const minF1 = Math.min(...finals);
    (out.methods as Record<string, unknown>)[method] = {
      meanF1,
      minF1,
      seconds: (performance.now() - t0) / 1000,
      runs,
    };
    console.error(
      `${problem.name} ${method} q=${q}: mean F1 ${meanF1.toFixed(4)}, min ${minF1.toFixed(4)} ` +
        `over ${seeds} seeds at ${budget} evaluations (${
          ((performance.now() - t0) / 1000).toFixed(1)
        } s)`,
    );
  }
  if (values.json) console.log(JSON.stringify(out));
  return 0;
}

await runTask("lse-bench", main);
