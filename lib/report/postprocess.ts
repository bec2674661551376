/**
 * Post-processing of a campaign (docs/campaign.md §12): tables (CSV, Markdown, LaTeX on request),
 * figures (Vega-Lite spec `.vl.json` + SVG + PNG) and the self-contained `report.html`, from what
 * exists in the campaign directory (a campaign that stopped half-way included). Called by
 * `tasks/explore.ts` after the phases and by `tasks/report.ts`.
 * @module
 */
import { stringify } from "yaml";
import type { CampaignConfig } from "../io/config.ts";
import { prefilterVerdict } from "./prefilter_verdict.ts";
import type { Logger } from "../io/log.ts";
import type { CampaignData } from "../io/store/schema.ts";
import { CONTINUOUS_WIDTH, REPORT_GROUPS } from "./campaign_data.ts";
import { buildExplorerPayload, EXPLORER_STYLE, renderExplorerSection } from "./cliff_explorer.ts";
import { explorerPrefilterOf } from "./explorer_prefilter_script.ts";
import { diagnosticsTables } from "./diagnostics.ts";
import { marginColourLimit, referencePoint } from "./figure_context.ts";
import { computeSummary, renderSummarySection } from "./report_summary.ts";
import { computeSensitivity } from "./sensitivity_figure.ts";
import { deathValleyTable } from "./death_valley_table.ts";
import { deriveRows, qberOptionsFrom } from "./derived_columns.ts";
import { feasibilityTable } from "./feasibility_table.ts";
import type { FigureContext } from "./figure_context.ts";
import { placeholderFigure } from "./figure_spec.ts";
import { buildFigures } from "./figures.ts";
import { type HtmlFigure, renderHtmlReport } from "./html_report.ts";
import { loadCampaignData } from "./load_campaign_data.ts";
import { loadSurrogatePredictor } from "./load_surrogate_predictor.ts";
import { pairedComparisonTable } from "./paired_comparison_table.ts";
import { type ReportTable, tableToCsv, tableToLatex, tableToMarkdown } from "./report_table.ts";
import { strategyTable } from "./strategy_table.ts";
import { readCampaignCalibration, reconciliationTable } from "./reconciliation_table.ts";
import type { ReconciliationCalibration } from "../reconciliation/calibration.ts";
import { summaryTable } from "./summary_table.ts";
import type { SurrogatePredictor } from "./surrogate_predictor.ts";
import { createPngRenderer, type PngRenderer, renderSvg } from "./vega_render.ts";

/** Options of {@link runPostprocess} (tests and benches inject data and models). */
export interface PostprocessOptions {
  /** Use these rows instead of reading the store. */
  data?: CampaignData;
  /** Use this surrogate; `null` = none; undefined = load the latest model from the directory. */
  predictor?: SurrogatePredictor | null;
  /** Base points of the Jansen estimator (default {@link sobolBasePointsFor}). */
  sobolBasePoints?: number;
  /** Column pairs of the cliff maps (stored-column indices, default r×F, log η×log p_d, F×log N, r×log ν). */
  cliffMapPairs?: readonly [number, number][];
  /** Clock for the report's time stamp. */
  now?: () => Date;
  /** Seconds the caller spent loading `data` (shown as load_store). */
  loadStoreSeconds?: number;
  /**
   * Polled before each figure and before report.html (explore's stop token): when it returns
   * true, post-processing stops there and the result says `stopped` (a resume redoes it whole).
   */
  shouldStop?: () => boolean;
}

/** What was written, relative to the campaign directory, and how long each step took (s). */
export interface PostprocessResult {
  tables: string[];
  figures: string[];
  html?: string;
  timings: Record<string, number>;
  /** Stopped by `shouldStop` before report.html was written. */
  stopped?: boolean;
}

/**
 * Base points of the Jansen estimator: 2^13 (docs/campaign.md §12.3), reduced by powers of two so that
 * N·(d + 2)·n_train ≤ 2.5·10^7 kernel evaluations per strategy (≥ 2^8), which keeps the report of
 * a 10 000-row campaign within its time budget (≈ 1 s per 2·10^7 Matérn evaluations in TS).
 * @example
 * ```ts
 * import { sobolBasePointsFor } from "./postprocess.ts";
 * console.assert(sobolBasePointsFor(undefined) === 8192);
 * console.assert(sobolBasePointsFor({ trainingRows: 10000 } as never) === 256);
 * ```
 */
export function sobolBasePointsFor(predictor: SurrogatePredictor | undefined): number {
  const n = predictor?.trainingRows ?? 0;
  let base = 2 ** 13;
  while (base > 2 ** 8 && base * 10 * n > 2.5e7) base /= 2;
  return base;
}

/**
 * Tables selected by `tables.tables` (empty = all); the reconciliation table only with the
 * campaign's calibration.
 */
export function buildTables(
  data: CampaignData,
  config: CampaignConfig,
  calibration?: ReconciliationCalibration,
): ReportTable[] {
  const t = config.tables;
  const rows = deriveRows(data, qberOptionsFrom(data.attributes, t.qber_source));
  const opts = qberOptionsFrom(data.attributes, t.qber_source);
  const all: [string, () => ReportTable][] = [
    ["summary_table", () => summaryTable(rows)],
    ["death_valley_table", () => deathValleyTable(rows, t.qber_levels)],
    [
      "feasibility_table",
      () => feasibilityTable(rows, t.storage_noise_levels, t.dark_count_levels, opts),
    ],
    ["strategy_table", () => strategyTable(rows, t.low_latency_n)],
    ["paired_comparison_table", () => pairedComparisonTable(rows)],
  ];
  if (calibration) all.push(["reconciliation_table", () => reconciliationTable(calibration)]);
  const wanted = new Set(t.tables);
  return all.filter(([n]) => wanted.size === 0 || wanted.has(n)).map(([, f]) => f());
}

async function writeTables(
  dir: string,
  tables: ReportTable[],
  config: CampaignConfig,
): Promise<string[]> {
  await Deno.mkdir(`${dir}/tables`, { recursive: true });
  const written: string[] = [];
  for (const t of tables) {
    const put = async (ext: string, text: string) => {
      await Deno.writeTextFile(`${dir}/tables/${t.name}.${ext}`, text);
      written.push(`tables/${t.name}.${ext}`);
    };
    if (config.tables.formats.includes("csv")) await put("csv", tableToCsv(t));
    if (config.tables.formats.includes("markdown")) await put("md", tableToMarkdown(t));
    if (config.tables.formats.includes("latex") && t.name !== "summary_table") {
      await put("tex", tableToLatex(t));
    }
  }
  return written;
}

async function resolvedYaml(
  dir: string,
  data: CampaignData,
  config: CampaignConfig,
): Promise<string> {
  try {
    return await Deno.readTextFile(`${dir}/config.resolved.yaml`);
  } catch (e) {
    if (!(e instanceof Deno.errors.NotFound)) throw e;
  }
  const stored = data.attributes["config_yaml"];
  return typeof stored === "string" && stored.length > 0 ? stored : stringify(config);
}

/**
 * Write tables, figures and report.html for the campaign in `dir` (each part per its config
 * switch). Figure failures are logged and replaced by a placeholder; a missing store throws
 * {@link NoCampaignStoreError} (from {@link loadCampaignData}).
 */

/** The explorer's first axes: the two columns with the largest summed Sobol index, else r × F. */
function defaultAxes(
  drivers: { columns: { column: number; index: number }[] }[] | undefined,
): [number, number] {
  const total = new Float64Array(CONTINUOUS_WIDTH);
  for (const d of drivers ?? []) for (const c of d.columns) total[c.column] += Math.max(0, c.index);
  const order = [...total.keys()].sort((a, b) => total[b] - total[a]);
  return total[order[1]] > 0 ? [order[0], order[1]] : [0, 3];
}

export async function runPostprocess(
  dir: string,
  config: CampaignConfig,
  log: Logger,
  options: PostprocessOptions = {},
): Promise<PostprocessResult> {
  const timings: Record<string, number> = {};
  const clock = () => performance.now() / 1000;
  let t0 = clock();
  const data = options.data ?? await loadCampaignData(dir);
  timings.load_store = options.loadStoreSeconds ?? clock() - t0;
  t0 = clock();
  const predictor = options.predictor === undefined
    ? await loadSurrogatePredictor(dir, log)
    : options.predictor ?? undefined;
  timings.load_surrogate = clock() - t0;
  log.info(
    `post-processing ${dir}: ${REPORT_GROUPS.map((g) => `${g} ${data.groups[g].n}`).join(", ")}; ` +
      `surrogate ${predictor ? predictor.source ?? "given" : "none"}`,
  );
  const result: PostprocessResult = { tables: [], figures: [], timings };

  t0 = clock();
  const calibration = await readCampaignCalibration(dir, data.attributes).catch((e) => {
    log.warn(`reconciliation table left out: ${e instanceof Error ? e.message : e}`);
    return undefined;
  });
  const tables = config.tables.enabled ? buildTables(data, config, calibration) : [];
  if (tables.length) result.tables = await writeTables(dir, tables, config);
  timings.tables = clock() - t0;

  t0 = clock();
  const qopts = qberOptionsFrom(data.attributes, config.tables.qber_source);
  const campaignSeed = Number(data.attributes["campaign_seed"] ?? config.execution.random_seed);
  const ctx: FigureContext = {
    data,
    rows: deriveRows(data, qopts),
    holdout: deriveRows(data, qopts, ["holdout"]),
    predictor,
    threshold: predictor?.threshold ?? config.phase3.acquisition.target_threshold,
    campaignSeed,
    sobolBasePoints: options.sobolBasePoints ?? sobolBasePointsFor(predictor),
    cliffMapPairs: options.cliffMapPairs,
    ruledOut: prefilterVerdict(config),
  };
  ctx.marginColourLimit = marginColourLimit(ctx);
  if (predictor) ctx.sensitivity = computeSensitivity(ctx);
  timings.sensitivity = clock() - t0;
  const keyModel = String(data.attributes["key_model"] ?? config.simulation.key_model);
  t0 = clock();
  const summary = predictor && config.report.enabled
    ? computeSummary({
      data,
      predictor,
      campaignSeed,
      keyModel,
      sensitivity: ctx.sensitivity,
      ruledOut: ctx.ruledOut,
    })
    : undefined;
  timings.summary = clock() - t0;

  const htmlFigures: HtmlFigure[] = [];
  if (config.visualization.enabled) {
    t0 = clock();
    const formats = new Set(
      Array.isArray(config.visualization.format)
        ? config.visualization.format
        : [config.visualization.format],
    );
    await Deno.mkdir(`${dir}/figures`, { recursive: true });
    let png: PngRenderer | undefined;
    if (formats.has("png")) png = await createPngRenderer();
    const zoom = config.visualization.dpi / 96;
    const figures = buildFigures(ctx, config.visualization.figures);
    timings.figure_specs = clock() - t0;
    t0 = clock();
    for (let fig of figures) {
      if (options.shouldStop?.()) return { ...result, stopped: true };
      let svg: string;
      try {
        svg = await renderSvg(fig.spec);
      } catch (e) {
        log.warn(`figure ${fig.name} failed, placeholder written: ${(e as Error).message}`);
        fig = placeholderFigure(fig.name, fig.title, `Figure failed: ${(e as Error).message}`);
        svg = await renderSvg(fig.spec);
      }
      const stem = `figures/${fig.name}`;
      await Deno.writeTextFile(`${dir}/${stem}.vl.json`, JSON.stringify(fig.spec) + "\n");
      const links = [`${stem}.vl.json`];
      result.figures.push(`${stem}.vl.json`);
      if (formats.has("svg")) {
        await Deno.writeTextFile(`${dir}/${stem}.svg`, svg);
        result.figures.push(`${stem}.svg`);
        links.unshift(`${stem}.svg`);
      }
      if (png) {
        await Deno.writeFile(`${dir}/${stem}.png`, png.render(svg, zoom));
        result.figures.push(`${stem}.png`);
        links.unshift(`${stem}.png`);
      }
      htmlFigures.push({
        name: fig.name,
        title: fig.title,
        svg,
        placeholder: fig.placeholder,
        links,
      });
    }
    timings.figures = clock() - t0;
  }

  if (options.shouldStop?.()) return { ...result, stopped: true };
  if (config.report.enabled) {
    t0 = clock();
    const explorer = predictor
      ? buildExplorerPayload({
        predictor,
        data,
        reference: referencePoint(ctx),
        defaultAxes: defaultAxes(summary?.drivers),
        keyModel,
        campaignSeed,
        colourLimit: ctx.marginColourLimit,
        differenceLimit: Math.max(1e-3, summary?.duel?.absP98 ?? ctx.marginColourLimit),
        prefilter: config.phase1.prefilter.enabled
          ? explorerPrefilterOf(config.phase1.prefilter.rule, config.simulation)
          : undefined,
      })
      : undefined;
    timings.explorer = clock() - t0;
    const name = String(dir.split("/").filter((s) => s).at(-1) ?? dir);
    const html = renderHtmlReport({
      campaignName: name,
      generatedUtc: (options.now ?? (() => new Date()))().toISOString(),
      tables,
      figures: htmlFigures,
      summaryHtml: renderSummarySection(summary, predictor, data),
      explorerHtml: renderExplorerSection(explorer),
      extraStyle: EXPLORER_STYLE,
      diagnostics: diagnosticsTables(data, predictor, timings),
      attributes: data.attributes,
      configYaml: await resolvedYaml(dir, data, config),
    });
    // tmp + rename: a kill -9 never leaves a truncated report.html; the tmp name is the process's
    // own, so a `report` and a finishing `explore` never write into each other's file
    const tmp = `${dir}/report.html.${Deno.pid}.tmp`;
    await Deno.writeTextFile(tmp, html);
    await Deno.rename(tmp, `${dir}/report.html`);
    result.html = "report.html";
    timings.html = clock() - t0;
  }
  log.info(
    `post-processing done: ${result.tables.length} table files, ${result.figures.length} figure files` +
      (result.html ? ", report.html" : ""),
  );
  return result;
}
