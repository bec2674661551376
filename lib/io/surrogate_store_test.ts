import { assert, assertEquals, assertRejects } from "../../tests/assert.ts";
import { loadSurrogate, saveSurrogate, type SurrogateMetadata } from "./surrogate_store.ts";
import { fitGpSync } from "../surrogate/fit_gp.ts";
import { TwinLandscape } from "../surrogate/twin_landscape.ts";
import { tsLinalg } from "../kernels/linalg/ts_linalg.ts";
import { Xoshiro128StarStar } from "../kernels/rng.ts";
import { FileFormatError } from "../errors.ts";
import { FileWriteError } from "./checkpoint.ts";
import { availableBytes, mountTmpfs } from "../../tests/_test_tmpfs.ts";
import { REQUIREMENTS, testNeeding } from "../../tests/requires.ts";

function points(n: number, d: number, seed: number): Float64Array {
  const rng = new Xoshiro128StarStar(new Uint32Array([seed, 5, 5, 5]));
  return Float64Array.from({ length: n * d }, () => rng.nextDouble());
}

const meta: SurrogateMetadata = {
  softwareVersion: "0.0.0-test",
  configSha256: "ab".repeat(32),
  target: "key_margin",
  threshold: 0,
  bounds: { lo: [0, 0], hi: [1, 1] },
  columns: ["a", "b"],
  metrics: { baseline: { rmse: 0.1 } },
  trainIds: { baseline: BigInt64Array.from({ length: 30 }, (_, i) => BigInt(100 + i)) },
};

function twin() {
  const x = points(30, 2, 1), y = x.filter((_, i) => i % 2 === 0).map((v) => Math.sin(5 * v));
  const baseline = fitGpSync({ x, y, d: 2 });
  const blind = fitGpSync({ x, y: y.map((v) => v * 0.5 + 0.1), d: 2 }, { loveIterations: 10 });
  return new TwinLandscape(baseline, blind);
}

Deno.test("saveSurrogate()/loadSurrogate() round trip gives identical predictions (1e-12)", async () => {
  const dir = await Deno.makeTempDir({ prefix: "gp_store_" });
  try {
    const t = twin(), xq = points(40, 2, 2);
    for (const includeCholesky of [false, true]) {
      await saveSurrogate(`${dir}/surrogate`, t, meta, { includeCholesky });
      const { twin: t2, meta: m2, source } = await loadSurrogate(`${dir}/surrogate`, tsLinalg);
      assertEquals(source, `${dir}/surrogate`);
      for (const s of ["baseline", "blind"] as const) {
        const a = t.predict(s, xq), b = t2.predict(s, xq);
        for (let i = 0; i < 40; i++) {
          assert(Math.abs(a.mean[i] - b.mean[i]) <= 1e-12, `${s} mean ${i}`);
          assert(Math.abs(a.variance[i] - b.variance[i]) <= 1e-12, `${s} var ${i}`);
        }
      }
      const l1 = t.predict("blind", xq, { variance: "love" }),
        l2 = t2.predict("blind", xq, { variance: "love" });
      assertEquals(l1.variance, l2.variance);
      assertEquals(m2.trainIds?.baseline, meta.trainIds?.baseline);
      assertEquals(m2.metrics?.baseline, { rmse: 0.1 });
    }
    // No leftovers of the swap.
    const names = [...Deno.readDirSync(dir)].map((e) => e.name).sort();
    assertEquals(names, ["surrogate"]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("loadSurrogate() rejects a corrupted array with FileFormatError (sha256)", async () => {
  const dir = await Deno.makeTempDir({ prefix: "gp_store_" });
  try {
    await saveSurrogate(`${dir}/s`, twin(), meta);
    const f = `${dir}/s/baseline.alpha.f64`, bytes = await Deno.readFile(f);
    bytes[3] ^= 1;
    await Deno.writeFile(f, bytes);
    await assertRejects(() => loadSurrogate(`${dir}/s`, tsLinalg), FileFormatError, "sha256");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("loadSurrogate() accepts a complete <dir>.new left by a crash between the renames", async () => {
  const dir = await Deno.makeTempDir({ prefix: "gp_store_" });
  try {
    await saveSurrogate(`${dir}/s`, twin(), meta);
    await Deno.rename(`${dir}/s`, `${dir}/s.new`);
    const { source, twin: t } = await loadSurrogate(`${dir}/s`, tsLinalg);
    assertEquals(source, `${dir}/s.new`);
    assert(t.isFitted("baseline") && t.isFitted("blind"));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

testNeeding(
  [REQUIREMENTS.tmpfsMount],
  "saveSurrogate() on a real full tmpfs throws one FileWriteError line naming the model; the saved model stays and no .new is left",
  async () => {
    const { dir, unmount } = mountTmpfs(256);
    try {
      const model = `${dir}/surrogate`;
      await saveSurrogate(model, twin(), meta);
      const before = await loadSurrogate(model, tsLinalg);
      // the Cholesky factors (2 × 30² doubles, 14 KB) do not fit in what is left
      Deno.writeFileSync(`${dir}/filler`, new Uint8Array(availableBytes(dir) - 8192));
      const e = await assertRejects(
        () => saveSurrogate(model, twin(), meta, { includeCholesky: true }),
        FileWriteError,
      );
      assert(e.message.startsWith(`${model}: write failed: No space left on device`), e.message);
      assertEquals([...Deno.readDirSync(dir)].map((f) => f.name).sort(), ["filler", "surrogate"]);
      const after = await loadSurrogate(model, tsLinalg);
      assertEquals(after.meta, before.meta);
    } finally {
      unmount();
    }
  },
);
