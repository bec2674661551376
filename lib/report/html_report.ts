/**
 * The self-contained `report.html` of a campaign (docs/campaign.md §12.4), answer first: `#summary`
 * (what a reader quotes), `#cliff-explorer` (the interactive slice through the surrogates),
 * `#figures` (inline SVG: no scripts or network needed to see them), `#tables`, then
 * `#diagnostics` (records, timings, worker statistics, GP hyper-parameters as tables with units,
 * store attributes, the resolved config). A small inline script counts the rendered figures into
 * `<body data-figures-rendered>` for the headless-browser check.
 * @module
 */
import type { ReportTable } from "./report_table.ts";

/** One rendered figure for the page. */
export interface HtmlFigure {
  name: string;
  title: string;
  svg: string;
  placeholder: boolean;
  /** Relative links shown under the figure (e.g. "figures/x.png"). */
  links: string[];
}

/** Everything the page shows. */
export interface HtmlReportInput {
  campaignName: string;
  generatedUtc: string;
  tables: ReportTable[];
  figures: HtmlFigure[];
  /** The `#summary` section (see report_summary.ts); default: none. */
  summaryHtml?: string;
  /** The `#cliff-explorer` section (see cliff_explorer.ts); default: none. */
  explorerHtml?: string;
  /** Extra CSS (the explorer's). */
  extraStyle?: string;
  /** Diagnostics tables (phase records, timings, workers, GP), shown last. */
  diagnostics: ReportTable[];
  attributes: Record<string, string | number>;
  configYaml: string;
}

/**
 * Escape text for HTML element content and attribute values.
 * @example
 * ```ts
 * import { escapeHtml } from "./html_report.ts";
 * console.assert(escapeHtml('<a href="x">&') === "&lt;a href=&quot;x&quot;&gt;&amp;");
 * ```
 */
export function escapeHtml(s: string): string {
  return s.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;")
    .replaceAll('"', "&quot;");
}

function tableHtml(t: ReportTable): string {
  const head = t.columns.map((c) => `<th>${escapeHtml(c)}</th>`).join("");
  const body = t.rows.length
    ? t.rows.map((r) => `<tr>${r.map((c) => `<td>${escapeHtml(c)}</td>`).join("")}</tr>`).join("\n")
    : `<tr><td colspan="${t.columns.length}"><em>no rows (no data for this table)</em></td></tr>`;
  return `<section class="table" id="table-${t.name}"><h3>${escapeHtml(t.title)}</h3>
<table><thead><tr>${head}</tr></thead><tbody>
${body}
</tbody></table></section>`;
}

function factsHtml(title: string, rows: [string, string][]): string {
  return tableHtml({ name: title, title, columns: ["Item", "Value"], rows });
}

function diagTableHtml(t: ReportTable): string {
  return tableHtml(t).replace(`id="table-${t.name}"`, `id="${t.name}"`);
}

/** Remove the XML prolog and anything script-like from an SVG before inlining it. */
function inlineSvg(svg: string): string {
  return svg.replace(/^<\?xml[^>]*>\s*/, "").replace(/<script[\s\S]*?<\/script>/gi, "");
}

const STYLE = `body{font-family:"DejaVu Sans",sans-serif;margin:24px;color:#222;max-width:1400px}
h1{font-size:22px}h2{border-bottom:1px solid #ccc;padding-bottom:4px;margin-top:32px}
table{border-collapse:collapse;margin:8px 0}th,td{border:1px solid #ccc;padding:3px 8px;font-size:13px;text-align:left}
th{background:#f2f2f2}.figure{margin:16px 0 28px}.figure .svg{overflow-x:auto}
.figure .links{font-size:12px;color:#555}.placeholder{opacity:.85}
pre{background:#f7f7f7;padding:8px;font-size:12px;overflow-x:auto;max-height:480px}
nav a{margin-right:12px}.answer{font-size:16px;line-height:1.5;background:#f4f8fb;padding:10px 14px;border-left:4px solid #2166ac}
#summary p{max-width:1100px}`;

/** The report page as one HTML string (no external requests). */
export function renderHtmlReport(input: HtmlReportInput): string {
  const figures = input.figures.map((f) =>
    `<div class="figure${f.placeholder ? " placeholder" : ""}" id="fig-${
      escapeHtml(f.name)
    }" data-figure="${escapeHtml(f.name)}">
<h3>${escapeHtml(f.title)}</h3>
<div class="svg">${inlineSvg(f.svg)}</div>
<div class="links">${
      f.links.map((l) => `<a href="${escapeHtml(l)}">${escapeHtml(l)}</a>`).join(" · ")
    }</div>
</div>`
  ).join("\n");
  const attrs: [string, string][] = Object.entries(input.attributes)
    .filter(([k]) => k !== "config_yaml")
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([k, v]) => [k, String(v)]);
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:; script-src 'unsafe-inline'">
<title>Caligo-ts campaign report: ${escapeHtml(input.campaignName)}</title>
<style>${STYLE}${input.extraStyle ?? ""}</style></head>
<body data-figures-expected="${input.figures.length}">
<h1>Campaign report: ${escapeHtml(input.campaignName)}</h1>
<p>Generated ${
    escapeHtml(input.generatedUtc)
  } by caligo-ts post-processing (docs/campaign.md §12).</p>
<nav><a href="#summary">Summary</a><a href="#cliff-explorer">Cliff explorer</a><a href="#figures">Figures</a><a href="#tables">Tables</a><a href="#diagnostics">Diagnostics</a></nav>
${input.summaryHtml ?? ""}
${input.explorerHtml ?? ""}
<h2 id="figures">Figures</h2>
${figures || "<p><em>Figures disabled.</em></p>"}
<h2 id="tables">Tables</h2>
${input.tables.map(tableHtml).join("\n") || "<p><em>Tables disabled.</em></p>"}
<section id="diagnostics">
<h2>Diagnostics</h2>
${input.diagnostics.map(diagTableHtml).join("\n")}
<h3 id="attributes">Store attributes</h3>
${factsHtml("Root attributes", attrs)}
<h3 id="config">Resolved configuration</h3>
<pre>${escapeHtml(input.configYaml)}</pre>
</section>
<script>
(function () {
  var figs = document.querySelectorAll("div.figure");
  var ok = 0;
  figs.forEach(function (f) {
    var s = f.querySelector("svg");
    if (s && s.getBBox && s.querySelector("g") && s.getBoundingClientRect().width > 0) ok++;
  });
  document.body.setAttribute("data-figures-rendered", String(ok));
})();
</script>
</body></html>
`;
}
