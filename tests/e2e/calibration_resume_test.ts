/**
 * A campaign continues with the calibration its store recorded (docs/science.md §9.10): with the
 * code cache's copy gone, `explore --continue-from` reads the copy the campaign keeps in its own
 * directory, computes nothing, and the resumed rows are those of an uninterrupted run.
 */
import { assert, assertEquals } from "../assert.ts";
import { launchTask } from "../_test_launch.ts";
import { stringify } from "yaml";
import { storeRows } from "./_test_store_rows.ts";

/** A tiny real-simulator campaign (n = 4096, two mother codes, private code cache under `dir`). */
async function writeConfig(dir: string): Promise<string> {
  const path = `${dir}/campaign.yaml`;
  const base = await Deno.readTextFile(new URL("../../configs/dry_run_test.yaml", import.meta.url));
  const reconciliation = {
    code_length: 4096,
    mother_rates: [0.5, 0.7],
    calibration_frames: 300,
    codes_dir: `${dir}/codes`,
    f_select: 1.4,
  };
  await Deno.writeTextFile(
    path,
    base.replace(/simulation:\n {2}reconciliation:\n(?: {4}.*\n|\n)*/, "") +
      stringify({ simulation: { reconciliation } }),
  );
  return path;
}

Deno.test("explore --continue-from: the campaign's own calibration copy replaces a lost cache entry", async () => {
  const dir = await Deno.makeTempDir({ prefix: "calibration_resume_" });
  try {
    const config = await writeConfig(dir);
    const first = await launchTask(
      dir,
      ...["explore", "--config", config, "--output-dir", `${dir}/run`, "--workers", "2"],
      ...["--skip-phase2", "--skip-phase3"],
    );
    assertEquals(first.code, 0, first.stderr);
    const cached = [...Deno.readDirSync(`${dir}/codes`)].filter((e) => e.name.startsWith("cal-"));
    assertEquals(cached.length, 1);
    await Deno.stat(`${dir}/run/${cached[0].name}`); // the campaign's copy
    await Deno.remove(`${dir}/codes/${cached[0].name}`);
    const resumed = await launchTask(dir, "explore", "--continue-from", `${dir}/run`);
    assertEquals(resumed.code, 0, resumed.stderr);
    assert(resumed.stderr.includes("loaded (the resumed store's)"), resumed.stderr);
    assert(!resumed.stderr.includes("computed in"), resumed.stderr);
    const whole = await launchTask(
      dir,
      ...["explore", "--config", config, "--output-dir", `${dir}/whole`, "--workers", "2"],
    );
    assertEquals(whole.code, 0, whole.stderr);
    // Rows without their diagnostics (which hold per-stage wall times).
    const rows = async (run: string, group: "lhs_warmup" | "active_learning" | "holdout") =>
      (await storeRows(`${dir}/${run}/exploration_data.h5`, group)).map((r) =>
        JSON.stringify(JSON.parse(r).toSpliced(7, 1))
      );
    for (const group of ["lhs_warmup", "active_learning", "holdout"] as const) {
      assertEquals(await rows("run", group), await rows("whole", group), group);
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
