import { assert, assertEquals } from "./assert.ts";
import { missingRequirements, REQUIREMENTS } from "./requires.ts";

const FIXTURE = new URL("./fixtures/requires/needs_hidden_fixture.ts", import.meta.url).pathname;

async function runFixture(env: Record<string, string>) {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["test", "--no-prompt", "--allow-env", "--allow-run", "--allow-read", FIXTURE],
    env: { NO_COLOR: "1", CALIGO_REQUIRE_ALL: "", ...env },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const d = new TextDecoder();
  return { code: out.code, text: d.decode(out.stdout) + d.decode(out.stderr) };
}

Deno.test("missingRequirements() reports a requirement hidden by CALIGO_HIDE_PACKAGES", () => {
  const before = Deno.env.get("CALIGO_HIDE_PACKAGES");
  Deno.env.set("CALIGO_HIDE_PACKAGES", "h5dump,chromium");
  try {
    const missing = missingRequirements([REQUIREMENTS.h5dump, REQUIREMENTS.chromium]);
    assertEquals(missing.map((r) => r.name), ["h5dump", "chromium"]);
  } finally {
    if (before === undefined) Deno.env.delete("CALIGO_HIDE_PACKAGES");
    else Deno.env.set("CALIGO_HIDE_PACKAGES", before);
  }
});

Deno.test("testNeeding() skips with one line naming the package; CALIGO_REQUIRE_ALL=1 fails", async () => {
  const skipped = await runFixture({ CALIGO_HIDE_PACKAGES: "h5dump" });
  assertEquals(skipped.code, 0, skipped.text);
  const lines = skipped.text.split("\n").filter((l) => l.startsWith("skip: "));
  assertEquals(lines, ["skip: needs h5dump: needs apt-get install hdf5-tools"]);
  assert(/ok \| 1 passed \| 0 failed \| 1 ignored/.test(skipped.text), skipped.text);
  const strict = await runFixture({ CALIGO_HIDE_PACKAGES: "h5dump", CALIGO_REQUIRE_ALL: "1" });
  assertEquals(strict.code, 1, strict.text);
  assert(strict.text.includes("CALIGO_REQUIRE_ALL=1 but a package is missing"), strict.text);
  assert(/1 passed \| 1 failed/.test(strict.text), strict.text);
});
