import { assert, assertEquals } from "../../tests/assert.ts";
import { escapeHtml, renderHtmlReport } from "./html_report.ts";

Deno.test("renderHtmlReport() inlines figures and escapes tables, attributes and config", () => {
  const html = renderHtmlReport({
    campaignName: "c<1>",
    generatedUtc: "2026-01-01T00:00:00Z",
    tables: [{ name: "t", title: "T & U", columns: ["a"], rows: [["<b>"]] }],
    figures: [{
      name: "f",
      title: "F",
      svg: '<?xml version="1.0"?><svg class="marks"><g></g><script>x()</script></svg>',
      placeholder: false,
      links: ["figures/f.png"],
    }],
    summaryHtml: '<section id="summary"></section>',
    explorerHtml: '<section id="cliff-explorer"></section>',
    diagnostics: [{ name: "diag-x", title: "Run", columns: ["k"], rows: [["v"]] }],
    attributes: { schema_version: "caligo-ts/1", config_yaml: "hidden: 1" },
    configYaml: "a: <1>\n",
  });
  assert(html.includes('<svg class="marks"><g></g></svg>'), "svg inlined without prolog/script");
  assert(html.includes("<td>&lt;b&gt;</td>") && html.includes("T &amp; U"));
  assert(html.includes("<pre>a: &lt;1&gt;\n</pre>"));
  assert(!html.includes("hidden: 1"), "config_yaml attribute shown only as the config section");
  assert(html.includes('data-figures-expected="1"'));
  assert(!/(src|href)="https?:/.test(html), "no external requests");
  const order = ["summary", "cliff-explorer", "figures", "tables", "diagnostics"]
    .map((id) => html.indexOf(`id="${id}"`));
  assert(order.every((p, i) => p > 0 && (i === 0 || p > order[i - 1])), `section order ${order}`);
  assertEquals(escapeHtml(`"'&`), "&quot;'&amp;");
});
