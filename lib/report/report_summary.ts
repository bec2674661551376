/**
 * The answer a reader quotes (report.html `#summary`): per strategy the secure fraction of the
 * explored box with its uncertainty (Monte-Carlo standard error, and the fractions that are
 * surely / possibly secure at 2σ), where blind beats baseline and by how much, the parameters
 * the cliff depends on most (first-order Sobol indices of the mean), the holdout check of the
 * boundary per class, and the samples behind it. Box points are uniform in stored units (the
 * design's distribution: log-uniform for log parameters), stream `report/summary/box`.
 * @module
 */
import { campaignRng } from "../kernels/rng.ts";
import {
  CONTINUOUS_PARAMETERS,
  numPairsConventionText,
  PARAM_INDEX,
  toPhysical,
} from "../science/parameter_space.ts";
import type { CampaignData } from "../io/store/schema.ts";
import { CONTINUOUS_WIDTH, INPUT_WIDTH, REPORT_GROUPS } from "./campaign_data.ts";
import { EXPLORER_NEIGHBOURS, loadExplorerMath } from "./explorer_math_script.ts";
import { explorerModelJson, rowTarget } from "./cliff_explorer.ts";
import { escapeHtml } from "./html_report.ts";
import type { RuledOutTest } from "./prefilter_verdict.ts";
import type { SensitivityResult } from "./sensitivity_figure.ts";
import { STRATEGIES, type StrategyName, type SurrogatePredictor } from "./surrogate_predictor.ts";

/** Holdout rows of one class and how many the surrogate's sign got right. */
export interface ClassCheck {
  total: number;
  correct: number;
}

/** One strategy's line of the summary. */
export interface StrategySummary {
  strategy: StrategyName;
  /** Fraction of box points with μ > t. */
  secureFraction: number;
  /** Its Monte-Carlo standard error √(p(1 − p)/M). */
  standardError: number;
  /** μ − 2σ > t (secure even at the low end of the band). */
  surelySecure: number;
  /** μ + 2σ > t. */
  possiblySecure: number;
  /** Mean of Φ((μ − t)/σ) over the box. */
  expectedSecure: number;
  holdout: { secure: ClassCheck; insecure: ClassCheck };
  trainingRows: number;
  simulatedRows: number;
}

/** The computed summary. */
export interface CampaignSummary {
  boxPoints: number;
  /** Fraction of the box points the analytic pre-filter rules out (secure for neither). */
  ruledOutFraction: number;
  /** Which σ the band uses. */
  sigma: "exact" | "local";
  threshold: number;
  target: string;
  keyModel: string;
  strategies: StrategySummary[];
  duel?: {
    /** Fractions of the box where only blind / only baseline is secure. */
    blindOnly: number;
    baselineOnly: number;
    /** Fraction of the points the pre-filter allows where μ_blind > μ_baseline. */
    blindHigher: number;
    /** Quartiles of μ_blind − μ_baseline where at least one is secure. */
    gain: [number, number, number];
    /** Column with the largest |corr(Δμ, x)| and its sign. */
    driver: { column: number; correlation: number };
    /** 98th percentile of |Δμ| over the allowed points (colour scale of difference maps). */
    absP98: number;
  };
  /** Columns by first-order Sobol index of the mean, largest first, per strategy. */
  drivers: { strategy: string; columns: { column: number; index: number }[] }[];
  samples: { simulated: Record<string, number>; skipped: number; perStrategy: number[] };
}

function quantile(sorted: number[], f: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor(f * sorted.length))];
}

function normalCdf(z: number): number {
  return loadExplorerMath().normalCdf(z);
}

/** Box points for a model of `rows` training rows: 4096, fewer for large models (≥ 512). */
export function summaryBoxPoints(rows: number): number {
  let m = 4096;
  while (m > 512 && m * rows > 8e6) m /= 2;
  return m;
}

/** Inputs of {@link computeSummary}. */
export interface SummaryInput {
  data: CampaignData;
  predictor: SurrogatePredictor;
  campaignSeed: number;
  keyModel: string;
  sensitivity?: SensitivityResult;
  boxPoints?: number;
  /** The pre-filter's verdict: a point it rules out is secure for neither strategy. */
  ruledOut?: RuledOutTest;
}

/** Compute the summary (see the module doc). */
export function computeSummary(input: SummaryInput): CampaignSummary {
  const { data, predictor: p } = input;
  const t = p.threshold ?? 0;
  const rows = p.trainingRows ?? 0;
  const m = input.boxPoints ?? summaryBoxPoints(rows);
  const rng = campaignRng(input.campaignSeed, "report/summary/box");
  const { lo, hi } = p.bounds;
  const x = new Float64Array(m * CONTINUOUS_WIDTH);
  for (let i = 0; i < x.length; i++) {
    const c = i % CONTINUOUS_WIDTH;
    x[i] = lo[c] + (hi[c] - lo[c]) * rng.nextDouble();
  }
  const excluded = Uint8Array.from(
    { length: m },
    (_, i) =>
      input.ruledOut?.(x.subarray(i * CONTINUOUS_WIDTH, (i + 1) * CONTINUOUS_WIDTH)) ? 1 : 0,
  );
  const math = loadExplorerMath();
  const means: Partial<Record<StrategyName, Float64Array>> = {};
  let sigma: CampaignSummary["sigma"] = "exact";
  const targets = rowTarget(data, p.target);
  const strategies: StrategySummary[] = [];
  for (const s of STRATEGIES) {
    const gp = p.gpModel?.(s);
    const pred = p.predict(s, x);
    if (!pred.mean.every(Number.isFinite)) continue;
    let sd = pred.std;
    if (!sd.every(Number.isFinite) && gp) {
      // no exact σ (large model without its factor): the explorer's local σ, an upper bound
      sigma = "local";
      const model = math.prepareModel(explorerModelJson(gp), lo, hi);
      sd = Float64Array.from(
        { length: m },
        (_, i) =>
          math.predictPoint(
            model,
            x.subarray(i * CONTINUOUS_WIDTH, (i + 1) * CONTINUOUS_WIDTH),
            EXPLORER_NEIGHBOURS,
          ).sd,
      );
    }
    means[s] = pred.mean;
    let secure = 0, surely = 0, possibly = 0, expected = 0;
    for (let i = 0; i < m; i++) {
      if (excluded[i]) continue; // ruled out: no key, whatever the extrapolated mean says
      const mu = pred.mean[i], sg = sd[i];
      if (mu > t) secure++;
      if (mu - 2 * sg > t) surely++;
      if (mu + 2 * sg > t) possibly++;
      expected += sg > 0 ? normalCdf((mu - t) / sg) : mu > t ? 1 : 0;
    }
    const f = secure / m;
    strategies.push({
      strategy: s,
      secureFraction: f,
      standardError: Math.sqrt(f * (1 - f) / m),
      surelySecure: surely / m,
      possiblySecure: possibly / m,
      expectedSecure: expected / m,
      holdout: holdoutCheck(data, p, s, targets[REPORT_GROUPS.indexOf("holdout")]),
      trainingRows: gp?.n ?? 0,
      simulatedRows: countSimulated(data, s === "blind" ? 1 : 0),
    });
  }
  const summary: CampaignSummary = {
    boxPoints: m,
    ruledOutFraction: excluded.reduce((a, v) => a + v, 0) / m,
    sigma,
    threshold: t,
    target: p.target ?? "key_margin",
    keyModel: input.keyModel,
    strategies,
    drivers: [],
    samples: sampleCounts(data),
  };
  if (means.baseline && means.blind) {
    summary.duel = duel(means.baseline, means.blind, x, t, excluded);
  }
  if (input.sensitivity) {
    for (const s of STRATEGIES) {
      const cols = input.sensitivity.sobol
        .map((e, k) => ({ strategy: e.strategy, column: k % CONTINUOUS_WIDTH, index: e.value }))
        .filter((e) => e.strategy === s && e.index !== null && Number.isFinite(e.index))
        .map((e) => ({ column: e.column, index: e.index as number }))
        .sort((a, b) => b.index - a.index);
      if (cols.length) summary.drivers.push({ strategy: s, columns: cols });
    }
  }
  return summary;
}

/**
 * Blind against baseline over the box points: a point the pre-filter rules out (`excluded`) is
 * secure for neither and takes no part in the comparisons of the two means.
 */
function duel(a: Float64Array, b: Float64Array, x: Float64Array, t: number, excluded: Uint8Array) {
  const m = a.length;
  let blindOnly = 0, baselineOnly = 0, blindHigher = 0;
  const gains: number[] = [], abs: number[] = [];
  const delta = new Float64Array(m);
  const allowed: number[] = [];
  for (let i = 0; i < m; i++) {
    if (excluded[i]) continue;
    allowed.push(i);
    delta[i] = b[i] - a[i];
    abs.push(Math.abs(delta[i]));
    if (b[i] > t && !(a[i] > t)) blindOnly++;
    if (a[i] > t && !(b[i] > t)) baselineOnly++;
    if (delta[i] > 0) blindHigher++;
    if (a[i] > t || b[i] > t) gains.push(delta[i]);
  }
  gains.sort((p, q) => p - q);
  abs.sort((p, q) => p - q);
  let best = { column: 0, correlation: 0 };
  for (let c = 0; c < CONTINUOUS_WIDTH; c++) {
    let sx = 0, sy = 0, sxx = 0, syy = 0, sxy = 0;
    const k = Math.max(1, allowed.length);
    for (const i of allowed) {
      const u = x[i * CONTINUOUS_WIDTH + c], v = delta[i];
      sx += u;
      sy += v;
      sxx += u * u;
      syy += v * v;
      sxy += u * v;
    }
    const cov = sxy / k - (sx / k) * (sy / k);
    const den = Math.sqrt(
      Math.max(0, sxx / k - (sx / k) ** 2) * Math.max(0, syy / k - (sy / k) ** 2),
    );
    const r = den > 0 ? cov / den : 0;
    if (Math.abs(r) > Math.abs(best.correlation)) best = { column: c, correlation: r };
  }
  return {
    blindOnly: blindOnly / m,
    baselineOnly: baselineOnly / m,
    blindHigher: allowed.length ? blindHigher / allowed.length : NaN,
    gain: [quantile(gains, 0.25), quantile(gains, 0.5), quantile(gains, 0.75)] as [
      number,
      number,
      number,
    ],
    driver: best,
    absP98: quantile(abs, 0.98),
  };
}

const NOT_SIMULATED = new Set(["failure_timeout", "failure_error"]);

function isSimulated(outcome: string): boolean {
  return !outcome.startsWith("skipped") && !NOT_SIMULATED.has(outcome);
}

function countSimulated(data: CampaignData, code: number): number {
  let n = 0;
  for (const name of REPORT_GROUPS) {
    const g = data.groups[name];
    for (let i = 0; i < g.n; i++) {
      if (isSimulated(g.outcomes[i]) && g.inputs[i * INPUT_WIDTH + PARAM_INDEX.strategy] === code) {
        n++;
      }
    }
  }
  return n;
}

function sampleCounts(data: CampaignData): CampaignSummary["samples"] {
  const simulated: Record<string, number> = {};
  let skipped = 0;
  const perStrategy = [0, 0];
  for (const name of REPORT_GROUPS) {
    const g = data.groups[name];
    simulated[name] = 0;
    for (let i = 0; i < g.n; i++) {
      if (g.outcomes[i].startsWith("skipped")) skipped++;
      else if (isSimulated(g.outcomes[i])) {
        simulated[name]++;
        perStrategy[g.inputs[i * INPUT_WIDTH + PARAM_INDEX.strategy] === 1 ? 1 : 0]++;
      }
    }
  }
  return { simulated, skipped, perStrategy };
}

/** Holdout rows of strategy `s`: per class (target > t or not), how many have the right sign of μ. */
export function holdoutCheck(
  data: CampaignData,
  p: SurrogatePredictor,
  s: StrategyName,
  target: Float64Array,
): { secure: ClassCheck; insecure: ClassCheck } {
  const g = data.groups.holdout, t = p.threshold ?? 0, code = s === "blind" ? 1 : 0;
  const idx: number[] = [];
  for (let i = 0; i < g.n; i++) {
    if (
      isSimulated(g.outcomes[i]) && g.inputs[i * INPUT_WIDTH + PARAM_INDEX.strategy] === code &&
      Number.isFinite(target[i])
    ) idx.push(i);
  }
  const x = new Float64Array(idx.length * CONTINUOUS_WIDTH);
  idx.forEach((i, k) =>
    x.set(
      g.inputs.subarray(i * INPUT_WIDTH, i * INPUT_WIDTH + CONTINUOUS_WIDTH),
      k * CONTINUOUS_WIDTH,
    )
  );
  const mean = idx.length ? p.predict(s, x).mean : new Float64Array(0);
  const out = { secure: { total: 0, correct: 0 }, insecure: { total: 0, correct: 0 } };
  idx.forEach((i, k) => {
    const cls = target[i] > t ? out.secure : out.insecure;
    cls.total++;
    if ((mean[k] > t) === (target[i] > t)) cls.correct++;
  });
  return out;
}

function pct(x: number, digits = 1): string {
  return `${(100 * x).toFixed(digits)} %`;
}

function classText(c: ClassCheck): string {
  return c.total === 0
    ? "— (no holdout rows)"
    : `${c.correct}/${c.total} (${pct(c.correct / c.total, 0)})`;
}

function sig(v: number, d = 2): string {
  return Number.isFinite(v) ? String(Number(v.toPrecision(d))) : "n/a";
}

/** The box of the campaign as a table row per parameter (physical units). */
function boxRows(p: SurrogatePredictor): string {
  return CONTINUOUS_PARAMETERS.map((q, j) => {
    const a = toPhysical(q, p.bounds.lo[j]), b = toPhysical(q, p.bounds.hi[j]);
    return `<tr><td>${escapeHtml(q.label)}</td><td><code>${q.field}</code></td><td>${
      escapeHtml(q.unit || "—")
    }</td><td>${q.scale}</td><td>${sig(a, 3)} – ${sig(b, 3)}</td><td><code>bounds.${q.field}.{${
      q.boundsKeys.join(",")
    }}</code></td></tr>`;
  }).join("\n");
}

/** The `#summary` section. */
export function renderSummarySection(
  summary: CampaignSummary | undefined,
  predictor: SurrogatePredictor | undefined,
  data: CampaignData,
): string {
  if (!summary || !predictor) {
    const n = REPORT_GROUPS.map((g) => `${data.groups[g].n} ${g}`).join(", ");
    return `<section id="summary"><h2>Summary</h2>
<p class="answer">No fitted surrogate yet: the secure region cannot be mapped. Rows so far: ${n}.</p></section>`;
  }
  const t = summary.threshold;
  const where = summary.ruledOutFraction > 0
    ? `μ > ${t} where the pre-filter allows a key`
    : `μ > ${t}`;
  const lines = summary.strategies.map((s) =>
    `<b>${s.strategy}</b>: <b>${pct(s.secureFraction)}</b> ± ${
      pct(s.standardError)
    } of the box is secure ` +
    `(${where}); ${pct(s.surelySecure)} surely, ${pct(s.possiblySecure)} possibly at 2σ`
  );
  const rows = summary.strategies.map((s) =>
    `<tr><th>${s.strategy}</th><td>${pct(s.secureFraction)} ± ${pct(s.standardError)}</td><td>${
      pct(s.surelySecure)
    } – ${pct(s.possiblySecure)}</td><td>${pct(s.expectedSecure)}</td><td>${
      classText(s.holdout.secure)
    }</td><td>${
      classText(s.holdout.insecure)
    }</td><td>${s.simulatedRows}</td><td>${s.trainingRows}</td></tr>`
  ).join("\n");
  const d = summary.duel;
  const label = (c: number) => escapeHtml(CONTINUOUS_PARAMETERS[c].label);
  const duelText = d
    ? `<p><b>Blind vs baseline.</b> Blind is secure where baseline is not on <b>${
      pct(d.blindOnly)
    }</b> of the box, the reverse on ${pct(d.baselineOnly)}; blind's key margin is higher on ${
      pct(d.blindHigher, 0)
    } of the box the pre-filter allows. Where either is secure, blind − baseline is ${
      sig(d.gain[1])
    } bits/pair (median; ` +
      `quartiles ${sig(d.gain[0])} to ${sig(d.gain[2])}). The difference changes most with ${
        label(d.driver.column)
      } (correlation ${sig(d.driver.correlation)}: blind gains more toward ${
        d.driver.correlation >= 0 ? "higher" : "lower"
      } ${escapeHtml(CONTINUOUS_PARAMETERS[d.driver.column].symbol)}).</p>`
    : "";
  const drivers = summary.drivers.length
    ? `<p><b>What the cliff depends on</b> (first-order Sobol index of the posterior mean over the box): ${
      summary.drivers.map((e) =>
        `${e.strategy}: ${
          e.columns.slice(0, 3).map((c) => `${label(c.column)} ${sig(c.index)}`).join(", ")
        }`
      ).join("; ")
    }.</p>`
    : "";
  const sm = summary.samples;
  return `<section id="summary">
<h2>Summary</h2>
<p class="answer">${lines.join(".<br>")}.</p>
${duelText}
${drivers}
<table id="summary-table"><thead><tr><th>strategy</th><th>secure fraction of the box (μ &gt; ${t}, ± MC s.e.)</th><th>surely – possibly secure (μ ∓ 2σ &gt; ${t})</th><th>mean P(secure)</th><th>holdout: secure rows predicted secure</th><th>holdout: insecure rows predicted insecure</th><th>simulated samples</th><th>GP training rows</th></tr></thead>
<tbody>${rows}</tbody></table>
<p><b>Behind it.</b> ${
    REPORT_GROUPS.map((g) => `${sm.simulated[g]} simulated samples in /${g}`).join(", ")
  } (${sm.perStrategy[0]} baseline, ${
    sm.perStrategy[1]
  } blind); ${sm.skipped} points ruled out by the
analytic pre-filter without simulation. The pre-filter rules out ${
    pct(summary.ruledOutFraction)
  } of the box: no key there, whatever the surrogate's mean says (it is not trained there). Fractions
are of ${summary.boxPoints} points drawn uniformly
over the box below (log-uniform for log-scaled parameters), with the ${
    summary.sigma === "exact" ? "exact posterior σ" : `local σ of the explorer (an upper bound)`
  }. The key margin is ${escapeHtml(summary.target)} in bits per pair: the secure key length per
detected pair, made continuous across the parameter-estimation abort so that its sign says whether a
key exists (docs/science.md §8.5). Key model <b>${escapeHtml(summary.keyModel)}</b>; ${
    escapeHtml(numPairsConventionText(summary.keyModel))
  }. Holdout rows were never used for training.</p>
<table id="parameter-table"><thead><tr><th>parameter</th><th>field</th><th>unit</th><th>scale</th><th>explored range</th><th>config key</th></tr></thead>
<tbody>${boxRows(predictor)}</tbody></table>
</section>`;
}
