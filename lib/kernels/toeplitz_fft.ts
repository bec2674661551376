/**
 * Toeplitz hashing by FFT convolution (docs/science.md §10): S[i] = bit (i + m − 1) of s * X mod 2,
 * computed with float64 cyclic convolutions of power-of-two length ≤ 2^maxLog2 (exact for
 * lengths ≤ 2^22), rounded and reduced mod 2. Two hashes are computed per pass: each forward
 * FFT transforms two real sequences (seed segment + i·X chunk) and one inverse FFT returns two
 * real convolutions. Larger problems are tiled over (output chunk × input chunk); the tiles'
 * parities are XORed. Realises the same matrix as `toeplitzHashBitSliced`, bit for bit.
 * @module
 */
import { InvalidArgumentError } from "../errors.ts";
import { createFftPlan, type FftPlan, nextPowerOfTwo } from "./fft.ts";

/** One Toeplitz hash job: seed of m + l − 1 bits, input of m bits, output of l bits. */
export interface ToeplitzJob {
  seed: Uint8Array;
  x: Uint8Array;
  out: Uint8Array;
}

/** Options of {@link toeplitzHashFft}. */
export interface ToeplitzFftOptions {
  /** Largest FFT length as a power of two (22: the exactness limit of docs/science.md §10). */
  maxLog2?: number;
  /**
   * Keeps the plan and buffers between calls (one per worker, see {@link ToeplitzFftWorkspace});
   * without it every call builds its own.
   */
  workspace?: ToeplitzFftWorkspace;
}

/**
 * Hash every job (all with the same m and l) by FFT convolution, two jobs per pass.
 * @param jobs the hashes to compute; each `out` is written
 * @example
 * ```ts
 * import { toeplitzHashFft } from "./toeplitz_fft.ts";
 * const out = new Uint8Array(2);
 * toeplitzHashFft([{ seed: new Uint8Array([1, 0, 1]), x: new Uint8Array([1, 0]), out }]);
 * console.assert(out[0] === 0 && out[1] === 1);
 * ```
 */
export function toeplitzHashFft(
  jobs: readonly ToeplitzJob[],
  options: ToeplitzFftOptions = {},
): void {
  if (jobs.length === 0) return;
  const m = jobs[0].x.length;
  const l = jobs[0].out.length;
  for (const job of jobs) {
    if (job.x.length !== m || job.out.length !== l) {
      throw new InvalidArgumentError(
        "jobs",
        `${job.x.length}×${job.out.length}`,
        `all jobs must be ${m}×${l}`,
      );
    }
    if (l > 0 && job.seed.length !== m + l - 1) {
      throw new InvalidArgumentError(
        "seed",
        job.seed.length,
        `must have m + l − 1 = ${m + l - 1} bits`,
      );
    }
    job.out.fill(0);
  }
  if (l === 0 || m === 0) return;
  const maxSize = 2 ** (options.maxLog2 ?? 22);
  const { blockOut, blockIn } = chooseTiles(m, l, maxSize);
  const size = nextPowerOfTwo(blockOut + blockIn - 1);
  const work = options.workspace?.forSize(size) ?? createWorkspace(size);
  for (let p = 0; p < jobs.length; p += 2) {
    const first = jobs[p];
    const second = p + 1 < jobs.length ? jobs[p + 1] : undefined;
    for (let i0 = 0; i0 < l; i0 += blockOut) {
      const bo = Math.min(blockOut, l - i0);
      for (let j0 = 0; j0 < m; j0 += blockIn) {
        const bi = Math.min(blockIn, m - j0);
        tilePair(work, m, first, second, i0, bo, j0, bi);
      }
    }
  }
}

/**
 * Tile sizes (output chunk bo × input chunk bi, bo + bi − 1 ≤ maxSize) minimising the number of
 * tiles ⌈l/bo⌉·⌈m/bi⌉; one tile when m + l − 1 fits.
 */
function chooseTiles(m: number, l: number, maxSize: number): { blockOut: number; blockIn: number } {
  if (m + l - 1 <= maxSize) return { blockOut: l, blockIn: m };
  let best = { blockOut: Math.min(l, maxSize / 2), blockIn: Math.min(m, maxSize / 2) };
  let bestTiles = Math.ceil(l / best.blockOut) * Math.ceil(m / best.blockIn);
  for (let outChunks = 1; outChunks <= 64; outChunks++) {
    const blockOut = Math.ceil(l / outChunks);
    const blockIn = Math.min(m, maxSize - blockOut + 1);
    if (blockIn < 1) continue;
    const tiles = outChunks * Math.ceil(m / blockIn);
    if (tiles < bestTiles) {
      bestTiles = tiles;
      best = { blockOut, blockIn };
    }
  }
  return best;
}

/** The plan and four buffers of one transform size (see {@link ToeplitzFftWorkspace}). */
export interface Workspace {
  plan: FftPlan;
  aRe: Float64Array;
  aIm: Float64Array;
  bRe: Float64Array;
  bIm: Float64Array;
}

/** The plan and four buffers of one transform size. */
function createWorkspace(size: number): Workspace {
  return {
    plan: createFftPlan(size),
    aRe: new Float64Array(size),
    aIm: new Float64Array(size),
    bRe: new Float64Array(size),
    bIm: new Float64Array(size),
  };
}

/**
 * The FFT plan and buffers of {@link toeplitzHashFft}, kept while the transform size repeats.
 * Create one per worker (or per long-lived caller) and pass it in the options: building a 2^20
 * plan and its four buffers costs ≈ 100 ms on a loaded core (twiddles and first-touch page
 * faults), more than the three transforms themselves, and a campaign worker hashes at similar
 * sizes sample after sample. Sizes above `maxCachedSize` (default 2^21, ≈ 100 MB retained) are
 * built per call and not kept.
 */
export class ToeplitzFftWorkspace {
  #cached: Workspace | null = null;
  readonly maxCachedSize: number;

  constructor(options: { maxCachedSize?: number } = {}) {
    this.maxCachedSize = options.maxCachedSize ?? 2 ** 21;
  }

  /** The plan and buffers for transforms of `size`, reused while the size repeats. */
  forSize(size: number): Workspace {
    if (this.#cached !== null && this.#cached.plan.size === size) return this.#cached;
    const work = createWorkspace(size);
    this.#cached = size <= this.maxCachedSize ? work : null;
    return work;
  }
}

/**
 * One tile: outputs [i0, i0 + bo) from inputs [j0, j0 + bi). With base = i0 − j0 + m − bi, the
 * seed segment g[w] = s[base + w] (w < bo + bi − 1, zero outside s) gives
 * S[i0 + u] ⊕= (g * x_chunk)[bi − 1 + u] mod 2.
 */
function tilePair(
  work: Workspace,
  m: number,
  first: ToeplitzJob,
  second: ToeplitzJob | undefined,
  i0: number,
  bo: number,
  j0: number,
  bi: number,
): void {
  const { plan, aRe, aIm, bRe, bIm } = work;
  const size = plan.size;
  const base = i0 - j0 + m - bi;
  const segment = bo + bi - 1;
  loadTile(first, base, segment, j0, bi, aRe, aIm);
  plan.forwardToBitReversed(aRe, aIm);
  if (second) {
    loadTile(second, base, segment, j0, bi, bRe, bIm);
    plan.forwardToBitReversed(bRe, bIm);
  }
  // Z = G + iX for real g, x: G[k] = (Z[k] + conj Z[−k])/2, X[k] = (Z[k] − conj Z[−k])/(2i).
  // Y = G·X = (Z[k]² − conj Z[−k]²)/(4i). Both products go into one inverse transform:
  // W = Y_first + i·Y_second, whose real/imaginary parts are the two real convolutions.
  // Pairs (k, −k) are handled together so the buffers can be overwritten in place. The spectra
  // are in bit-reversed order: frequency k sits at position rev[k]. Negation flips every bit of k
  // above its lowest set bit, so in bit-reversed order the partner of position r ≥ 1 in the
  // octave [b, 2b) is 3b − 1 − r: each octave pairs its two ends walking inwards (sequential
  // access; looking partners up through the bit-reversal table cost cache misses on every pair,
  // ≈ 3× the three FFTs at 2^20). Positions 0 and 1 (frequencies 0 and size/2) pair with
  // themselves.
  combineSpectra(aRe, aIm, 0, 0, second ? bRe : undefined, bIm);
  for (let b = 1; b < size; b *= 2) {
    for (let r = b, q = 2 * b - 1; r <= q; r++, q--) {
      combineSpectra(aRe, aIm, r, q, second ? bRe : undefined, bIm);
    }
  }
  plan.inverseFromBitReversed(aRe, aIm);
  const o1 = first.out;
  for (let u = 0; u < bo; u++) o1[i0 + u] ^= Math.round(aRe[bi - 1 + u]) & 1;
  if (second) {
    const o2 = second.out;
    for (let u = 0; u < bo; u++) o2[i0 + u] ^= Math.round(aIm[bi - 1 + u]) & 1;
  }
}

/**
 * Positions `kPos` (frequency k) and `nk` (frequency −k) of Z_a = G_a + i·X_a (and Z_b): write
 * W = Y_a + i·Y_b there, Y = G·X = (Z[k]² − conj(Z[−k])²)/(4i), Y[−k] = conj(Y[k]) (y is real).
 */
function combineSpectra(
  aRe: Float64Array,
  aIm: Float64Array,
  kPos: number,
  nk: number,
  bRe: Float64Array | undefined,
  bIm: Float64Array,
): void {
  let zr = aRe[kPos], zi = aIm[kPos], nr = aRe[nk], ni = aIm[nk];
  const y1r = (zr * zi + nr * ni) / 2;
  const y1i = -(zr * zr - zi * zi - nr * nr + ni * ni) / 4;
  let y2r = 0, y2i = 0;
  if (bRe !== undefined) {
    zr = bRe[kPos];
    zi = bIm[kPos];
    nr = bRe[nk];
    ni = bIm[nk];
    y2r = (zr * zi + nr * ni) / 2;
    y2i = -(zr * zr - zi * zi - nr * nr + ni * ni) / 4;
  }
  aRe[kPos] = y1r - y2i;
  aIm[kPos] = y1i + y2r;
  aRe[nk] = y1r + y2i;
  aIm[nk] = -y1i + y2r;
}

function loadTile(
  job: ToeplitzJob,
  base: number,
  segment: number,
  j0: number,
  bi: number,
  re: Float64Array,
  im: Float64Array,
): void {
  // Explicit loops: TypedArray.prototype.set from a Uint8Array into a Float64Array takes V8's
  // generic conversion path (≈ 20 ns per element cold, 8 % of a sample's profile at N = 1e6).
  const lo = Math.max(0, -base);
  const hi = Math.max(lo, Math.min(segment, job.seed.length - base));
  const seed = job.seed, x = job.x, size = re.length;
  re.fill(0, 0, lo);
  for (let w = lo; w < hi; w++) re[w] = seed[base + w];
  re.fill(0, hi);
  for (let w = 0; w < bi; w++) im[w] = x[j0 + w];
  im.fill(0, bi, size);
}
