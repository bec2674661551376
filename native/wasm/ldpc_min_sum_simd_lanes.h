/*
 * Lane-width template of native/wasm/ldpc_min_sum_simd.c, included once per width with LANES,
 * SFX(name), ELEM_T, ELEM_MAX and the V_* vector operations defined. Every function below is
 * exported as name_i16 / name_i8.
 */

/* Lane i all-ones iff bit i of `bits` is set. */
INLINE v128_t SFX(lane_mask)(uint32_t bits) {
  ELEM_T lanes[LANES];
  for (int i = 0; i < LANES; i++) lanes[i] = (ELEM_T)-(ELEM_T)((bits >> i) & 1);
  return wasm_v128_load(lanes);
}

/*
 * Import the staged frame (stage_llr, stage_syn) into lane `lane` of the posteriors and syndrome
 * masks: channel LLR times `scale`, rounded to nearest (half up, like Math.round), saturated to
 * +-ELEM_MAX, NaN -> 0; syndrome bit -> lane mask (bit & 1).
 */
EXPORT(SFX(stage_frame))
void SFX(stage_frame)(const struct layout *w, uint32_t lane, double scale) {
  ELEM_T *post = (ELEM_T *)w->post;
  ELEM_T *synd = (ELEM_T *)w->synd;
  for (uint32_t v = 0; v < w->n; v++) {
    double x = w->stage_llr[v] * scale;
    if (!(x == x)) x = 0;
    x = __builtin_floor(x + 0.5);
    if (x > ELEM_MAX) x = ELEM_MAX;
    if (x < -ELEM_MAX) x = -ELEM_MAX;
    post[v * LANES + lane] = (ELEM_T)(int32_t)x;
  }
  for (uint32_t c = 0; c < w->m; c++) synd[c * LANES + lane] = (ELEM_T)-(w->stage_syn[c] & 1);
}

/* Zero the channel LLRs and syndrome of lane `lane` (an idle lane stays at the all-zero state). */
EXPORT(SFX(clear_lane_inputs))
void SFX(clear_lane_inputs)(const struct layout *w, uint32_t lane) {
  ELEM_T *post = (ELEM_T *)w->post;
  ELEM_T *synd = (ELEM_T *)w->synd;
  for (uint32_t v = 0; v < w->n; v++) post[v * LANES + lane] = 0;
  for (uint32_t c = 0; c < w->m; c++) synd[c * LANES + lane] = 0;
}

/* Zero the messages of the lanes whose bit is set in `lanes`. */
EXPORT(SFX(clear_messages))
void SFX(clear_messages)(const struct layout *w, uint32_t lanes) {
  const v128_t keep = wasm_v128_not(SFX(lane_mask)(lanes));
  const uint32_t edges = (uint32_t)w->row_ptr[w->m];
  for (uint32_t e = 0; e < edges; e++) w->msg[e] = wasm_v128_and(w->msg[e], keep);
}

/*
 * Hot start: L_v = sat(chan_v + sum of the stored messages of v); the posteriors hold chan_v
 * (from stage_frame) on entry. The sum is exact (int32 lanes for int16; saturating int16 lanes
 * for int8, exact up to variable degree 257).
 */
EXPORT(SFX(add_stored_messages))
void SFX(add_stored_messages)(const struct layout *w) {
  for (uint32_t v = 0, n = w->n; v < n; v++) {
#if LANES == 8
    v128_t lo = wasm_i32x4_extend_low_i16x8(w->post[v]);
    v128_t hi = wasm_i32x4_extend_high_i16x8(w->post[v]);
    for (int32_t k = w->col_ptr[v], end = w->col_ptr[v + 1]; k < end; k++) {
      const v128_t r = *w->csc_msg_addr[k];
      lo = wasm_i32x4_add(lo, wasm_i32x4_extend_low_i16x8(r));
      hi = wasm_i32x4_add(hi, wasm_i32x4_extend_high_i16x8(r));
    }
    w->post[v] = wasm_i16x8_narrow_i32x4(lo, hi);
#else
    v128_t lo = wasm_i16x8_extend_low_i8x16(w->post[v]);
    v128_t hi = wasm_i16x8_extend_high_i8x16(w->post[v]);
    for (int32_t k = w->col_ptr[v], end = w->col_ptr[v + 1]; k < end; k++) {
      const v128_t r = *w->csc_msg_addr[k];
      lo = wasm_i16x8_add_sat(lo, wasm_i16x8_extend_low_i8x16(r));
      hi = wasm_i16x8_add_sat(hi, wasm_i16x8_extend_high_i8x16(r));
    }
    w->post[v] = wasm_i8x16_narrow_i16x8(lo, hi);
#endif
  }
}

/*
 * One layered sweep over all checks. `masked` (a compile-time constant after inlining) selects
 * the variant that leaves the lanes of `frozen` bit-exactly unchanged (converged frames).
 */
INLINE void SFX(sweep_rows)(const struct layout *w, uint32_t rule, int32_t param, v128_t frozen,
                            int masked) {
  const int32_t *row_ptr = w->row_ptr;
  v128_t *const *col_addr = w->col_addr;
  v128_t *msg = w->msg;
  v128_t *row_q = w->row_q;
  v128_t *row_old = w->row_old;
  const v128_t beta = V_SPLAT(param);
  const v128_t largest = V_SPLAT(ELEM_MAX);
  const v128_t zero = opaque_zero();
  for (uint32_t c = 0, m = w->m; c < m; c++) {
    const int32_t start = row_ptr[c], end = row_ptr[c + 1];
    v128_t sign = w->synd[c];
    v128_t min1 = V_SPLAT(-1); /* all ones: the largest unsigned value */
    v128_t min2 = min1;
    /* Pass 1: extrinsic inputs, product of signs, two smallest magnitudes (unsigned). */
    for (int32_t e = start, k = 0; e < end; e++, k++) {
      const v128_t l = *col_addr[e];
      const v128_t q = V_SUB_SAT(l, msg[e]);
      row_q[k] = q;
      if (masked) row_old[k] = l;
      sign = wasm_v128_xor(sign, q);
      const v128_t a = V_ABS(q);
      min2 = V_MIN_U(min2, V_MAX_U(min1, a));
      min1 = V_MIN_U(min1, a);
    }
    const v128_t c1 = V_MIN_U(min1, largest);
    const v128_t c2 = V_MIN_U(min2, largest);
    v128_t m1, m2;
    if (rule == RULE_NORMALIZED) {
      m1 = V_SCALE_Q15(c1, param);
      m2 = V_SCALE_Q15(c2, param);
    } else {
      m1 = V_SUB_SAT_U(c1, beta);
      m2 = V_SUB_SAT_U(c2, beta);
    }
    /* Apply the sign product of the row (syndrome included) to both magnitudes once. */
    sign = V_LT(sign, zero);
    m1 = V_SUB(wasm_v128_xor(m1, sign), sign);
    m2 = V_SUB(wasm_v128_xor(m2, sign), sign);
    /* Pass 2: new messages (m2 on the edge holding the minimum, sign of q_e divided out),
       updated posteriors. */
    for (int32_t e = start, k = 0; e < end; e++, k++) {
      const v128_t q = row_q[k];
      const v128_t at_min = V_EQ(V_ABS(q), min1);
      const v128_t negative = V_LT(q, zero);
      const v128_t signed_mag = wasm_v128_bitselect(m2, m1, at_min);
      v128_t r = V_SUB(wasm_v128_xor(signed_mag, negative), negative);
      v128_t l = V_ADD_SAT(q, r);
      if (masked) {
        r = wasm_v128_bitselect(msg[e], r, frozen);
        l = wasm_v128_bitselect(row_old[k], l, frozen);
      }
      msg[e] = r;
      *col_addr[e] = l;
    }
  }
}

/*
 * One layered sweep. rule: 0 normalized (param = alpha in Q15, 1..32767), 1 offset (param =
 * beta in fixed-point units, 0..ELEM_MAX). Lanes whose bit is set in `frozen_lanes` are left
 * unchanged.
 */
EXPORT(SFX(sweep))
void SFX(sweep)(const struct layout *w, uint32_t rule, int32_t param, uint32_t frozen_lanes) {
  if ((frozen_lanes & ((1u << LANES) - 1)) == 0) {
    SFX(sweep_rows)(w, rule, param, wasm_i32x4_const_splat(0), 0);
  } else {
    SFX(sweep_rows)(w, rule, param, SFX(lane_mask)(frozen_lanes), 1);
  }
}

/*
 * Bit i set iff lane i's hard decision (L < 0 -> 1) satisfies its syndrome, for the lanes of
 * `lanes`; returns 0 early once every lane of `lanes` has a violated check.
 */
EXPORT(SFX(satisfied_lanes))
uint32_t SFX(satisfied_lanes)(const struct layout *w, uint32_t lanes) {
  const int32_t *row_ptr = w->row_ptr;
  v128_t *const *col_addr = w->col_addr;
  lanes &= (1u << LANES) - 1;
  v128_t violated = wasm_i32x4_const_splat(0);
  for (uint32_t c = 0, m = w->m; c < m; c++) {
    v128_t parity = w->synd[c];
    for (int32_t e = row_ptr[c], end = row_ptr[c + 1]; e < end; e++) {
      parity = wasm_v128_xor(parity, *col_addr[e]);
    }
    violated = wasm_v128_or(violated, parity);
    if ((c & 31) == 31 && (V_BITMASK(violated) & lanes) == lanes) return 0;
  }
  return ~V_BITMASK(violated) & lanes;
}

/* Hard decisions of every lane: hard[lane * n + v] = (L_v < 0). */
EXPORT(SFX(hard_decisions))
void SFX(hard_decisions)(const struct layout *w) {
  const uint32_t n = w->n;
  uint8_t *hard = w->hard;
  for (uint32_t v = 0; v < n; v++) {
    ELEM_T lanes[LANES];
    wasm_v128_store(lanes, w->post[v]);
    for (int i = 0; i < LANES; i++) hard[i * n + v] = lanes[i] < 0;
  }
}
