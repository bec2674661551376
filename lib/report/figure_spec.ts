/**
 * Shared building blocks of the report figures (docs/campaign.md §12.3): the figure record, the common
 * Vega-Lite config, placeholder panels (a figure always renders, with a clear message, when its
 * data are missing) and number rounding to keep inline data small.
 * @module
 */
import type { VegaLiteSpec } from "./vega_render.ts";

/** One figure: its file stem, title and Vega-Lite spec. */
export interface FigureSpec {
  /** File stem ("death_valley", "cliff_map_r_F", …). */
  name: string;
  title: string;
  spec: VegaLiteSpec;
  /** True when the figure only shows placeholder text (its data are missing). */
  placeholder: boolean;
}

/** Panel size in pixels. */
export const PANEL = { width: 320, height: 240 } as const;

/** Vega-Lite config common to all figures (DejaVu Sans, as the PNG renderer embeds). */
export const BASE_CONFIG = {
  font: "DejaVu Sans",
  view: { stroke: "#bbb" },
  axis: { labelFontSize: 10, titleFontSize: 11 },
  // titles such as "key margin μ (cliff_margin, bits per pair)" are longer than Vega's 180 px
  legend: { labelFontSize: 10, titleFontSize: 11, titleLimit: 420 },
  title: { fontSize: 14 },
} as const;

/**
 * A panel that shows only `message` (centred text), for missing data.
 * @example
 * ```ts
 * import { placeholderPanel } from "./figure_spec.ts";
 * const p = placeholderPanel("no Phase 3 rows");
 * console.assert((p.data as { values: { message: string }[] }).values[0].message === "no Phase 3 rows");
 * ```
 */
export function placeholderPanel(
  message: string,
  width: number = PANEL.width,
  height: number = PANEL.height,
): VegaLiteSpec {
  return {
    width,
    height,
    data: { values: [{ message, x: 0.5, y: 0.5 }] },
    mark: { type: "text", fontSize: 13, color: "#555", align: "center", baseline: "middle" },
    encoding: {
      text: { field: "message", type: "nominal" },
      x: { field: "x", type: "quantitative", scale: { domain: [0, 1] }, axis: null },
      y: { field: "y", type: "quantitative", scale: { domain: [0, 1] }, axis: null },
    },
  };
}

/** A complete figure from a body spec (adds schema, title and config). */
export function figure(
  name: string,
  title: string,
  body: VegaLiteSpec,
  placeholder = false,
  subtitle?: string | readonly string[],
): FigureSpec {
  return {
    name,
    title,
    placeholder,
    spec: {
      $schema: "https://vega.github.io/schema/vega-lite/v6.json",
      title: subtitle ? { text: title, subtitle } : title,
      config: BASE_CONFIG,
      ...body,
    },
  };
}

/** A figure that is only a placeholder message. */
export function placeholderFigure(name: string, title: string, message: string): FigureSpec {
  return figure(name, title, placeholderPanel(message), true);
}

/**
 * Round to `digits` significant digits (non-finite → null, which Vega-Lite treats as missing).
 * @example
 * ```ts
 * import { sig } from "./figure_spec.ts";
 * console.assert(sig(0.123456) === 0.1235 && sig(NaN) === null);
 * ```
 */
export function sig(x: number, digits = 4): number | null {
  if (!Number.isFinite(x)) return null;
  if (x === 0) return 0;
  return Number(x.toPrecision(digits));
}

/** Row indices 0..n−1 thinned to at most `max` by a fixed stride (deterministic). */
export function thinIndices(n: number, max: number): number[] {
  const stride = Math.max(1, Math.ceil(n / max));
  const out: number[] = [];
  for (let i = 0; i < n; i += stride) out.push(i);
  return out;
}
