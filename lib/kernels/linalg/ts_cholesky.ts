/**
 * Pure-TypeScript Cholesky routines (LAPACK dpotrf, dpotrs, dpotri with uplo "L"), column-major.
 * potrf is blocked left-looking (Golub & Van Loan 2013, Alg. 4.2.2 in block form): for each
 * panel of {@link CHOLESKY_BLOCK} columns, subtract the contribution of the columns to its left
 * with the register-blocked gemm, factor the diagonal block unblocked, then solve the panel
 * below it against the block's transpose.
 * potri = trtri (in-place inverse of L, LAPACK dtrti2 order) followed by lauum (L⁻ᵀ·L⁻¹).
 * @module
 */
import { tsGemm, tsSyrk, tsTrsm } from "./ts_blas.ts";

/** Panel width of the blocked Cholesky (columns). */
export const CHOLESKY_BLOCK = 64;

/** Unblocked lower Cholesky of the n×n block at `a` (ld = lda); returns LAPACK info. */
function potrfUnblocked(n: number, a: Float64Array, lda: number): number {
  for (let j = 0; j < n; j++) {
    const aj = j * lda;
    let d = a[aj + j];
    for (let p = 0; p < j; p++) {
      const v = a[j + p * lda];
      d -= v * v;
    }
    if (!(d > 0)) {
      a[aj + j] = d;
      return j + 1;
    }
    const ljj = Math.sqrt(d);
    a[aj + j] = ljj;
    const inv = 1 / ljj;
    for (let p = 0; p < j; p++) {
      const s = a[j + p * lda];
      if (s === 0) continue;
      const ap = p * lda;
      for (let i = j + 1; i < n; i++) a[aj + i] -= a[ap + i] * s;
    }
    for (let i = j + 1; i < n; i++) a[aj + i] *= inv;
  }
  return 0;
}

/** In-place Cholesky A = L·Lᵀ (lower); returns LAPACK info (0 ok, j: minor j not PD). */
export function tsPotrf(n: number, a: Float64Array, lda: number): number {
  for (let k0 = 0; k0 < n; k0 += CHOLESKY_BLOCK) {
    const kb = Math.min(CHOLESKY_BLOCK, n - k0);
    if (k0 > 0) {
      // Diagonal block (lower triangle only, like LAPACK): A_kk −= A(k0:k0+kb, 0:k0)·(…)ᵀ
      tsSyrk("N", kb, k0, -1, a.subarray(k0), lda, 1, a.subarray(k0 + k0 * lda), lda);
      // Below it: A(k0+kb:n, k0:k0+kb) −= A(k0+kb:n, 0:k0)·A(k0:k0+kb, 0:k0)ᵀ
      if (k0 + kb < n) {
        tsGemm(
          "N",
          "T",
          n - k0 - kb,
          kb,
          k0,
          -1,
          a.subarray(k0 + kb),
          lda,
          a.subarray(k0),
          lda,
          1,
          a.subarray(k0 + kb + k0 * lda),
          lda,
        );
      }
    }
    const info = potrfUnblocked(kb, a.subarray(k0 + k0 * lda), lda);
    if (info !== 0) return k0 + info;
    const r0 = k0 + kb;
    if (r0 < n) {
      // A(r0:n, k0:k0+kb) ← A(r0:n, k0:k0+kb)·L_kkᵀ⁻¹
      tsTrsm(
        "R",
        "T",
        "N",
        n - r0,
        kb,
        1,
        a.subarray(k0 + k0 * lda),
        lda,
        a.subarray(r0 + k0 * lda),
        lda,
      );
    }
  }
  return 0;
}

/** Solve A·X = B from the lower Cholesky factor; B (n×nrhs) ← X. */
export function tsPotrs(
  n: number,
  nrhs: number,
  a: Float64Array,
  lda: number,
  b: Float64Array,
  ldb: number,
): void {
  tsTrsm("L", "N", "N", n, nrhs, 1, a, lda, b, ldb);
  tsTrsm("L", "T", "N", n, nrhs, 1, a, lda, b, ldb);
}

/** Lower triangle of A⁻¹ = L⁻ᵀ·L⁻¹ in place from the lower factor L; returns LAPACK info. */
export function tsPotri(n: number, a: Float64Array, lda: number): number {
  // trtri (dtrti2, lower, non-unit): columns right to left; column j below the diagonal becomes
  // −L_jj⁻¹ · (L(j+1:, j+1:))⁻¹ · L(j+1:, j), the trailing inverse being already in place.
  for (let j = n - 1; j >= 0; j--) {
    const aj = j * lda;
    if (a[aj + j] === 0) return j + 1;
    const ajj = 1 / a[aj + j];
    a[aj + j] = ajj;
    // x ← X_trailing · x, in place (dtrmv lower, no transpose, backward order).
    for (let jj = n - 1; jj > j; jj--) {
      const t = a[aj + jj];
      const ajj2 = jj * lda;
      if (t !== 0) { for (let i = n - 1; i > jj; i--) a[aj + i] += t * a[ajj2 + i]; }
      a[aj + jj] = t * a[ajj2 + jj];
    }
    for (let i = j + 1; i < n; i++) a[aj + i] *= -ajj;
  }
  // lauum: (XᵀX)(i, j) = Σ_{k ≥ i} X(k, i)·X(k, j) for i ≥ j; columns ascending, rows ascending
  // only overwrite entries that later sums no longer read.
  for (let j = 0; j < n; j++) {
    const aj = j * lda;
    for (let i = j; i < n; i++) {
      const ai = i * lda;
      let s = 0;
      for (let k = i; k < n; k++) s += a[ai + k] * a[aj + k];
      a[aj + i] = s;
    }
  }
  return 0;
}
