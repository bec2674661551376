import { assert, assertClose, assertEquals } from "../tests/assert.ts";
import { launchTask } from "../tests/_test_launch.ts";
import { efficiencyLimit } from "../lib/reconciliation/finite_length_limit.ts";

Deno.test("calibrate --json: every row carries the finite-length limit, and no achieved f beats it", async () => {
  const dir = await Deno.makeTempDir({ prefix: "calibrate_task_" });
  try {
    const r = await launchTask(
      dir,
      "calibrate",
      ...["--length", "256", "--rates", "0.5,0.7", "--codes-dir", dir],
      ...["--qber", "0.02,0.05", "--f-grid", "1:0.1:3", "--frames", "300", "--jobs", "1"],
      "--dry",
      "--json",
    );
    assertEquals(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout);
    assertEquals(out.codeLength, 256);
    assertEquals(out.rows.length, 4);
    const payload = 256 - Math.round(0.1 * 256); // n − d with δ = 0.1
    for (const row of out.rows) {
      assertClose(row.fLimit, efficiencyLimit(payload, row.qber, 0.01), 1e-12, row.strategy);
      // A frame that decodes at rate R leaks (1 − R)-ish bits per payload bit; no code can
      // leak less than the limit at FER 1e-2, so a passing row's achieved f must lie above it.
      if (row.efficiency !== null && row.frames >= 300 && row.fer === 0) {
        assert(row.efficiency >= row.fLimit, `${row.strategy} q ${row.qber}: ${row.efficiency}`);
      }
    }
    assert(r.stderr.includes("limit "), r.stderr);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
