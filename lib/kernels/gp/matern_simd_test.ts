import { assertEmbeddedWasm } from "../../../tests/wasm_rebuild.ts";
import { assert, assertThrows } from "../../../tests/assert.ts";
import { Xoshiro128StarStar } from "../rng.ts";
import { tsLinalg } from "../linalg/ts_linalg.ts";
import { MaternSimdWorkspace, workspaceBytes } from "./matern_simd.ts";
import {
  GP_MATERN_SIMD_WASM_BASE64,
  GP_MATERN_SIMD_WASM_COMPILER,
  GP_MATERN_SIMD_WASM_SHA256,
} from "./matern_simd_wasm.generated.ts";

/** Reference M52 (unit variance) from the definition, R&W eq. 4.17. */
function m52(r2: number): number {
  const s = Math.sqrt(5 * r2);
  return (1 + s + (s * s) / 3) * Math.exp(-s);
}

function randomRows(n: number, d: number, seed: number, scale = 3): Float64Array {
  const rng = new Xoshiro128StarStar(new Uint32Array([seed, 5, 5, 2]));
  return Float64Array.from({ length: n * d }, () => scale * rng.nextDouble());
}

function sqDist(x: Float64Array, i: number, y: Float64Array, j: number, d: number): number {
  let s = 0;
  for (let m = 0; m < d; m++) s += (x[i * d + m] - y[j * d + m]) ** 2;
  return s;
}

Deno.test("matern simd: e^(-s) through the kernel matches Math.exp within 1e-15 for s in [0, 700], 0 past 708", () => {
  const count = 4001, ws = MaternSimdWorkspace.create(workspaceBytes([count, count, 1]));
  const a = ws.alloc(count), xn = ws.alloc(count), qn = ws.alloc(1);
  // r² = s²/5 via xn; a = 0, qn = 0.
  for (let i = 0; i < count; i++) xn[i] = (i * 0.2) ** 2 / 5; // s = 0 … 800
  ws.cross(a, xn, count, qn, 1, 1);
  for (let i = 0; i < count; i++) {
    // The same s as the kernel (√5·√r², each rounded once), so only e^x and the polynomial differ.
    const s = Math.sqrt(xn[i]) * Math.sqrt(5), ref = (1 + s + (s * s) / 3) * Math.exp(-s);
    if (s <= 700) assert(Math.abs(a[i] - ref) <= 1e-15 * ref, `s=${s}: ${a[i]} vs ${ref}`);
    if (s > 708.5) assert(a[i] === 0, `s=${s}: ${a[i]}`);
  }
});

Deno.test("matern simd: cross-covariance (odd n) and the fused mean equal the direct form", () => {
  const n = 37, m = 5, d = 9, sf2 = 2.5;
  const x = randomRows(n, d, 1), q = randomRows(m, d, 2);
  const ws = MaternSimdWorkspace.create(workspaceBytes([n * d, m * d, n * m, n, m, n, m]));
  const xs = ws.alloc(n * d), qs = ws.alloc(m * d), a = ws.alloc(n * m);
  const xn = ws.alloc(n), qn = ws.alloc(m), alpha = ws.alloc(n), mean = ws.alloc(m);
  xs.set(x);
  qs.set(q);
  for (let i = 0; i < n; i++) xn[i] = sqDist(x, i, new Float64Array(d), 0, d);
  for (let c = 0; c < m; c++) qn[c] = sqDist(q, c, new Float64Array(d), 0, d);
  for (let i = 0; i < n; i++) alpha[i] = Math.sin(i);
  tsLinalg.gemm("T", "N", n, m, d, -2, xs, d, qs, d, 0, a, n);
  ws.cross(a, xn, n, qn, m, sf2, alpha, mean);
  for (let c = 0; c < m; c++) {
    let mu = 0;
    for (let i = 0; i < n; i++) {
      const ref = sf2 * m52(sqDist(x, i, q, c, d));
      assert(Math.abs(a[i + c * n] - ref) < 1e-14 * sf2, `(${i}, ${c})`);
      mu += alpha[i] * ref;
    }
    assert(Math.abs(mean[c] - mu) < 1e-13, `mean ${c}: ${mean[c]} vs ${mu}`);
  }
});

Deno.test("matern simd: symmetric fill, every mode, equals the direct form (gradient cache packed)", () => {
  const n = 23, d = 4, sf2 = 1.7, diag = 0.03;
  const x = randomRows(n, d, 3);
  for (const mode of ["lower", "full", "gradient-cache"] as const) {
    const ws = MaternSimdWorkspace.create(workspaceBytes([n * d, n * n, n]));
    const xs = ws.alloc(n * d), a = ws.alloc(n * n), norms = ws.alloc(n);
    xs.set(x);
    for (let i = 0; i < n; i++) norms[i] = sqDist(x, i, new Float64Array(d), 0, d);
    a.fill(-7); // sentinel: untouched upper entries stay −7 in "lower" mode
    tsLinalg.syrk("T", n, d, -2, xs, d, 0, a, n);
    const upperBefore = a.slice();
    ws.symmetric(a, norms, n, sf2, diag, mode);
    for (let j = 0; j < n; j++) {
      assert(a[j + j * n] === sf2 + diag);
      for (let i = j + 1; i < n; i++) {
        const r2 = sqDist(x, i, x, j, d), ref = sf2 * m52(r2);
        assert(Math.abs(a[i + j * n] - ref) < 1e-14 * sf2, `${mode} (${i}, ${j})`);
        const s = Math.sqrt(5 * r2);
        if (mode === "full") assert(a[j + i * n] === a[i + j * n]);
        if (mode === "gradient-cache") {
          const q = (1 + s) * Math.exp(-s);
          assert(Math.abs(a[(n - 1 - j) * n - j - 1 + i] - q) < 1e-14, `q (${i}, ${j})`);
        }
      }
    }
    if (mode === "lower") {
      for (let j = 0; j < n; j++) {
        for (let i = 0; i < j; i++) assert(a[i + j * n] === upperBefore[i + j * n]);
      }
    }
  }
});

Deno.test("matern simd: gradient sums equal the pairwise definition (odd n)", () => {
  const n = 31, d = 3;
  const x = randomRows(n, d, 4, 1);
  const ws = MaternSimdWorkspace.create(workspaceBytes([n * n, n, n * d]));
  const w = ws.alloc(n * n), alpha = ws.alloc(n), xt = ws.alloc(n * d);
  const rng = new Xoshiro128StarStar(new Uint32Array([9, 9, 9, 9]));
  for (let i = 0; i < n * n; i++) w[i] = rng.nextDouble() - 0.5;
  for (let i = 0; i < n; i++) alpha[i] = rng.nextDouble() - 0.5;
  for (let i = 0; i < n; i++) for (let m = 0; m < d; m++) xt[m * n + i] = x[i * d + m];
  const acc = new Float64Array(d);
  ws.gradient(w, n, alpha, xt, d, acc);
  const ref = new Float64Array(d);
  for (let j = 0; j < n; j++) {
    for (let i = j + 1; i < n; i++) {
      const f = (alpha[i] * alpha[j] - w[i + j * n]) * w[(n - 1 - j) * n - j - 1 + i];
      for (let m = 0; m < d; m++) ref[m] += f * (x[i * d + m] - x[j * d + m]) ** 2;
    }
  }
  for (let m = 0; m < d; m++) {
    assert(Math.abs(acc[m] - ref[m]) < 1e-12 * (1 + Math.abs(ref[m])), `m=${m}`);
  }
});

Deno.test("matern simd: lowerToF32 rounds the lower triangle only; the gradient reads a float W exactly", () => {
  const n = 29, d = 4;
  const x = randomRows(n, d, 6, 1);
  const ws = MaternSimdWorkspace.create(workspaceBytes([n * n, n * n, n, n * d, n * n]));
  const w = ws.alloc(n * n), rounded = ws.alloc(n * n), alpha = ws.alloc(n), xt = ws.alloc(n * d);
  const w32 = ws.allocF32(n * n);
  const rng = new Xoshiro128StarStar(new Uint32Array([3, 1, 4, 1]));
  for (let i = 0; i < n * n; i++) w[i] = rng.nextDouble() - 0.5;
  for (let i = 0; i < n; i++) alpha[i] = rng.nextDouble() - 0.5;
  for (let i = 0; i < n; i++) for (let m = 0; m < d; m++) xt[m * n + i] = x[i * d + m];
  ws.lowerToF32(w, n, w32);
  rounded.set(w);
  for (let j = 0; j < n; j++) {
    for (let i = 0; i < n; i++) {
      const v = w32[i + j * n];
      if (i >= j) {
        assert(v === Math.fround(w[i + j * n]), `(${i}, ${j}): ${v}`);
        rounded[i + j * n] = v;
      } else {
        assert(v === 0, `upper (${i}, ${j}) written: ${v}`);
      }
    }
  }
  // Same sums, same order: the float path equals the double path on the rounded W bit for bit.
  const a32 = new Float64Array(d), a64 = new Float64Array(d);
  ws.gradient(w, n, alpha, xt, d, a32, w32);
  ws.gradient(rounded, n, alpha, xt, d, a64);
  for (let m = 0; m < d; m++) assert(a32[m] === a64[m], `m=${m}: ${a32[m]} vs ${a64[m]}`);
  assertThrows(() => ws.lowerToF32(w, n + 1, w32), RangeError, "shorter than n²");
});

Deno.test("matern simd: arrays of another memory and overflow are RangeErrors naming the problem", () => {
  const ws = MaternSimdWorkspace.create(workspaceBytes([4, 2]));
  const a = ws.alloc(4), norms = new Float64Array(2);
  assertThrows(() => ws.symmetric(a, norms, 2, 1, 0, "lower"), RangeError, "norms is not an array");
  ws.alloc(2);
  assertThrows(() => ws.alloc(1e6), RangeError, "out of room");
  assertThrows(() => MaternSimdWorkspace.create(2 ** 33), RangeError, "4 GiB");
});

Deno.test("matern simd: embedded module is the one the build script makes", async () => {
  await assertEmbeddedWasm({
    moduleUrl: new URL("./matern_simd_wasm.generated.ts", import.meta.url),
    base64: GP_MATERN_SIMD_WASM_BASE64,
    sha256: GP_MATERN_SIMD_WASM_SHA256,
    compiler: GP_MATERN_SIMD_WASM_COMPILER,
    output: "gp_matern",
  });
});
