/**
 * Architecture check (`deno task check`): imports point down the layers of STYLE.md §1, and the
 * pure layers touch no I/O. Layers, lowest first: lib/errors.ts; lib/kernels; lib/science;
 * lib/reconciliation; lib/protocol and lib/surrogate; lib/active; lib/io; lib/campaign and
 * lib/report; then tasks/, mod.ts, bench/ and tests/. Test and bench files beside a module may
 * import any library layer (never tasks/).
 *
 * File names starting with `_` (STYLE.md §2) mean one thing: internal to their folder.
 * - `_test_*.ts`: test support (fixture builders, fakes, oracles) — only tests (`*_test.ts`),
 *   benchmarks (`*_bench.ts`, bench/) and other test support may import it.
 * - any other `_*.ts`: a private stage of its folder — only files of the same folder (and their
 *   tests and benchmarks) may import it.
 * Generated code is named `*.generated.ts`, never `_`-prefixed.
 *
 * No mutable module state in lib/kernels (kernels take their caches and workspaces from the
 * caller): a heuristic rejects, outside tests and benchmarks, a top-level `let` or `var`, and a
 * top-level `const X = new Map|Set|WeakMap|WeakSet|Array(…)`, and a top-level `const x = […]` or
 * `{…}` whose name is not UPPER_CASE (UPPER_CASE marks a constant table). It reads unindented
 * lines only, so state hidden in a closure or a class is the reviewer's to catch.
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
/** Top-level `let`/`var`, or a top-level non-UPPER_CASE const bound to a mutable container. */
const MODULE_STATE = new RegExp(
  [
    String.raw`^(?:export\s+)?(?:let|var)\s+[\w$]+`,
    String
      .raw`^(?:export\s+)?const\s+[\w$]+\s*(?::[^=\n]+)?=\s*new\s+(?:Map|Set|WeakMap|WeakSet|Array)\b`,
    String.raw`^(?:export\s+)?const\s+(?![A-Z][A-Z0-9_]*\b)[\w$]+\s*(?::[^=\n]+)?=\s*[\[{]`,
  ].join("|"),
  "gm",
);
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
  const isTestOrBench = /_(test|bench)\.ts$|\/_test_[^/]*\.ts$/.test(file) ||
    file.startsWith("bench/");
  const folder = file.slice(0, file.lastIndexOf("/") + 1);
  for (const m of text.matchAll(importRe)) {
    const spec = m[1] ?? m[2] ?? m[3];
    if (!spec?.startsWith(".")) continue;
    const target = new URL(spec, `file:///${file}`).pathname.slice(1);
    const targetRank = rankOf(target);
    const targetName = target.slice(target.lastIndexOf("/") + 1);
    const targetFolder = target.slice(0, target.lastIndexOf("/") + 1);
    if (targetName.startsWith("_test_") && !isTestOrBench) {
      problems.push(`${file}: imports ${target}, test support (only tests and benchmarks may)`);
    } else if (
      targetName.startsWith("_") && !targetName.startsWith("_test_") &&
      targetFolder !== folder && !isTestOrBench
    ) {
      problems.push(`${file}: imports ${target}, internal to ${targetFolder}`);
    }
    if (targetRank === undefined) continue;
    if (target.startsWith("tasks/") && !file.startsWith("tasks/") && !file.startsWith("tests/")) {
      problems.push(`${file}: imports ${target} (nothing imports tasks/)`);
    } else if (!isTestOrBench && targetRank > rank) {
      problems.push(`${file}: imports ${target}, a higher layer`);
    }
  }
  if (!isTestOrBench && file.startsWith("lib/kernels/")) {
    for (const hit of text.matchAll(MODULE_STATE)) {
      const line = text.slice(0, hit.index).split("\n").length;
      problems.push(
        `${file}:${line}: module-level mutable state in lib/kernels (${hit[0].trim()})`,
      );
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
