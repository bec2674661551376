/**
 * `deno task ldpc-curve`: frame-error rate, average iterations, decode time per frame and
 * efficiency f = leak_EC / (n_payload·h(QBER)) versus QBER, on a CSR text matrix (no puncturing)
 * or on a mother code of the cached family (rate chosen per QBER like the baseline protocol, or a
 * fixed mother rate).
 *
 *   ./deno task ldpc-curve --matrix tests/fixtures/ldpc_caligo_4096_r050.csr.txt \
 *     --decoder spa --qber 0.02,0.05,0.08 --frames 300
 *   ./deno task ldpc-curve --code n=16384,rate=auto --decoder minsum --json
 *
 * Flags: --matrix FILE | --code n=<n>,rate=<auto|R0>; --qber list; --frames N (100);
 * --decoder spa|minsum|nms-layered|nms-simd|spa-layered|spa-flooding (spa → spa-flooding, minsum →
 * nms-layered); --iterations 50; --no-early-stop; --seed S (1); --alpha 0.8; --f-select 1.16;
 * --modulation 0.1; --leakage elkouss|conservative; --codes-dir codes; --json.
 * Exit code 2 on bad flags or files.
 * @module
 */
import { UsageError } from "../lib/errors.ts";
import { readCsrTextFile } from "../lib/io/csr_text.ts";
import { loadOrBuildCodeFamily } from "../lib/io/code_cache.ts";
import { campaignRng } from "../lib/kernels/rng.ts";
import type { ParityCheckMatrix } from "../lib/kernels/ldpc/parity_check_matrix.ts";
import type { DecoderName } from "../lib/kernels/ldpc/decoder.ts";
import { simulateFrames } from "../lib/reconciliation/frame_simulation.ts";
import { createDecoder, frameLayout } from "../lib/reconciliation/code_family.ts";
import {
  chooseBaselineRate,
  frameRate,
  modulationSize,
} from "../lib/reconciliation/rate_adaptation.ts";
import { binaryEntropy } from "../lib/reconciliation/entropy.ts";
import { parseDecoderFlag, runTask } from "./_cli.ts";
import {
  choiceFlag,
  helpText,
  numberListFlag,
  parseTaskFlags,
  requiredNumberFlag,
  stringFlag,
} from "./_flags.ts";
import { TASKS } from "./_tasks.ts";

const DEFAULT_RATES = [0.5, 0.55, 0.6, 0.65, 0.7, 0.75, 0.8, 0.85, 0.9];

interface Row {
  qber: number;
  frames: number;
  fer: number;
  avgIterations: number;
  msPerFrame: number;
  efficiency: number;
  rate: number;
  /** Decoder throughput n / (ms per frame), Mb/s. */
  mbps: number;
  motherRate: number;
  punctured: number;
  shortened: number;
}

/** One QBER point: frames with payload K = n − d, p punctured, s = d − p shortened. */
function simulate(
  h: ParityCheckMatrix,
  modulation: Int32Array,
  payload: Int32Array,
  punctured: number,
  qber: number,
  frames: number,
  decoderOpts: { name: DecoderName; alpha: number; iterations: number; earlyStop: boolean },
  seed: number,
): { failures: number; iterations: number; ms: number } {
  const decoder = createDecoder(h, {
    decoder: decoderOpts.name,
    nmsAlpha: decoderOpts.alpha,
    maxIterations: decoderOpts.iterations,
  });
  const r = simulateFrames(
    h,
    modulation,
    payload,
    punctured,
    qber,
    frames,
    decoder,
    campaignRng(seed, `ldpc-curve/${qber}`),
    {
      earlyStop: decoderOpts.earlyStop,
      now: () => performance.now(),
    },
  );
  return { failures: r.failures, iterations: r.iterations, ms: r.decodeMs };
}

async function main(): Promise<number> {
  const { values } = parseTaskFlags(TASKS["ldpc-curve"], Deno.args);
  if (values.help) {
    console.log(helpText("ldpc-curve", TASKS["ldpc-curve"]));
    return 0;
  }
  const name = parseDecoderFlag(stringFlag(values, "decoder")!);
  const frames = requiredNumberFlag(values, "frames", { integer: true, min: 1 });
  const iterations = requiredNumberFlag(values, "iterations", { integer: true, min: 1 });
  const seed = requiredNumberFlag(values, "seed", { integer: true });
  const alpha = requiredNumberFlag(values, "alpha", { min: 0, exclusiveMin: true });
  const fSelect = requiredNumberFlag(values, "f-select", { min: 0, exclusiveMin: true });
  const delta = requiredNumberFlag(values, "modulation", { min: 0, max: 0.49 });
  const leakage = choiceFlag(values, "leakage", ["elkouss", "conservative"] as const)!;
  const qbers = numberListFlag(values, "qber", { min: 0, max: 0.4999, exclusiveMin: true })!;
  const matrix = stringFlag(values, "matrix");
  const codeSpec = stringFlag(values, "code");
  if ((matrix === undefined) === (codeSpec === undefined)) {
    throw new UsageError("give exactly one of --matrix FILE or --code n=<n>,rate=<auto|R0>");
  }
  const decoderOpts = { name, alpha, iterations, earlyStop: values["no-early-stop"] !== true };
  const rows: Row[] = [];
  let matrixLabel: string;
  if (matrix !== undefined) {
    const h = await readCsrTextFile(matrix);
    matrixLabel = matrix;
    const payload = Int32Array.from({ length: h.n }, (_, i) => i);
    for (const q of qbers) {
      const r = simulate(h, new Int32Array(0), payload, 0, q, frames, decoderOpts, seed);
      rows.push(
        row(h.n, q, frames, r, h.m / (h.n * binaryEntropy(q)), 1 - h.m / h.n, 1 - h.m / h.n, 0, 0),
      );
    }
  } else {
    const spec = Object.fromEntries(codeSpec!.split(",").map((kv) => kv.split("=")));
    const n = Number(spec.n);
    if (!Number.isInteger(n) || n < 16) {
      throw new UsageError(`--code: n must be an integer ≥ 16, got ${JSON.stringify(spec.n)}`);
    }
    const rateSpec = spec.rate ?? "auto";
    const rates = rateSpec === "auto" ? DEFAULT_RATES : [Number(rateSpec)];
    if (rates.some((r) => !DEFAULT_RATES.some((x) => Math.abs(x - r) < 1e-9))) {
      throw new UsageError(
        `--code: rate must be auto or one of ${DEFAULT_RATES.join(", ")}, got ${
          JSON.stringify(rateSpec)
        }`,
      );
    }
    const family = await loadOrBuildCodeFamily(
      { codeLength: n, motherRates: rates },
      stringFlag(values, "codes-dir")!,
      {
        onCode: (r) => console.error(`code ${r.id}: ${r.source} in ${r.ms.toFixed(0)} ms`),
      },
    );
    matrixLabel = `n=${n},rate=${rateSpec}`;
    const d = rateSpec === "auto" ? modulationSize(n, delta) : 0;
    for (const q of qbers) {
      const plan = chooseBaselineRate(rates, n, d, q, fSelect);
      const code = family.codes[plan.codeIndex];
      const layout = frameLayout(family, plan.codeIndex, d);
      const r = simulate(
        code.matrix,
        layout.modulation,
        layout.payload,
        plan.punctured,
        q,
        frames,
        decoderOpts,
        seed,
      );
      const ec = leakage === "elkouss" ? code.matrix.m - plan.punctured : code.matrix.m;
      const payloadBits = n - d;
      rows.push(
        row(
          n,
          q,
          frames,
          r,
          ec / (payloadBits * binaryEntropy(q)),
          frameRate(code.rate, n, d, plan.shortened),
          code.rate,
          plan.punctured,
          plan.shortened,
        ),
      );
    }
  }
  if (values.json) {
    console.log(
      JSON.stringify({
        matrix: matrixLabel,
        decoder: name,
        iterations,
        earlyStop: decoderOpts.earlyStop,
        rows,
      }),
    );
  } else {
    console.log(
      `matrix ${matrixLabel}, decoder ${name}, ${iterations} iterations${
        decoderOpts.earlyStop ? "" : " (no early stop)"
      }`,
    );
    console.log(
      "qber    frames      fer  avgIter  ms/frame    Mb/s  f      rate   R0       p     s",
    );
    for (const r of rows) {
      console.log(
        [
          r.qber.toFixed(4),
          String(r.frames).padStart(6),
          r.fer.toFixed(4).padStart(7),
          r.avgIterations.toFixed(1).padStart(7),
          r.msPerFrame.toFixed(2).padStart(8),
          r.mbps.toFixed(3).padStart(6),
          r.efficiency.toFixed(3),
          r.rate.toFixed(3),
          r.motherRate.toFixed(2),
          String(r.punctured).padStart(4),
          String(r.shortened).padStart(4),
        ].join("  "),
      );
    }
  }
  return 0;
}

function row(
  n: number,
  qber: number,
  frames: number,
  r: { failures: number; iterations: number; ms: number },
  efficiency: number,
  rate: number,
  motherRate: number,
  punctured: number,
  shortened: number,
): Row {
  const msPerFrame = r.ms / frames;
  return {
    qber,
    frames,
    fer: r.failures / frames,
    avgIterations: r.iterations / frames,
    msPerFrame,
    efficiency,
    rate,
    mbps: msPerFrame > 0 ? n / msPerFrame / 1000 : NaN,
    motherRate,
    punctured,
    shortened,
  };
}

if (import.meta.main) await runTask("ldpc-curve", main);
