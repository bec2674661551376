/**
 * In-place iterative radix-2 complex FFT on split real/imaginary Float64Arrays
 * (Cooley–Tukey decimation in time). A plan holds the bit-reversal table and per-stage twiddle
 * tables (contiguous per stage), so transforms of one size allocate nothing.
 * @module
 */
import { InvalidArgumentError } from "../errors.ts";

/** A precomputed FFT of one power-of-two size. */
export interface FftPlan {
  /** Transform length, a power of two ≥ 1. */
  readonly size: number;
  /**
   * Transform `re` + i·`im` in place (both of length `size`).
   * Forward: X[k] = Σ x[n]·e^(−2πi·kn/size). Inverse: x[n] = (1/size)·Σ X[k]·e^(+2πi·kn/size).
   */
  transform(re: Float64Array, im: Float64Array, inverse: boolean): void;
  /**
   * Forward transform from natural order to bit-reversed order (decimation in frequency, no
   * permutation pass): afterwards position r holds X[bitReversal[r]].
   */
  forwardToBitReversed(re: Float64Array, im: Float64Array): void;
  /** Inverse transform (with the 1/size factor) from bit-reversed order to natural order. */
  inverseFromBitReversed(re: Float64Array, im: Float64Array): void;
  /** bitReversal[r] = r with its log2(size) bits reversed (an involution). */
  readonly bitReversal: Uint32Array;
}

/**
 * Smallest power of two ≥ n (n ≥ 1).
 * @example
 * ```ts
 * import { nextPowerOfTwo } from "./fft.ts";
 * console.assert(nextPowerOfTwo(1000) === 1024 && nextPowerOfTwo(1) === 1);
 * ```
 */
export function nextPowerOfTwo(n: number): number {
  let p = 1;
  while (p < n) p *= 2;
  return p;
}

/**
 * Build the plan of a power-of-two size.
 * @throws InvalidArgumentError if size is not a power of two in [1, 2^26]
 * @example
 * ```ts
 * import { createFftPlan } from "./fft.ts";
 * const plan = createFftPlan(4);
 * const re = new Float64Array([1, 2, 3, 4]), im = new Float64Array(4);
 * plan.transform(re, im, false);
 * console.assert(re[0] === 10 && re[2] === -2 && im[1] === 2);
 * plan.transform(re, im, true);
 * console.assert(re[3] === 4);
 * ```
 */
export function createFftPlan(size: number): FftPlan {
  if (!(Number.isInteger(size) && size >= 1 && size <= 2 ** 26 && (size & (size - 1)) === 0)) {
    throw new InvalidArgumentError("size", size, "must be a power of two in [1, 2^26]");
  }
  const bits = Math.round(Math.log2(size));
  const rev = new Uint32Array(size);
  for (let i = 1; i < size; i++) rev[i] = (rev[i >>> 1] >>> 1) | ((i & 1) << (bits - 1));
  // Stage with half-length h uses w_j = e^(−2πi·j/(2h)), j < h, stored at offset h − 1. The top
  // stage's table comes from n/4 + 1 cosines by symmetry; lower stages subsample it.
  const twRe = new Float64Array(Math.max(1, size - 1));
  const twIm = new Float64Array(Math.max(1, size - 1));
  const top = size / 2;
  if (top >= 1) {
    const off = top - 1;
    const quarter = top / 2;
    const cosines = new Float64Array(Math.floor(quarter) + 1);
    for (let j = 0; j <= quarter; j++) cosines[j] = Math.cos(Math.PI * j / top);
    for (let j = 0; j < top; j++) {
      // cos(πj/top) and sin(πj/top) from the first quarter wave.
      const c = j <= quarter ? cosines[j] : -cosines[top - j];
      const sn = top === 1 ? 0 : j <= quarter ? cosines[quarter - j] : cosines[j - quarter];
      twRe[off + j] = c;
      twIm[off + j] = -sn;
    }
    for (let h = top / 2; h >= 1; h /= 2) {
      const stride = top / h;
      for (let j = 0; j < h; j++) {
        twRe[h - 1 + j] = twRe[off + j * stride];
        twIm[h - 1 + j] = twIm[off + j * stride];
      }
    }
  }
  return {
    size,
    bitReversal: rev,
    transform(re: Float64Array, im: Float64Array, inverse: boolean): void {
      permute(size, rev, re, im);
      ditStages(size, twRe, twIm, re, im, inverse);
    },
    forwardToBitReversed(re: Float64Array, im: Float64Array): void {
      difStages(size, twRe, twIm, re, im);
    },
    inverseFromBitReversed(re: Float64Array, im: Float64Array): void {
      ditStages(size, twRe, twIm, re, im, true);
    },
  };
}

/** Forward decimation-in-frequency stages h = n/2 … 1, in radix-2² pairs (output bit-reversed). */
function difStages(
  n: number,
  twRe: Float64Array,
  twIm: Float64Array,
  re: Float64Array,
  im: Float64Array,
): void {
  let h2 = n / 2;
  // Pairs of stages (2h, h) with 2h = h2: first (p0, p2), (p1, p3) with w_2h^j and −i·w_2h^j,
  // then (p0, p1), (p2, p3) with w_h^j.
  for (; h2 >= 2; h2 /= 4) {
    const h = h2 / 2;
    const off1 = h - 1;
    const off2 = h2 - 1;
    const len = 4 * h;
    for (let i = 0; i < n; i += len) {
      for (let j = 0; j < h; j++) {
        const w1r = twRe[off1 + j], w1i = twIm[off1 + j];
        const w2r = twRe[off2 + j], w2i = twIm[off2 + j];
        const p0 = i + j, p1 = p0 + h, p2 = p1 + h, p3 = p2 + h;
        const x0r = re[p0], x0i = im[p0], x1r = re[p1], x1i = im[p1];
        const x2r = re[p2], x2i = im[p2], x3r = re[p3], x3i = im[p3];
        const a0r = x0r + x2r, a0i = x0i + x2i;
        const dr = x0r - x2r, di = x0i - x2i;
        const a2r = dr * w2r - di * w2i, a2i = dr * w2i + di * w2r;
        const a1r = x1r + x3r, a1i = x1i + x3i;
        const er = x1r - x3r, ei = x1i - x3i;
        // (x1 − x3)·(−i·w2) = −i·(e·w2).
        const fr = er * w2r - ei * w2i, fi = er * w2i + ei * w2r;
        const a3r = fi, a3i = -fr;
        re[p0] = a0r + a1r;
        im[p0] = a0i + a1i;
        const gr = a0r - a1r, gi = a0i - a1i;
        re[p1] = gr * w1r - gi * w1i;
        im[p1] = gr * w1i + gi * w1r;
        re[p2] = a2r + a3r;
        im[p2] = a2i + a3i;
        const kr = a2r - a3r, ki = a2i - a3i;
        re[p3] = kr * w1r - ki * w1i;
        im[p3] = kr * w1i + ki * w1r;
      }
    }
  }
  if (h2 === 1) {
    // Last radix-2 stage (h = 1, twiddle 1) when log2 n is odd.
    for (let i = 0; i + 1 < n; i += 2) {
      const ur = re[i], ui = im[i], vr = re[i + 1], vi = im[i + 1];
      re[i] = ur + vr;
      im[i] = ui + vi;
      re[i + 1] = ur - vr;
      im[i + 1] = ui - vi;
    }
  }
}

function permute(n: number, rev: Uint32Array, re: Float64Array, im: Float64Array): void {
  for (let i = 1; i < n; i++) {
    const j = rev[i];
    if (j > i) {
      const tr = re[i];
      re[i] = re[j];
      re[j] = tr;
      const ti = im[i];
      im[i] = im[j];
      im[j] = ti;
    }
  }
}

/** Decimation-in-time stages h = 1 … n/2 on bit-reversed input (output natural). */
function ditStages(
  n: number,
  twRe: Float64Array,
  twIm: Float64Array,
  re: Float64Array,
  im: Float64Array,
  inverse: boolean,
): void {
  const sign = inverse ? -1 : 1;
  // Radix-2² passes: stages h and 2h together on groups of 4h points. The second stage's twiddle
  // for index j + h is w_2h^j·e^(∓iπ/2) = ∓i·w_2h^j (forward −i, inverse +i).
  let h = 1;
  for (; 4 * h <= n; h *= 4) {
    const off1 = h - 1;
    const off2 = 2 * h - 1;
    const len = 4 * h;
    for (let i = 0; i < n; i += len) {
      for (let j = 0; j < h; j++) {
        const w1r = twRe[off1 + j], w1i = sign * twIm[off1 + j];
        const w2r = twRe[off2 + j], w2i = sign * twIm[off2 + j];
        const p0 = i + j, p1 = p0 + h, p2 = p1 + h, p3 = p2 + h;
        // Stage h: (p0, p1) and (p2, p3) with w1.
        let xr = re[p1], xi = im[p1];
        let tr = w1r * xr - w1i * xi, ti = w1r * xi + w1i * xr;
        const a0r = re[p0] + tr, a0i = im[p0] + ti;
        const a1r = re[p0] - tr, a1i = im[p0] - ti;
        xr = re[p3];
        xi = im[p3];
        tr = w1r * xr - w1i * xi;
        ti = w1r * xi + w1i * xr;
        const a2r = re[p2] + tr, a2i = im[p2] + ti;
        const a3r = re[p2] - tr, a3i = im[p2] - ti;
        // Stage 2h: (p0, p2) with w2, (p1, p3) with ∓i·w2.
        tr = w2r * a2r - w2i * a2i;
        ti = w2r * a2i + w2i * a2r;
        re[p0] = a0r + tr;
        im[p0] = a0i + ti;
        re[p2] = a0r - tr;
        im[p2] = a0i - ti;
        // (∓i·w2)·a3: forward −i·(u) = (u_i, −u_r); inverse +i·(u) = (−u_i, u_r).
        const ur = w2r * a3r - w2i * a3i, ui = w2r * a3i + w2i * a3r;
        tr = sign * ui;
        ti = -sign * ur;
        re[p1] = a1r + tr;
        im[p1] = a1i + ti;
        re[p3] = a1r - tr;
        im[p3] = a1i - ti;
      }
    }
  }
  // A last radix-2 stage when log2 n is odd.
  if (h < n) {
    const off = h - 1;
    for (let j = 0; j < h; j++) {
      const wr = twRe[off + j];
      const wi = sign * twIm[off + j];
      const p = j;
      const q = p + h;
      const xr = re[q], xi = im[q];
      const tr = wr * xr - wi * xi;
      const ti = wr * xi + wi * xr;
      const ur = re[p], ui = im[p];
      re[p] = ur + tr;
      im[p] = ui + ti;
      re[q] = ur - tr;
      im[q] = ui - ti;
    }
  }
  if (inverse) {
    const s = 1 / n;
    for (let i = 0; i < n; i++) {
      re[i] *= s;
      im[i] *= s;
    }
  }
}
