/**
 * mod.ts picks the fastest linear algebra for scripts (README "From a script"): FFI BLAS when the
 * script may load an installed library, else the TypeScript kernels; it says which once, and the
 * fitted model records its backend.
 */
import { assert, assertEquals } from "../assert.ts";
import { REQUIREMENTS, testNeeding } from "../requires.ts";

const ROOT = new URL("../../", import.meta.url).pathname;
const SCRIPT = `
import { fitGp } from "${ROOT}mod.ts";
const x = Float64Array.from({ length: 40 }, (_, i) => i / 39);
const y = x.map((v) => Math.sin(6 * v));
const a = await fitGp({ x, y, d: 1 }, { seed: 1 });
const b = await fitGp({ x, y, d: 1 }, { seed: 1 });
console.log(JSON.stringify({ a: a.la.name, b: b.la.name, mean: a.predict(Float64Array.of(0.3)).mean[0] }));
`;

async function runScript(permissions: string[]) {
  const dir = await Deno.makeTempDir({ prefix: "mod-backend-" });
  const path = `${dir}/script.ts`;
  await Deno.writeTextFile(path, SCRIPT);
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-q", "--no-prompt", `--config=${ROOT}deno.json`, ...permissions, path],
    cwd: ROOT,
    env: { NO_COLOR: "1" },
    stdout: "piped",
    stderr: "piped",
  }).output();
  await Deno.remove(dir, { recursive: true });
  const stderr = new TextDecoder().decode(out.stderr);
  assertEquals(out.code, 0, stderr);
  return { result: JSON.parse(new TextDecoder().decode(out.stdout)), stderr };
}

testNeeding(
  [REQUIREMENTS.openblas],
  "mod.ts fitGp: FFI BLAS with --allow-ffi, TypeScript kernels without; said once; same fit",
  async () => {
    const ffi = await runScript(["--allow-read", "--allow-env", "--allow-ffi"]);
    const ts = await runScript(["--allow-read", "--allow-env"]);
    const lines = (s: string) => s.split("\n").filter((l) => l.includes("linear algebra:"));
    assertEquals(lines(ffi.stderr).length, 1, ffi.stderr);
    assertEquals(lines(ts.stderr).length, 1, ts.stderr);
    assert(ffi.result.a.startsWith("ffi") && ffi.result.b === ffi.result.a, ffi.result.a);
    assert(ts.result.a.startsWith("ts"), ts.result.a);
    assert(
      Math.abs(ffi.result.mean - ts.result.mean) < 1e-6,
      `${ffi.result.mean} ${ts.result.mean}`,
    );
  },
);
