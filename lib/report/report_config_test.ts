import { assertEquals, assertRejects } from "../../tests/assert.ts";
import { ConfigError } from "../errors.ts";
import { resolveReportConfig } from "./report_config.ts";

Deno.test("resolveReportConfig() prefers --config, then config.resolved.yaml, then the store, then defaults", async () => {
  const dir = await Deno.makeTempDir({ prefix: "report_cfg_" });
  try {
    const stored = "tables:\n  low_latency_n: 7\n";
    let c = await resolveReportConfig(dir, undefined, {}, undefined);
    assertEquals([c.source, c.config.tables.low_latency_n], ["defaults", 5000]);
    c = await resolveReportConfig(dir, undefined, {}, stored);
    assertEquals([c.source, c.config.tables.low_latency_n], ["store attribute config_yaml", 7]);
    await Deno.writeTextFile(`${dir}/config.resolved.yaml`, "tables:\n  low_latency_n: 8\n");
    c = await resolveReportConfig(dir, undefined, {}, stored);
    assertEquals(c.config.tables.low_latency_n, 8);
    await Deno.writeTextFile(`${dir}/other.yaml`, "tables:\n  low_latency_n: ${N:-9}\n");
    c = await resolveReportConfig(dir, `${dir}/other.yaml`, {}, stored);
    assertEquals(c.config.tables.low_latency_n, 9);
    await assertRejects(
      () => resolveReportConfig(dir, `${dir}/missing.yaml`, {}),
      ConfigError,
      "--config",
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
