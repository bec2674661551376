/**
 * The run diagnostics of report.html (`#diagnostics`, last): rows per group and outcome, commits
 * per phase, each phase record as a readable table with units (nested records flattened, the
 * worker statistics as their own table), the GP hyper-parameters and metrics, and the
 * post-processing timings. Never raw JSON.
 * @module
 */
import { CONTINUOUS_PARAMETERS } from "../science/parameter_space.ts";
import { type CampaignData, commitMatrix } from "../io/store/schema.ts";
import { recordColumn, REPORT_GROUPS } from "./campaign_data.ts";
import type { ReportTable } from "./report_table.ts";
import { STRATEGIES, type SurrogatePredictor } from "./surrogate_predictor.ts";

/** Words of a camelCase or snake_case key, lower case. */
function words(key: string): string[] {
  return key.replace(/([a-z0-9])([A-Z])/g, "$1 $2").replaceAll("_", " ").toLowerCase().split(" ")
    .filter((w) => w);
}

/**
 * A record key and value as a readable label (with unit) and text: "wallSeconds" 20.86 →
 * ["wall time (s)", "20.86"], "peakRssBytes" → MB, "workerUtilisation" 0.98 → "98.0 %".
 * @example
 * ```ts
 * import { readableEntry } from "./diagnostics.ts";
 * console.assert(readableEntry("wallSeconds", 20.864)[0] === "wall (s)");
 * console.assert(readableEntry("peakRssBytes", 2 ** 20)[1] === "1");
 * ```
 */
export function readableEntry(key: string, value: unknown): [string, string] {
  let w = words(key);
  let unit = "", scale = 1, percent = false;
  const last = w.at(-1) ?? "";
  const tail2 = w.slice(-2).join(" ");
  if (tail2 === "per second" || tail2 === "per s") {
    unit = "/s";
    w = w.slice(0, -2);
  } else if (last === "seconds" || last === "s") {
    unit = "s";
    w = w.slice(0, -1);
  } else if (last === "ms") {
    unit = "s";
    scale = 1e-3;
    w = w.slice(0, -1);
  } else if (last === "mb") {
    unit = "MB";
    w = w.slice(0, -1);
  } else if (last === "bytes") {
    unit = "MB";
    scale = 1 / 2 ** 20;
    w = w.slice(0, -1);
  } else if (last === "utilisation" || last === "fraction") percent = true;
  const label = w.join(" ") + (unit ? ` (${unit})` : percent ? " (%)" : "");
  return [label, readableValue(value, scale, percent)];
}

function readableValue(v: unknown, scale = 1, percent = false): string {
  if (v === null || v === undefined) return "—";
  if (typeof v === "number") {
    if (!Number.isFinite(v)) return String(v);
    if (percent) return (100 * v).toFixed(1);
    const x = v * scale;
    return Number.isInteger(x) ? String(x) : String(Number(x.toPrecision(4)));
  }
  if (typeof v === "boolean") return v ? "yes" : "no";
  if (Array.isArray(v)) {
    return v.length > 16 ? `${v.length} values` : v.map((x) => readableValue(x)).join(", ");
  }
  return String(v);
}

/** Flatten a record into [label, value] rows; arrays of records are returned separately. */
function flatten(
  prefix: string[],
  v: Record<string, unknown>,
  rows: [string, string][],
  lists: { name: string; items: Record<string, unknown>[] }[],
): void {
  for (const [k, x] of Object.entries(v)) {
    if (Array.isArray(x) && x.length > 0 && x.every((e) => e && typeof e === "object")) {
      lists.push({
        name: [...prefix, ...words(k)].join(" "),
        items: x as Record<string, unknown>[],
      });
    } else if (x && typeof x === "object" && !Array.isArray(x)) {
      flatten([...prefix, ...words(k)], x as Record<string, unknown>, rows, lists);
    } else {
      const [label, text] = readableEntry(k, x);
      rows.push([[...prefix, label].join(" · "), text]);
    }
  }
}

function listTable(name: string, title: string, items: Record<string, unknown>[]): ReportTable {
  const keys = [...new Set(items.flatMap((e) => Object.keys(e)))];
  const cols = keys.map((k) => readableEntry(k, 0)[0]);
  return {
    name,
    title,
    columns: cols,
    rows: items.map((e) => keys.map((k) => readableEntry(k, e[k])[1])),
  };
}

/** Rows per group and outcome. */
function groupTable(data: CampaignData): ReportTable {
  const outcomes = [...new Set(REPORT_GROUPS.flatMap((g) => data.groups[g].outcomes))].sort();
  return {
    name: "diag-groups",
    title: "Rows per group and outcome",
    columns: ["group", "rows", ...outcomes],
    rows: REPORT_GROUPS.map((g) => {
      const grp = data.groups[g];
      return [
        `/${g}`,
        String(grp.n),
        ...outcomes.map((o) => String(grp.outcomes.filter((x) => x === o).length)),
      ];
    }),
  };
}

function commitTable(data: CampaignData): ReportTable | undefined {
  const perf = commitMatrix(data.commits);
  const phase = recordColumn(perf, "phase"), wall = recordColumn(perf, "wall_s");
  const n = recordColumn(perf, "rows"), write = recordColumn(perf, "write_s");
  if (!phase || !wall || !n) return undefined;
  const sums = new Map<number, number[]>();
  phase.forEach((p, i) => {
    const s = sums.get(p) ?? [0, 0, 0, 0];
    sums.set(p, [s[0] + 1, s[1] + n[i], s[2] + wall[i], s[3] + (write?.[i] ?? 0)]);
  });
  return {
    name: "diag-commits",
    title: "Store commits per phase",
    columns: ["phase", "commits", "rows", "wall time (s)", "store write time (s)"],
    rows: [...sums].map(([p, s]) => [
      String(p),
      String(s[0]),
      String(s[1]),
      s[2].toFixed(1),
      s[3].toFixed(2),
    ]),
  };
}

/** GP hyper-parameters: ARD length scales per parameter and the scalar θ per strategy. */
function hyperparameterTables(p: SurrogatePredictor): ReportTable[] {
  const fitted = STRATEGIES.filter((s) => p.gpModel?.(s));
  if (!fitted.length) return [];
  const ls = {
    name: "diag-length-scales",
    title: `GP length scales ℓ (${p.source ?? "surrogate"}; unit-box units: ℓ ≫ 1 means the ` +
      "parameter hardly matters)",
    columns: ["parameter", ...fitted.map((s) => `ℓ ${s}`)],
    rows: CONTINUOUS_PARAMETERS.map((q, j) => [
      q.label,
      ...fitted.map((s) => readableValue(p.gpModel!(s)!.hyperparameters.lengthScales[j])),
    ]),
  };
  const rows: [string, (s: (typeof fitted)[number]) => string][] = [
    ["training rows", (s) => String(p.gpModel!(s)!.n)],
    ["path", (s) => p.gpModel!(s)!.state.path],
    [
      "signal variance σ_f² (standardised)",
      (s) => readableValue(p.gpModel!(s)!.hyperparameters.signalVariance),
    ],
    [
      "noise variance σ_n² (standardised)",
      (s) => readableValue(p.gpModel!(s)!.hyperparameters.noiseVariance),
    ],
    ["jitter (standardised)", (s) => readableValue(p.gpModel!(s)!.state.jitter)],
    [
      `target mean m_y (${p.target ?? "key_margin"}, bits/pair)`,
      (s) => readableValue(p.gpModel!(s)!.state.yMean),
    ],
    [`target scale s_y (bits/pair)`, (s) => readableValue(p.gpModel!(s)!.state.yStd)],
    ["noise σ_n·s_y (bits/pair)", (s) => {
      const g = p.gpModel!(s)!;
      return readableValue(Math.sqrt(g.hyperparameters.noiseVariance) * g.state.yStd);
    }],
  ];
  const theta = {
    name: "diag-theta",
    title: "GP hyper-parameters and standardisation",
    columns: ["quantity", ...fitted],
    rows: rows.map(([label, f]) => [label, ...fitted.map(f)]),
  };
  const metricKeys = [
    ...new Set(fitted.flatMap((s) => Object.keys(p.metrics?.[s] ?? {}))),
  ];
  const tables = [ls, theta];
  if (metricKeys.length) {
    tables.push({
      name: "diag-metrics",
      title: "Surrogate metrics stored with the model (— = not computed for this model)",
      columns: ["metric", ...fitted],
      rows: metricKeys.map((k) => [
        readableEntry(k, 0)[0],
        ...fitted.map((s) => readableEntry(k, p.metrics?.[s]?.[k])[1]),
      ]),
    });
  }
  return tables;
}

/** Every diagnostics table, in page order. */
export function diagnosticsTables(
  data: CampaignData,
  predictor: SurrogatePredictor | undefined,
  timings: Record<string, number>,
): ReportTable[] {
  const out: ReportTable[] = [groupTable(data)];
  const commits = commitTable(data);
  if (commits) out.push(commits);
  for (const [phase, record] of Object.entries(data.phases ?? {})) {
    if (!record || typeof record !== "object") continue;
    const rows: [string, string][] = [];
    const lists: { name: string; items: Record<string, unknown>[] }[] = [];
    flatten([], record as Record<string, unknown>, rows, lists);
    out.push({
      name: `diag-${phase}`,
      title: `Phase record: ${phase}`,
      columns: ["quantity", "value"],
      rows,
    });
    for (const l of lists) {
      out.push(
        listTable(`diag-${phase}-${l.name.replaceAll(" ", "-")}`, `${phase}: ${l.name}`, l.items),
      );
    }
  }
  const iterations = data.matrices.iterations;
  if (iterations.columns.length > 0) {
    const n = iterations.n;
    out.push({
      name: "diag-iterations",
      title: "Phase 3 iteration records",
      columns: ["quantity", "value"],
      rows: [["iterations recorded", String(n)], ["columns", iterations.columns.join(", ")]],
    });
  }
  if (predictor) out.push(...hyperparameterTables(predictor));
  out.push({
    name: "diag-timings",
    title: "Post-processing timings",
    columns: ["step", "time (s)"],
    rows: Object.entries(timings).map(([k, v]) => [k.replaceAll("_", " "), v.toFixed(3)]),
  });
  return out;
}
