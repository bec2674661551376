import { assert, assertEquals } from "../../tests/assert.ts";
import { createPngRenderer, renderSvg } from "./vega_render.ts";

const SPEC = {
  width: 100,
  height: 80,
  data: { values: [{ a: 1, b: 2 }, { a: 2, b: 3 }] },
  mark: "point",
  encoding: { x: { field: "a", type: "quantitative" }, y: { field: "b", type: "quantitative" } },
  config: { font: "DejaVu Sans" },
};

Deno.test("renderSvg() / createPngRenderer() give an SVG with marks and a PNG, wasm initialised once", async () => {
  const svg = await renderSvg(SPEC);
  assert(svg.startsWith("<svg") && svg.includes('class="mark-symbol'));
  const a = await createPngRenderer();
  const b = await createPngRenderer(); // second call must not re-initialise the wasm (it throws)
  const png = b.render(svg, 1);
  assertEquals(Array.from(png.subarray(0, 8)), [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  // width in the IHDR chunk (bytes 16–19) scales with the zoom
  const width = (p: Uint8Array) => new DataView(p.buffer, p.byteOffset).getUint32(16);
  assertEquals(width(a.render(svg, 2)), 2 * width(png));
});
