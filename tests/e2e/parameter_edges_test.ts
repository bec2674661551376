/**
 * Parameters at the edges of their ranges (issue #18's fault matrix, docs/faults.md): `simulate`
 * with the real simulator (a private family of n = 256 codes, uncalibrated) and the fake one
 * gives a valid record with finite margins at the corners of the campaign box and at η = 1,
 * F = 1, r = 0 and r = 1; a value outside a parameter's range (p_d = 0) and NaN or ±∞ in a
 * hand-edited config are refused with exit 2 and one line naming the parameter or key.
 */
import { assert, assertEquals } from "../assert.ts";

const ROOT = new URL("../..", import.meta.url).pathname.replace(/\/$/, "");
const FIXTURE = `${ROOT}/tests/fixtures/campaign_fake_small.yaml`;

async function launch(...args: string[]) {
  const out = await new Deno.Command("bash", {
    args: [`${ROOT}/tasks/_launch.sh`, ...args],
    cwd: ROOT,
    env: { NO_COLOR: "1" },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const d = new TextDecoder();
  return { code: out.code, stdout: d.decode(out.stdout), stderr: d.decode(out.stderr) };
}

/** Points at the edges of the default campaign box (lib/io/config_schema.ts `bounds`). */
const EDGES: Record<string, string[]> = {
  "every lower bound, N = 1e4": [
    "--r=0",
    "--nu=0.001",
    "--dt=1e5",
    "--F=0.501",
    "--eta=0.001",
    "--edet=0",
    "--pd=1e-8",
    "--N=10000",
    "--strategy=baseline",
  ],
  "every upper bound, N = 1e6": [
    "--r=1",
    "--nu=1",
    "--dt=1e9",
    "--F=1",
    "--eta=1",
    "--edet=0.1",
    "--pd=1e-3",
    "--N=1000000",
    "--strategy=blind",
  ],
  "r = 0, η = 1, F = 1, p_d at its physical floor 1e-9": [
    "--r=0",
    "--nu=1",
    "--F=1",
    "--eta=1",
    "--edet=0",
    "--pd=1e-9",
    "--N=1000000",
    "--strategy=blind",
  ],
  "r = 1, η = 1, F = 1, N = 1e4": [
    "--r=1",
    "--F=1",
    "--eta=1",
    "--N=10000",
    "--strategy=baseline",
  ],
};

Deno.test("simulate: points at the edges of every parameter give a record with finite margins (real and fake simulator)", async () => {
  const codes = await Deno.makeTempDir({ prefix: "edges_codes_" });
  try {
    for (const [name, point] of Object.entries(EDGES)) {
      for (
        const simulator of [
          ["--code-length", "256", "--rates", "0.5,0.7", "--codes-dir", codes, "--uncalibrated"],
          ["--config", FIXTURE],
        ]
      ) {
        const label = `${name} (${simulator[0] === "--config" ? "fake" : "real"})`;
        const r = await launch("simulate", ...point, ...simulator, "--json");
        assertEquals(r.code, 0, `${label}: ${r.stderr}`);
        const record = JSON.parse(r.stdout);
        assert(typeof record.outcome === "string" && record.outcome !== "", label);
        assert(!record.outcome.startsWith("failure_error"), `${label}: ${r.stdout}`);
        for (
          const v of [record.key_margin, record.net_efficiency, record.diagnostics.cliff_margin]
        ) {
          assert(typeof v === "number" && Number.isFinite(v), `${label}: ${r.stdout}`);
        }
      }
    }
  } finally {
    await Deno.remove(codes, { recursive: true });
  }
});

Deno.test("simulate: p_d = 0 (outside [1e-9, 1e-3]) is refused with exit 2 in one line naming dark_count_prob", async () => {
  const r = await launch("simulate", "--pd=0", "--config", FIXTURE, "--json");
  assertEquals(r.code, 2, r.stderr);
  assertEquals(r.stderr.trim().split("\n").length, 1, r.stderr);
  assert(r.stderr.includes("dark_count_prob") && r.stderr.includes("got 0"), r.stderr);
});

Deno.test("explore: NaN or ±∞ in a hand-edited config exits 2 with one line naming the key; nothing is created", async () => {
  const dir = await Deno.makeTempDir({ prefix: "edges_config_" });
  try {
    const fixture = await Deno.readTextFile(FIXTURE);
    const cases: [string, string, string][] = [
      ["bounds:\n  storage_noise_r:\n    max: .nan\n", "bounds.storage_noise_r.max", "NaN"],
      ["bounds:\n  num_pairs:\n    max_log: .inf\n", "bounds.num_pairs.max_log", "Infinity"],
      [
        "bounds:\n  channel_fidelity:\n    min: -.inf\n",
        "bounds.channel_fidelity.min",
        "-Infinity",
      ],
      ["bounds:\n  detector_error:\n    max: NaN\n", "bounds.detector_error.max", '"NaN"'],
    ];
    for (const [yaml, key, shown] of cases) {
      await Deno.writeTextFile(`${dir}/c.yaml`, fixture + yaml);
      const r = await launch(
        "explore",
        "--config",
        `${dir}/c.yaml`,
        "--output-dir",
        `${dir}/out`,
        "--validate",
      );
      assertEquals(r.code, 2, r.stderr);
      const lines = r.stderr.trim().split("\n");
      assertEquals(lines.length, 1, r.stderr);
      assert(
        lines[0].includes(`${key}: must be a number`) && lines[0].endsWith(`got ${shown}`),
        lines[0],
      );
      await Deno.stat(`${dir}/out`).then(() => assert(false, "created"), () => {});
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
