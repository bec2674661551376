/**
 * Architecture check (`deno task check`): imports point down the layers of STYLE.md §1, and the
 * pure layers touch no I/O. Layers, lowest first: lib/errors.ts; lib/kernels; lib/science;
 * lib/reconciliation; lib/protocol and lib/surrogate; lib/active; lib/io; lib/campaign and
 * lib/report; then tasks/, mod.ts, bench/ and tests/. Test and bench files beside a module may
 * import any library layer (never tasks/).
 * Usage: deno run -R=. tools/check_imports.ts
 */
const RANKS: [prefix: string, rank: number][] = [
  ["lib/errors.ts", 0],
  ["lib/kernels/", 1],
  ["lib/science/", 2],
  ["lib/reconciliation/", 3],
  ["lib/protocol/", 4],
  ["lib/surrogate/", 4],
  ["lib/active/", 5],
  ["lib/io/", 6],
  ["lib/campaign/", 7],
  ["lib/report/", 7],
  ["tasks/", 9],
  ["mod.ts", 9],
  ["bench/", 9],
  ["tests/", 9],
];
const PURE = [
  "lib/kernels/",
  "lib/science/",
  "lib/reconciliation/",
  "lib/protocol/",
  "lib/surrogate/",
  "lib/active/",
];
const IMPURE = /\bDeno\.|\bconsole\.|\bMath\.random\(|\bDate\.now\(|\bperformance\.now\(/;

function rankOf(path: string): number | undefined {
  return RANKS.find(([prefix]) => path === prefix || path.startsWith(prefix))?.[1];
}

async function* walk(dir: string): AsyncGenerator<string> {
  for await (const entry of Deno.readDir(dir)) {
    const path = `${dir}/${entry.name}`;
    if (entry.isDirectory) yield* walk(path);
    else if (entry.name.endsWith(".ts")) yield path;
  }
}

const root = new URL("..", import.meta.url).pathname.replace(/\/$/, "");
const problems: string[] = [];
const files: string[] = ["mod.ts"];
for (const dir of ["lib", "tasks", "tests", "bench"]) {
  try {
    for await (const f of walk(`${root}/${dir}`)) files.push(f.slice(root.length + 1));
  } catch (e) {
    if (!(e instanceof Deno.errors.NotFound)) throw e;
  }
}
const importRe =
  /(?:^|\n)\s*(?:import|export)\b[^;]*?from\s+["']([^"']+)["']|import\(\s*["']([^"']+)["']\s*\)|new URL\(\s*["'](\.[^"']+\.ts)["']/g;
for (const file of files) {
  let text: string;
  try {
    text = await Deno.readTextFile(`${root}/${file}`);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) continue;
    throw e;
  }
  const rank = rankOf(file);
  if (rank === undefined) continue;
  const isTestOrBench = /_(test|bench)\.ts$|\/_test_[^/]*\.ts$/.test(file);
  for (const m of text.matchAll(importRe)) {
    const spec = m[1] ?? m[2] ?? m[3];
    if (!spec?.startsWith(".")) continue;
    const target = new URL(spec, `file:///${file}`).pathname.slice(1);
    const targetRank = rankOf(target);
    if (targetRank === undefined) continue;
    if (target.startsWith("tasks/") && !file.startsWith("tasks/") && !file.startsWith("tests/")) {
      problems.push(`${file}: imports ${target} (nothing imports tasks/)`);
    } else if (!isTestOrBench && targetRank > rank) {
      problems.push(`${file}: imports ${target}, a higher layer`);
    }
  }
  if (!isTestOrBench && PURE.some((p) => file.startsWith(p))) {
    const code = text.replace(/\/\*[\s\S]*?\*\/|\/\/[^\n]*/g, "");
    const hit = code.match(IMPURE);
    if (hit) problems.push(`${file}: pure layer uses ${hit[0]}`);
  }
}
if (problems.length > 0) {
  console.error(`check_imports: ${problems.length} problem(s)\n  ${problems.join("\n  ")}`);
  Deno.exit(1);
}
console.error(`check_imports: ${files.length} files, layering ok`);
