/**
 * Where the campaign's Web-Worker modules are: `lib/campaign/workers/<name>.ts` in the sources, and
 * `<name>.js` next to the bundled module in a bundle (`deno task bundle` ships each worker as .js
 * beside `explore.js`, and the bundled code's `import.meta.url` ends in .js).
 * @module
 */

/** URL of the campaign worker module `name` (e.g. "sim_worker"). */
export function campaignWorkerUrl(name: string): URL {
  const ext = import.meta.url.endsWith(".js") ? "js" : "ts";
  return new URL(`./${name}.${ext}`, import.meta.url);
}
