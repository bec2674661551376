/**
 * Matérn-5/2 kernel transforms and the MLL length-scale gradient sum in WebAssembly SIMD
 * (native/wasm/gp_matern_simd.c, f64 × 2, embedded in `./matern_simd_wasm.generated.ts`).
 *
 * The kernels work in place on arrays that live in the workspace's WebAssembly memory
 * ({@link MaternSimdWorkspace.alloc}); those arrays are ordinary Float64Arrays, so BLAS (FFI or
 * the TypeScript fallback) fills them with −2·XᵀX first and LAPACK factors them afterwards,
 * without copies. Results equal the TypeScript forms of `lib/surrogate/matern52.ts` within
 * 1e-15 relative (own e^x after fdlibm's e_exp.c, < 1 ulp).
 * Measured (dev box, Zen 5 core, d = 9, best of 5): the gradient-cache fill 28 → 21 ms at
 * n = 2000 and 118 → 54 ms at n = 4000, the gradient sums 17 → 9 ms at n = 2000, the
 * cross-covariance ≈ 5.5 ns per entry (TypeScript: 10–15 ns). V8 lowers f64x2.max/min with
 * NaN/±0 fix-ups, so the kernels use pmax (`pmax` took the cross kernel from 7.6 to 5.5 ns).
 * @module
 */
import { compileEmbeddedModule } from "../wasm_module.ts";
import { GP_MATERN_SIMD_WASM_BASE64 } from "./matern_simd_wasm.generated.ts";

/** The embedded kernel, compiled once at import (a `WebAssembly.Module` is immutable). */
const MATERN_SIMD_MODULE = compileEmbeddedModule(GP_MATERN_SIMD_WASM_BASE64);

/** What the symmetric fill writes besides the lower triangle (see `lib/surrogate/matern52.ts`). */
export type SymmetricFillMode = "lower" | "full" | "gradient-cache";

const MODE_CODE: Record<SymmetricFillMode, number> = { lower: 0, full: 1, "gradient-cache": 2 };

/** Largest input dimension of {@link MaternSimdWorkspace.gradient} (its scratch is fixed). */
export const MATERN_SIMD_MAX_D = 256;

/** Largest workspace: a wasm32 memory holds at most 65536 pages of 64 KiB (4 GiB). */
export const MATERN_SIMD_MAX_BYTES = 65535 * 65536;

const PAGE = 65536;
const SCRATCH_BYTES = (2 * MATERN_SIMD_MAX_D + 1) * 16 + MATERN_SIMD_MAX_D * 8;

interface Exports {
  __heap_base: WebAssembly.Global;
  m52_cross(
    a: number,
    xn: number,
    n: number,
    qn: number,
    m: number,
    sf2: number,
    alpha: number,
    mean: number,
  ): void;
  m52_symmetric(a: number, norms: number, n: number, sf2: number, diag: number, mode: number): void;
  m52_gradient(
    w: number,
    w32: number,
    n: number,
    alpha: number,
    xt: number,
    d: number,
    acc: number,
    scratch: number,
  ): void;
  m52_lower_to_f32(a: number, n: number, b: number): void;
}

/** Bytes a workspace needs for Float64Arrays of these lengths (each 16-byte aligned). */
export function workspaceBytes(lengths: number[]): number {
  return lengths.reduce((s, len) => s + align16(8 * len), 0);
}

function align16(bytes: number): number {
  return Math.ceil(bytes / 16) * 16;
}

/**
 * A WebAssembly memory of fixed size with the Matérn kernels bound to it.
 * @example
 * ```ts
 * import { MaternSimdWorkspace } from "./matern_simd.ts";
 * const ws = MaternSimdWorkspace.create(1024);
 * const a = ws.alloc(4), norms = ws.alloc(2);
 * norms.set([0, 1]); a.set([0, 0, 0, 0]);       // x₀ = 0, x₁ = 1 (d = 1): −2·x₀·x₁ = 0
 * ws.symmetric(a, norms, 2, 1, 0, "full");
 * console.assert(Math.abs(a[1] - (1 + Math.sqrt(5) + 5 / 3) * Math.exp(-Math.sqrt(5))) < 1e-15);
 * ```
 */
export class MaternSimdWorkspace {
  readonly memory: WebAssembly.Memory;
  readonly #exports: Exports;
  #next: number;
  readonly #end: number;
  readonly #scratch: number;

  private constructor(memory: WebAssembly.Memory, exports: Exports, start: number) {
    this.memory = memory;
    this.#exports = exports;
    this.#scratch = align16(start);
    this.#next = this.#scratch + SCRATCH_BYTES;
    this.#end = memory.buffer.byteLength;
  }

  /**
   * A workspace with room for `bytes` of arrays (see {@link workspaceBytes}).
   * @throws RangeError when the memory would exceed {@link MATERN_SIMD_MAX_BYTES}
   */
  static create(bytes: number): MaternSimdWorkspace {
    const module = MATERN_SIMD_MODULE;
    // The stack (4 KiB) and the static data end at __heap_base, well inside the first page.
    const total = PAGE + SCRATCH_BYTES + 16 + Math.max(0, bytes);
    if (total > MATERN_SIMD_MAX_BYTES) {
      throw new RangeError(
        `MaternSimdWorkspace: ${bytes} bytes exceed the 4 GiB of a wasm32 memory`,
      );
    }
    const pages = Math.ceil(total / PAGE);
    const memory = new WebAssembly.Memory({ initial: pages, maximum: pages });
    const instance = new WebAssembly.Instance(module, { env: { memory } });
    const exports = instance.exports as unknown as Exports;
    return new MaternSimdWorkspace(memory, exports, Number(exports.__heap_base.value));
  }

  /** A zeroed Float64Array of `length` inside the memory, 16-byte aligned. */
  alloc(length: number): Float64Array {
    const bytes = align16(8 * length);
    if (this.#next + bytes > this.#end) {
      throw new RangeError(`MaternSimdWorkspace: out of room for ${length} doubles`);
    }
    const out = new Float64Array(this.memory.buffer, this.#next, length);
    this.#next += bytes;
    return out;
  }

  /**
   * A zeroed Float32Array of `length` inside the memory, 16-byte aligned (it takes the room of
   * ⌈length/2⌉ doubles in {@link workspaceBytes}).
   */
  allocF32(length: number): Float32Array {
    const doubles = this.alloc(Math.ceil(length / 2));
    return new Float32Array(this.memory.buffer, doubles.byteOffset, length);
  }

  /** Does `a` live in this workspace's memory? */
  owns(a: Float64Array | Float32Array): boolean {
    return a.buffer === this.memory.buffer;
  }

  #at(a: Float64Array | Float32Array, name: string): number {
    if (!this.owns(a)) {
      throw new RangeError(`MaternSimdWorkspace: ${name} is not an array of this workspace`);
    }
    return a.byteOffset;
  }

  /**
   * In place on the n×m block `a` (column-major, ld n) holding −2·xᵢ·q_c:
   * a[i + c·n] ← σ_f²·M52(r), r² = a + xn[i] + qn[c]; with `alpha` and `mean` (length ≥ m)
   * also mean[c] = Σᵢ alpha[i]·a[i + c·n].
   */
  cross(
    a: Float64Array,
    xn: Float64Array,
    n: number,
    qn: Float64Array,
    m: number,
    signalVariance: number,
    alpha?: Float64Array,
    mean?: Float64Array,
  ): void {
    this.#exports.m52_cross(
      this.#at(a, "a"),
      this.#at(xn, "xn"),
      n,
      this.#at(qn, "qn"),
      m,
      signalVariance,
      alpha ? this.#at(alpha, "alpha") : 0,
      mean ? this.#at(mean, "mean") : 0,
    );
  }

  /**
   * In place on the n×n `a` (column-major) whose lower triangle holds −2·xᵢ·xⱼ: the lower
   * triangle of K̂ = σ_f²·M52 + diagonalAdd·I, plus the upper triangle per `mode`.
   */
  symmetric(
    a: Float64Array,
    norms: Float64Array,
    n: number,
    signalVariance: number,
    diagonalAdd: number,
    mode: SymmetricFillMode,
  ): void {
    this.#exports.m52_symmetric(
      this.#at(a, "a"),
      this.#at(norms, "norms"),
      n,
      signalVariance,
      diagonalAdd,
      MODE_CODE[mode],
    );
  }

  /**
   * The length-scale sums of the MLL gradient into `acc` (length d, any array):
   * acc[m] = Σ_{i>j} (αᵢαⱼ − Wᵢⱼ)·q(i, j)·(xt[m·n+i] − xt[m·n+j])², W in the lower triangle of
   * `w` or, when given, of the single-precision `w32` (n×n, ld n: the mixed-precision gradient),
   * q packed in the strict upper triangle of `w` ("gradient-cache"), xt the scaled inputs d×n.
   */
  gradient(
    w: Float64Array,
    n: number,
    alpha: Float64Array,
    xt: Float64Array,
    d: number,
    acc: Float64Array,
    w32?: Float32Array,
  ): void {
    if (d > MATERN_SIMD_MAX_D) {
      throw new RangeError(`MaternSimdWorkspace.gradient: d = ${d} > ${MATERN_SIMD_MAX_D}`);
    }
    const accAt = this.#scratch + (2 * MATERN_SIMD_MAX_D + 1) * 16;
    this.#exports.m52_gradient(
      this.#at(w, "w"),
      w32 ? this.#at(w32, "w32") : 0,
      n,
      this.#at(alpha, "alpha"),
      this.#at(xt, "xt"),
      d,
      accAt,
      this.#scratch,
    );
    acc.set(new Float64Array(this.memory.buffer, accAt, d));
  }

  /** `b` ← the lower triangle (with the diagonal) of the n×n column-major `a`, rounded to float. */
  lowerToF32(a: Float64Array, n: number, b: Float32Array): void {
    if (a.length < n * n || b.length < n * n) {
      throw new RangeError(`MaternSimdWorkspace.lowerToF32: arrays shorter than n² = ${n * n}`);
    }
    this.#exports.m52_lower_to_f32(this.#at(a, "a"), n, this.#at(b, "b"));
  }
}
