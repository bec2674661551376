/*
 * Frame-interleaved layered min-sum LDPC decoder kernels, WebAssembly SIMD128.
 *
 * Several frames are decoded in lock step: every message and posterior is one v128 holding one
 * signed fixed-point LLR per frame, so one pass over the Tanner graph updates all of them with
 * saturating integer arithmetic. Two lane widths are built from one template
 * (ldpc_min_sum_simd_lanes.h):
 *   *_i16: 8 frames, int16 lanes (range [-32768, 32767] units);
 *   *_i8:  16 frames, int8 lanes (range [-128, 127] units).
 * The schedule is the layered ("turbo decoding message passing") one of Hocevar (2004): for each
 * check c in order,
 *   q_e = L_v - r_e                                       (extrinsic input, saturating)
 *   r_e = (-1)^(s_c) * prod_{e' != e} sgn(q_e') * g(min_{e' != e} |q_e'|)
 *   L_v = q_e + r_e                                       (saturating)
 * with g(x) = floor(alpha*x) (normalized min-sum; alpha = k/1024 passed in Q15, the truncation
 * of lib/kernels/ldpc/layered_decoder.ts's fixed-point kernel) or g(x) = max(x - beta, 0)
 * (offset min-sum), both from Chen & Fossorier (2002). The TypeScript wrapper lib/kernels/ldpc/simd_min_sum_decoder.ts owns
 * the memory layout (struct layout), calls one sweep per iteration and polls its cancel flag
 * between sweeps.
 *
 * |q| is taken as an unsigned number, so |min| (e.g. |-32768| = 32768) compares correctly; the
 * two minima are clamped to the largest positive value before g() is applied.
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
  uint32_t m;                   /* checks */
  uint32_t n;                   /* variables */
  const int32_t *row_ptr;       /* m + 1 CSR edge offsets */
  v128_t *const *col_addr;      /* E: address of the posterior L_v of edge e's variable */
  const int32_t *col_ptr;       /* n + 1 CSC offsets */
  v128_t *const *csc_msg_addr;  /* E: address of the message r_e, in CSC order */
  v128_t *post;                 /* n posteriors L_v (channel LLRs after stage_frame) */
  v128_t *msg;                  /* E check-to-variable messages r_e (CSR edge order) */
  v128_t *synd;                 /* m syndrome masks: lane all-ones iff s_c = 1 */
  v128_t *row_q;                /* max check degree: q_e of the current row */
  v128_t *row_old;              /* max check degree: L_v before the row update (masked sweep) */
  const double *stage_llr;      /* n: one frame's channel LLRs (float64) to import */
  const uint8_t *stage_syn;     /* m: one frame's syndrome bits to import */
  uint8_t *hard;                /* lanes * n: hard decisions, lane-major (lane * n + v) */
};

#define RULE_NORMALIZED 0
#define RULE_OFFSET 1

/*
 * A zero vector the optimiser cannot see through. Sign masks are computed as (x < zero): with a
 * literal zero clang rewrites i8x16.lt_s(x, 0) into i8x16.shr_s(x, 7), which x86 lacks and V8
 * emulates with several instructions, while i8x16.lt_s is one pcmpgtb.
 */
INLINE v128_t opaque_zero(void) {
  v128_t zero = wasm_i32x4_const_splat(0);
  __asm__("" : "+r"(zero));
  return zero;
}

/* ---- 8 lanes of int16 ---- */
#define LANES 8
#define SFX(name) name##_i16
#define ELEM_T int16_t
#define ELEM_MAX 32767
#define V_SPLAT(x) wasm_i16x8_splat((int16_t)(x))
#define V_SUB_SAT wasm_i16x8_sub_sat
#define V_ADD_SAT wasm_i16x8_add_sat
#define V_SUB wasm_i16x8_sub
#define V_ABS wasm_i16x8_abs
#define V_MIN_U wasm_u16x8_min
#define V_MAX_U wasm_u16x8_max
#define V_SUB_SAT_U wasm_u16x8_sub_sat
#define V_EQ wasm_i16x8_eq
#define V_LT wasm_i16x8_lt
#define V_BITMASK wasm_i16x8_bitmask
/* floor(alpha * x) for 0 <= x <= 32767, alpha in Q15 (0 < alpha < 1): 32-bit products. */
INLINE v128_t scale_q15_i16(v128_t x, int32_t alpha_q15) {
  const v128_t alpha = wasm_i16x8_splat((int16_t)alpha_q15);
  return wasm_i16x8_narrow_i32x4(wasm_i32x4_shr(wasm_i32x4_extmul_low_i16x8(x, alpha), 15),
                                 wasm_i32x4_shr(wasm_i32x4_extmul_high_i16x8(x, alpha), 15));
}
#define V_SCALE_Q15(x, alpha_q15) scale_q15_i16((x), (alpha_q15))
#include "ldpc_min_sum_simd_lanes.h"
#undef LANES
#undef SFX
#undef ELEM_T
#undef ELEM_MAX
#undef V_SPLAT
#undef V_SUB_SAT
#undef V_ADD_SAT
#undef V_SUB
#undef V_ABS
#undef V_MIN_U
#undef V_MAX_U
#undef V_SUB_SAT_U
#undef V_EQ
#undef V_LT
#undef V_BITMASK
#undef V_SCALE_Q15

/* ---- 16 lanes of int8 ---- */
#define LANES 16
#define SFX(name) name##_i8
#define ELEM_T int8_t
#define ELEM_MAX 127
#define V_SPLAT(x) wasm_i8x16_splat((int8_t)(x))
#define V_SUB_SAT wasm_i8x16_sub_sat
#define V_ADD_SAT wasm_i8x16_add_sat
#define V_SUB wasm_i8x16_sub
#define V_ABS wasm_i8x16_abs
#define V_MIN_U wasm_u8x16_min
#define V_MAX_U wasm_u8x16_max
#define V_SUB_SAT_U wasm_u8x16_sub_sat
#define V_EQ wasm_i8x16_eq
#define V_LT wasm_i8x16_lt
#define V_BITMASK wasm_i8x16_bitmask
/* floor(alpha * x) for 0 <= x <= 127, via the 16-bit version on the widened halves. */
INLINE v128_t scale_q15_i8(v128_t x, int32_t alpha_q15) {
  const v128_t lo = wasm_u16x8_extend_low_u8x16(x), hi = wasm_u16x8_extend_high_u8x16(x);
  return wasm_i8x16_narrow_i16x8(scale_q15_i16(lo, alpha_q15), scale_q15_i16(hi, alpha_q15));
}
#define V_SCALE_Q15(x, alpha_q15) scale_q15_i8((x), (alpha_q15))
#include "ldpc_min_sum_simd_lanes.h"
