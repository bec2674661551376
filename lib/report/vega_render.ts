/**
 * Headless figure rendering (docs/platform.md §6): Vega-Lite spec → Vega View with renderer "none" →
 * SVG string; SVG → PNG with @resvg/resvg-wasm and the DejaVu fonts. No browser, no DOM.
 * @module
 */
import * as vega from "vega";
import * as vl from "vega-lite";
import { initWasm, Resvg } from "@resvg/resvg-wasm";
import { FileFormatError } from "../errors.ts";

/** A Vega-Lite spec as plain JSON. */
export type VegaLiteSpec = Record<string, unknown>;

/**
 * Compile a Vega-Lite spec and render it to an SVG string headlessly.
 * @example
 * ```ts
 * import { renderSvg } from "./vega_render.ts";
 * const svg = await renderSvg({ data: { values: [{ a: 1 }] }, mark: "point", encoding: { x: { field: "a", type: "quantitative" } } });
 * console.assert(svg.startsWith("<svg"));
 * ```
 */
export async function renderSvg(spec: VegaLiteSpec): Promise<string> {
  const compiled = vl.compile(spec as unknown as vl.TopLevelSpec).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: "none" });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/** Turns SVG into PNG with embedded fonts. */
export interface PngRenderer {
  /** PNG bytes of `svg` at `zoom` × its pixel size, white background. */
  render(svg: string, zoom?: number): Uint8Array;
}

/** Directory of the DejaVu fonts (Debian `fonts-dejavu-core`). */
export const DEJAVU_DIR = "/usr/share/fonts/truetype/dejavu/";

// resvg's initWasm may run once per process (a second call throws): the wasm instance is
// process-wide by construction, so its one-time initialisation is shared here.
let wasmReady: Promise<void> | undefined;

/**
 * Create a PNG renderer: initialises the resvg wasm once per process (read from node_modules)
 * and loads DejaVu Sans regular and bold.
 * @throws FileFormatError if the fonts are missing (install fonts-dejavu-core)
 */
export async function createPngRenderer(fontDir = DEJAVU_DIR): Promise<PngRenderer> {
  wasmReady ??= Deno.readFile(new URL(import.meta.resolve("@resvg/resvg-wasm/index_bg.wasm")))
    .then((bytes) => initWasm(bytes));
  try {
    await wasmReady;
  } catch (e) {
    wasmReady = undefined;
    throw e;
  }
  let fonts: Uint8Array[];
  try {
    fonts = await Promise.all(
      ["DejaVuSans.ttf", "DejaVuSans-Bold.ttf"].map((f) => Deno.readFile(fontDir + f)),
    );
  } catch (e) {
    if (e instanceof Deno.errors.PermissionDenied) throw e;
    throw new FileFormatError(
      fontDir,
      "DejaVu fonts not found (apt-get install fonts-dejavu-core)",
      {
        cause: e,
      },
    );
  }
  return {
    render(svg: string, zoom = 2): Uint8Array {
      const r = new Resvg(svg, {
        background: "white",
        fitTo: { mode: "zoom", value: zoom },
        font: { fontBuffers: fonts, defaultFontFamily: "DejaVu Sans", loadSystemFonts: false },
      });
      try {
        const img = r.render();
        const png = img.asPng();
        img.free();
        return png;
      } finally {
        r.free();
      }
    },
  };
}
