/**
 * `deno task report --campaign DIR` (docs/campaign.md §11.1 `report DIR`): post-processing only —
 * tables, figures and report.html for an existing campaign directory, from whatever it holds
 * (a campaign that stopped half-way included).
 * Exit codes: 0 done; 1 runtime error; 2 usage/config error or no store in DIR.
 * @module
 */
import { CaligoError, ConfigError, UsageError } from "../lib/errors.ts";
import { isPathError, unexpectedErrorLine } from "./_cli.ts";
import { helpText, parseTaskFlags, stringFlag } from "./_flags.ts";
import { TASKS } from "./_tasks.ts";
import { createLogger } from "../lib/io/log.ts";
import { loadCampaignData, NoCampaignStoreError } from "../lib/report/load_campaign_data.ts";
import { runPostprocess } from "../lib/report/postprocess.ts";
import { readableStore } from "../lib/campaign/store/live_snapshot.ts";
import { resolveReportConfig } from "../lib/report/report_config.ts";

async function main(args: string[]): Promise<number> {
  const { values, positionals } = parseTaskFlags(TASKS.report, args);
  if (values.help) {
    console.log(helpText("report", TASKS.report));
    return 0;
  }
  const campaign = stringFlag(values, "campaign");
  const dir = (campaign ?? positionals[0])?.replace(/\/+$/, "");
  if (!dir) throw new UsageError("--campaign: missing; see ./deno task report --help");
  if (positionals.length > (campaign ? 0 : 1)) {
    throw new UsageError(`unexpected argument ${JSON.stringify(positionals.at(-1))}`);
  }
  const log = createLogger({ level: values.verbose ? "DEBUG" : "INFO", name: "report" });
  const t0 = performance.now();
  const snapshot = await readableStore(dir); // a consistent snapshot while a writer is live
  if (snapshot.note) log.info(snapshot.note);
  const data = await loadCampaignData(dir, snapshot.path).finally(snapshot.dispose);
  const loadStoreSeconds = (performance.now() - t0) / 1000;
  const stored = data.attributes["config_yaml"];
  const cfg = await resolveReportConfig(
    dir,
    stringFlag(values, "config"),
    Deno.env.toObject(),
    typeof stored === "string" ? stored : undefined,
  );
  for (const w of cfg.warnings) log.warn(w);
  log.info(`config: ${cfg.source}`);
  const result = await runPostprocess(dir, cfg.config, log, { data, loadStoreSeconds });
  log.info(`report: ${dir}/${result.html ?? "(report disabled)"}`);
  return 0;
}

let code: number;
try {
  code = await main(Deno.args);
} catch (e) {
  if (
    e instanceof UsageError || e instanceof ConfigError || e instanceof NoCampaignStoreError ||
    isPathError(e)
  ) {
    console.error(`error: ${(e as Error).message}`);
    code = 2;
  } else if (e instanceof CaligoError) {
    console.error(`error: ${(e as Error).message}`);
    code = 1;
  } else {
    console.error(`fatal: ${unexpectedErrorLine(e)}`);
    code = 1;
  }
}
Deno.exit(code);
