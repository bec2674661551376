/**
 * The cliff explorer's numerics as browser JavaScript (the text of one `<script>`): it defines
 * `CaligoExplorerMath`, the posterior mean of a fitted twin-GP model mirrored from
 * lib/surrogate/matern52.ts and lib/surrogate/gp_model.ts (Matérn-5/2 ARD on the unit box,
 * μ = (Σᵢ k(xᵢ, x*)·αᵢ)·s_y + m_y, Rasmussen & Williams Alg. 2.1 line 4), evaluated on a 2-D
 * slice in O(G²·n) with the off-slice part of r² computed once per slice, and the latent σ
 * conditioned on the m training points nearest in the ARD metric (the "local" variance of
 * lib/surrogate/local_variance.ts: an upper bound of the exact σ). Plain ES2017, no imports,
 * nothing touched outside its own object, so the tests evaluate the same text in Deno
 * (`new Function`) and compare it with {@link GpModel.predict}.
 * @module
 */

/** Neighbours of the explorer's local σ (per grid node and at the probe). */
export const EXPLORER_NEIGHBOURS = 32;

/**
 * The script text; it declares `var CaligoExplorerMath = {...}`:
 * - `decodeF64(base64)`, `decodeF32(base64)`: little-endian arrays embedded in the page;
 * - `prepareModel(json, lo, hi)`: training rows divided by ℓ (unit box), ready to predict;
 * - `predictPoint(model, stored, m)`: {mean, sd} at one point (8 stored-unit values): exact
 *   mean, local σ from m neighbours;
 * - `evalSlice(model, ref, ax, ay, xs, ys, m, out)`: mean and σ on the grid xs × ys (stored
 *   units, x fastest) through `ref`; σ on every other grid line and the last, bilinear between;
 * - `normalCdf(z)`: Φ(z) (|error| < 1.5e-7, Abramowitz & Stegun 7.1.26).
 */
export const EXPLORER_MATH_JS = String.raw`var CaligoExplorerMath = (function () {
  "use strict";
  var SQRT5 = Math.sqrt(5);
  // e^(−s) for the grid loop without a call: s = k·ln2/64 + r (Cody–Waite split of ln2/64),
  // e^(−s) = e^(−r)·2^(−⌊k/64⌋)·2^(−(k mod 64)/64), e^(−r) by its degree-6 Taylor polynomial
  // (|r| ≤ ln2/128: truncation 2e-17); relative error ≤ 3e-15 against Math.exp.
  var INV_LN2_64 = 64 / Math.LN2, LN2_64_HI = Math.fround(Math.LN2 / 64);
  var LN2_64_LO = Math.LN2 / 64 - LN2_64_HI;
  // Taylor coefficients 1/k! and 1/3 as constants: multiplications, no division in the loop
  var C3 = 1 / 6, C4 = 1 / 24, C5 = 1 / 120, C6 = 1 / 720, THIRD = 1 / 3;
  var EXP_FRAC = new Float64Array(64), EXP_INT = new Float64Array(1100);
  for (var e0 = 0; e0 < 64; e0++) EXP_FRAC[e0] = Math.pow(2, -e0 / 64);
  for (var e1 = 0; e1 < 1100; e1++) EXP_INT[e1] = Math.pow(2, -e1);
  function bytesOf(b64) {
    var s = atob(b64), u = new Uint8Array(s.length);
    for (var i = 0; i < s.length; i++) u[i] = s.charCodeAt(i);
    return u.buffer;
  }
  function decodeF64(b64) { return new Float64Array(bytesOf(b64)); }
  function decodeF32(b64) { return new Float32Array(bytesOf(b64)); }
  // k(r) = σ_f²·(1 + √5 r + 5r²/3)·exp(−√5 r) from r² (matern52.ts)
  function kernelOfR2(r2, sf2) {
    var s = r2 > 0 ? SQRT5 * Math.sqrt(r2) : 0;
    return sf2 * (1 + s + s * s / 3) * Math.exp(-s);
  }
  // json: {n, d, x (base64 f64, n×d unit box), alpha (base64 f64), lengthScales, signalVariance,
  // noiseVariance, jitter, yMean, yStd}; lo, hi: the box in stored units.
  function prepareModel(json, lo, hi) {
    var n = json.n, d = json.d, x = decodeF64(json.x), ls = json.lengthScales;
    var xs = new Float64Array(n * d), alpha = decodeF64(json.alpha), sfAlpha = new Float64Array(n);
    for (var i = 0; i < n; i++) for (var j = 0; j < d; j++) xs[i * d + j] = x[i * d + j] / ls[j];
    for (var i1 = 0; i1 < n; i1++) sfAlpha[i1] = json.signalVariance * alpha[i1];
    return {
      n: n, d: d, xs: xs, alpha: alpha, sfAlpha: sfAlpha, ls: ls, lo: lo, hi: hi,
      sf2: json.signalVariance, c: json.noiseVariance + (json.jitter || 0),
      yMean: json.yMean, yStd: json.yStd,
      // workspace of the local σ
      heapV: new Float64Array(64), heapI: new Int32Array(64), kss: new Float64Array(64 * 64),
      ks: new Float64Array(64),
      // workspace of evalSlice, grown on demand: off-slice r², per-line parts, off + B of a line
      off: new Float64Array(n), offB: new Float64Array(n), A: new Float64Array(0),
      B: new Float64Array(0)
    };
  }
  // stored units → unit box → divided by ℓ
  function scaledPoint(model, stored, out) {
    for (var j = 0; j < model.d; j++) {
      out[j] = (stored[j] - model.lo[j]) / (model.hi[j] - model.lo[j]) / model.ls[j];
    }
    return out;
  }
  // Neighbour set: keep the m largest k in heapV/heapI (unsorted, min tracked).
  function resetNeighbours(model, m) {
    for (var a = 0; a < m; a++) { model.heapV[a] = -1; model.heapI[a] = -1; }
  }
  function offerNeighbour(model, m, kv, i) {
    var hv = model.heapV, hi = model.heapI, mi = 0;
    for (var a = 1; a < m; a++) if (hv[a] < hv[mi]) mi = a;
    if (kv > hv[mi]) { hv[mi] = kv; hi[mi] = i; }
  }
  // σ² conditioned on the kept neighbours: σ_f² − k_Sᵀ(K_SS + c·I)⁻¹k_S (local_variance.ts)
  function localVariance(model, m) {
    var d = model.d, xs = model.xs, hv = model.heapV, hi = model.heapI, kss = model.kss;
    var ks = model.ks, sf2 = model.sf2, mm = 0;
    for (var a = 0; a < m; a++) if (hi[a] >= 0) { hi[mm] = hi[a]; hv[mm] = hv[a]; mm++; }
    for (var p = 0; p < mm; p++) {
      ks[p] = hv[p];
      kss[p * mm + p] = sf2 + model.c;
      for (var q = 0; q < p; q++) {
        var r2 = 0, ip = hi[p] * d, iq = hi[q] * d;
        for (var t = 0; t < d; t++) { var dt = xs[ip + t] - xs[iq + t]; r2 += dt * dt; }
        kss[p * mm + q] = kernelOfR2(r2, sf2);
      }
    }
    // Cholesky (lower, row-major) and forward solve L z = k_S
    for (var j = 0; j < mm; j++) {
      var s = kss[j * mm + j];
      for (var k = 0; k < j; k++) s -= kss[j * mm + k] * kss[j * mm + k];
      if (!(s > 0)) return sf2;
      var ljj = Math.sqrt(s);
      kss[j * mm + j] = ljj;
      for (var i = j + 1; i < mm; i++) {
        var v = kss[i * mm + j];
        for (var k2 = 0; k2 < j; k2++) v -= kss[i * mm + k2] * kss[j * mm + k2];
        kss[i * mm + j] = v / ljj;
      }
    }
    var quad = 0;
    for (var r = 0; r < mm; r++) {
      var z = ks[r];
      for (var c2 = 0; c2 < r; c2++) z -= kss[r * mm + c2] * ks[c2];
      z /= kss[r * mm + r];
      ks[r] = z;
      quad += z * z;
    }
    return Math.max(0, sf2 - quad);
  }
  function predictPoint(model, stored, m) {
    var n = model.n, d = model.d, xs = model.xs, alpha = model.alpha, sf2 = model.sf2;
    var q = scaledPoint(model, stored, new Float64Array(d)), acc = 0;
    m = Math.min(m, n, 64);
    resetNeighbours(model, m);
    for (var i = 0; i < n; i++) {
      var r2 = 0;
      for (var j = 0; j < d; j++) { var t = xs[i * d + j] - q[j]; r2 += t * t; }
      var kv = kernelOfR2(r2, sf2);
      acc += kv * alpha[i];
      if (m > 0) offerNeighbour(model, m, kv, i);
    }
    var sd = m > 0 ? Math.sqrt(localVariance(model, m)) * model.yStd : NaN;
    return { mean: acc * model.yStd + model.yMean, sd: sd };
  }
  // Grid through ref over columns ax (values xs) and ay (values ys), stored units; out.mean and
  // out.sd of length xs.length·ys.length, x fastest. r² = c_i + A_i(x) + B_i(y): the off-slice
  // part c_i once per slice, the axis parts once per grid line.
  function evalSlice(model, ref, ax, ay, xsv, ysv, m, out) {
    var n = model.n, d = model.d, xs = model.xs, alpha = model.alpha, sf2 = model.sf2;
    var gx = xsv.length, gy = ysv.length, q = scaledPoint(model, ref, new Float64Array(d));
    if (model.A.length < gx * n) model.A = new Float64Array(gx * n);
    if (model.B.length < gy * n) model.B = new Float64Array(gy * n);
    var off = model.off, A = model.A, B = model.B, offB = model.offB, sfAlpha = model.sfAlpha;
    for (var i = 0; i < n; i++) {
      var s = 0;
      for (var j = 0; j < d; j++) {
        if (j === ax || j === ay) continue;
        var t = xs[i * d + j] - q[j];
        s += t * t;
      }
      off[i] = s;
    }
    var sx = 1 / ((model.hi[ax] - model.lo[ax]) * model.ls[ax]);
    var sy = 1 / ((model.hi[ay] - model.lo[ay]) * model.ls[ay]);
    for (var k = 0; k < gx; k++) {
      var u = (xsv[k] - model.lo[ax]) * sx;
      for (var i2 = 0; i2 < n; i2++) { var a = xs[i2 * d + ax] - u; A[k * n + i2] = a * a; }
    }
    for (var l = 0; l < gy; l++) {
      var v = (ysv[l] - model.lo[ay]) * sy;
      for (var i3 = 0; i3 < n; i3++) { var b = xs[i3 * d + ay] - v; B[l * n + i3] = b * b; }
    }
    m = Math.min(m, n, 64);
    // σ at every other grid line (and the last), bilinear in between: σ varies on the scale of
    // the training-point spacing, the mean's contour needs every node.
    var sdx = strideNodes(gx), sdy = strideNodes(gy);
    for (var l2 = 0; l2 < gy; l2++) {
      var bo = l2 * n;
      for (var i5 = 0; i5 < n; i5++) offB[i5] = off[i5] + B[bo + i5];
      for (var k2 = 0; k2 < gx; k2++) {
        var ao = k2 * n, acc = 0, want = m > 0 && sdx.on[k2] && sdy.on[l2];
        var idx = l2 * gx + k2;
        if (!want) {
          // mean only: Σᵢ σ_f²αᵢ·(1 + s + s²/3)·e^(−s), s = √5·r
          for (var i6 = 0; i6 < n; i6++) {
            var s6 = SQRT5 * Math.sqrt(offB[i6] + A[ao + i6]), e6 = 0;
            if (s6 < 700) {
              var k6 = (s6 * INV_LN2_64 + 0.5) | 0, r6 = (s6 - k6 * LN2_64_HI) - k6 * LN2_64_LO;
              e6 = (1 - r6 * (1 - r6 * (0.5 - r6 * (C3 - r6 * (C4 - r6 * (C5 - r6 * C6)))))) *
                EXP_INT[k6 >> 6] * EXP_FRAC[k6 & 63];
            }
            acc += (1 + s6 + s6 * s6 * THIRD) * e6 * sfAlpha[i6];
          }
          out.mean[idx] = acc * model.yStd + model.yMean;
          out.sd[idx] = NaN;
          continue;
        }
        resetNeighbours(model, m);
        var floor = -1, hv = model.heapV;
        for (var i4 = 0; i4 < n; i4++) {
          var sq = SQRT5 * Math.sqrt(offB[i4] + A[ao + i4]), ex = 0;
          if (sq < 700) {
            var ke = (sq * INV_LN2_64 + 0.5) | 0, re = (sq - ke * LN2_64_HI) - ke * LN2_64_LO;
            ex = (1 - re * (1 - re * (0.5 - re * (C3 - re * (C4 - re * (C5 - re * C6)))))) *
              EXP_INT[ke >> 6] * EXP_FRAC[ke & 63];
          }
          var kv = sf2 * (1 + sq + sq * sq * THIRD) * ex;
          acc += kv * alpha[i4];
          if (kv > floor) {
            offerNeighbour(model, m, kv, i4);
            floor = hv[0];
            for (var p = 1; p < m; p++) if (hv[p] < floor) floor = hv[p];
          }
        }
        out.mean[idx] = acc * model.yStd + model.yMean;
        out.sd[idx] = Math.sqrt(localVariance(model, m)) * model.yStd;
      }
    }
    if (m > 0) fillStrided(out.sd, gx, gy, sdx, sdy);
    return out;
  }
  // Grid lines 0, 2, 4, …, and the last: on[k] and, per line, the computed lines around it.
  function strideNodes(g) {
    var on = new Uint8Array(g), below = new Int32Array(g), above = new Int32Array(g);
    for (var k = 0; k < g; k++) on[k] = k % 2 === 0 || k === g - 1 ? 1 : 0;
    for (var k1 = 0; k1 < g; k1++) {
      var a = k1, b = k1;
      while (!on[a]) a--;
      while (!on[b]) b++;
      below[k1] = a;
      above[k1] = b;
    }
    return { on: on, below: below, above: above };
  }
  function fillStrided(v, gx, gy, sx, sy) {
    for (var l = 0; l < gy; l++) {
      if (!sy.on[l]) continue;
      for (var k = 0; k < gx; k++) {
        if (sx.on[k]) continue;
        var a = sx.below[k], b = sx.above[k], w = (k - a) / (b - a);
        v[l * gx + k] = v[l * gx + a] * (1 - w) + v[l * gx + b] * w;
      }
    }
    for (var l2 = 0; l2 < gy; l2++) {
      if (sy.on[l2]) continue;
      var c = sy.below[l2], d = sy.above[l2], w2 = (l2 - c) / (d - c);
      for (var k2 = 0; k2 < gx; k2++) v[l2 * gx + k2] = v[c * gx + k2] * (1 - w2) + v[d * gx + k2] * w2;
    }
  }
  // Φ(z) by erf, Abramowitz & Stegun 7.1.26 (|error| < 1.5e-7)
  function normalCdf(z) {
    var x = Math.abs(z) / Math.SQRT2, t = 1 / (1 + 0.3275911 * x);
    var y = 1 - (((((1.061405429 * t - 1.453152027) * t) + 1.421413741) * t - 0.284496736) * t +
      0.254829592) * t * Math.exp(-x * x);
    return z >= 0 ? 0.5 * (1 + y) : 0.5 * (1 - y);
  }
  return {
    decodeF64: decodeF64, decodeF32: decodeF32, prepareModel: prepareModel,
    predictPoint: predictPoint, evalSlice: evalSlice, normalCdf: normalCdf,
    kernelOfR2: kernelOfR2
  };
})();
`;

/** The object the script defines (for tests and the report's σ check in Deno). */
export interface ExplorerMath {
  decodeF64(b64: string): Float64Array;
  decodeF32(b64: string): Float32Array;
  prepareModel(json: ExplorerModelJson, lo: ArrayLike<number>, hi: ArrayLike<number>): unknown;
  predictPoint(model: unknown, stored: ArrayLike<number>, m: number): { mean: number; sd: number };
  evalSlice(
    model: unknown,
    ref: ArrayLike<number>,
    ax: number,
    ay: number,
    xs: ArrayLike<number>,
    ys: ArrayLike<number>,
    m: number,
    out: { mean: Float64Array; sd: Float64Array },
  ): { mean: Float64Array; sd: Float64Array };
  normalCdf(z: number): number;
}

/** One strategy's GP as embedded in the page. */
export interface ExplorerModelJson {
  n: number;
  d: number;
  /** n×d unit-box training inputs, little-endian float64, base64. */
  x: string;
  /** α = K̂⁻¹y (standardised), base64 float64. */
  alpha: string;
  lengthScales: number[];
  signalVariance: number;
  noiseVariance: number;
  jitter: number;
  yMean: number;
  yStd: number;
}

/** Evaluate {@link EXPLORER_MATH_JS} here (Deno) and return its object. */
export function loadExplorerMath(): ExplorerMath {
  return new Function(`${EXPLORER_MATH_JS}\nreturn CaligoExplorerMath;`)() as ExplorerMath;
}
