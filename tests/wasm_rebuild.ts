/**
 * Shared by the WebAssembly kernel tests (SIMD decoders, Matérn GP kernels): an embedded
 * WebAssembly module (a generated `*_wasm.generated.ts` under lib/kernels)
 * holds the bytes its header names, and tools/build_wasm_decoder.sh rebuilds them (and the
 * generated module text) byte for byte when the recorded clang is installed; otherwise the
 * rebuild is skipped with a warning.
 */
import { assert, assertEquals } from "./assert.ts";
import { sha256, toHex } from "../lib/kernels/sha256.ts";

/** One embedded module and which of the build script's two outputs it is. */
export interface EmbeddedWasm {
  moduleUrl: URL;
  base64: string;
  sha256: string;
  compiler: string;
  output: "min_sum" | "spa" | "gp_matern";
}

/** Check the embedded bytes and, with the recorded clang, that a rebuild reproduces them. */
export async function assertEmbeddedWasm(w: EmbeddedWasm): Promise<void> {
  const bytes = Uint8Array.from(atob(w.base64), (ch) => ch.charCodeAt(0));
  assertEquals(toHex(sha256(bytes)), w.sha256);
  const text = await Deno.readTextFile(w.moduleUrl);
  assert(text.includes(`SHA-256 of the bytes: ${w.sha256}`), "header hash");

  let version: string | null = null;
  try {
    const run = await new Deno.Command("clang", { args: ["--version"], stdout: "piped" }).output();
    if (run.success) version = new TextDecoder().decode(run.stdout).split("\n")[0];
  } catch (e) {
    if (!(e instanceof Deno.errors.NotFound)) throw e;
  }
  if (version !== w.compiler) {
    if (Deno.env.get("CALIGO_REQUIRE_ALL") === "1") {
      throw new Error(
        `CALIGO_REQUIRE_ALL=1 but the rebuild needs "${w.compiler}" (apt-get install clang lld)`,
      );
    }
    console.warn(
      `skipping the rebuild check: needs "${w.compiler}", found ${
        version === null ? "no clang" : `"${version}"`
      } (apt-get install -y clang lld)`,
    );
    return;
  }
  const dir = await Deno.makeTempDir({ prefix: "wasm_rebuild_" });
  try {
    const script = new URL("../tools/build_wasm_decoder.sh", import.meta.url).pathname;
    const build = await new Deno.Command("bash", {
      args: [script],
      env: {
        WASM_OUT: `${dir}/min_sum.wasm`,
        TS_OUT: `${dir}/min_sum.ts`,
        SPA_WASM_OUT: `${dir}/spa.wasm`,
        SPA_TS_OUT: `${dir}/spa.ts`,
        GP_WASM_OUT: `${dir}/gp_matern.wasm`,
        GP_TS_OUT: `${dir}/gp_matern.ts`,
      },
      stderr: "piped",
    }).output();
    assert(build.success, new TextDecoder().decode(build.stderr));
    assertEquals(toHex(sha256(await Deno.readFile(`${dir}/${w.output}.wasm`))), w.sha256);
    assertEquals(
      await Deno.readTextFile(`${dir}/${w.output}.ts`),
      text,
      "regenerated module differs",
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}
