/**
 * Second step of `deno task bundle` (docs/platform.md §7): `deno bundle --platform deno` has written
 * `dist/.build/tasks/explore.js` and the worker modules under `dist/.build/lib/campaign/workers/`; this
 * moves them into one flat folder — `dist/explore.js`, `dist/sim_worker.js`,
 * `dist/gp_restart_worker.js`, `dist/gp_predict_worker.js`, `dist/code_build_worker.js`, `dist/calibration_worker.js` — because the bundled code resolves each worker as
 * `new URL("./<worker>.js", import.meta.url)`, i.e. next to the file that starts it, and writes
 * `dist/README.md` with the exact `deno run` command and its permissions.
 *
 * A worker URL still spelled `./<worker>.ts` in the bundle (a module that does not yet pick the
 * extension at run time) gets a copy of its worker under that name too, with a warning.
 * @module
 */
import { UsageError } from "../lib/errors.ts";
import { pathExistsSync } from "../lib/io/path_exists.ts";

const DIST = "dist";
const BUILD = `${DIST}/.build`;
const FILES: Record<string, string> = {
  "tasks/explore.js": "explore.js",
  "lib/campaign/workers/sim_worker.js": "sim_worker.js",
  "lib/campaign/workers/gp_restart_worker.js": "gp_restart_worker.js",
  "lib/campaign/workers/gp_predict_worker.js": "gp_predict_worker.js",
  "lib/campaign/workers/code_build_worker.js": "code_build_worker.js",
  "lib/campaign/workers/calibration_worker.js": "calibration_worker.js",
};

const README = `# caligo-ts bundle

Built by \`deno task bundle\` (\`deno bundle --platform deno\`): the campaign CLI \`explore.js\`
and its Web-Worker modules \`sim_worker.js\`, \`gp_restart_worker.js\`, \`gp_predict_worker.js\` and
\`code_build_worker.js\` and \`calibration_worker.js\`, which must stay in the
same folder as \`explore.js\`. No \`deno.json\`, \`node_modules\` or sources are needed (h5wasm's
wasm is inlined). Ship this folder plus the pinned Deno binary (\`tools/node_modules/deno/deno\` of
the project, the same version that built it) and run it from the folder that should hold the
campaign (the real simulator also needs the LDPC code cache: a \`codes/\` folder, relative to the
working directory, writable on first use; the fake simulator needs none):

\`\`\`
deno run --no-prompt \\
  --allow-read=. --allow-write=. --allow-env \\
  --allow-sys=hostname,osRelease,loadavg,systemMemoryInfo \\
  --allow-ffi=/usr/lib/x86_64-linux-gnu/blis-pthread/libblis.so.4,/usr/lib/x86_64-linux-gnu/openblas-pthread/libopenblas.so.0 \\
  /path/to/dist/explore.js --config my_campaign.yaml --output-dir out/my_campaign
\`\`\`

* \`--allow-read=.\` must cover this folder (the workers are read at run time), the config and the
  campaign directory; with the bundle elsewhere, add it: \`--allow-read=.,/path/to/dist\`.
* \`--allow-write\` must cover the campaign directory (and \`codes/\` for the real simulator).
* \`--allow-ffi\` is optional: without it the surrogate uses the TypeScript kernels (slower);
  list the BLAS/LAPACK libraries the node has (see slurm/setup_env.sh, \`CALIGO_BLAS\`,
  \`CALIGO_LAPACK\`).
* All flags of \`deno task explore\` work (\`--continue-from DIR\`, \`--shard I/K\`, …).
  \`deno task compile\` (a single binary) needs the Deno runtime download, which may be
  unreachable; this bundle is the fallback.
`;

function main(): number {
  if (!pathExistsSync(BUILD)) {
    throw new UsageError(`${BUILD}: missing; run 'deno task bundle', not this file alone`);
  }
  for (const [from, to] of Object.entries(FILES)) {
    if (!pathExistsSync(`${BUILD}/${from}`)) throw new UsageError(`${BUILD}/${from}: not bundled`);
    Deno.renameSync(`${BUILD}/${from}`, `${DIST}/${to}`);
  }
  Deno.removeSync(BUILD, { recursive: true });
  const main = Deno.readTextFileSync(`${DIST}/explore.js`);
  const workers = Object.values(FILES).filter((f) => f !== "explore.js").map((f) => f.slice(0, -3));
  for (const worker of workers) {
    const stale = `${DIST}/${worker}.ts`;
    if (main.includes(`"./${worker}.ts"`)) {
      Deno.copyFileSync(`${DIST}/${worker}.js`, stale);
      console.error(
        `bundle: warning: the bundle loads ./${worker}.ts (no .js switch in its module); ` +
          `copied ${worker}.js to ${stale}`,
      );
    } else if (pathExistsSync(stale)) {
      Deno.removeSync(stale);
    }
  }
  Deno.writeTextFileSync(`${DIST}/README.md`, README);
  const size = (f: string) => (Deno.statSync(`${DIST}/${f}`).size / 2 ** 20).toFixed(2);
  console.error(
    `bundle: ${DIST}/explore.js (${size("explore.js")} MB), ` +
      workers.map((w) => `${DIST}/${w}.js`).join(", ") + `, ${DIST}/README.md`,
  );
  return 0;
}

try {
  Deno.exit(main());
} catch (e) {
  console.error(`error: ${(e as Error).message}`);
  Deno.exit(e instanceof UsageError ? 2 : 1);
}
