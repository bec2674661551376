/**
 * Pure-TypeScript BLAS kernels (gemm, syrk, trsm, gemv, dot) on column-major Float64Arrays,
 * the fallback of the FFI backend. The level-3 kernels update C four columns by four inner
 * products at a time (a 4×4 register block over (j, p)), so every element of A loaded from cache
 * feeds 4 multiply-adds; that keeps the hot loops bandwidth-light without allocating.
 * Conventions: see `./linalg.ts` (column-major, lower triangle, `subarray` views for offsets).
 * @module
 */
import type { Diag, Side, Trans } from "./linalg.ts";

/**
 * C ← α·A·op(B) + β·C with A m×k stored as is and B addressed as B(p, j) = b[p·bsP + j·bsJ]
 * (bsP = 1, bsJ = ldb for "N"; bsP = ldb, bsJ = 1 for "T"). Register-blocked 4 columns × 4 p.
 */
function gemmAxB(
  m: number,
  n: number,
  k: number,
  alpha: number,
  a: Float64Array,
  lda: number,
  b: Float64Array,
  bsP: number,
  bsJ: number,
  c: Float64Array,
  ldc: number,
): void {
  let j = 0;
  for (; j + 4 <= n; j += 4) {
    const c0 = j * ldc, c1 = c0 + ldc, c2 = c1 + ldc, c3 = c2 + ldc;
    const bj0 = j * bsJ, bj1 = bj0 + bsJ, bj2 = bj1 + bsJ, bj3 = bj2 + bsJ;
    let p = 0;
    for (; p + 4 <= k; p += 4) {
      const q0 = p * bsP, q1 = q0 + bsP, q2 = q1 + bsP, q3 = q2 + bsP;
      const b00 = alpha * b[q0 + bj0], b10 = alpha * b[q1 + bj0];
      const b20 = alpha * b[q2 + bj0], b30 = alpha * b[q3 + bj0];
      const b01 = alpha * b[q0 + bj1], b11 = alpha * b[q1 + bj1];
      const b21 = alpha * b[q2 + bj1], b31 = alpha * b[q3 + bj1];
      const b02 = alpha * b[q0 + bj2], b12 = alpha * b[q1 + bj2];
      const b22 = alpha * b[q2 + bj2], b32 = alpha * b[q3 + bj2];
      const b03 = alpha * b[q0 + bj3], b13 = alpha * b[q1 + bj3];
      const b23 = alpha * b[q2 + bj3], b33 = alpha * b[q3 + bj3];
      const a0 = p * lda, a1 = a0 + lda, a2 = a1 + lda, a3 = a2 + lda;
      for (let i = 0; i < m; i++) {
        const x0 = a[a0 + i], x1 = a[a1 + i], x2 = a[a2 + i], x3 = a[a3 + i];
        c[c0 + i] += x0 * b00 + x1 * b10 + x2 * b20 + x3 * b30;
        c[c1 + i] += x0 * b01 + x1 * b11 + x2 * b21 + x3 * b31;
        c[c2 + i] += x0 * b02 + x1 * b12 + x2 * b22 + x3 * b32;
        c[c3 + i] += x0 * b03 + x1 * b13 + x2 * b23 + x3 * b33;
      }
    }
    for (; p < k; p++) {
      const q = p * bsP, ap = p * lda;
      const s0 = alpha * b[q + bj0], s1 = alpha * b[q + bj1];
      const s2 = alpha * b[q + bj2], s3 = alpha * b[q + bj3];
      for (let i = 0; i < m; i++) {
        const x = a[ap + i];
        c[c0 + i] += x * s0;
        c[c1 + i] += x * s1;
        c[c2 + i] += x * s2;
        c[c3 + i] += x * s3;
      }
    }
  }
  for (; j < n; j++) {
    const cj = j * ldc, bj = j * bsJ;
    for (let p = 0; p < k; p++) {
      const s = alpha * b[p * bsP + bj];
      if (s === 0) continue;
      const ap = p * lda;
      for (let i = 0; i < m; i++) c[cj + i] += a[ap + i] * s;
    }
  }
}

/** Scale the m×n matrix C by β (β = 0 sets it to zero, also clearing NaN). */
function scaleMatrix(m: number, n: number, beta: number, c: Float64Array, ldc: number): void {
  if (beta === 1) return;
  for (let j = 0; j < n; j++) {
    const cj = j * ldc;
    if (beta === 0) c.fill(0, cj, cj + m);
    else for (let i = 0; i < m; i++) c[cj + i] *= beta;
  }
}

/** C ← α·op(A)·op(B) + β·C (BLAS dgemm, column-major). See `Linalg.gemm`. */
export function tsGemm(
  transA: Trans,
  transB: Trans,
  m: number,
  n: number,
  k: number,
  alpha: number,
  a: Float64Array,
  lda: number,
  b: Float64Array,
  ldb: number,
  beta: number,
  c: Float64Array,
  ldc: number,
): void {
  scaleMatrix(m, n, beta, c, ldc);
  if (alpha === 0 || k === 0) return;
  if (transA === "N") {
    if (transB === "N") gemmAxB(m, n, k, alpha, a, lda, b, 1, ldb, c, ldc);
    else gemmAxB(m, n, k, alpha, a, lda, b, ldb, 1, c, ldc);
    return;
  }
  // op(A) = Aᵀ: C(i, j) += α·Σ_p A(p, i)·op(B)(p, j), contiguous dot products over p.
  for (let j = 0; j < n; j++) {
    for (let i = 0; i < m; i++) {
      const ai = i * lda;
      let s = 0;
      if (transB === "N") {
        const bj = j * ldb;
        for (let p = 0; p < k; p++) s += a[ai + p] * b[bj + p];
      } else {
        for (let p = 0; p < k; p++) s += a[ai + p] * b[j + p * ldb];
      }
      c[i + j * ldc] += alpha * s;
    }
  }
}

/** Lower triangle of C ← α·op(A)·op(A)ᵀ + β·C (BLAS dsyrk, uplo "L"). See `Linalg.syrk`. */
export function tsSyrk(
  trans: Trans,
  n: number,
  k: number,
  alpha: number,
  a: Float64Array,
  lda: number,
  beta: number,
  c: Float64Array,
  ldc: number,
): void {
  for (let j = 0; j < n; j++) {
    const cj = j * ldc;
    for (let i = j; i < n; i++) c[cj + i] = beta === 0 ? 0 : beta * c[cj + i];
  }
  if (alpha === 0 || k === 0) return;
  if (trans === "N") {
    // Column j: C(j:n, j) += α·Σ_p A(j:n, p)·A(j, p); blocks of 4 columns share the A loads.
    const nb = 32;
    for (let j0 = 0; j0 < n; j0 += nb) {
      const jb = Math.min(nb, n - j0);
      // Diagonal block, column by column (triangular).
      for (let j = j0; j < j0 + jb; j++) {
        const cj = j * ldc;
        for (let p = 0; p < k; p++) {
          const s = alpha * a[j + p * lda];
          const ap = p * lda;
          for (let i = j; i < j0 + jb; i++) c[cj + i] += a[ap + i] * s;
        }
      }
      // Rectangular block below: C(j0+jb:n, j0:j0+jb) += α·A(j0+jb:n, :)·A(j0:j0+jb, :)ᵀ.
      const r0 = j0 + jb;
      if (r0 < n) {
        gemmAxB(
          n - r0,
          jb,
          k,
          alpha,
          a.subarray(r0),
          lda,
          a.subarray(j0),
          lda,
          1,
          c.subarray(r0 + j0 * ldc),
          ldc,
        );
      }
    }
    return;
  }
  for (let j = 0; j < n; j++) {
    const aj = j * lda;
    for (let i = j; i < n; i++) {
      const ai = i * lda;
      let s = 0;
      for (let p = 0; p < k; p++) s += a[ai + p] * a[aj + p];
      c[i + j * ldc] += alpha * s;
    }
  }
}

/** Forward substitution L·x = b on columns j..j+w of B (w ≤ 4), in place. */
function forwardColumns(
  m: number,
  unit: boolean,
  a: Float64Array,
  lda: number,
  b: Float64Array,
  b0: number,
  ldb: number,
  w: number,
): void {
  if (w === 4) {
    const b1 = b0 + ldb, b2 = b1 + ldb, b3 = b2 + ldb;
    for (let k = 0; k < m; k++) {
      const ak = k * lda;
      const piv = unit ? 1 : 1 / a[ak + k];
      const x0 = (b[b0 + k] *= piv), x1 = (b[b1 + k] *= piv);
      const x2 = (b[b2 + k] *= piv), x3 = (b[b3 + k] *= piv);
      for (let i = k + 1; i < m; i++) {
        const l = a[ak + i];
        b[b0 + i] -= l * x0;
        b[b1 + i] -= l * x1;
        b[b2 + i] -= l * x2;
        b[b3 + i] -= l * x3;
      }
    }
    return;
  }
  for (let c = 0; c < w; c++) {
    const bc = b0 + c * ldb;
    for (let k = 0; k < m; k++) {
      const ak = k * lda;
      const x = unit ? b[bc + k] : (b[bc + k] /= a[ak + k]);
      if (x === 0) continue;
      for (let i = k + 1; i < m; i++) b[bc + i] -= a[ak + i] * x;
    }
  }
}

/**
 * B ← α·op(A)⁻¹·B or α·B·op(A)⁻¹ with A lower triangular (BLAS dtrsm, uplo "L").
 * See `Linalg.trsm`.
 */
export function tsTrsm(
  side: Side,
  transA: Trans,
  diag: Diag,
  m: number,
  n: number,
  alpha: number,
  a: Float64Array,
  lda: number,
  b: Float64Array,
  ldb: number,
): void {
  scaleMatrix(m, n, alpha, b, ldb);
  const unit = diag === "U";
  if (side === "L" && transA === "N") {
    for (let j = 0; j < n; j += 4) {
      forwardColumns(m, unit, a, lda, b, j * ldb, ldb, Math.min(4, n - j));
    }
  } else if (side === "L") {
    // Lᵀ·x = b: backward substitution with contiguous dots down column k of L.
    for (let j = 0; j < n; j++) {
      const bj = j * ldb;
      for (let k = m - 1; k >= 0; k--) {
        const ak = k * lda;
        let s = b[bj + k];
        for (let i = k + 1; i < m; i++) s -= a[ak + i] * b[bj + i];
        b[bj + k] = unit ? s : s / a[ak + k];
      }
    }
  } else if (transA === "N") {
    // X·L = B: X(:, j) = (B(:, j) − Σ_{k>j} L(k, j)·X(:, k)) / L(j, j), j descending.
    for (let j = n - 1; j >= 0; j--) {
      const bj = j * ldb, aj = j * lda;
      for (let k = j + 1; k < n; k++) {
        const l = a[aj + k];
        if (l === 0) continue;
        const bk = k * ldb;
        for (let i = 0; i < m; i++) b[bj + i] -= l * b[bk + i];
      }
      if (!unit) {
        const inv = 1 / a[aj + j];
        for (let i = 0; i < m; i++) b[bj + i] *= inv;
      }
    }
  } else {
    // X·Lᵀ = B: X(:, j) = (B(:, j) − Σ_{k<j} L(j, k)·X(:, k)) / L(j, j), j ascending.
    for (let j = 0; j < n; j++) {
      const bj = j * ldb;
      for (let k = 0; k < j; k++) {
        const l = a[j + k * lda];
        if (l === 0) continue;
        const bk = k * ldb;
        for (let i = 0; i < m; i++) b[bj + i] -= l * b[bk + i];
      }
      if (!unit) {
        const inv = 1 / a[j + j * lda];
        for (let i = 0; i < m; i++) b[bj + i] *= inv;
      }
    }
  }
}

/** y ← α·op(A)·x + β·y (BLAS dgemv, unit strides). See `Linalg.gemv`. */
export function tsGemv(
  trans: Trans,
  m: number,
  n: number,
  alpha: number,
  a: Float64Array,
  lda: number,
  x: Float64Array,
  beta: number,
  y: Float64Array,
): void {
  if (trans === "N") {
    if (beta === 0) y.fill(0, 0, m);
    else if (beta !== 1) { for (let i = 0; i < m; i++) y[i] *= beta; }
    for (let j = 0; j < n; j++) {
      const s = alpha * x[j];
      if (s === 0) continue;
      const aj = j * lda;
      for (let i = 0; i < m; i++) y[i] += a[aj + i] * s;
    }
    return;
  }
  for (let j = 0; j < n; j++) {
    const aj = j * lda;
    let s = 0;
    for (let i = 0; i < m; i++) s += a[aj + i] * x[i];
    y[j] = (beta === 0 ? 0 : beta * y[j]) + alpha * s;
  }
}

/** Σᵢ xᵢ·yᵢ over the first n entries (BLAS ddot). */
export function tsDot(n: number, x: Float64Array, y: Float64Array): number {
  let s0 = 0, s1 = 0;
  let i = 0;
  for (; i + 2 <= n; i += 2) {
    s0 += x[i] * y[i];
    s1 += x[i + 1] * y[i + 1];
  }
  if (i < n) s0 += x[i] * y[i];
  return s0 + s1;
}
