/**
 * Embedded WebAssembly modules (the SIMD LDPC decoders, the Matérn GP kernels): each user module
 * compiles its embedded bytes once, at import, into a constant `WebAssembly.Module` (immutable),
 * and every decoder or workspace then makes its own instance and memory. No cache is kept here.
 * @module
 */

/** Compile the module whose bytes are `base64` (the text of a `*_wasm.generated.ts`). */
export function compileEmbeddedModule(base64: string): WebAssembly.Module {
  const binary = atob(base64);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return new WebAssembly.Module(bytes);
}
