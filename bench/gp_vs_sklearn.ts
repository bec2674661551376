/**
 * GP benchmark: caligo-ts surrogate vs scikit-learn on the 9-D cliff function (issue 6).
 * Machine of record: 2-core AMD EPYC (Zen 4), shared; timings are best-of where repeated.
 *
 *   ./deno run --allow-read --allow-env --allow-sys --allow-ffi \
 *     --allow-run=/usr/bin/python3,cc,/tmp/gp_potrf_c bench/gp_vs_sklearn.ts [--n=500,2000] [--sklearn]
 *     [--threads=2] [--backend=openblas|blis-flame|ts|default] [--potrf] [--big] [--big-n=10000] [--sod=3000] [--skip-fits] [--warm=off|auto|500,1000]
 *
 * --backend=default  fit through mod.ts's `fitGp(data)` with no options, as an analysis script does
 *            (it picks FFI BLAS when the script may load it)
 * --sklearn  fit sklearn on the same data in the same run (/usr/bin/python3 bench/gp_sklearn.py,
 *            Debian python3-sklearn)
 * --potrf    dpotrf: FFI vs the same call from C (cc) vs the TS fallback, n = 2000 and 4000
 * --big      N = 10 000: model-ready time (subset-of-data θ + PCG + LOVE), 1e5-candidate (main thread
 *            and a GpPredictPool of --threads workers)
 *            prediction time, LOVE vs exact variances, peak RSS of exact conditioning
 * Prints Markdown tables.
 * @module
 */
import { parseArgs } from "node:util";
import { cliffData } from "./gp_cliff_function.ts";
import { BLIS_FLAME_SHIM_PATH, loadBlas, OPENBLAS_PATH } from "../lib/io/blas_loader.ts";
import { tsLinalg } from "../lib/kernels/linalg/ts_linalg.ts";
import type { Linalg } from "../lib/kernels/linalg/linalg.ts";
import { fitGpSync } from "../lib/surrogate/fit_gp.ts";
import { GpPredictPool } from "../lib/campaign/workers/gp_predict_pool.ts";
import { LOCAL_NEIGHBOURS } from "../lib/surrogate/gp_model.ts";

const { values } = parseArgs({
  args: Deno.args,
  options: {
    n: { type: "string", default: "500,2000" },
    sklearn: { type: "boolean", default: false },
    threads: { type: "string", default: "2" },
    backend: { type: "string", default: "openblas" },
    potrf: { type: "boolean", default: false },
    big: { type: "boolean", default: false },
    "big-n": { type: "string", default: "10000" },
    sod: { type: "string", default: "3000" },
    "skip-fits": { type: "boolean", default: false },
    python: { type: "string", default: "/usr/bin/python3" },
    warm: { type: "string", default: "off" },
  },
});
const threads = Number(values.threads);
const warm = values.warm === "auto" || values.warm === "off"
  ? values.warm
  : values.warm!.split(",").map(Number);
const TEST_N = 5000;

async function backend(name: string): Promise<Linalg & { close?: () => void }> {
  if (name === "ts" || name === "default") return tsLinalg;
  const path = name === "blis-flame" ? BLIS_FLAME_SHIM_PATH : OPENBLAS_PATH;
  const la = await loadBlas({ candidates: [path], threads, useEnv: false });
  if (!la) throw new Error(`cannot load ${path}`);
  return la;
}

function rmse(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i] - b[i]) ** 2;
  return Math.sqrt(s / a.length);
}

/** Largest RSS seen so far (sampled after each phase; /proc/self/status would need -A). */
let rssPeak = 0;
function sampleRssMb(): number {
  rssPeak = Math.max(rssPeak, Deno.memoryUsage().rss / 2 ** 20);
  return rssPeak;
}

function packData(n: number) {
  const tr = cliffData(n, 1), te = cliffData(TEST_N, 2);
  const parts = [tr.x, tr.y, tr.f, te.x, te.f];
  const bytes = new Uint8Array(parts.reduce((a, p) => a + p.byteLength, 0));
  let o = 0;
  for (const p of parts) {
    bytes.set(new Uint8Array(p.buffer, p.byteOffset, p.byteLength), o);
    o += p.byteLength;
  }
  return { tr, te, bytes };
}

async function sklearn(n: number, bytes: Uint8Array) {
  const child = new Deno.Command(values.python!, {
    args: [new URL("./gp_sklearn.py", import.meta.url).pathname, String(n), String(TEST_N)],
    env: { OPENBLAS_NUM_THREADS: String(threads), OMP_NUM_THREADS: String(threads) },
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const writer = child.stdin.getWriter();
  await writer.write(bytes);
  await writer.close();
  const out = await child.output();
  if (!out.success) throw new Error(new TextDecoder().decode(out.stderr));
  return JSON.parse(new TextDecoder().decode(out.stdout).trim().split("\n").pop()!);
}

const la = await backend(values.backend!);
console.log(
  `backend: ${
    values.backend === "default" ? "mod.ts default (its 'linear algebra:' line on stderr)" : la.name
  }; machine: ${Deno.hostname?.() ?? "?"}, ${navigator.hardwareConcurrency} cores`,
);

if (!values["skip-fits"]) {
  console.log(
    "\n| N | caligo-ts fit (s) | evals | RMSE | sklearn fit (s) | sklearn RMSE | speed-up | RMSE ratio |",
  );
  console.log("|---|---|---|---|---|---|---|---|");
  for (const n of values.n!.split(",").map(Number)) {
    const { tr, te, bytes } = packData(n);
    const t0 = performance.now();
    const gp = values.backend === "default"
      ? await (await import("../mod.ts")).fitGp({ x: tr.x, y: tr.y, d: 9 })
      : fitGpSync({ x: tr.x, y: tr.y, d: 9 }, { linalg: la, warmStart: warm });
    const fitS = (performance.now() - t0) / 1000;
    const r = rmse(gp.predict(te.x, { variance: "none" }).mean, te.f);
    const r0 = gp.fitReport!.restarts[0];
    const ev = `${r0.evaluations}` +
      (r0.warmEvaluations?.length ? ` (+${r0.warmEvaluations.join("+")} on subsets)` : "");
    // Our side first, so a killed sklearn run (it takes minutes at N ≥ 4000) loses nothing.
    console.error(
      `caligo-ts N=${n}: fit ${fitS.toFixed(2)} s, ${ev} evaluations, RMSE ${r.toFixed(4)}`,
    );
    let sk = { fit_s: NaN, rmse: NaN, f_check: NaN };
    if (values.sklearn) sk = await sklearn(n, bytes);
    if (sk.f_check > 1e-12) throw new Error(`TS and Python cliff functions differ: ${sk.f_check}`);
    console.log(
      `| ${n} | ${fitS.toFixed(2)} | ${ev} | ${r.toFixed(4)} | ${sk.fit_s.toFixed(2)} | ${
        sk.rmse.toFixed(4)
      } | ` +
        `${(sk.fit_s / fitS).toFixed(1)}× | ${(r / sk.rmse).toFixed(3)} |`,
    );
  }
}

if (values.potrf) {
  const exe = "/tmp/gp_potrf_c";
  const cc = await new Deno.Command("cc", {
    args: [
      "-O2",
      "-o",
      exe,
      new URL("./gp_potrf_c.c", import.meta.url).pathname,
      OPENBLAS_PATH,
      "-lm",
    ],
  }).output().catch((e) => ({ success: false, stderr: new TextEncoder().encode(String(e)) }));
  console.log("\n| n | FFI potrf best (ms) | C potrf best (ms) | FFI/C | TS potrf (ms) | TS/FFI |");
  console.log("|---|---|---|---|---|---|");
  for (const n of [2000, 4000]) {
    const a0 = new Float64Array(n * n);
    for (let j = 0; j < n; j++) {
      for (let i = 0; i < n; i++) {
        a0[i + j * n] = Math.exp(-3 * Math.abs(i - j) / n) + (i === j ? 1 : 0);
      }
    }
    const a = new Float64Array(n * n);
    // Interleave FFI and C rounds (best of 3 × 5 each) so both see the same machine load.
    let ffi = Infinity, c = Infinity;
    for (let round = 0; round < 3; round++) {
      for (let r = 0; r < 5; r++) {
        a.set(a0);
        const t0 = performance.now();
        la.potrf(n, a, n);
        ffi = Math.min(ffi, performance.now() - t0);
      }
      if (cc.success) {
        const o = await new Deno.Command(exe, { args: [String(n), String(threads), "5"] }).output();
        c = Math.min(c, Number(new TextDecoder().decode(o.stdout).split(" ")[0]));
      }
    }
    if (!cc.success) c = NaN;
    a.set(a0);
    const t0 = performance.now();
    tsLinalg.potrf(n, a, n);
    const ts = performance.now() - t0;
    console.log(
      `| ${n} | ${ffi.toFixed(1)} | ${c.toFixed(1)} | ${(ffi / c).toFixed(3)} | ${
        ts.toFixed(0)
      } | ${(ts / ffi).toFixed(1)}× |`,
    );
  }
  if (!cc.success) console.log(`C reference not built: ${new TextDecoder().decode(cc.stderr)}`);
}

if (values.big) {
  const n = Number(values["big-n"]), sod = Number(values.sod);
  const tr = cliffData(n, 1), te = cliffData(TEST_N, 2), cand = cliffData(100000, 3);
  const t0 = performance.now();
  const gp = fitGpSync({ x: tr.x, y: tr.y, d: 9 }, {
    linalg: la,
    exactMaxN: Math.min(n - 1, 10000),
    sodSize: sod,
    loveIterations: 100,
    clock: () => performance.now(),
  });
  const readyS = (performance.now() - t0) / 1000;
  sampleRssMb();
  const rep = gp.fitReport!;
  const t1 = performance.now();
  const pred = gp.predict(cand.x, { variance: "love" });
  const predS = (performance.now() - t1) / 1000;
  const r = rmse(gp.predict(te.x, { variance: "none" }).mean, te.f);
  // The same prediction on a pool of `threads` workers (1 BLAS thread each), same machine.
  const tp0 = performance.now();
  const pool = await GpPredictPool.create(gp, { workers: threads });
  const poolStartS = (performance.now() - tp0) / 1000;
  const tp1 = performance.now();
  const poolPred = await pool.predict(cand.x, { variance: "love" });
  const poolS = (performance.now() - tp1) / 1000;
  pool.close();
  const poolDiff = Math.max(...poolPred.mean.map((v, i) => Math.abs(v - pred.mean[i])));
  console.log(
    `\nN=${n} pool of ${threads} workers: predict 1e5 (mean + LOVE σ²) ${poolS.toFixed(1)} s ` +
      `(+ ${poolStartS.toFixed(1)} s to start the workers once); max |Δμ| vs sequential ${
        poolDiff.toExponential(1)
      }`,
  );
  console.log(
    `\nN=${n} iterative path: θ on ${rep.hyperparameterRows} rows (${
      rep.restarts[0].evaluations
    } evals), ` +
      `PCG ${rep.cgIterations} it (rel. residual ${rep.cgRelativeResidual?.toExponential(1)}), ` +
      `model ready ${readyS.toFixed(1)} s (θ ${
        (rep.timingsMs!.hyperparameters / 1000).toFixed(1)
      } s, ` +
      `PCG + LOVE ${
        (rep.timingsMs!.conditioning / 1000).toFixed(1)
      } s); predict 1e5 (mean + LOVE σ²) ${predS.toFixed(1)} s; test RMSE ${r.toFixed(4)}; ` +
      `min σ² ${
        Math.min(...pred.variance.subarray(0, 1000)).toExponential(2)
      }; LOVE check at ${rep.loveCheck?.probes} probes: median rel. error ${
        rep.loveCheck?.medianRelativeError.toExponential(2)
      }`,
  );
  // Exact conditioning with the same θ: memory and LOVE accuracy.
  const t2 = performance.now();
  const exact = fitGpSync({ x: tr.x, y: tr.y, d: 9 }, {
    linalg: la,
    optimize: false,
    initialLogTheta: gp.state.logTheta,
    loveIterations: 100,
  });
  const exactS = (performance.now() - t2) / 1000;
  sampleRssMb();
  const probe = te.x.subarray(0, 2000 * 9);
  const t3 = performance.now();
  const ex = exact.predict(probe, { variance: "exact" });
  const exactPredS = (performance.now() - t3) / 1000;
  const exactRss = sampleRssMb(); // the memory target covers the exact path in double precision
  // Warm (the float copy of L is made on the first call), then best of 2 for both modes.
  let single: ReturnType<typeof exact.predict> | null = null, singleS = Infinity;
  let exactS2 = Infinity;
  if (la.strsm) {
    exact.predict(probe.subarray(0, 90), { variance: "exact-single" });
    for (let rep = 0; rep < 2; rep++) {
      let t = performance.now();
      exact.predict(probe, { variance: "exact" });
      exactS2 = Math.min(exactS2, (performance.now() - t) / 1000);
      t = performance.now();
      single = exact.predict(probe, { variance: "exact-single" });
      singleS = Math.min(singleS, (performance.now() - t) / 1000);
    }
  }
  const lv = exact.predict(probe, { variance: "love" });
  const lvIter = gp.predict(probe, { variance: "love" });
  const medianRel = (v: Float64Array) =>
    Array.from(ex.variance, (e, i) => Math.abs(v[i] - e) / e).sort((p, q) => p - q)[1000];
  const meanRel = rmse(ex.mean, gp.predict(probe, { variance: "none" }).mean) /
    rmse(ex.mean, new Float64Array(2000));
  console.log(
    `N=${n} exact conditioning (same θ, + LOVE cache): ${exactS.toFixed(1)} s; exact σ² for 2000 ` +
      `candidates ${exactPredS.toFixed(1)} s; LOVE vs exact σ² median rel. error ` +
      `${medianRel(lv.variance).toExponential(2)} (exact-path LOVE), ` +
      `${medianRel(lvIter.variance).toExponential(2)} (iterative-path LOVE); iterative vs exact ` +
      `mean rel. RMS ${meanRel.toExponential(2)}; max sampled RSS ${exactRss.toFixed(0)} MB`,
  );
  const t5 = performance.now();
  const local = gp.predict(probe, { variance: "local" }); // iterative-path model: LOVE + neighbours
  const localS = (performance.now() - t5) / 1000;
  console.log(
    `N=${n} local σ² (min of LOVE and the ${LOCAL_NEIGHBOURS} nearest training points, iterative-path ` +
      `model) for 2000 candidates ${localS.toFixed(2)} s; vs exact: median rel. error ${
        medianRel(local.variance).toExponential(2)
      }`,
  );
  if (single) {
    console.log(
      `N=${n} exact-single σ² (float solve) for 2000 candidates ${singleS.toFixed(2)} s ` +
        `(exact ${exactS2.toFixed(2)} s, warm, best of 2); vs exact: median rel. error ${
          medianRel(single.variance).toExponential(2)
        }, max ${
          Math.max(...single.variance.map((v, i) => Math.abs(v - ex.variance[i]) / ex.variance[i]))
            .toExponential(2)
        }; 1e5 candidates ≈ ${(50 * singleS).toFixed(0)} s on this machine; RSS with the ` +
        `float copy of L ${sampleRssMb().toFixed(0)} MB`,
    );
  }
}
la.close?.();
