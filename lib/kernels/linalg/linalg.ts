/**
 * The linear-algebra backend interface used by the surrogate: a small BLAS/LAPACK subset
 * (gemm, syrk, trsm, potrf, potrs, potri, gemv, dot; optionally spotri, ssymv and strsm in
 * single precision) with the reference BLAS/LAPACK argument
 * conventions. Two implementations exist: {@link tsLinalg} (pure TypeScript, blocked,
 * `./ts_linalg.ts`) and the FFI one from `lib/io/blas_loader.ts` (OpenBLAS, BLIS + libflame).
 *
 * Layout: **column-major** (Fortran order), element (i, j) of a matrix with leading dimension
 * `ld` sits at `a[i + j·ld]`. Sub-matrices are passed as `subarray` views (the FFI passes the
 * view's start address). Symmetric and triangular routines use the **lower** triangle only
 * (`uplo = "L"`); the upper triangle is neither read nor written.
 * @module
 */

/** "N": use the matrix as stored; "T": use its transpose. */
export type Trans = "N" | "T";
/** Which side a triangular matrix multiplies from in {@link Linalg.trsm}. */
export type Side = "L" | "R";
/** "N": general diagonal; "U": unit diagonal (not read). */
export type Diag = "N" | "U";

/** The triangular solve of {@link Linalg.trsm} (and its single-precision twin) over arrays `T`. */
export type TriangularSolve<T extends Float64Array | Float32Array> = (
  side: Side,
  transA: Trans,
  diag: Diag,
  m: number,
  n: number,
  alpha: number,
  a: T,
  lda: number,
  b: T,
  ldb: number,
) => void;

/** The BLAS/LAPACK subset of the surrogate. Every routine writes into the caller's arrays. */
export interface Linalg {
  /** Human-readable description for logs, e.g. `ffi: OpenBLAS 0.3.21 (/usr/lib/...), 1 thread`. */
  readonly name: string;
  /** C ← α·op(A)·op(B) + β·C; op(A) is m×k, op(B) k×n, C m×n (BLAS dgemm). */
  gemm(
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
  ): void;
  /**
   * Lower triangle of C ← α·op(A)·op(A)ᵀ + β·C, C n×n; op(A) = A (n×k) for "N", Aᵀ (A k×n) for
   * "T" (BLAS dsyrk with uplo "L").
   */
  syrk(
    trans: Trans,
    n: number,
    k: number,
    alpha: number,
    a: Float64Array,
    lda: number,
    beta: number,
    c: Float64Array,
    ldc: number,
  ): void;
  /**
   * B ← α·op(A)⁻¹·B (side "L", A m×m) or B ← α·B·op(A)⁻¹ (side "R", A n×n); A lower
   * triangular, B m×n (BLAS dtrsm with uplo "L").
   */
  trsm: TriangularSolve<Float64Array>;
  /**
   * In-place Cholesky A = L·Lᵀ of the lower triangle (LAPACK dpotrf, uplo "L").
   * @returns info: 0 on success, j > 0 when the leading minor of order j is not positive
   * definite (A is then partly overwritten).
   */
  potrf(n: number, a: Float64Array, lda: number): number;
  /** Solve A·X = B with the factor from {@link Linalg.potrf}; B (n×nrhs) ← X (LAPACK dpotrs). */
  potrs(n: number, nrhs: number, a: Float64Array, lda: number, b: Float64Array, ldb: number): void;
  /**
   * Lower triangle of A⁻¹ from its Cholesky factor L, in place (LAPACK dpotri, uplo "L").
   * @returns info: 0 on success, j > 0 if L_jj = 0.
   */
  potri(n: number, a: Float64Array, lda: number): number;
  /** y ← α·op(A)·x + β·y, A m×n, unit strides (BLAS dgemv). */
  gemv(
    trans: Trans,
    m: number,
    n: number,
    alpha: number,
    a: Float64Array,
    lda: number,
    x: Float64Array,
    beta: number,
    y: Float64Array,
  ): void;
  /** Σᵢ xᵢ·yᵢ over the first n entries, unit strides (BLAS ddot). */
  dot(n: number, x: Float64Array, y: Float64Array): number;
  /**
   * Optional, single precision (FFI backends whose library exports it; the mixed-precision MLL
   * gradient uses it): lower triangle of A⁻¹ from its Cholesky factor, in place (LAPACK spotri,
   * uplo "L"). Same info as {@link Linalg.potri}.
   */
  spotri?(n: number, a: Float32Array, lda: number): number;
  /**
   * Optional, single precision: y ← α·A·x + β·y, A n×n symmetric in its lower triangle, unit
   * strides (BLAS ssymv, uplo "L").
   */
  ssymv?(
    n: number,
    alpha: number,
    a: Float32Array,
    lda: number,
    x: Float32Array,
    beta: number,
    y: Float32Array,
  ): void;
  /** Optional, single precision: {@link Linalg.trsm} on floats (BLAS strsm, uplo "L"). */
  strsm?: TriangularSolve<Float32Array>;
}
