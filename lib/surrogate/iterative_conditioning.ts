/**
 * Iterative conditioning for large n (docs/campaign.md §9.5): α = K̂⁻¹y by preconditioned conjugate
 * gradients with a rank-k pivoted-Cholesky preconditioner P = L_k·L_kᵀ + σ_n²·I (Harbrecht,
 * Peters & Schneider 2012; Gardner et al. 2018, "GPyTorch", §4), applied by the Woodbury
 * identity; K̂·v from a stored K̂ when 8n² bytes fit the memory budget, else from 1024×1024 kernel
 * tiles generated on the fly (no n² storage). The LOVE cache for variances comes from the same
 * matrix-vector product.
 * @module
 */
import type { Linalg } from "../kernels/linalg/linalg.ts";
import { fillCovariance, fillCrossCovariance } from "./matern52.ts";
import { buildLoveCache, type LoveCache, type SymmetricMatvec } from "./love.ts";

/** Y ← K̂·V for c columns (V, Y n×c column-major, ld n). */
export type SymmetricMatmat = (v: Float64Array, c: number, out: Float64Array) => void;

/** Tile edge of the on-the-fly K̂·v (rows and columns). */
export const TILE = 1024;

/** Options of {@link conditionIterative}. */
export interface IterativeOptions {
  memoryBudgetBytes?: number;
  tolerance?: number;
  maxIterations?: number;
  preconditionerRank?: number;
  loveIterations?: number;
  loveReference?: Float64Array;
  lengthScales: Float64Array;
  /** Candidates (scaled rows) at which LOVE is checked against PCG-exact variances (default none). */
  loveProbes?: Float64Array;
}

/** LOVE σ² against PCG-exact σ² at probe candidates (relative errors |σ²_LOVE − σ²| / σ²). */
export interface LoveCheck {
  probes: number;
  medianRelativeError: number;
  maxRelativeError: number;
}

/** Default probes of the LOVE check on the iterative path. */
export const LOVE_CHECK_PROBES = 8;

/** Preconditioned conjugate gradients for K̂x = b; returns x, iterations and ‖b − K̂x‖/‖b‖. */
export function pcgSolve(
  la: Linalg,
  n: number,
  matvec: SymmetricMatvec,
  precond: (r: Float64Array, z: Float64Array) => void,
  b: Float64Array,
  tolerance: number,
  maxIterations: number,
): { x: Float64Array; iterations: number; relativeResidual: number } {
  const x = new Float64Array(n), r = b.slice(), z = new Float64Array(n);
  const p = new Float64Array(n), q = new Float64Array(n);
  const bNorm = Math.sqrt(la.dot(n, b, b)) || 1;
  precond(r, z);
  p.set(z);
  let rz = la.dot(n, r, z), it = 0, rel = Math.sqrt(la.dot(n, r, r)) / bNorm;
  while (it < maxIterations && rel > tolerance) {
    matvec(p, q);
    const a = rz / la.dot(n, p, q);
    for (let i = 0; i < n; i++) {
      x[i] += a * p[i];
      r[i] -= a * q[i];
    }
    it++;
    rel = Math.sqrt(la.dot(n, r, r)) / bNorm;
    if (rel <= tolerance) break;
    precond(r, z);
    const rzNew = la.dot(n, r, z);
    const beta = rzNew / rz;
    rz = rzNew;
    for (let i = 0; i < n; i++) p[i] = z[i] + beta * p[i];
  }
  return { x, iterations: it, relativeResidual: rel };
}

/**
 * K̂·v for scaled rows `xs`: dense (K̂ stored, gemv) when 8n² ≤ budget, else tiled on the fly.
 * @returns the matvec and whether K̂ is stored.
 */
export function kernelMatvec(
  la: Linalg,
  xs: Float64Array,
  n: number,
  d: number,
  sf2: number,
  sn2: number,
  memoryBudgetBytes = 2 ** 30,
): { matvec: SymmetricMatvec; matmat: SymmetricMatmat; stored: boolean } {
  if (8 * n * n <= memoryBudgetBytes) {
    const k = fillCovariance(xs, n, d, sf2, sn2, new Float64Array(n * n), true, la);
    return {
      matvec: (v, out) => la.gemv("N", n, n, 1, k, n, v, 0, out),
      matmat: (v, c, out) => la.gemm("N", "N", n, c, n, 1, k, n, v, n, 0, out, n),
      stored: true,
    };
  }
  const tile = new Float64Array(TILE * TILE);
  const fillTile = (i0: number, ib: number, j0: number, jb: number) =>
    // tile(i, j) = k(x_{i0+i}, x_{j0+j}), ib×jb column-major
    fillCrossCovariance(
      xs.subarray(i0 * d, (i0 + ib) * d),
      ib,
      xs.subarray(j0 * d, (j0 + jb) * d),
      jb,
      d,
      sf2,
      tile,
    );
  return {
    stored: false,
    matmat: (v, c, out) => {
      for (let i = 0; i < n * c; i++) out[i] = sn2 * v[i];
      for (let j0 = 0; j0 < n; j0 += TILE) {
        const jb = Math.min(TILE, n - j0);
        for (let i0 = 0; i0 < n; i0 += TILE) {
          const ib = Math.min(TILE, n - i0);
          fillTile(i0, ib, j0, jb);
          la.gemm("N", "N", ib, c, jb, 1, tile, ib, v.subarray(j0), n, 1, out.subarray(i0), n);
        }
      }
    },
    matvec: (v, out) => {
      for (let i = 0; i < n; i++) out[i] = sn2 * v[i];
      for (let j0 = 0; j0 < n; j0 += TILE) {
        const jb = Math.min(TILE, n - j0);
        for (let i0 = 0; i0 < n; i0 += TILE) {
          const ib = Math.min(TILE, n - i0);
          fillTile(i0, ib, j0, jb);
          la.gemv("N", ib, jb, 1, tile, ib, v.subarray(j0, j0 + jb), 1, out.subarray(i0, i0 + ib));
        }
      }
    },
  };
}

/**
 * Rank-k pivoted partial Cholesky of K = σ_f²·M52 (no noise): L_k n×rank column-major with
 * K ≈ L_k·L_kᵀ, pivoting on the largest remaining diagonal. Stops early when the trace of the
 * remainder falls below 1e-12·n·σ_f².
 */
export function pivotedCholesky(
  xs: Float64Array,
  n: number,
  d: number,
  sf2: number,
  rank: number,
): { l: Float64Array; rank: number } {
  const k = Math.min(rank, n);
  const l = new Float64Array(n * k), diag = new Float64Array(n).fill(sf2);
  const col = new Float64Array(n), pivoted = new Uint8Array(n);
  for (let m = 0; m < k; m++) {
    let p = -1, best = -Infinity, trace = 0;
    for (let i = 0; i < n; i++) {
      if (pivoted[i]) continue;
      trace += diag[i];
      if (diag[i] > best) {
        best = diag[i];
        p = i;
      }
    }
    if (p < 0 || !(best > 0) || trace < 1e-12 * n * sf2) return { l: l.slice(0, n * m), rank: m };
    pivoted[p] = 1;
    fillCrossCovariance(xs, n, xs.subarray(p * d, p * d + d), 1, d, sf2, col);
    const lpp = Math.sqrt(best), lm = m * n;
    for (let i = 0; i < n; i++) {
      if (pivoted[i] && i !== p) continue;
      let s = col[i];
      for (let j = 0; j < m; j++) s -= l[i + j * n] * l[p + j * n];
      const v = i === p ? lpp : s / lpp;
      l[lm + i] = v;
      if (i !== p) diag[i] -= v * v;
    }
    diag[p] = 0;
  }
  return { l, rank: k };
}

/**
 * Start vector of LOVE's Lanczos: mean of k(X, x) over the reference rows (unit box; default
 * up to 1000 evenly spaced training rows).
 */
export function loveStartVector(
  xs: Float64Array,
  n: number,
  d: number,
  sf2: number,
  reference: Float64Array | undefined,
  lengthScales: Float64Array,
): Float64Array {
  let ref: Float64Array;
  if (reference && reference.length >= d) {
    ref = reference.map((v, i) => v / lengthScales[i % d]);
  } else {
    const stride = Math.max(1, Math.ceil(n / 1000));
    const m = Math.ceil(n / stride);
    ref = new Float64Array(m * d);
    for (let c = 0; c < m; c++) ref.set(xs.subarray(c * stride * d, c * stride * d + d), c * d);
  }
  const m = ref.length / d, start = new Float64Array(n), col = new Float64Array(n);
  for (let c = 0; c < m; c++) {
    fillCrossCovariance(xs, n, ref.subarray(c * d, c * d + d), 1, d, sf2, col);
    for (let i = 0; i < n; i++) start[i] += col[i] / m;
  }
  return start;
}

/**
 * α = K̂⁻¹y by PCG plus the LOVE cache, for scaled rows `xs` (n×d) and standardised `y`.
 * `relativeResidual` = ‖y − K̂α‖/‖y‖ at exit (≤ tolerance unless the iteration cap was hit).
 */
export function conditionIterative(
  la: Linalg,
  xs: Float64Array,
  y: Float64Array,
  n: number,
  d: number,
  sf2: number,
  sn2: number,
  options: IterativeOptions,
): {
  alpha: Float64Array;
  iterations: number;
  relativeResidual: number;
  love: LoveCache;
  stored: boolean;
  /** Present when `loveProbes` were given. */
  loveCheck?: LoveCheck;
} {
  const tol = options.tolerance ?? 1e-6, maxIt = options.maxIterations ?? 1000;
  const { matvec, matmat, stored } = kernelMatvec(
    la,
    xs,
    n,
    d,
    sf2,
    sn2,
    options.memoryBudgetBytes,
  );
  const pc = pivotedCholesky(xs, n, d, sf2, options.preconditionerRank ?? 100);
  const k = pc.rank, lk = pc.l;
  // Woodbury: P⁻¹r = (r − L_k·C⁻¹·L_kᵀ·r)/σ_n², C = σ_n²·I + L_kᵀ·L_k (k×k, Cholesky-factored).
  const c = new Float64Array(k * k);
  la.syrk("T", k, n, 1, lk, n, 0, c, k);
  for (let i = 0; i < k; i++) c[i + i * k] += sn2;
  la.potrf(k, c, k);
  const t = new Float64Array(k);
  const precond = (r: Float64Array, z: Float64Array) => {
    z.set(r);
    if (k > 0) {
      la.gemv("T", n, k, 1, lk, n, r, 0, t);
      la.potrs(k, 1, c, k, t, k);
      la.gemv("N", n, k, -1, lk, n, t, 1, z);
    }
    for (let i = 0; i < n; i++) z[i] /= sn2;
  };
  const cg = pcgSolve(la, n, matvec, precond, y, tol, maxIt);
  const start = loveStartVector(xs, n, d, sf2, options.loveReference, options.lengthScales);
  const love = buildLoveCache(la, matvec, n, start, options.loveIterations ?? 100);
  const loveCheck = options.loveProbes && options.loveProbes.length >= d
    ? checkLove(la, xs, n, d, sf2, love, matmat, precond, options.loveProbes)
    : undefined;
  return {
    alpha: cg.x,
    iterations: cg.iterations,
    relativeResidual: cg.relativeResidual,
    love,
    stored,
    loveCheck,
  };
}

/**
 * PCG for K̂X = B with c right-hand sides in lock step (each column its own recurrence), so that
 * K̂ is read once per iteration for all columns (`matmat`). Stops when every column reached the
 * relative residual or after `maxIterations`.
 */
export function blockPcgSolve(
  n: number,
  c: number,
  matmat: SymmetricMatmat,
  precond: (r: Float64Array, z: Float64Array) => void,
  b: Float64Array,
  tolerance: number,
  maxIterations: number,
): Float64Array {
  const x = new Float64Array(n * c), r = b.slice(), z = new Float64Array(n * c);
  const p = new Float64Array(n * c), q = new Float64Array(n * c);
  const col = (a: Float64Array, j: number) => a.subarray(j * n, (j + 1) * n);
  const dot = (u: Float64Array, v: Float64Array) => {
    let s = 0;
    for (let i = 0; i < n; i++) s += u[i] * v[i];
    return s;
  };
  const rz = new Float64Array(c), bNorm = new Float64Array(c), done = new Uint8Array(c);
  for (let j = 0; j < c; j++) {
    precond(col(r, j), col(z, j));
    rz[j] = dot(col(r, j), col(z, j));
    bNorm[j] = Math.sqrt(dot(col(b, j), col(b, j))) || 1;
    done[j] = Math.sqrt(dot(col(r, j), col(r, j))) / bNorm[j] <= tolerance ? 1 : 0;
  }
  p.set(z);
  for (let it = 0; it < maxIterations && done.includes(0); it++) {
    matmat(p, c, q);
    for (let j = 0; j < c; j++) {
      if (done[j]) continue;
      const pj = col(p, j), qj = col(q, j), rj = col(r, j), xj = col(x, j), zj = col(z, j);
      const a = rz[j] / dot(pj, qj);
      for (let i = 0; i < n; i++) {
        xj[i] += a * pj[i];
        rj[i] -= a * qj[i];
      }
      if (Math.sqrt(dot(rj, rj)) / bNorm[j] <= tolerance) {
        done[j] = 1;
        pj.fill(0); // a finished column adds nothing to later products
        continue;
      }
      precond(rj, zj);
      const rzNew = dot(rj, zj), beta = rzNew / rz[j];
      rz[j] = rzNew;
      for (let i = 0; i < n; i++) pj[i] = zj[i] + beta * pj[i];
    }
  }
  return x;
}

/**
 * LOVE σ² = σ_f² − ‖Rᵀk*‖² against σ² = σ_f² − k*ᵀK̂⁻¹k* with K̂⁻¹k* by block PCG (relative
 * residual 1e-8: the error of k*ᵀx is ≤ (1e-8·‖k*‖)²/σ_n², far below σ²) at the probe rows
 * (scaled). Cost ≈ one more PCG solve (K̂ read once per iteration for all probes).
 */
function checkLove(
  la: Linalg,
  xs: Float64Array,
  n: number,
  d: number,
  sf2: number,
  love: LoveCache,
  matmat: SymmetricMatmat,
  precond: (r: Float64Array, z: Float64Array) => void,
  probes: Float64Array,
): LoveCheck {
  const m = Math.floor(probes.length / d);
  const k = fillCrossCovariance(xs, n, probes, m, d, sf2, new Float64Array(n * m));
  const solved = blockPcgSolve(n, m, matmat, precond, k, 1e-8, 5000);
  const proj = new Float64Array(love.rank), errors: number[] = [];
  for (let c = 0; c < m; c++) {
    const kc = k.subarray(c * n, (c + 1) * n);
    const exact = sf2 - la.dot(n, kc, solved.subarray(c * n, (c + 1) * n));
    la.gemv("T", n, love.rank, 1, love.r, n, kc, 0, proj);
    const approx = Math.max(0, sf2 - la.dot(love.rank, proj, proj));
    errors.push(Math.abs(approx - exact) / Math.max(exact, 1e-300));
  }
  errors.sort((a, b) => a - b);
  return {
    probes: m,
    medianRelativeError: errors.length % 2
      ? errors[(errors.length - 1) / 2]
      : (errors[errors.length / 2 - 1] + errors[errors.length / 2]) / 2,
    maxRelativeError: errors[errors.length - 1],
  };
}
