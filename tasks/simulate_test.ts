import { assert, assertEquals } from "../tests/assert.ts";

/** Run `simulate` through the launcher; a 256-bit, one-rate family keeps it fast. */
async function simulate(...args: string[]) {
  const root = new URL("..", import.meta.url).pathname;
  const out = await new Deno.Command("bash", {
    cwd: root,
    args: [
      "tasks/_launch.sh",
      "simulate",
      "--code-length",
      "256",
      "--rates",
      "0.5",
      ...args,
    ],
    stdout: "piped",
    stderr: "piped",
  }).output();
  const decoder = new TextDecoder();
  return { code: out.code, stdout: decoder.decode(out.stdout), stderr: decoder.decode(out.stderr) };
}

Deno.test("simulate task rejects an invalid point with exit 2 naming the parameter", async () => {
  const bad = await simulate("--F", "0.4");
  assertEquals(bad.code, 2);
  assert(bad.stderr.includes("channel_fidelity"), bad.stderr);
  const badJson = await simulate("--point", '{"detection_efficiency":0}');
  assertEquals(badJson.code, 2);
  assert(badJson.stderr.includes("detection_efficiency"), badJson.stderr);
});

Deno.test("simulate task --json prints one record with NaN as null and the sample seed", async () => {
  // F = 0.6 aborts at parameter estimation, so no decoding is needed.
  const res = await simulate("--F", "0.6", "--N", "10000", "--sample-seed", "ff", "--json");
  assertEquals(res.code, 0, res.stderr);
  const record = JSON.parse(res.stdout);
  assertEquals(record.outcome, "failure_qber");
  assertEquals(record.seed, "00000000000000ff");
  assertEquals(record.diagnostics.m_v, null);
  assertEquals(typeof record.diagnostics.q_hat, "number");
});
