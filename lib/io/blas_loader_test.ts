import { ignoreUnless, REQUIREMENTS } from "../../tests/requires.ts";
import { assert, assertEquals, assertThrows } from "../../tests/assert.ts";
import {
  blasCandidates,
  BlasLoadReport,
  BLIS_FLAME_SHIM_PATH,
  loadBlas,
  OPENBLAS_PATH,
  selectLinalg,
} from "./blas_loader.ts";
import { checkLinalgConformance, randomSpd } from "../kernels/linalg/_test_conformance.ts";
import { tsLinalg } from "../kernels/linalg/ts_linalg.ts";
import { createMllEvaluator } from "../surrogate/marginal_likelihood.ts";
import { fitGpSync } from "../surrogate/fit_gp.ts";
import { GpModel } from "../surrogate/gp_model.ts";
import { InvalidArgumentError } from "../errors.ts";

for (
  const [label, path] of [
    ["OpenBLAS", OPENBLAS_PATH],
    ["BLIS+libflame shim", BLIS_FLAME_SHIM_PATH],
  ] as const
) {
  Deno.test({
    name: `loadBlas() ${label} passes the conformance checks and agrees with tsLinalg`,
    ignore: ignoreUnless(
      [label === "OpenBLAS" ? REQUIREMENTS.openblas : REQUIREMENTS.blisShim],
      `loadBlas() ${label} conformance`,
    ),
    fn: async () => {
      const la = await loadBlas({ candidates: [path], useEnv: false, threads: 1 });
      assert(la !== null, `${path} did not load`);
      try {
        assert(la.name.startsWith("ffi: "), la.name);
        checkLinalgConformance(la);
        // Same Cholesky and inverse as the TS backend on a sub-matrix view (offset pointer).
        const n = 60, a = randomSpd(n, 31);
        const big = new Float64Array(n * n + 5);
        big.set(a, 5);
        const view = big.subarray(5), ref = a.slice();
        assertEquals(la.potrf(n, view, n), 0);
        assertEquals(tsLinalg.potrf(n, ref, n), 0);
        assertEquals(la.potri(n, view, n), 0);
        assertEquals(tsLinalg.potri(n, ref, n), 0);
        let err = 0;
        for (let j = 0; j < n; j++) {
          for (let i = j; i < n; i++) {
            err = Math.max(err, Math.abs(view[i + j * n] - ref[i + j * n]));
          }
        }
        assert(err < 1e-12, `max |ffi − ts| = ${err}`);
        assertEquals(big.subarray(0, 5), new Float64Array(5));
      } finally {
        la.close();
      }
    },
  });
}

Deno.test("loadBlas() OpenBLAS description names the library, version and 1 thread", {
  ignore: ignoreUnless([REQUIREMENTS.openblas], "loadBlas() OpenBLAS description"),
}, async () => {
  const la = await loadBlas({ candidates: [OPENBLAS_PATH], useEnv: false });
  assert(la !== null);
  try {
    assert(/^ffi: OpenBLAS \d+\.\d+\.\d+.*libopenblas\.so\.0\), 1 thread$/.test(la.name), la.name);
    assertEquals(la.threads, 1);
  } finally {
    la.close();
  }
});

Deno.test("selectLinalg() falls back to TS with a description naming the missing file", async () => {
  const sel = await selectLinalg({
    candidates: ["/nonexistent/libblas_missing.so"],
    useEnv: false,
  });
  assertEquals(sel.linalg, tsLinalg);
  assert(sel.description.startsWith("ts fallback: library not found at /nonexistent/"));
  assertEquals(sel.errors.length, 1);
  assert(sel.errors[0].includes("/nonexistent/libblas_missing.so"), sel.errors[0]);
});

Deno.test("blasCandidates() skips libflame shims for concurrent use (workers)", () => {
  const c = blasCandidates({ concurrentUse: true, useEnv: false });
  assert(c.length > 0 && c.every((x) => !x.lapack.includes("libla_")), JSON.stringify(c));
  const all = blasCandidates({ useEnv: false });
  assert(all.some((x) => x.lapack === BLIS_FLAME_SHIM_PATH));
});

Deno.test("loadBlas() returns null and records errors when nothing loads", async () => {
  const report = new BlasLoadReport();
  assertEquals(await loadBlas({ candidates: ["/nonexistent/a.so"], useEnv: false }, report), null);
  assertEquals(report.errors.length, 1);
});

Deno.test(
  "loadBlas() OpenBLAS MLL and gradient equal the TS backend's (upper-triangle cache intact)",
  {
    ignore: ignoreUnless([REQUIREMENTS.openblas], "loadBlas() OpenBLAS MLL and gradient"),
  },
  async () => {
    const la = await loadBlas({ candidates: [OPENBLAS_PATH], useEnv: false });
    assert(la !== null);
    try {
      const n = 150, d = 3;
      const x = Float64Array.from({ length: n * d }, (_, i) => (i * 0.6180339887) % 1);
      const y = Float64Array.from({ length: n }, (_, i) => Math.sin(7 * x[i * d]) + x[i * d + 2]);
      const theta = new Float64Array([-0.5, 0.1, 0.4, 0.2, Math.log(0.01)]);
      const ga = new Float64Array(5), gb = new Float64Array(5);
      const a = createMllEvaluator(x, y, n, d, la, { inverse: "double" }).evaluate(theta, ga);
      const b = createMllEvaluator(x, y, n, d, tsLinalg).evaluate(theta, gb);
      assert(Math.abs(a.mll - b.mll) < 1e-9 * Math.abs(b.mll), `${a.mll} vs ${b.mll}`);
      for (let j = 0; j < 5; j++) {
        assert(
          Math.abs(ga[j] - gb[j]) < 1e-7 * Math.max(1, Math.abs(gb[j])),
          `θ_${j}: ${ga[j]} vs ${gb[j]}`,
        );
      }
    } finally {
      la.close();
    }
  },
);

Deno.test(
  "loadBlas() OpenBLAS single precision: spotri/ssymv invert an SPD matrix; the mixed-precision MLL gradient matches double and falls back when the check fails",
  { ignore: ignoreUnless([REQUIREMENTS.openblas], "loadBlas() OpenBLAS single precision") },
  async () => {
    const la = await loadBlas({ candidates: [OPENBLAS_PATH], useEnv: false });
    assert(la !== null && la.spotri !== undefined && la.ssymv !== undefined);
    try {
      // A = [[4, 2], [2, 3]]: L = [[2, 0], [1, √2]], A⁻¹ = [[3, −2], [−2, 4]] / 8.
      const l = new Float32Array([2, 1, 0, Math.SQRT2]);
      assertEquals(la.spotri(2, l, 2), 0);
      assert(Math.abs(l[0] - 3 / 8) < 1e-7 && Math.abs(l[1] + 2 / 8) < 1e-7, `${l}`);
      assert(Math.abs(l[3] - 4 / 8) < 1e-7 && l[2] === 0, `${l}`);
      const v = new Float32Array(2);
      la.ssymv(2, 2, new Float32Array([4, 2, 99, 3]), 2, new Float32Array([1, 1]), 0, v);
      assertEquals(Array.from(v), [12, 10]); // the upper entry 99 is not read
      const n = 301, d = 9;
      const x = Float64Array.from({ length: n * d }, (_, i) => (i * 0.6180339887) % 1);
      const y = Float64Array.from(
        { length: n },
        (_, i) => Math.tanh(6 * (x[i * d] + x[i * d + 1] - 1)) + 0.1 * x[i * d + 5],
      );
      const gm = new Float64Array(d + 2), gd = new Float64Array(d + 2);
      const gf = new Float64Array(d + 2);
      // σ_n² = 1e-2: the float inverse passes its check. σ_n² = 1e-6 (condition ≈ 1e9): whichever
      // path the check picks, the gradient is within 1e-6 of the double one (here it measured
      // 1e-3 and fell back). Tolerance 0 forces the fallback: then everything equals double.
      for (const noise of [1e-2, 1e-6]) {
        const theta = Float64Array.from({ length: d + 2 }, (_, j) => j === d + 1 ? noise : 1);
        theta.forEach((v, j) => theta[j] = Math.log(v));
        const mixed = createMllEvaluator(x, y, n, d, la);
        const double = createMllEvaluator(x, y, n, d, la, { inverse: "double" });
        const failing = createMllEvaluator(x, y, n, d, la, { singleTolerance: 0 });
        const m = mixed.evaluate(theta, gm), b = double.evaluate(theta, gd);
        const f = failing.evaluate(theta, gf);
        if (noise === 1e-2) assertEquals(mixed.inverseCounts, { single: 1, double: 0 });
        assertEquals(double.inverseCounts, { single: 0, double: 1 });
        assertEquals(failing.inverseCounts, { single: 0, double: 1 });
        assertEquals(m.mll, b.mll); // the value is double precision on every path
        assertEquals(f.mll, b.mll);
        const scale = Math.max(...gd.map(Math.abs));
        for (let j = 0; j < d + 2; j++) {
          assert(
            Math.abs(gm[j] - gd[j]) < 1e-6 * scale,
            `σ_n² ${noise}, θ_${j}: ${gm[j]} vs ${gd[j]} (|g| ${scale})`,
          );
          assertEquals(gf[j], gd[j]);
        }
      }
    } finally {
      la.close();
    }
  },
);

Deno.test(
  "GpModel.predict() exact-single: single-precision solve within 1e-4·σ_f² of the double exact σ² (OpenBLAS); without strsm a typed error naming the backend",
  { ignore: ignoreUnless([REQUIREMENTS.openblas], "GpModel.predict() exact-single") },
  async () => {
    const la = await loadBlas({ candidates: [OPENBLAS_PATH], useEnv: false });
    assert(la !== null && la.strsm !== undefined);
    try {
      const n = 600, d = 4;
      const x = Float64Array.from({ length: n * d }, (_, i) => (i * 0.7548776662) % 1);
      const y = Float64Array.from(
        { length: n },
        (_, i) => Math.tanh(8 * (x[i * d] + 0.5 * x[i * d + 1] - 0.7)) + 0.01 * Math.sin(97 * i),
      );
      const gp = fitGpSync({ x, y, d }, { linalg: la });
      // Candidates near and far from the data (the variance spans orders of magnitude).
      const xq = Float64Array.from({ length: 300 * d }, (_, i) => (i * 0.5698402910) % 1.2);
      const ex = gp.predict(xq, { variance: "exact" });
      const sg = gp.predict(xq, { variance: "exact-single", chunkSize: 128 });
      assertEquals(sg.mean, ex.mean); // the mean does not depend on the variance mode
      // Float solve: z = L⁻¹k* carries ≈ ε_float·κ(L) relative error (κ(L) ≈ 10²–10³ here), so
      // σ² = σ_f² − ‖z‖² is good to ≈ 1e-5·σ_f² absolute (cancellation); 1e-4·σ_f² leaves a
      // margin, while a wrong solve is off by O(σ_f²). Median relative error: far below 1 %.
      const sf2 = gp.hyperparameters.signalVariance * gp.state.yStd ** 2;
      const rel: number[] = [];
      for (let i = 0; i < 300; i++) {
        const err = Math.abs(sg.variance[i] - ex.variance[i]);
        assert(
          err < 1e-4 * sf2,
          `candidate ${i}: ${sg.variance[i]} vs ${ex.variance[i]} (σ_f² ${sf2})`,
        );
        rel.push(err / ex.variance[i]);
      }
      rel.sort((a, b) => a - b);
      assert(rel[150] < 1e-3, `median relative error ${rel[150]}`);
      const ts = new GpModel(gp.state, tsLinalg);
      assertThrows(
        () => ts.predict(xq, { variance: "exact-single" }),
        InvalidArgumentError,
        "single-precision strsm",
      );
    } finally {
      la.close();
    }
  },
);
