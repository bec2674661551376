/*
 * Frame-interleaved layered sum-product LDPC decoder kernels, WebAssembly SIMD128.
 *
 * Several frames are decoded in lock step: every message and posterior holds one float32 LLR per
 * frame, so one pass over the Tanner graph updates all of them. Two widths are built from one
 * template (ldpc_spa_simd_lanes.h):
 *   *_x4: 4 frames, one f32x4 vector per edge, variable and check;
 *   *_x8: 8 frames, two f32x4 vectors per edge, variable and check (two independent dependency
 *         chains per edge for the out-of-order core).
 * The schedule is the layered one of Hocevar (2004): for each check c in order,
 *   q_e = L_v - r_e                                                  (extrinsic input)
 *   r_e = (-1)^(s_c) * prod_{e' != e} sgn(q_e') * phi(sum_{e' != e} phi(|q_e'|))
 *   L_v = q_e + r_e
 * with phi(x) = -ln tanh(x/2) = ln((1 + e^-x)/(1 - e^-x)): the sum-product check rule in the
 * "phi domain" (Gallager 1963; Chen & Fossorier 2002, eq. 3), equal to 2 atanh(prod tanh(q/2)).
 * The sum over the other edges is a prefix sum plus a suffix sum, so no phi(|q_e|) is subtracted
 * from the row total (no cancellation when one term dominates, e.g. a punctured input).
 *
 * phi is read from the log-indexed float32 table of lib/kernels/ldpc/layered_decoder.ts, written
 * into memory by the wrapper: the argument is clamped to [2^-30, 64], its float32 bits shifted
 * right by 15 give the bin (256 bins per octave, |error| <= 0.0014). WebAssembly SIMD has no
 * gather, so each vector costs four lane extracts and four scalar loads into lanes. A vectorised
 * exp/log evaluation (relative error 2e-6, ~45 vector operations with a division and a long
 * dependency chain) was measured 4x slower per sweep under V8 on x86-64, so the table is used.
 *
 * The TypeScript wrapper lib/kernels/ldpc/simd_sum_product_decoder.ts owns the memory layout
 * (struct layout), calls one sweep per iteration and polls its cancel flag between sweeps.
 *
 * Build: tools/build_wasm_decoder.sh (clang 14, --target=wasm32 -msimd128 -O3, imported memory).
 */
#include <stdint.h>
#include <wasm_simd128.h>

#define STRINGIFY_(x) #x
#define STRINGIFY(x) STRINGIFY_(x)
#define EXPORT(name) __attribute__((export_name(STRINGIFY(name))))
#define INLINE static inline __attribute__((always_inline))

/* Addresses and sizes written by the wrapper at the start of the heap (all 32-bit). */
struct layout {
  uint32_t m;                  /* checks */
  uint32_t n;                  /* variables */
  const int32_t *row_ptr;      /* m + 1 CSR edge offsets */
  v128_t *const *col_addr;     /* E: address of the posterior L_v of edge e's variable */
  const int32_t *col_ptr;      /* n + 1 CSC offsets */
  v128_t *const *csc_msg_addr; /* E: address of the message r_e, in CSC order */
  v128_t *post;                /* VECS * n posteriors L_v (channel LLRs after stage_frame) */
  v128_t *msg;                 /* VECS * E check-to-variable messages r_e (CSR edge order) */
  v128_t *synd;                /* VECS * m syndrome masks: lane 0x80000000 iff s_c = 1 */
  v128_t *row_q;               /* VECS * max check degree: q_e of the current row */
  v128_t *row_old;             /* VECS * max check degree: L_v before the row update (masked) */
  v128_t *row_phi;             /* VECS * max check degree: phi(|q_e|) */
  v128_t *row_prefix;          /* VECS * max check degree: sum of phi(|q_e'|) over e' < e */
  const double *stage_llr;     /* n: one frame's channel LLRs (float64) to import */
  const uint8_t *stage_syn;    /* m: one frame's syndrome bits to import */
  uint8_t *hard;               /* lanes * n: hard decisions, lane-major (lane * n + v) */
  uint32_t phi_bin_address;    /* phi table address minus 4 * (bits(2^-30) >> 15), mod 2^32 */
};

/* Clamp range of phi's argument: PHI_MIN_ARG and PHI_MAX_ARG of lib/kernels/ldpc/phi_table.ts. */
#define PHI_MIN_ARG 0x1p-30f
#define PHI_MAX_ARG 64.0f

/*
 * A vector constant the optimiser cannot see through. V8 materialises every v128.const at its
 * use (a 64-bit immediate move and a shuffle, inside the loop), so constants are made once per
 * call and kept in locals.
 */
INLINE v128_t opaque(v128_t x) {
  __asm__("" : "+r"(x));
  return x;
}

/* The constants of phi_lookup() and the sweep. */
struct phi_constants {
  v128_t min_arg, max_arg, bin_mask, bin_address, sign_bit;
};

INLINE struct phi_constants phi_constants(const struct layout *w) {
  struct phi_constants k;
  k.min_arg = opaque(wasm_f32x4_const_splat(PHI_MIN_ARG));
  k.max_arg = opaque(wasm_f32x4_const_splat(PHI_MAX_ARG));
  k.bin_mask = opaque(wasm_i32x4_const_splat(~3));
  k.bin_address = wasm_i32x4_splat((int32_t)w->phi_bin_address);
  k.sign_bit = opaque(wasm_i32x4_const_splat((int32_t)0x80000000u));
  return k;
}

/*
 * phi(x) for x >= 0 (four lanes): table[(bits(clamp(x, 2^-30, 64)) >> 15) - base]. The byte
 * offset 4 * (bits >> 15) is (bits >> 13) & ~3.
 */
INLINE v128_t phi_lookup(v128_t x, const struct phi_constants *k) {
  x = wasm_f32x4_pmax(x, k->min_arg);
  x = wasm_f32x4_pmin(x, k->max_arg);
  const v128_t at = wasm_i32x4_add(wasm_v128_and(wasm_u32x4_shr(x, 13), k->bin_mask),
                                   k->bin_address);
  v128_t r = wasm_v128_load32_zero((const float *)wasm_u32x4_extract_lane(at, 0));
  r = wasm_v128_load32_lane((const float *)wasm_u32x4_extract_lane(at, 1), r, 1);
  r = wasm_v128_load32_lane((const float *)wasm_u32x4_extract_lane(at, 2), r, 2);
  r = wasm_v128_load32_lane((const float *)wasm_u32x4_extract_lane(at, 3), r, 3);
  return r;
}

/*
 * out[i] = phi(x[i]) for i < count (count a multiple of 4), exactly as the sweeps evaluate it;
 * for the accuracy test.
 */
EXPORT(phi_f32)
void phi_f32(const struct layout *w, const float *x, float *out, uint32_t count) {
  const struct phi_constants k = phi_constants(w);
  for (uint32_t i = 0; i < count; i += 4) {
    wasm_v128_store(out + i, phi_lookup(wasm_v128_load(x + i), &k));
  }
}

#define VECS 1
#define SFX(name) name##_x4
#include "ldpc_spa_simd_lanes.h"
#undef VECS
#undef SFX

#define VECS 2
#define SFX(name) name##_x8
#include "ldpc_spa_simd_lanes.h"
