/*
 * Matérn-5/2 kernel transforms and the length-scale gradient sum of the exact GP marginal
 * likelihood in WebAssembly SIMD128 (f64 × 2), for lib/kernels/gp/matern_simd.ts.
 *
 * Every routine works on column-major matrices that BLAS filled with −2·xᵢ·xⱼ (syrk/gemm); the
 * squared distance is r² = that + ‖xᵢ‖² + ‖xⱼ‖² (clamped ≥ 0), s = √5·r, and
 *   k = σ_f²·(1 + s + s²/3)·e^(−s),    q = (1 + s)·e^(−s)   (Rasmussen & Williams eq. 4.17).
 * e^(−s) comes from fdlibm's reduction and rational approximation (x = k·ln2 + r, |r| ≤ ln2/2,
 * < 1 ulp); arguments below −708 give 0. Odd tails run the same vector code on one lane, so a
 * value does not depend on its position. Clamps use pmax (a < b ? b : a), which V8 maps to one
 * maxpd; f64x2.max needs NaN/±0 fix-ups that made the cross kernel 40 % slower.
 *
 * Build: tools/build_wasm_decoder.sh (clang 14, --target=wasm32 -msimd128 -O3 -nostdlib).
 */
#include <wasm_simd128.h>

typedef double f64;

/*
 * The constants live in a writable global that the functions load once on entry: as literals,
 * clang rematerialises every v128.const inside the loops, and V8 builds each one from general
 * registers (≈ 4 instructions), which made the loop several times slower.
 */
f64 gp_matern_constants[13] = {
    2.23606797749978969640,     /* 0: √5 */
    1.44269504088896338700,     /* 1: log2(e) */
    6.93147180369123816490e-01, /* 2: ln2, high part */
    1.90821492927058770002e-10, /* 3: ln2, low part */
    6755399441055744.0,         /* 4: 1.5·2^52, rounds to an integer */
    -708.0,                     /* 5: below this e^x = 0 */
    1.66666666666666019037e-01, /* 6–10: P1…P5 of fdlibm's e_exp.c (|error| < 2^−59) */
    -2.77777777770155933842e-03,
    6.61375632143793436117e-05,
    -1.65339022054652515390e-06,
    4.13813679705723846039e-08,
    1.0,                        /* 11 */
    1.0 / 3.0,                  /* 12 */
};

typedef struct {
  v128_t sqrt5, log2e, ln2_hi, ln2_lo, shift, floor, p1, p2, p3, p4, p5, one, two, third, zero, bias;
} constants;

static inline constants load_constants(void) {
  const f64 *g = gp_matern_constants;
  constants k;
  k.sqrt5 = wasm_f64x2_splat(g[0]);
  k.log2e = wasm_f64x2_splat(g[1]);
  k.ln2_hi = wasm_f64x2_splat(g[2]);
  k.ln2_lo = wasm_f64x2_splat(g[3]);
  k.shift = wasm_f64x2_splat(g[4]);
  k.floor = wasm_f64x2_splat(g[5]);
  k.p1 = wasm_f64x2_splat(g[6]);
  k.p2 = wasm_f64x2_splat(g[7]);
  k.p3 = wasm_f64x2_splat(g[8]);
  k.p4 = wasm_f64x2_splat(g[9]);
  k.p5 = wasm_f64x2_splat(g[10]);
  k.one = wasm_f64x2_splat(g[11]);
  k.two = wasm_f64x2_add(k.one, k.one);
  k.third = wasm_f64x2_splat(g[12]);
  k.zero = wasm_f64x2_sub(k.one, k.one);
  /* 1023 << 52 as an integer lane: the exponent bias in place. */
  k.bias = wasm_i64x2_shl(wasm_i64x2_splat((long long)(g[11] * 1023.0)), 52);
  return k;
}

/*
 * e^x for x ≤ 0 (both lanes); 0 below −708. fdlibm's method (e_exp.c): x = k·ln2 + hi − lo,
 * r = hi − lo, e^r = 1 − ((lo − r·c/(2 − c)) − hi) with c = r − r²·P(r²); < 1 ulp.
 */
static inline v128_t exp_nonpositive(v128_t x, const constants *k) {
  v128_t under = wasm_f64x2_lt(x, k->floor);
  x = wasm_f64x2_pmax(x, k->floor);
  /* kd = round(x·log2 e) by adding 1.5·2^52; its low mantissa bits are then k (two's complement). */
  v128_t kd = wasm_f64x2_add(wasm_f64x2_mul(x, k->log2e), k->shift);
  v128_t kn = wasm_f64x2_sub(kd, k->shift);
  v128_t hi = wasm_f64x2_sub(x, wasm_f64x2_mul(kn, k->ln2_hi));
  v128_t lo = wasm_f64x2_mul(kn, k->ln2_lo);
  v128_t r = wasm_f64x2_sub(hi, lo);
  v128_t t = wasm_f64x2_mul(r, r);
  v128_t p = wasm_f64x2_add(k->p4, wasm_f64x2_mul(t, k->p5));
  p = wasm_f64x2_add(k->p3, wasm_f64x2_mul(t, p));
  p = wasm_f64x2_add(k->p2, wasm_f64x2_mul(t, p));
  p = wasm_f64x2_add(k->p1, wasm_f64x2_mul(t, p));
  v128_t c = wasm_f64x2_sub(r, wasm_f64x2_mul(t, p));
  v128_t q = wasm_f64x2_div(wasm_f64x2_mul(r, c), wasm_f64x2_sub(k->two, c));
  v128_t y = wasm_f64x2_sub(k->one, wasm_f64x2_sub(wasm_f64x2_sub(lo, q), hi));
  /* 2^k: k << 52 plus the bias (the shift constant's bits vanish in the shift); k ≥ −1022. */
  v128_t scale = wasm_i64x2_add(wasm_i64x2_shl(kd, 52), k->bias);
  return wasm_v128_andnot(wasm_f64x2_mul(y, scale), under);
}

/* s = √5·√max(r², 0). */
static inline v128_t scaled_distance(v128_t r2, const constants *k) {
  r2 = wasm_f64x2_pmax(r2, k->zero);
  return wasm_f64x2_mul(wasm_f64x2_sqrt(r2), k->sqrt5);
}

/* k/σ_f² = (1 + s + s²/3)·e and q = (1 + s)·e for e = e^(−s). */
static inline v128_t matern_from_s(v128_t s, v128_t *q, const constants *k) {
  v128_t e = exp_nonpositive(wasm_f64x2_neg(s), k);
  *q = wasm_f64x2_mul(wasm_f64x2_add(k->one, s), e);
  v128_t s2_3 = wasm_f64x2_mul(wasm_f64x2_mul(s, s), k->third);
  return wasm_f64x2_add(*q, wasm_f64x2_mul(s2_3, e));
}

/*
 * Cross-covariance, in place: a (n×m, ld n) holds −2·xᵢ·q_c; a[i + c·n] ← σ_f²·M52 with
 * r² = a + xn[i] + qn[c]. With alpha ≠ 0 also mean[c] = Σᵢ alpha[i]·a[i + c·n] (the posterior
 * mean, fused so the block is read once).
 */
__attribute__((export_name("m52_cross"))) void m52_cross(f64 *restrict a, const f64 *restrict xn, int n,
                                                         const f64 *restrict qn, int m, f64 sf2,
                                                         const f64 *restrict alpha, f64 *restrict mean) {
  const constants k = load_constants();
  const v128_t vsf2 = wasm_f64x2_splat(sf2);
  for (int c = 0; c < m; c++) {
    f64 *col = a + (long)c * n;
    const v128_t vq = wasm_f64x2_splat(qn[c]);
    v128_t acc = wasm_f64x2_splat(0.0);
    int i = 0;
    for (; i + 2 <= n; i += 2) {
      v128_t r2 = wasm_f64x2_add(wasm_v128_load(col + i), wasm_v128_load(xn + i));
      v128_t s = scaled_distance(wasm_f64x2_add(r2, vq), &k);
      v128_t q, kv = wasm_f64x2_mul(vsf2, matern_from_s(s, &q, &k));
      wasm_v128_store(col + i, kv);
      if (alpha) acc = wasm_f64x2_add(acc, wasm_f64x2_mul(kv, wasm_v128_load(alpha + i)));
    }
    f64 tail = 0.0;
    if (i < n) {
      v128_t r2 = wasm_f64x2_splat(col[i] + xn[i] + qn[c]);
      v128_t s = scaled_distance(r2, &k);
      v128_t q, kv = wasm_f64x2_mul(vsf2, matern_from_s(s, &q, &k));
      col[i] = wasm_f64x2_extract_lane(kv, 0);
      if (alpha) tail = alpha[i] * col[i];
    }
    if (alpha) mean[c] = (wasm_f64x2_extract_lane(acc, 0) + wasm_f64x2_extract_lane(acc, 1)) + tail;
  }
}

/*
 * Symmetric K̂, in place: the lower triangle of a (n×n, ld n) holds −2·xᵢ·xⱼ; writes
 * K̂(i, j) = σ_f²·M52 for i > j, σ_f² + diag on the diagonal. mode 1: also the upper triangle
 * (K̂ full); mode 2: q(i, j) packed into the strict upper triangle at a[(n−1−j)·n − j − 1 + i]
 * (the gradient cache of lib/surrogate/matern52.ts). mode 0: lower only.
 */
__attribute__((export_name("m52_symmetric"))) void m52_symmetric(f64 *restrict a, const f64 *restrict norms, int n,
                                                                 f64 sf2, f64 diag, int mode) {
  const constants k = load_constants();
  const v128_t vsf2 = wasm_f64x2_splat(sf2);
  for (int j = 0; j < n; j++) {
    f64 *col = a + (long)j * n;
    f64 *cache = a + ((long)(n - 1 - j) * n - j - 1);
    const v128_t vn = wasm_f64x2_splat(norms[j]);
    col[j] = sf2 + diag;
    int i = j + 1;
    for (; i + 2 <= n; i += 2) {
      v128_t r2 = wasm_f64x2_add(wasm_f64x2_add(wasm_v128_load(col + i), wasm_v128_load(norms + i)), vn);
      v128_t s = scaled_distance(r2, &k);
      v128_t q, kv = wasm_f64x2_mul(vsf2, matern_from_s(s, &q, &k));
      wasm_v128_store(col + i, kv);
      if (mode == 2) {
        wasm_v128_store(cache + i, q);
      } else if (mode == 1) {
        a[(long)i * n + j] = wasm_f64x2_extract_lane(kv, 0);
        a[(long)(i + 1) * n + j] = wasm_f64x2_extract_lane(kv, 1);
      }
    }
    if (i < n) {
      v128_t s = scaled_distance(wasm_f64x2_splat(col[i] + norms[i] + norms[j]), &k);
      v128_t q, kv = wasm_f64x2_mul(vsf2, matern_from_s(s, &q, &k));
      col[i] = wasm_f64x2_extract_lane(kv, 0);
      if (mode == 2) cache[i] = wasm_f64x2_extract_lane(q, 0);
      else if (mode == 1) a[(long)i * n + j] = col[i];
    }
  }
}

/* W[i + j·n] as f64 × 2 from the double lower triangle w or, when w32 is set, the float one. */
static inline __attribute__((always_inline)) v128_t load_inverse(const f64 *col, const float *col32, int i) {
  return col32 ? wasm_f64x2_promote_low_f32x4(wasm_v128_load64_zero(col32 + i)) : wasm_v128_load(col + i);
}

static inline __attribute__((always_inline)) void gradient_sums(const f64 *w, const float *w32, int n,
                                                                const f64 *alpha, const f64 *xt, int d,
                                                                f64 *acc, v128_t *scratch) {
  v128_t *sum = scratch, *xj = scratch + d;
  for (int m = 0; m < d; m++) sum[m] = wasm_f64x2_splat(0.0);
  for (int j = 0; j < n; j++) {
    const f64 *col = w + (long)j * n;
    const float *col32 = w32 ? w32 + (long)j * n : 0;
    const f64 *cache = w + ((long)(n - 1 - j) * n - j - 1);
    const v128_t aj = wasm_f64x2_splat(alpha[j]);
    for (int m = 0; m < d; m++) xj[m] = wasm_f64x2_splat(xt[(long)m * n + j]);
    int i = j + 1;
    for (; i + 2 <= n; i += 2) {
      v128_t f = wasm_f64x2_sub(wasm_f64x2_mul(wasm_v128_load(alpha + i), aj), load_inverse(col, col32, i));
      f = wasm_f64x2_mul(f, wasm_v128_load(cache + i));
      for (int m = 0; m < d; m++) {
        v128_t t = wasm_f64x2_sub(wasm_v128_load(xt + (long)m * n + i), xj[m]);
        sum[m] = wasm_f64x2_add(sum[m], wasm_f64x2_mul(f, wasm_f64x2_mul(t, t)));
      }
    }
    if (i < n) {
      f64 f = (alpha[i] * alpha[j] - (col32 ? (f64)col32[i] : col[i])) * cache[i];
      for (int m = 0; m < d; m++) {
        f64 t = xt[(long)m * n + i] - xt[(long)m * n + j];
        sum[m] = wasm_f64x2_add(sum[m], wasm_f64x2_make(f * t * t, 0.0));
      }
    }
  }
  for (int m = 0; m < d; m++) {
    acc[m] = wasm_f64x2_extract_lane(sum[m], 0) + wasm_f64x2_extract_lane(sum[m], 1);
  }
}

/*
 * Length-scale trace sums of the MLL gradient: for m < d,
 *   acc[m] = Σ_{j} Σ_{i>j} (alpha[i]·alpha[j] − W[i + j·n])·q(i, j)·(xt[m·n + i] − xt[m·n + j])²
 * with W = K̂⁻¹ in the lower triangle of w (w32 = 0) or of the float matrix w32 (the mixed-
 * precision gradient: W from spotri), q packed in the strict upper triangle of w as in
 * m52_symmetric mode 2, and xt the scaled inputs transposed (d×n row-major). scratch: 2·d f64×2
 * slots (16-byte aligned).
 */
__attribute__((export_name("m52_gradient"))) void m52_gradient(const f64 *w, const float *w32, int n,
                                                               const f64 *alpha, const f64 *xt, int d,
                                                               f64 *acc, v128_t *scratch) {
  if (w32) gradient_sums(w, w32, n, alpha, xt, d, acc, scratch);
  else gradient_sums(w, 0, n, alpha, xt, d, acc, scratch);
}

/* b ← the lower triangle (with the diagonal) of the n×n column-major a, rounded to float. */
__attribute__((export_name("m52_lower_to_f32"))) void m52_lower_to_f32(const f64 *restrict a, int n,
                                                                       float *restrict b) {
  for (int j = 0; j < n; j++) {
    const f64 *col = a + (long)j * n;
    float *out = b + (long)j * n;
    int i = j;
    for (; i + 2 <= n; i += 2) {
      wasm_v128_store64_lane(out + i, wasm_f32x4_demote_f64x2_zero(wasm_v128_load(col + i)), 0);
    }
    if (i < n) out[i] = (float)col[i];
  }
}
