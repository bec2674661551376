/**
 * The interactive cliff explorer of report.html: the payload embedded in the page (both fitted
 * GPs as training inputs, α, hyper-parameters and standardisation; the simulated samples; the
 * parameter table and box) and the HTML section that runs {@link EXPLORER_MATH_JS} and
 * {@link EXPLORER_UI_JS} on it. Self-contained: no network, opens from disk. The posterior mean
 * is the model's own (checked here against the campaign's surrogate at random points); σ is the
 * local σ of the m nearest training points, whose excess over the exact σ is measured here and
 * stated in the page.
 * @module
 */
import { campaignRng } from "../kernels/rng.ts";
import {
  axisTitle,
  CONTINUOUS_PARAMETERS,
  numPairsConventionText,
} from "../science/parameter_space.ts";
import type { GpModel } from "../surrogate/gp_model.ts";
import type { CampaignData } from "../io/store/schema.ts";
import { CONTINUOUS_WIDTH, INPUT_WIDTH, REPORT_GROUPS } from "./campaign_data.ts";
import { escapeHtml } from "./html_report.ts";
import {
  EXPLORER_MATH_JS,
  EXPLORER_NEIGHBOURS,
  type ExplorerModelJson,
  loadExplorerMath,
} from "./explorer_math_script.ts";
import {
  EXPLORER_PREFILTER_JS,
  type ExplorerPrefilter,
  type explorerPrefilterOf,
} from "./explorer_prefilter_script.ts";
import { EXPLORER_UI_JS } from "./explorer_ui_script.ts";
import { RULED_OUT_COLOUR } from "./map_provenance.ts";
import { STRATEGIES, type StrategyName, type SurrogatePredictor } from "./surrogate_predictor.ts";

/**
 * Kernel evaluations per full-grid redraw the grid is sized for: two 10,000-row GPs on a 28 × 28
 * grid redraw in ≈ 150–170 ms in headless Chromium on one core of a loaded 2-core AMD EPYC
 * (bench/explorer_redraw.ts, release after a drag); while dragging, {@link EXPLORER_COARSE_GRID}.
 */
export const EXPLORER_PAIR_BUDGET = 1.6e7;

/**
 * Grid nodes per axis while a slider is dragged (refined to the full grid on release): 14² of
 * 28² nodes, a quarter of the kernel evaluations.
 */
export const EXPLORER_COARSE_GRID = 14;

/** How the explorer's σ and mean compare with the campaign's surrogate at random box points. */
export interface ExplorerCheck {
  points: number;
  /** max |μ_page − μ_model| / max(|μ_model|, s_y): the page's mean against GpModel.predict. */
  meanMaxRelative: number;
  /** σ_page / σ_exact − 1 (≥ 0 up to rounding: the local σ is an upper bound), or absent. */
  sdExcess?: { median: number; p95: number; max: number };
}

/** What the page embeds (JSON in `#cliff-explorer-data`). */
export interface ExplorerPayload {
  target: string;
  threshold: number;
  keyModel: string;
  params: {
    field: string;
    title: string;
    symbol: string;
    unit: string;
    scale: string;
    lo: number;
    hi: number;
  }[];
  reference: number[];
  defaultAxes: [number, number];
  grid: number;
  /** Grid per axis while a slider is dragged (≤ grid). */
  coarseGrid: number;
  neighbours: number;
  colourLimit: number;
  differenceLimit: number;
  maxSamplesShown: number;
  models: Partial<Record<StrategyName, ExplorerModelJson>>;
  /** The campaign's pre-filter, evaluated live by {@link EXPLORER_PREFILTER_JS}; absent: none drawn. */
  prefilter?: ExplorerPrefilter;
  /** Why no pre-filter region is drawn (no pre-filter, or not ported), when `prefilter` is absent. */
  prefilterNote: string;
  /** Fill of ruled-out cells. */
  ruledOutColour: string;
  /** n×width float32 rows: 8 stored inputs, strategy code, target. */
  samples: { n: number; width: number; values: string };
  check: ExplorerCheck;
}

/**
 * Base64 of the little-endian bytes of a typed array.
 * @example
 * ```ts
 * import { base64Of } from "./cliff_explorer.ts";
 * console.assert(base64Of(new Uint8Array([1, 2, 3])) === "AQID");
 * ```
 */
export function base64Of(a: Float64Array | Float32Array | Uint8Array): string {
  const u = new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
  let out = "";
  for (let i = 0; i < u.length; i += 0x6000) {
    out += btoa(String.fromCharCode(...u.subarray(i, Math.min(u.length, i + 0x6000))));
  }
  return out;
}

/** The GP of one strategy as the page embeds it. */
export function explorerModelJson(gp: GpModel): ExplorerModelJson {
  const s = gp.state, hp = gp.hyperparameters;
  return {
    n: s.n,
    d: s.d,
    x: base64Of(s.x),
    alpha: base64Of(s.alpha),
    lengthScales: Array.from(hp.lengthScales),
    signalVariance: hp.signalVariance,
    noiseVariance: hp.noiseVariance,
    jitter: s.jitter,
    yMean: s.yMean,
    yStd: s.yStd,
  };
}

/** Grid nodes per axis for `rows` training rows in total: G²·rows ≤ budget, 16 ≤ G ≤ 64. */
export function explorerGridSize(rows: number, budget = EXPLORER_PAIR_BUDGET): number {
  return Math.max(16, Math.min(64, Math.floor(Math.sqrt(budget / Math.max(1, rows)))));
}

/** Per row of a group: the surrogate's target (cliff_margin where stored, else key_margin). */
export function rowTarget(data: CampaignData, target: string | undefined): Float64Array[] {
  return REPORT_GROUPS.map((name) => {
    const g = data.groups[name];
    const col = g.diagnosticColumns.indexOf(target ?? "key_margin");
    if (target === "key_margin" || col < 0) return g.keyMargin;
    const w = g.diagnosticColumns.length;
    return Float64Array.from({ length: g.n }, (_, i) => g.diagnostics[i * w + col]);
  });
}

const NOT_SIMULATED = new Set(["failure_timeout", "failure_error"]);

/** Simulated rows (all groups) with a finite target, as float32 rows for the page. */
function sampleRows(data: CampaignData, target: string | undefined) {
  const targets = rowTarget(data, target);
  const rows: number[] = [];
  REPORT_GROUPS.forEach((name, gi) => {
    const g = data.groups[name];
    for (let i = 0; i < g.n; i++) {
      const o = g.outcomes[i];
      if (o.startsWith("skipped") || NOT_SIMULATED.has(o) || !Number.isFinite(targets[gi][i])) {
        continue;
      }
      for (let c = 0; c < INPUT_WIDTH; c++) rows.push(g.inputs[i * INPUT_WIDTH + c]);
      rows.push(targets[gi][i]);
    }
  });
  const width = INPUT_WIDTH + 1;
  return { n: rows.length / width, width, values: base64Of(Float32Array.from(rows)) };
}

/**
 * Compare the page's numerics with the predictor at `points` uniform box points (stream
 * `report/explorer/check`): the mean always, σ where the predictor has the exact σ.
 */
export function checkExplorer(
  predictor: SurrogatePredictor,
  models: Partial<Record<StrategyName, ExplorerModelJson>>,
  campaignSeed: number,
  points = 200,
): ExplorerCheck {
  const math = loadExplorerMath();
  const { lo, hi } = predictor.bounds;
  const rng = campaignRng(campaignSeed, "report/explorer/check");
  const x = new Float64Array(points * CONTINUOUS_WIDTH);
  for (let i = 0; i < x.length; i++) {
    const c = i % CONTINUOUS_WIDTH;
    x[i] = lo[c] + (hi[c] - lo[c]) * rng.nextDouble();
  }
  let meanMax = 0;
  const excess: number[] = [];
  for (const s of STRATEGIES) {
    const json = models[s];
    if (!json) continue;
    const model = math.prepareModel(json, lo, hi);
    const exact = predictor.predict(s, x);
    for (let i = 0; i < points; i++) {
      const p = x.subarray(i * CONTINUOUS_WIDTH, (i + 1) * CONTINUOUS_WIDTH);
      const r = math.predictPoint(model, p, EXPLORER_NEIGHBOURS);
      const scale = Math.max(Math.abs(exact.mean[i]), json.yStd);
      meanMax = Math.max(meanMax, Math.abs(r.mean - exact.mean[i]) / scale);
      if (Number.isFinite(exact.std[i]) && exact.std[i] > 0) excess.push(r.sd / exact.std[i] - 1);
    }
  }
  const check: ExplorerCheck = { points, meanMaxRelative: meanMax };
  if (excess.length) {
    excess.sort((a, b) => a - b);
    const q = (f: number) => excess[Math.min(excess.length - 1, Math.floor(f * excess.length))];
    check.sdExcess = { median: q(0.5), p95: q(0.95), max: excess[excess.length - 1] };
  }
  return check;
}

/** Inputs of {@link buildExplorerPayload}. */
export interface ExplorerInput {
  predictor: SurrogatePredictor;
  data: CampaignData;
  /** Slider start (stored units, 8). */
  reference: ArrayLike<number>;
  /** Column indices of the initial axes. */
  defaultAxes: [number, number];
  keyModel: string;
  campaignSeed: number;
  /** Key-margin colour scale: t ± colourLimit (shared with the static cliff maps). */
  colourLimit: number;
  /** Difference colour scale: ± differenceLimit. */
  differenceLimit: number;
  /** The campaign's pre-filter for the page ({@link explorerPrefilterOf}); absent: none. */
  prefilter?: ReturnType<typeof explorerPrefilterOf>;
}

/** The payload of the page, or undefined when the predictor has no GP to embed. */
export function buildExplorerPayload(input: ExplorerInput): ExplorerPayload | undefined {
  const p = input.predictor;
  const models: ExplorerPayload["models"] = {};
  let rows = 0;
  for (const s of STRATEGIES) {
    const gp = p.gpModel?.(s);
    if (!gp || gp.d !== CONTINUOUS_WIDTH) continue;
    models[s] = explorerModelJson(gp);
    rows += gp.n;
  }
  if (rows === 0) return undefined;
  return {
    target: p.target ?? "key_margin",
    threshold: p.threshold ?? 0,
    keyModel: input.keyModel,
    params: CONTINUOUS_PARAMETERS.map((q, j) => ({
      field: q.field,
      title: axisTitle(q),
      symbol: q.symbol,
      unit: q.unit,
      scale: q.scale,
      lo: p.bounds.lo[j],
      hi: p.bounds.hi[j],
    })),
    reference: Array.from(input.reference),
    defaultAxes: input.defaultAxes,
    grid: explorerGridSize(rows),
    coarseGrid: Math.min(EXPLORER_COARSE_GRID, explorerGridSize(rows)),
    neighbours: EXPLORER_NEIGHBOURS,
    colourLimit: input.colourLimit,
    differenceLimit: input.differenceLimit,
    maxSamplesShown: 400,
    ...(input.prefilter && "prefilter" in input.prefilter
      ? { prefilter: input.prefilter.prefilter, prefilterNote: "" }
      : {
        prefilterNote: input.prefilter && "unsupported" in input.prefilter
          ? `Pre-filtered points are not greyed out here: ${input.prefilter.unsupported}.`
          : "The campaign has no pre-filter.",
      }),
    ruledOutColour: RULED_OUT_COLOUR,
    models,
    samples: sampleRows(input.data, p.target),
    check: checkExplorer(p, models, input.campaignSeed),
  };
}

/** JSON for a `<script type="application/json">` element (no `</script>` inside). */
function scriptJson(v: unknown): string {
  return JSON.stringify(v).replaceAll("<", "\\u003c");
}

function percent(x: number): string {
  return `${(100 * x).toFixed(x < 0.1 ? 1 : 0)} %`;
}

/** The `#cliff-explorer` section (or a note when there is no surrogate to explore). */
export function renderExplorerSection(payload: ExplorerPayload | undefined): string {
  if (!payload) {
    return `<section id="cliff-explorer"><h2>Cliff explorer</h2>
<p><em>No fitted surrogate in this campaign: nothing to explore yet (run Phase 2).</em></p></section>`;
  }
  const c = payload.check;
  const sdText = c.sdExcess
    ? `Checked against the exact σ of the campaign's surrogate at ${c.points} random points of ` +
      `the box per strategy: the page's σ exceeds it by ${percent(c.sdExcess.median)} (median), ` +
      `${percent(c.sdExcess.p95)} (95th percentile), ${percent(c.sdExcess.max)} (max).`
    : "The exact σ was not available to check it against in this report.";
  const panel = (s: string, title: string) =>
    `<figure class="cx-panel"><div class="cx-title">${title}</div><canvas id="cx-canvas-${s}" width="330" height="300"></canvas><figcaption id="cx-caption-${s}"></figcaption></figure>`;
  const probeRow = (s: StrategyName) =>
    `<tr><th>${s}</th><td id="cx-probe-mean-${s}"></td><td id="cx-probe-sd-${s}"></td><td id="cx-probe-p-${s}"></td></tr>`;
  return `<section id="cliff-explorer" data-redraws="0">
<h2>Cliff explorer</h2>
<p>Move through the 9-D space: pick the two axes of a slice, set the other parameters with the
sliders (log-scaled parameters move in log<sub>10</sub>), click a map to probe a point. Each map is
the campaign's final surrogate, computed in this page from the embedded GPs
(${
    Object.entries(payload.models).map(([s, m]) => `${escapeHtml(s)} ${m!.n} training rows`).join(
      ", ",
    )
  }):
colour = posterior mean of the key margin (${escapeHtml(payload.target)}, bits per pair), red
insecure, blue secure, white at the boundary; black line μ = ${payload.threshold}; dashed lines
μ ± 2σ = ${payload.threshold}, and the cells between them (the uncertain band |μ| &lt; 2σ) faded.
Dots: simulated samples of that strategy near the slice (ARD distance &lt; 1 in the other six
parameters, darker = nearer): filled secure, × not secure. The third map is blind − baseline with
both boundaries (red baseline, blue blind). ${
    payload.prefilter
      ? `Grey: points the campaign's analytic pre-filter rules out (${
        escapeHtml(payload.prefilter.rule)
      } rule, link model ${
        escapeHtml(payload.prefilter.linkModel)
      }, computed in this page by the same functions as the campaign's pre-filter): the campaign
does not simulate them, so there the map rests on the pre-filter, not on simulations; the probe
table gives the verdict and its margin at the probe.`
      : escapeHtml(payload.prefilterNote)
  }</p>
<div class="cx-controls">
<label>x axis <select id="cx-axis-x"></select></label>
<label>y axis <select id="cx-axis-y"></select></label>
<label>colour <select id="cx-mode"><option value="mean">posterior mean μ, band |μ| &lt; 2σ faded</option><option value="psecure">P(secure) = Φ(μ/σ)</option></select></label>
<label><input type="checkbox" id="cx-samples" checked> samples near the slice</label>
<button type="button" id="cx-reset">reset sliders to the box centre</button>
</div>
<div id="cx-sliders" class="cx-sliders"></div>
<div class="cx-panels">
${panel("baseline", "baseline: key margin μ")}
${panel("blind", "blind: key margin μ")}
${payload.models.baseline && payload.models.blind ? panel("difference", "blind − baseline μ") : ""}
</div>
<div class="cx-legends"><canvas id="cx-legend-margin" width="420" height="36"></canvas><canvas id="cx-legend-difference" width="420" height="36"></canvas>${
    payload.prefilter
      ? `<span id="cx-legend-ruled-out" class="cx-legend-item"><span class="cx-swatch" style="background:${payload.ruledOutColour}"></span>ruled out by the pre-filter</span>`
      : ""
  }</div>
<p id="cx-status" class="cx-status"></p>
<table id="cx-probe"><thead><tr><th>probe</th><th>μ (bits/pair)</th><th>σ (bits/pair)</th><th>P(secure)</th></tr></thead>
<tbody>${(Object.keys(payload.models) as StrategyName[]).map(probeRow).join("")}
<tr><th>blind − baseline μ</th><td id="cx-probe-difference" colspan="3"></td></tr>${
    payload.prefilter
      ? `<tr><th>pre-filter</th><td id="cx-probe-prefilter" colspan="3"></td></tr>`
      : ""
  }</tbody></table>
<p>Probe point (<code>simulate --point</code> fields, physical units): <code id="cx-probe-point"></code></p>
<p class="cx-note">Accuracy. The mean is the surrogate's own posterior mean: it agrees with
<code>openCliffMap(dir).predict</code> of mod.ts to ${c.meanMaxRelative.toExponential(1)} relative
(max over ${c.points} random points per strategy; the test suite holds it to 1e-9). σ here is
conditioned on the ${payload.neighbours} training points nearest in the ARD metric, an upper
bound of the exact posterior σ (conservative: the uncertain band is never narrower than the exact
one); P(secure) = Φ((μ − ${payload.threshold})/σ) uses it. ${sdText} For the exact σ use
<code>openCliffMap</code>. Key model ${escapeHtml(payload.keyModel)}; ${
    escapeHtml(numPairsConventionText(payload.keyModel))
  }.</p>
<script type="application/json" id="cliff-explorer-data">${scriptJson(payload)}</script>
<script>${EXPLORER_MATH_JS}</script>
${payload.prefilter ? `<script>${EXPLORER_PREFILTER_JS}</script>` : ""}
<script>${EXPLORER_UI_JS}</script>
</section>`;
}

/** CSS of the explorer (added to the page style). */
export const EXPLORER_STYLE =
  `.cx-controls label{margin-right:14px;font-size:13px}.cx-sliders{display:grid;grid-template-columns:repeat(auto-fill,minmax(300px,1fr));gap:4px 18px;margin:10px 0}
.cx-slider{display:grid;grid-template-columns:190px 1fr 80px;align-items:center;font-size:12px}.cx-slider input{width:100%}
.cx-on-axis{opacity:.45}.cx-panels{display:flex;flex-wrap:wrap;gap:8px}.cx-panel{margin:0}.cx-title{font-size:13px;font-weight:bold}
.cx-panel figcaption{font-size:11px;color:#555}.cx-status{font-size:12px;color:#555}.cx-note{font-size:12px;color:#333;max-width:1100px}
.cx-legends canvas{margin-right:24px}.cx-legend-item{font-size:11px;vertical-align:top}
.cx-swatch{display:inline-block;width:14px;height:12px;margin-right:5px;vertical-align:middle;border:1px solid #888}#cx-probe-point{word-break:break-all}`;
