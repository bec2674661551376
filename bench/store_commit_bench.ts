/**
 * Cost of one Phase 1 commit to the HDF5 store (campaign issue #5: the store's share of a
 * 10,000-sample Phase 1 must stay < 5 %). Rows carry seeded random values (incompressible: the
 * worst case for the gzip filter) and the file grows across iterations as in a real phase.
 * Run: `./deno task bench bench/store_commit_bench.ts`. The whole-phase share is measured by
 * `./deno task explore --config configs/bench_phase1.yaml …` (see that file).
 */
import { type StoreRow } from "../lib/io/store/schema.ts";
import { CampaignStore } from "../lib/io/store/writer.ts";
import { DIAGNOSTIC_COLUMNS } from "../lib/protocol/record.ts";
import { Xoshiro128StarStar } from "../lib/kernels/rng.ts";

const dir = Deno.makeTempDirSync({ prefix: "store_commit_bench_" });
const rng = new Xoshiro128StarStar(Uint32Array.of(5, 6, 7, 8));
const random = (n: number) => Float64Array.from({ length: n }, () => rng.nextDouble());
let nextId = 0;

function rows(count: number): StoreRow[] {
  return Array.from({ length: count }, () => ({
    sampleId: nextId++,
    inputs: random(9),
    outputs: random(6),
    outcome: "success" as const,
    iteration: -1,
    seed: BigInt(rng.nextUint32()),
    numPairs: 10_000,
    keyMargin: rng.nextDouble(),
    diagnostics: random(DIAGNOSTIC_COLUMNS.length),
    metadata: JSON.stringify({ execution_time_seconds: rng.nextDouble(), worker_id: 1 }),
  }));
}

async function openStore(name: string): Promise<CampaignStore> {
  return await CampaignStore.create(`${dir}/${name}.h5`, {
    schema_version: "bench",
    software_version: "bench",
    simulator_version: "bench",
    created_utc: new Date(0).toISOString(),
    campaign_seed: 1,
    config_yaml: "",
    config_sha256: "",
    bounds_json: "{}",
    link_model: "heralded-double-click",
    key_model: "project",
    leakage: "elkouss",
    codes_id: "",
    blas_backend: "ts",
    compat_flags_json: "{}",
  });
}

for (const batch of [50, 300]) {
  const store = await openStore(`b${batch}`);
  Deno.bench(`commit of ${batch} rows (+ run-record row)`, { group: "commit" }, (b) => {
    const r = rows(batch);
    b.start();
    store.append("lhs_warmup", r);
    store.appendCommitRecord({
      commitIndex: 0,
      phase: 1,
      rows: batch,
      wallS: 1,
      writeS: 0,
      samplesPerS: 1,
      workerUtilisation: 1,
      peakRssMb: 1,
      elapsedS: 1,
    });
    b.end();
  });
}

globalThis.addEventListener("unload", () => Deno.removeSync(dir, { recursive: true }));
