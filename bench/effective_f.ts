/**
 * Whole-sample effective reconciliation efficiency versus the number of pairs N (docs/science.md
 * §9.4, §9.10; docs/performance.md "Whole-sample f"): for a string of m = E[min(|M|, |M̄|)] key bits
 * of a baseline sample of N pairs (test fraction τ = 0.1, lib/science/expected_margin.ts), the
 * leakage of EVERY block — the short or spread tail included — over m·h(q):
 *
 *   f_eff = Σ_blocks leak_EC / (m·h(q)),  f_all = (Σ leak_EC + Σ tag bits) / (m·h(q)).
 *
 * "planned" is the leakage fixed before decoding (plannedLeakage of ot_reconcile.ts, the value the
 * protocol charges); "measured" runs `--samples` strings per (N, q) through the engine
 * (random bits, BSC(q) noise) and reports the charged leakage, the block FER and the lost bits.
 * The rate choice uses the family's cached calibration (`calibration_frames` = --cal-frames),
 * made here and cached when missing. `f_lim` is the finite-length limit of the same blocks
 * (Σ over blocks of the least leakage of any code at block FER 1e-2 for L_j payload bits, over
 * m·h(q); lib/reconciliation/finite_length_limit.ts): no code reaches a smaller f_eff with this
 * framing. The last lines give the mean of f_eff over the N grid (log-spaced: the mean of a
 * log-uniform N, as in the QIA box) per tail mode and QBER, and the mean limit.
 *
 *   ./deno run -A bench/effective_f.ts --length 4096 --family caligo --qber 0.02,0.04 \
 *     --pairs 2e4,5e4,1e5,1e6 --tails shorten,spread --samples 20
 *
 * Flags: --length n (4096); --family caligo|de-bsc (caligo); --qber LIST (0.02,0.04,0.06,0.08);
 * --pairs LIST (10^4.7 … 10^6, 14 log-spaced values); --tails LIST (shorten,spread); --samples S
 * (0: planned only); --strategy baseline|blind (baseline; blind: "planned" is round 1, "measured"
 * adds the reveals); --cal-frames F (300); --codes-dir DIR (codes); --json.
 * @module
 */
import { parseArgs } from "node:util";
import { loadOrBuildCodeFamily } from "../lib/io/code_cache.ts";
import {
  calibrationParamsOf,
  ensureCalibration,
} from "../lib/campaign/workers/calibration_builds.ts";
import { defaultReconciliationOptions } from "../lib/protocol/simulation_options.ts";
import { defaultMotherRates, parseCodeFamily } from "../lib/reconciliation/code_family.ts";
import type { CodeFamily } from "../lib/reconciliation/code_family.ts";
import { plannedLeakage } from "../lib/reconciliation/ot_reconcile.ts";
import { reconcileBaseline, reconcileBlind } from "../lib/reconciliation/reconcile.ts";
import { binaryEntropy } from "../lib/reconciliation/entropy.ts";
import { expectedStringLength } from "../lib/science/expected_margin.ts";
import { campaignRng } from "../lib/kernels/rng.ts";
import type { ReconciliationOptions, Strategy } from "../lib/reconciliation/types.ts";
import { modulationSize } from "../lib/reconciliation/rate_adaptation.ts";
import { blockPayloads } from "../lib/reconciliation/_block_engine.ts";
import { minimumLeakageBits } from "../lib/reconciliation/finite_length_limit.ts";

const TEST_FRACTION = 0.1;

/** Key bits per string of a baseline sample of N pairs (expected sizes, docs/science.md §8.7). */
export function stringBits(numPairs: number): number {
  const test = Math.max(1, Math.floor(TEST_FRACTION * numPairs));
  return Math.round(expectedStringLength(numPairs - test));
}

interface Point {
  tail: string;
  qber: number;
  numPairs: number;
  m: number;
  blocks: number;
  plannedF: number;
  plannedFAll: number;
  /** Finite-length limit of the same blocks at block FER 1e-2. */
  limitF: number;
  measuredF: number | null;
  blockFer: number | null;
}

/** Measured f_eff and block FER over `samples` strings of m bits at QBER q. */
function measure(
  family: CodeFamily,
  options: ReconciliationOptions,
  m: number,
  q: number,
  samples: number,
  strategy: Strategy,
): { f: number; fer: number } {
  const rng = campaignRng(7, `bench/effective-f/m${m}/q${q}`);
  const x = new Uint8Array(m), y = new Uint8Array(m);
  let leakEc = 0, blocks = 0, failed = 0, bits = 0;
  for (let s = 0; s < samples; s++) {
    for (let i = 0; i < m; i++) {
      x[i] = rng.nextUint32() & 1;
      y[i] = x[i] ^ (rng.nextDouble() < q ? 1 : 0);
    }
    const r = (strategy === "blind" ? reconcileBlind : reconcileBaseline)(family, {
      alice: x,
      bob: y,
      qberPrior: q,
      padding: rng,
      hashKey: new Uint8Array(16),
    }, options);
    leakEc += r.leakage.total - r.leakage.hashBits;
    blocks += r.verified.length;
    failed += r.verified.length - r.verified.reduce((a, b) => a + b, 0);
    bits += m;
  }
  return { f: leakEc / (bits * binaryEntropy(q)), fer: failed / blocks };
}

function list(text: string): number[] {
  return text.split(",").map(Number);
}

async function main(): Promise<void> {
  const str = (value: string) => ({ type: "string" as const, default: value });
  const { values: a } = parseArgs({
    args: Deno.args,
    options: {
      length: str("4096"),
      family: str("caligo"),
      qber: str("0.02,0.04,0.06,0.08"),
      pairs: { type: "string" },
      tails: str("shorten,spread"),
      strategy: str("baseline"),
      samples: str("0"),
      "cal-frames": str("300"),
      "codes-dir": str("codes"),
      json: { type: "boolean", default: false },
    },
  });
  const codeFamily = parseCodeFamily(a.family);
  const base: ReconciliationOptions = {
    ...defaultReconciliationOptions(),
    codeLength: Number(a.length),
    codeFamily,
    motherRates: defaultMotherRates(codeFamily),
    calibrationFrames: Number(a["cal-frames"]),
  };
  const pairs = a.pairs !== undefined
    ? list(a.pairs)
    : Array.from({ length: 14 }, (_, i) => Math.round(10 ** (4.7 + i * 0.1)));
  const family = await loadOrBuildCodeFamily(base, a["codes-dir"]);
  const made = await ensureCalibration(family, base, a["codes-dir"], {
    jobs: 1,
    params: calibrationParamsOf(base),
  });
  family.calibration = made.calibration;
  console.error(`calibration ${made.calibration.id} (${made.source})`);
  const points: Point[] = [];
  for (const tail of a.tails.split(",") as ReconciliationOptions["tail"][]) {
    const options = { ...base, tail };
    for (const q of list(a.qber)) {
      const hq = binaryEntropy(q);
      for (const numPairs of pairs) {
        const m = stringBits(numPairs);
        const strategy = a.strategy as Strategy;
        const leak = plannedLeakage(family, m, q, strategy, options);
        const capacity = base.codeLength - modulationSize(base.codeLength, base.modulationFraction);
        const payloads = blockPayloads(m, capacity, tail), blocks = payloads.length;
        let limitBits = 0;
        for (const L of payloads) limitBits += minimumLeakageBits(L, q, 0.01);
        const tags = blocks * options.hashBits;
        const sim = Number(a.samples) > 0
          ? measure(family, options, m, q, Number(a.samples), strategy)
          : null;
        const p: Point = {
          tail,
          qber: q,
          numPairs,
          m,
          blocks,
          plannedF: (leak - tags) / (m * hq),
          plannedFAll: leak / (m * hq),
          limitF: limitBits / (m * hq),
          measuredF: sim?.f ?? null,
          blockFer: sim?.fer ?? null,
        };
        points.push(p);
        console.error(
          `${tail.padEnd(7)} q ${q.toFixed(3)} N ${numPairs.toExponential(2)} m ${m} B ${blocks}` +
            `  f_eff ${p.plannedF.toFixed(3)} (with tags ${p.plannedFAll.toFixed(3)})` +
            `  f_lim ${p.limitF.toFixed(3)}` +
            (sim ? `  measured ${sim.f.toFixed(3)} block FER ${sim.fer.toFixed(4)}` : ""),
        );
      }
    }
  }
  for (const tail of new Set(points.map((p) => p.tail))) {
    for (const q of list(a.qber)) {
      const row = points.filter((p) => p.tail === tail && p.qber === q);
      const mean = row.reduce((s, p) => s + p.plannedF, 0) / row.length;
      const meanLimit = row.reduce((s, p) => s + p.limitF, 0) / row.length;
      console.error(
        `${tail.padEnd(7)} q ${q.toFixed(3)}: mean f_eff over N ${mean.toFixed(3)} (limit ${
          meanLimit.toFixed(3)
        }), smallest N ${row[0].plannedF.toFixed(3)} (limit ${row[0].limitF.toFixed(3)}), ` +
          `largest N ${row[row.length - 1].plannedF.toFixed(3)}`,
      );
    }
  }
  if (a.json) console.log(JSON.stringify({ codeLength: base.codeLength, codeFamily, points }));
}

if (import.meta.main) await main();
