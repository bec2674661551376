/**
 * Embedded WebAssembly modules (the SIMD LDPC decoders, the Matérn GP kernels): decoded from their
 * base64 and compiled once per module text; every user then makes its own instance and memory.
 * @module
 */

const compiled = new Map<string, WebAssembly.Module>();

/** The module whose bytes are `base64`, compiled on first use. */
export function compiledModule(base64: string): WebAssembly.Module {
  let module = compiled.get(base64);
  if (module === undefined) {
    const binary = atob(base64);
    const bytes = new Uint8Array(binary.length);
    for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
    module = new WebAssembly.Module(bytes);
    compiled.set(base64, module);
  }
  return module;
}
