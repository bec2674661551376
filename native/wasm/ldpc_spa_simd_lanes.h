/*
 * Width template of native/wasm/ldpc_spa_simd.c, included once per width with VECS (f32x4
 * vectors per edge and per variable: 4 * VECS frames) and SFX(name) defined. Every function below
 * is exported as name_x4 / name_x8. Lane i of the batch is element i % 4 of vector i / 4.
 */
#define LANES (4 * VECS)

/* Lane i all-ones iff bit i of `bits` is set, as VECS vectors. */
INLINE void SFX(lane_mask)(uint32_t bits, v128_t mask[VECS]) {
  for (int j = 0; j < VECS; j++) {
    const uint32_t b = bits >> (4 * j);
    mask[j] = wasm_i32x4_make(-(int32_t)(b & 1), -(int32_t)((b >> 1) & 1),
                              -(int32_t)((b >> 2) & 1), -(int32_t)((b >> 3) & 1));
  }
}

/*
 * Import the staged frame (stage_llr, stage_syn) into lane `lane` of the posteriors and syndrome
 * masks: channel LLR rounded to float32 (NaN and -0 -> +0, so the sign bit is the hard
 * decision); syndrome bit -> sign mask (bit & 1).
 */
EXPORT(SFX(stage_frame))
void SFX(stage_frame)(const struct layout *w, uint32_t lane) {
  float *post = (float *)w->post;
  uint32_t *synd = (uint32_t *)w->synd;
  for (uint32_t v = 0; v < w->n; v++) {
    const double x = w->stage_llr[v];
    post[v * LANES + lane] = x == x ? (float)x + 0.0f : 0.0f;
  }
  for (uint32_t c = 0; c < w->m; c++) {
    synd[c * LANES + lane] = (uint32_t)(w->stage_syn[c] & 1) << 31;
  }
}

/* Zero the channel LLRs and syndrome of lane `lane` (an idle lane). */
EXPORT(SFX(clear_lane_inputs))
void SFX(clear_lane_inputs)(const struct layout *w, uint32_t lane) {
  float *post = (float *)w->post;
  uint32_t *synd = (uint32_t *)w->synd;
  for (uint32_t v = 0; v < w->n; v++) post[v * LANES + lane] = 0.0f;
  for (uint32_t c = 0; c < w->m; c++) synd[c * LANES + lane] = 0;
}

/* Zero the messages of the lanes whose bit is set in `lanes`. */
EXPORT(SFX(clear_messages))
void SFX(clear_messages)(const struct layout *w, uint32_t lanes) {
  v128_t keep[VECS];
  SFX(lane_mask)(~lanes, keep);
  const uint32_t edges = (uint32_t)w->row_ptr[w->m];
  for (uint32_t e = 0; e < edges; e++) {
    for (int j = 0; j < VECS; j++) {
      w->msg[e * VECS + j] = wasm_v128_and(w->msg[e * VECS + j], keep[j]);
    }
  }
}

/*
 * Hot start: L_v = chan_v + sum of the stored messages of v, in CSC order (float32); the
 * posteriors hold chan_v (from stage_frame) on entry.
 */
EXPORT(SFX(add_stored_messages))
void SFX(add_stored_messages)(const struct layout *w) {
  for (uint32_t v = 0, n = w->n; v < n; v++) {
    for (int j = 0; j < VECS; j++) {
      v128_t l = w->post[v * VECS + j];
      for (int32_t k = w->col_ptr[v], end = w->col_ptr[v + 1]; k < end; k++) {
        l = wasm_f32x4_add(l, w->csc_msg_addr[k][j]);
      }
      w->post[v * VECS + j] = l;
    }
  }
}

/*
 * One layered sweep over all checks. `masked` (a compile-time constant after inlining) selects
 * the variant that leaves the lanes of `frozen` bit-exactly unchanged (converged frames).
 */
INLINE void SFX(sweep_rows)(const struct layout *w, const v128_t frozen[VECS], int masked) {
  const int32_t *row_ptr = w->row_ptr;
  v128_t *const *col_addr = w->col_addr;
  v128_t *msg = w->msg;
  v128_t *row_q = w->row_q;
  v128_t *row_old = w->row_old;
  v128_t *row_phi = w->row_phi;
  v128_t *row_prefix = w->row_prefix;
  const struct phi_constants constants = phi_constants(w);
  const v128_t sign_bit = constants.sign_bit;
  for (uint32_t c = 0, m = w->m; c < m; c++) {
    const int32_t start = row_ptr[c], end = row_ptr[c + 1];
    v128_t sign[VECS], sum[VECS];
    for (int j = 0; j < VECS; j++) {
      sign[j] = w->synd[c * VECS + j];
      sum[j] = wasm_f32x4_const_splat(0.0f);
    }
    /* Pass 1: extrinsic inputs, sign product, phi(|q|) and its prefix sums. */
    for (int32_t e = start, k = 0; e < end; e++, k++) {
      v128_t *l = col_addr[e];
      for (int j = 0; j < VECS; j++) {
        const v128_t q = wasm_f32x4_sub(l[j], msg[e * VECS + j]);
        row_q[k * VECS + j] = q;
        if (masked) row_old[k * VECS + j] = l[j];
        sign[j] = wasm_v128_xor(sign[j], q);
        const v128_t f = phi_lookup(wasm_v128_andnot(q, sign_bit), &constants);
        row_phi[k * VECS + j] = f;
        row_prefix[k * VECS + j] = sum[j];
        sum[j] = wasm_f32x4_add(sum[j], f);
      }
    }
    for (int j = 0; j < VECS; j++) sign[j] = wasm_v128_and(sign[j], sign_bit);
    /* Pass 2, last edge first: |r_e| = phi(prefix_e + suffix_e), sign of q_e divided out. */
    v128_t suffix[VECS];
    for (int j = 0; j < VECS; j++) suffix[j] = wasm_f32x4_const_splat(0.0f);
    for (int32_t e = end - 1, k = end - 1 - start; e >= start; e--, k--) {
      v128_t *l = col_addr[e];
      for (int j = 0; j < VECS; j++) {
        const v128_t q = row_q[k * VECS + j];
        const v128_t others = wasm_f32x4_add(row_prefix[k * VECS + j], suffix[j]);
        const v128_t magnitude = phi_lookup(others, &constants);
        suffix[j] = wasm_f32x4_add(suffix[j], row_phi[k * VECS + j]);
        v128_t r = wasm_v128_xor(magnitude, wasm_v128_and(wasm_v128_xor(sign[j], q), sign_bit));
        v128_t posterior = wasm_f32x4_add(q, r);
        if (masked) {
          r = wasm_v128_bitselect(msg[e * VECS + j], r, frozen[j]);
          posterior = wasm_v128_bitselect(row_old[k * VECS + j], posterior, frozen[j]);
        }
        msg[e * VECS + j] = r;
        l[j] = posterior;
      }
    }
  }
}

/* One layered sweep; lanes whose bit is set in `frozen_lanes` are left unchanged. */
EXPORT(SFX(sweep))
void SFX(sweep)(const struct layout *w, uint32_t frozen_lanes) {
  v128_t frozen[VECS];
  SFX(lane_mask)(frozen_lanes, frozen);
  if ((frozen_lanes & ((1u << LANES) - 1)) == 0) {
    SFX(sweep_rows)(w, frozen, 0);
  } else {
    SFX(sweep_rows)(w, frozen, 1);
  }
}

/* Bit i of the lane mask of `x`'s sign bits, over the VECS vectors. */
INLINE uint32_t SFX(sign_bits)(const v128_t x[VECS]) {
  uint32_t bits = 0;
  for (int j = 0; j < VECS; j++) bits |= (uint32_t)wasm_i32x4_bitmask(x[j]) << (4 * j);
  return bits;
}

/*
 * Bit i set iff lane i's hard decision (sign bit of L, i.e. L < 0 -> 1) satisfies its syndrome,
 * for the lanes of `lanes`; returns 0 early once every lane of `lanes` has a violated check.
 */
EXPORT(SFX(satisfied_lanes))
uint32_t SFX(satisfied_lanes)(const struct layout *w, uint32_t lanes) {
  const int32_t *row_ptr = w->row_ptr;
  v128_t *const *col_addr = w->col_addr;
  lanes &= (1u << LANES) - 1;
  v128_t violated[VECS];
  for (int j = 0; j < VECS; j++) violated[j] = wasm_i32x4_const_splat(0);
  for (uint32_t c = 0, m = w->m; c < m; c++) {
    for (int j = 0; j < VECS; j++) {
      v128_t parity = w->synd[c * VECS + j];
      for (int32_t e = row_ptr[c], end = row_ptr[c + 1]; e < end; e++) {
        parity = wasm_v128_xor(parity, col_addr[e][j]);
      }
      violated[j] = wasm_v128_or(violated[j], parity);
    }
    if ((c & 31) == 31 && (SFX(sign_bits)(violated) & lanes) == lanes) return 0;
  }
  return ~SFX(sign_bits)(violated) & lanes;
}

/* Hard decisions of every lane: hard[lane * n + v] = sign bit of L_v. */
EXPORT(SFX(hard_decisions))
void SFX(hard_decisions)(const struct layout *w) {
  const uint32_t n = w->n;
  uint8_t *hard = w->hard;
  for (uint32_t v = 0; v < n; v++) {
    uint32_t lanes[LANES];
    for (int j = 0; j < VECS; j++) wasm_v128_store(lanes + 4 * j, w->post[v * VECS + j]);
    for (int i = 0; i < LANES; i++) hard[i * n + v] = (uint8_t)(lanes[i] >> 31);
  }
}

#undef LANES
