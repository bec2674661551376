/**
 * Post-processing of a campaign (campaign.md §12): tables (CSV, Markdown, LaTeX on request),
 * figures (Vega-Lite spec `.vl.json` + SVG + PNG) and the self-contained `report.html`, from what
 * exists in the campaign directory (a campaign that stopped half-way included). Called by
 * `tasks/explore.ts` after the phases and by `tasks/report.ts`.
 * @module
 */
import { stringify } from "yaml";
import type { CampaignConfig } from "../io/config.ts";
import { createRowPrefilter } from "../campaign/prefilter_adapter.ts";
import type { Logger } from "../io/log.ts";
import { type CampaignData, recordColumn, REPORT_GROUPS } from "./campaign_data.ts";
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
}

/** What was written, relative to the campaign directory, and how long each step took (s). */
export interface PostprocessResult {
  tables: string[];
  figures: string[];
  html?: string;
  timings: Record<string, number>;
}

/**
 * Base points of the Jansen estimator: 2^13 (campaign.md §12.3), reduced by powers of two so that
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

/** Tables selected by `tables.tables` (empty = all); the paired table only with pairs. */
export function buildTables(data: CampaignData, config: CampaignConfig): ReportTable[] {
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

/** Compact text of a JSON value: numbers to 4 significant digits, "k v" pairs, no quotes. */
function readable(v: unknown): string {
  if (typeof v === "number") return Number.isInteger(v) ? String(v) : v.toPrecision(4);
  if (v === null || typeof v !== "object") return String(v);
  if (Array.isArray(v)) return `[${v.map(readable).join(", ")}]`;
  return Object.entries(v as Record<string, unknown>)
    .filter(([, x]) => !(Array.isArray(x) && x.length > 12))
    .map(([k, x]) =>
      `${k} ${typeof x === "object" && x !== null ? `{${readable(x)}}` : readable(x)}`
    )
    .join(", ");
}

function phaseFacts(data: CampaignData): [string, string][] {
  const rows: [string, string][] = [];
  for (const g of REPORT_GROUPS) {
    const grp = data.groups[g];
    const counts = new Map<string, number>();
    for (const o of grp.outcomes) counts.set(o, (counts.get(o) ?? 0) + 1);
    const detail = [...counts].sort().map(([o, c]) => `${o} ${c}`).join(", ");
    rows.push([`/${g} rows`, `${grp.n}${detail ? ` (${detail})` : ""}`]);
  }
  const perf = data.runPerformance;
  const phase = recordColumn(perf, "phase");
  const wall = recordColumn(perf, "wall_s");
  const n = recordColumn(perf, "rows");
  if (phase && wall && n) {
    const sums = new Map<number, [number, number, number]>();
    phase.forEach((p, i) => {
      const s = sums.get(p) ?? [0, 0, 0];
      sums.set(p, [s[0] + wall[i], s[1] + n[i], s[2] + 1]);
    });
    for (const [p, [w, r, c]] of sums) {
      rows.push([`phase ${p} commits`, `${c} commits, ${r} rows, ${w.toFixed(1)} s wall`]);
    }
  }
  for (const [k, v] of Object.entries(data.phases ?? {})) {
    rows.push([`phase record ${k}`, readable(v)]);
  }
  rows.push([
    "Phase 3 iteration records",
    String(
      data.iterations
        ? data.iterations.values.length / Math.max(1, data.iterations.columns.length)
        : 0,
    ),
  ]);
  return rows;
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
/** The pre-filter's verdict on a stored point (strategy-independent), if the campaign has one. */
function ruledOutOf(config: CampaignConfig): FigureContext["ruledOut"] {
  if (!config.phase1.prefilter.enabled) return undefined;
  const prefilter = createRowPrefilter(config.phase1.prefilter.rule, config.simulation);
  const row = new Float64Array(9);
  return (stored) => {
    row.set(stored.subarray(0, 8));
    return !prefilter(row, Math.round(10 ** row[7])).isFeasible;
  };
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
  const data = options.data ?? await loadCampaignData(dir, log);
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
  const tables = config.tables.enabled ? buildTables(data, config) : [];
  if (tables.length) result.tables = await writeTables(dir, tables, config);
  timings.tables = clock() - t0;

  const htmlFigures: HtmlFigure[] = [];
  if (config.visualization.enabled) {
    t0 = clock();
    const qopts = qberOptionsFrom(data.attributes, config.tables.qber_source);
    const ctx: FigureContext = {
      data,
      rows: deriveRows(data, qopts),
      holdout: deriveRows(data, qopts, ["holdout"]),
      predictor,
      threshold: predictor?.threshold ?? config.phase3.acquisition.target_threshold,
      campaignSeed: Number(data.attributes["campaign_seed"] ?? config.execution.random_seed),
      sobolBasePoints: options.sobolBasePoints ?? sobolBasePointsFor(predictor),
      cliffMapPairs: options.cliffMapPairs,
      ruledOut: ruledOutOf(config),
    };
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

  if (config.report.enabled) {
    t0 = clock();
    const facts = [{ title: "Rows and timings per phase", rows: phaseFacts(data) }];
    if (predictor) {
      const rows: [string, string][] = [["model", predictor.source ?? "given"]];
      for (const [s, m] of Object.entries(predictor.metrics ?? {})) {
        for (const [k, v] of Object.entries(m ?? {})) rows.push([`${s} ${k}`, String(v)]);
      }
      facts.push({ title: "Surrogate", rows });
    }
    facts.push({
      title: "Post-processing timings (s)",
      rows: Object.entries(timings).map(([k, v]) => [k, v.toFixed(3)]),
    });
    const name = String(dir.split("/").filter((s) => s).at(-1) ?? dir);
    const html = renderHtmlReport({
      campaignName: name,
      generatedUtc: (options.now ?? (() => new Date()))().toISOString(),
      tables,
      figures: htmlFigures,
      facts,
      attributes: data.attributes,
      configYaml: await resolvedYaml(dir, data, config),
    });
    await Deno.writeTextFile(`${dir}/report.html`, html);
    result.html = "report.html";
    timings.html = clock() - t0;
  }
  log.info(
    `post-processing done: ${result.tables.length} table files, ${result.figures.length} figure files` +
      (result.html ? ", report.html" : ""),
  );
  return result;
}
