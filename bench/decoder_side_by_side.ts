/**
 * Decoder speed, side by side in one run (issue #3: "your sum-product decoder ≥ 10× Caligo's
 * kernel on the same matrix, measured side by side"): ms per frame at a fixed 50 iterations (no
 * early stop) on Caligo's n = 4096 rate-1/2 matrix at QBER 5 %, for
 *  - Caligo's numba flooding sum-product kernel (bench/caligo_spa_flooding.py, Debian
 *    python3-numba; each round spawns it and takes the best of its frames; compile time excluded),
 *  - the TypeScript spa-flooding and spa-layered decoders,
 *  - the WebAssembly SIMD layered sum-product decoder (per frame of a full batch, 8 and 4 lanes),
 *  - the TypeScript fixed-point layered min-sum and the WebAssembly SIMD min-sum (int16, batch
 *    of 8; min-sum is not the same algorithm, listed for scale).
 * Measurements are interleaved: every round times each contestant in turn (A B C … A B C …), so
 * a change of machine load affects all of them alike; the table shows the best of the rounds
 * (and the median), Mb/s = 4096 / (ms per frame · 1000), and the speed-up over numba.
 *
 *   ./deno run --allow-read --allow-run=/usr/bin/python3 [--allow-sys=loadavg] \
 *     bench/decoder_side_by_side.ts [--rounds=5] [--calls=3] [--qber=0.05] [--no-numba]
 *
 * --rounds  interleaved rounds (default 5); --calls  timed calls per contestant per round
 * (default 3; numba decodes as many frames per spawn). Prints a Markdown table and, with
 * --allow-sys=loadavg, the load averages before and after.
 * @module
 */
import { parseArgs } from "node:util";
import { readCsrForTest } from "../lib/kernels/ldpc/_test_codes.ts";
import { Xoshiro128StarStar } from "../lib/kernels/rng.ts";
import { bscLlrMagnitude, type DecodeOptions } from "../lib/kernels/ldpc/decoder.ts";
import { computeSyndrome } from "../lib/kernels/ldpc/parity_check_matrix.ts";
import { createLayeredDecoder } from "../lib/kernels/ldpc/layered_decoder.ts";
import { normalizedMinSum, sumProduct } from "../lib/kernels/ldpc/check_rules.ts";
import { createFloodingDecoder } from "../lib/kernels/ldpc/flooding_decoder.ts";
import { createSimdSumProductDecoder } from "../lib/kernels/ldpc/simd_sum_product_decoder.ts";
import { createSimdMinSumDecoder } from "../lib/kernels/ldpc/simd_min_sum_decoder.ts";

const { values } = parseArgs({
  args: Deno.args,
  options: {
    rounds: { type: "string", default: "5" },
    calls: { type: "string", default: "3" },
    qber: { type: "string", default: "0.05" },
    "no-numba": { type: "boolean", default: false },
  },
});
const rounds = Number(values.rounds), calls = Number(values.calls), qber = Number(values.qber);
const PYTHON = "/usr/bin/python3";
const matrixPath = new URL("../tests/fixtures/ldpc_caligo_4096_r050.csr.txt", import.meta.url);
const numbaScript = new URL("./caligo_spa_flooding.py", import.meta.url).pathname;
const h = await readCsrForTest(matrixPath);
if (h === null) throw new Error(`missing ${matrixPath.pathname}`);

// Frames: BSC(qber) on random words (the numba script draws its own frame at the same QBER;
// at a fixed 50 iterations the time does not depend on the frame).
const rng = new Xoshiro128StarStar(Uint32Array.of(1, 2, 3, 4));
const mag = bscLlrMagnitude(qber);
const llrs: Float64Array[] = [], syndromes: Uint8Array[] = [], outs: Uint8Array[] = [];
for (let f = 0; f < 8; f++) {
  const x = new Uint8Array(h.n).map(() => rng.nextUint32() & 1);
  llrs.push(Float64Array.from(x, (b) => ((b ^ (rng.nextDouble() < qber ? 1 : 0)) ? -mag : mag)));
  syndromes.push(computeSyndrome(h, x, new Uint8Array(h.m)));
  outs.push(new Uint8Array(h.n));
}
const fixed50: DecodeOptions = { earlyStop: false, maxIterations: 50 };

/** One contestant: `run` decodes `frames` frames once and returns the elapsed ms. */
interface Contestant {
  name: string;
  frames: number;
  run: () => Promise<number> | number;
}

function timed(fn: () => void): number {
  const t0 = performance.now();
  fn();
  return performance.now() - t0;
}

const one = (decode: () => void): () => number => () => timed(decode);
const spaFlooding = createFloodingDecoder(h);
const spaLayered = createLayeredDecoder(h, { rule: sumProduct() });
const simdSpa8 = createSimdSumProductDecoder(h, { lanes: 8 });
const simdSpa4 = createSimdSumProductDecoder(h, { lanes: 4 });
const minSumFixed = createLayeredDecoder(h, { rule: normalizedMinSum(0.8) });
const simdMinSum = createSimdMinSumDecoder(h, { rule: normalizedMinSum(0.8) });
const batch = (n: number) => [llrs.slice(0, n), syndromes.slice(0, n), outs.slice(0, n)] as const;

const contestants: Contestant[] = [];
if (!values["no-numba"]) {
  contestants.push({
    name: "numba spa-flooding (Caligo's kernel)",
    frames: 1,
    async run() {
      const child = await new Deno.Command(PYTHON, {
        args: [numbaScript, matrixPath.pathname, String(qber), String(calls)],
        stdout: "piped",
        stderr: "piped",
      }).output();
      if (!child.success) {
        throw new Error(`${PYTHON} ${numbaScript}: ${new TextDecoder().decode(child.stderr)}`);
      }
      const lines = new TextDecoder().decode(child.stdout).trim().split("\n");
      return JSON.parse(lines[lines.length - 1]).ms_per_frame as number;
    },
  });
}
contestants.push(
  {
    name: "TS spa-flooding (float64)",
    frames: 1,
    run: one(() => spaFlooding.decode(llrs[0], syndromes[0], outs[0], fixed50)),
  },
  {
    name: "TS spa-layered (float64, φ table)",
    frames: 1,
    run: one(() => spaLayered.decode(llrs[0], syndromes[0], outs[0], fixed50)),
  },
  {
    name: "WASM SIMD spa-layered, batch of 8",
    frames: 8,
    run: one(() => simdSpa8.decodeBatch(...batch(8), fixed50)),
  },
  {
    name: "WASM SIMD spa-layered, batch of 4",
    frames: 4,
    run: one(() => simdSpa4.decodeBatch(...batch(4), fixed50)),
  },
  {
    name: "TS nms-layered (fixed point)",
    frames: 1,
    run: one(() => minSumFixed.decode(llrs[0], syndromes[0], outs[0], fixed50)),
  },
  {
    name: "WASM SIMD nms (int16), batch of 8",
    frames: 8,
    run: one(() => simdMinSum.decodeBatch(...batch(8), fixed50)),
  },
);

/** 1/5/15-minute load averages, if --allow-sys=loadavg was given. */
function loadAverage(): string {
  const state = Deno.permissions.querySync({ name: "sys", kind: "loadavg" }).state;
  return state === "granted" ? Deno.loadavg().join(" ") : "n/a (add --allow-sys=loadavg)";
}

const loadBefore = loadAverage();
// Warm-up: let V8 compile the hot functions in its optimising tiers (not timed).
for (const c of contestants.slice(values["no-numba"] ? 0 : 1)) {
  for (let i = 0; i < 3; i++) await c.run();
}
const samples: number[][] = contestants.map(() => []);
for (let round = 0; round < rounds; round++) {
  for (let i = 0; i < contestants.length; i++) {
    const c = contestants[i];
    // numba: one spawn per round, its own best of `calls` frames.
    const reps = i === 0 && !values["no-numba"] ? 1 : calls;
    for (let r = 0; r < reps; r++) samples[i].push((await c.run()) / c.frames);
  }
}
const loadAfter = loadAverage();

const best = samples.map((s) => Math.min(...s));
const median = samples.map((s) => s.toSorted((a, b) => a - b)[Math.floor(s.length / 2)]);
const numbaMs = values["no-numba"] ? NaN : best[0];
console.log(
  `n = ${h.n}, E = ${h.edges}, QBER ${qber}, 50 iterations, no early stop; ` +
    `${rounds} interleaved rounds × ${calls} calls; best (median) ms per frame`,
);
console.log("");
console.log("| decoder | ms/frame best | ms/frame median | Mb/s | speed-up vs numba |");
console.log("|---|---:|---:|---:|---:|");
contestants.forEach((c, i) => {
  const mbps = h.n / best[i] / 1000;
  const speedup = numbaMs / best[i];
  console.log(
    `| ${c.name} | ${best[i].toFixed(2)} | ${median[i].toFixed(2)} | ${mbps.toFixed(2)} | ` +
      `${Number.isNaN(speedup) ? "–" : `${speedup.toFixed(1)}×`} |`,
  );
});
console.log("");
console.log(`load average (1, 5, 15 min) before: ${loadBefore}; after: ${loadAfter}`);
