/**
 * Calls dgemm_ once from a BLAS library so that BLIS prints its sub-configuration choice when
 * BLIS_ARCH_DEBUG=1 (used by slurm/setup_env.sh), and prints the 2×2 product as a sanity check.
 * Usage: BLIS_ARCH_DEBUG=1 deno run --allow-ffi=LIB tools/blas_probe.ts LIB
 */
const path = Deno.args[0];
if (!path) {
  console.error("usage: blas_probe.ts LIBRARY");
  Deno.exit(2);
}
const B = "buffer" as const, Z = "usize" as const;
const lib = Deno.dlopen(path, {
  dgemm_: { parameters: [B, B, B, B, B, B, B, B, B, B, B, B, B, Z, Z], result: "void" },
});
const n = new Int32Array([2]), one = new Float64Array([1]), zero = new Float64Array([0]);
const a = new Float64Array([1, 2, 3, 4]), c = new Float64Array(4);
const N = new Uint8Array([78]);
lib.symbols.dgemm_(N, N, n, n, n, one, a, n, a, n, zero, c, n, 1n, 1n);
lib.close();
const ok = c[0] === 7 && c[1] === 10 && c[2] === 15 && c[3] === 22;
console.log(`blas_probe: ${path} dgemm ${ok ? "ok" : `WRONG ${Array.from(c)}`}`);
Deno.exit(ok ? 0 : 1);
