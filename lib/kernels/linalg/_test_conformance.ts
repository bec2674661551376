/**
 * Numerical conformance checks shared by the TS and FFI backend tests: each routine against a
 * naive triple-loop reference on seeded random data. Tolerance 1e-11 relative to the entries'
 * scale: float64 round-off of O(n) sums with n ≤ 70 stays below ~1e-13, so a wrong index or a
 * missing term (error O(1)) cannot pass.
 * @module
 */
import type { Linalg, Trans } from "./linalg.ts";
import { Xoshiro128StarStar } from "../rng.ts";

/** Uniform(−½, ½) matrix entries from a seeded stream. */
export function randomMatrix(length: number, seed: number): Float64Array {
  const rng = new Xoshiro128StarStar(new Uint32Array([seed, 7, 11, 13]));
  return Float64Array.from({ length }, () => rng.nextDouble() - 0.5);
}

/** A random SPD n×n matrix (column-major, full storage): X·Xᵀ + n·I. */
export function randomSpd(n: number, seed: number): Float64Array {
  const x = randomMatrix(n * n, seed);
  const a = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      let s = i === j ? n : 0;
      for (let p = 0; p < n; p++) s += x[i + p * n] * x[j + p * n];
      a[i + j * n] = s;
    }
  }
  return a;
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

function check(name: string, err: number, tol: number): void {
  if (!(err <= tol)) throw new Error(`${name}: max error ${err} > ${tol}`);
}

const at = (t: Trans, x: Float64Array, ld: number, i: number, j: number) =>
  t === "N" ? x[i + j * ld] : x[j + i * ld];

/** Run every check against `la`; throws an Error naming the first routine that fails. */
export function checkLinalgConformance(la: Linalg): void {
  const tol = 1e-11;
  // gemm, all four transposition pairs, odd sizes (not multiples of the 4-unroll), lda > rows.
  for (const ta of ["N", "T"] as const) {
    for (const tb of ["N", "T"] as const) {
      const m = 13, n = 7, k = 9, ld = 15;
      const a = randomMatrix(ld * ld, 1), b = randomMatrix(ld * ld, 2);
      const c = randomMatrix(ld * n, 3), ref = c.slice();
      for (let j = 0; j < n; j++) {
        for (let i = 0; i < m; i++) {
          let s = 0;
          for (let p = 0; p < k; p++) s += at(ta, a, ld, i, p) * at(tb, b, ld, p, j);
          ref[i + j * ld] = 0.5 * s - 2 * c[i + j * ld];
        }
      }
      la.gemm(ta, tb, m, n, k, 0.5, a, ld, b, ld, -2, c, ld);
      check(`gemm ${ta}${tb}`, maxAbsDiff(c, ref), tol);
    }
  }
  // syrk N and T (lower triangle only; the upper must stay untouched).
  for (const t of ["N", "T"] as const) {
    const n = 11, k = 6, ld = 12;
    const a = randomMatrix(ld * ld, 4), c = randomMatrix(ld * n, 5), ref = c.slice();
    for (let j = 0; j < n; j++) {
      for (let i = j; i < n; i++) {
        let s = 0;
        for (let p = 0; p < k; p++) s += at(t, a, ld, i, p) * at(t, a, ld, j, p);
        ref[i + j * ld] = 1.5 * s + 0.5 * c[i + j * ld];
      }
    }
    la.syrk(t, n, k, 1.5, a, ld, 0.5, c, ld);
    check(`syrk ${t}`, maxAbsDiff(c, ref), tol);
  }
  // potrf, then trsm in the 4 supported forms, potrs and potri against the original matrix.
  const n = 70;
  const spd = randomSpd(n, 6);
  const l = spd.slice();
  check("potrf info", la.potrf(n, l, n), 0);
  let upper = 0; // LAPACK leaves the strict upper triangle untouched
  for (let j = 0; j < n; j++) {
    for (let i = 0; i < j; i++) upper = Math.max(upper, Math.abs(l[i + j * n] - spd[i + j * n]));
  }
  check("potrf keeps the upper triangle", upper, 0);
  for (let j = 0; j < n; j++) for (let i = 0; i < j; i++) l[i + j * n] = 0; // keep L only
  let err = 0;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let s = 0;
      for (let p = 0; p <= j; p++) s += l[i + p * n] * l[j + p * n];
      err = Math.max(err, Math.abs(s - spd[i + j * n]) / n);
    }
  }
  check("potrf L·Lᵀ", err, tol);
  for (const side of ["L", "R"] as const) {
    for (const t of ["N", "T"] as const) {
      const rows = side === "L" ? n : 5, cols = side === "L" ? 6 : n;
      const b = randomMatrix(rows * cols, 8), x = b.slice();
      la.trsm(side, t, "N", rows, cols, 2, l, n, x, rows);
      // residual: op(L)·X − 2B (side L) or X·op(L) − 2B (side R)
      let e = 0;
      for (let i = 0; i < rows; i++) {
        for (let j = 0; j < cols; j++) {
          let s = 0;
          if (side === "L") {
            for (let p = 0; p < n; p++) s += at(t, l, n, i, p) * x[p + j * rows];
          } else for (let p = 0; p < n; p++) s += x[i + p * rows] * at(t, l, n, p, j);
          e = Math.max(e, Math.abs(s - 2 * b[i + j * rows]));
        }
      }
      check(`trsm ${side}${t}`, e, tol);
    }
  }
  const rhs = randomMatrix(n * 3, 9), sol = rhs.slice();
  la.potrs(n, 3, l, n, sol, n);
  let res = 0;
  for (let r = 0; r < 3; r++) {
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let p = 0; p < n; p++) s += spd[i + p * n] * sol[p + r * n];
      res = Math.max(res, Math.abs(s - rhs[i + r * n]));
    }
  }
  check("potrs", res, tol);
  const inv = l.slice();
  for (let j = 0; j < n; j++) for (let i = 0; i < j; i++) inv[i + j * n] = i - j; // upper marker
  check("potri info", la.potri(n, inv, n), 0);
  let upperInv = 0; // potri must leave the strict upper triangle alone too
  for (let j = 0; j < n; j++) {
    for (let i = 0; i < j; i++) upperInv = Math.max(upperInv, Math.abs(inv[i + j * n] - (i - j)));
  }
  check("potri keeps the upper triangle", upperInv, 0);
  let ie = 0; // A·A⁻¹ = I using the lower triangle of A⁻¹ mirrored
  const invAt = (i: number, j: number) => (i >= j ? inv[i + j * n] : inv[j + i * n]); // mirror
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let p = 0; p < n; p++) s += spd[i + p * n] * invAt(p, j);
      ie = Math.max(ie, Math.abs(s - (i === j ? 1 : 0)));
    }
  }
  check("potri", ie, tol);
  // potrf reports a non-positive-definite leading minor.
  const bad = new Float64Array([1, 2, 0, 2, 1, 0, 0, 0, 1]);
  check("potrf non-PD info", Math.abs(la.potrf(3, bad, 3) - 2), 0);
  // gemv and dot.
  for (const t of ["N", "T"] as const) {
    const m = 9, nn = 5, a = randomMatrix(m * nn, 10);
    const x = randomMatrix(t === "N" ? nn : m, 11), y = randomMatrix(t === "N" ? m : nn, 12);
    const ref = y.map((v, i) => {
      let s = 0;
      for (let p = 0; p < x.length; p++) s += t === "N" ? a[i + p * m] * x[p] : a[p + i * m] * x[p];
      return 3 * s + 0.25 * v;
    });
    la.gemv(t, m, nn, 3, a, m, x, 0.25, y);
    check(`gemv ${t}`, maxAbsDiff(y, ref), tol);
  }
  const u = randomMatrix(101, 13), v = randomMatrix(101, 14);
  let d = 0;
  for (let i = 0; i < 101; i++) d += u[i] * v[i];
  check("dot", Math.abs(la.dot(101, u, v) - d), tol);
}
