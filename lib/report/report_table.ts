/**
 * A report table (docs/campaign.md §12.2) and its three text formats: CSV without index, Markdown
 * ("# <title>" line, blank line, pipe table) and LaTeX (tabular).
 * @module
 */

/** A table of preformatted cells. */
export interface ReportTable {
  /** File stem, e.g. "summary_table". */
  name: string;
  title: string;
  columns: string[];
  rows: string[][];
}

/** Output formats of tables (config `tables.formats`). */
export type TableFormat = "csv" | "markdown" | "latex";

function csvCell(s: string): string {
  return /[",\n\r]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

/**
 * CSV text (RFC 4180 quoting, "\n" line ends, header row, no index).
 * @example
 * ```ts
 * import { tableToCsv } from "./report_table.ts";
 * const csv = tableToCsv({ name: "t", title: "T", columns: ["a", "b"], rows: [["1,5", "x"]] });
 * console.assert(csv === 'a,b\n"1,5",x\n');
 * ```
 */
export function tableToCsv(t: ReportTable): string {
  return [t.columns, ...t.rows].map((r) => r.map(csvCell).join(",")).join("\n") + "\n";
}

/**
 * Markdown: "# <title>", blank line, pipe table.
 * @example
 * ```ts
 * import { tableToMarkdown } from "./report_table.ts";
 * const md = tableToMarkdown({ name: "t", title: "T", columns: ["a"], rows: [["1"]] });
 * console.assert(md === "# T\n\n| a |\n| --- |\n| 1 |\n");
 * ```
 */
export function tableToMarkdown(t: ReportTable): string {
  const cell = (s: string) => s.replaceAll("|", "\\|");
  const line = (r: string[]) => `| ${r.map(cell).join(" | ")} |`;
  return [
    `# ${t.title}`,
    "",
    line(t.columns),
    `| ${t.columns.map(() => "---").join(" | ")} |`,
    ...t.rows.map(line),
  ].join("\n") + "\n";
}

/** LaTeX-escape a cell. */
function texCell(s: string): string {
  return s.replace(
    /[\\&%$#_{}~^]/g,
    (c) =>
      c === "\\"
        ? "\\textbackslash{}"
        : c === "~"
        ? "\\textasciitilde{}"
        : c === "^"
        ? "\\textasciicircum{}"
        : `\\${c}`,
  );
}

/**
 * LaTeX `table` with a `tabular` (left-aligned columns, booktabs rules).
 * @example
 * ```ts
 * import { tableToLatex } from "./report_table.ts";
 * const tex = tableToLatex({ name: "t", title: "T", columns: ["a"], rows: [["5%"]] });
 * console.assert(tex.includes("5\\% \\\\"));
 * ```
 */
export function tableToLatex(t: ReportTable): string {
  const row = (r: string[]) => `${r.map(texCell).join(" & ")} \\\\`;
  return [
    "\\begin{table}[ht]",
    "\\centering",
    `\\caption{${texCell(t.title)}}`,
    `\\label{tab:${t.name}}`,
    `\\begin{tabular}{${"l".repeat(t.columns.length)}}`,
    "\\toprule",
    row(t.columns),
    "\\midrule",
    ...t.rows.map(row),
    "\\bottomrule",
    "\\end{tabular}",
    "\\end{table}",
  ].join("\n") + "\n";
}

/** Format with a fixed number of decimals, "N/A" for non-finite values. */
export function fixed(x: number, digits: number): string {
  return Number.isFinite(x) ? x.toFixed(digits) : "N/A";
}

/** "x.x%" of a fraction, "N/A" for non-finite values. */
export function percent(fraction: number): string {
  return Number.isFinite(fraction) ? `${(100 * fraction).toFixed(1)}%` : "N/A";
}

/** Mean of the finite values selected by `mask` (all when absent); NaN if none. */
export function maskedMean(values: ArrayLike<number>, mask?: (i: number) => boolean): number {
  let s = 0;
  let c = 0;
  for (let i = 0; i < values.length; i++) {
    if ((mask === undefined || mask(i)) && Number.isFinite(values[i])) {
      s += values[i];
      c++;
    }
  }
  return c > 0 ? s / c : NaN;
}
