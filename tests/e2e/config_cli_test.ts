/**
 * Bad configurations through the CLI (issue 2): every class of error exits with code 2 and one
 * line on stderr naming the key (or flag) and the offending value, without a stack trace and
 * without creating a campaign directory.
 */
import { assert, assertEquals } from "../assert.ts";

const ROOT = new URL("../../", import.meta.url).pathname;
const BASE = "out/e2e_config";

async function validate(yaml: string | null, name: string) {
  await Deno.mkdir(`${ROOT}${BASE}`, { recursive: true });
  const path = `${BASE}/${name}.yaml`;
  if (yaml !== null) await Deno.writeTextFile(`${ROOT}${path}`, yaml);
  const out = await new Deno.Command("bash", {
    args: ["tasks/_launch.sh", "explore", "--config", path, "--validate"],
    cwd: ROOT,
    env: { NO_COLOR: "1" },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const stderr = new TextDecoder().decode(out.stderr)
    .split("\n")
    .filter((l) => l.trim() !== "" && !l.startsWith("Warning Permissions in the config file"));
  return { code: out.code, stderr };
}

const CASES: [name: string, yaml: string | null, mustInclude: string[]][] = [
  ["unknown_key", "phase1:\n  num_sample: 10\n", [
    "phase1.num_sample",
    'did you mean "num_samples"',
  ]],
  ["wrong_type", "execution:\n  num_workers: eight\n", ["execution.num_workers", '"eight"']],
  ["out_of_range", "phase3:\n  acquisition:\n    kappa: -1\n", ["phase3.acquisition.kappa", "-1"]],
  [
    "inverted_bounds",
    "bounds:\n  storage_noise_r: { min: 0.9, max: 0.1 }\n",
    ["bounds.storage_noise_r", "min must be less than max"],
  ],
  [
    "bound_outside_range",
    "bounds:\n  channel_fidelity: { min: 0.4, max: 1.0 }\n",
    ["bounds.channel_fidelity.min", "0.4"],
  ],
  ["malformed_yaml", "phase1:\n  num_samples: [1, 2\nphase2: {}\n", ["malformed YAML", "line"]],
  ["missing_file", null, ["--config: cannot read", "not found"]],
  ["unset_env", "output:\n  base_dir: ${CALIGO_NOT_SET_ANYWHERE}\n", [
    "output.base_dir",
    "CALIGO_NOT_SET_ANYWHERE",
  ]],
  ["unknown_acquisition", "phase3:\n  acquisition:\n    type: thompson\n", [
    "phase3.acquisition.type",
    "thompson",
  ]],
  ["batch_below_one", "phase3:\n  batch_size: 0\n", ["phase3.batch_size", "0"]],
];

for (const [name, yaml, mustInclude] of CASES) {
  Deno.test(`explore --config: ${name.replaceAll("_", " ")} exits 2 with one line naming the key`, async () => {
    const r = await validate(yaml, name);
    assertEquals(r.code, 2, r.stderr.join("\n"));
    assertEquals(r.stderr.length, 1, `expected one line, got:\n${r.stderr.join("\n")}`);
    for (const s of mustInclude) {
      assert(r.stderr[0].includes(s), `${JSON.stringify(s)} not in ${r.stderr[0]}`);
    }
    assert(!/\n\s+at /.test(r.stderr[0]), "no stack trace");
  });
}
