import { assert, assertEquals, assertThrows } from "../../tests/assert.ts";
import { InvalidArgumentError } from "../errors.ts";
import { sha256, toHex } from "../kernels/sha256.ts";
import {
  caligoDistribution,
  deBscDistribution,
  degreeCounts,
} from "../kernels/ldpc/degree_distributions.ts";
import { simulateFrames } from "./frame_simulation.ts";
import {
  buildCodeFamily,
  buildMotherCode,
  codeAlgorithm,
  createDecoder,
  defaultMotherRates,
  motherCodeId,
} from "./code_family.ts";
import { seededRng } from "./_test_family.ts";
import type { ParityCheckMatrix } from "../kernels/ldpc/parity_check_matrix.ts";

function histogram(degrees: Iterable<number>): Record<number, number> {
  const h: Record<number, number> = {};
  for (const d of degrees) h[d] = (h[d] ?? 0) + 1;
  return h;
}

/** Per variable degree, how many variables lie on a 4-cycle (share two checks with another). */
function fourCycleVariables(h: ParityCheckMatrix): Record<number, number> {
  const degree = new Int32Array(h.n);
  for (let e = 0; e < h.edges; e++) degree[h.colIdx[e]]++;
  const offset = new Int32Array(h.n + 1);
  for (let v = 0; v < h.n; v++) offset[v + 1] = offset[v] + degree[v];
  const checksOf = new Int32Array(h.edges), fill = offset.slice(0, h.n);
  for (let c = 0; c < h.m; c++) {
    for (let e = h.rowPtr[c]; e < h.rowPtr[c + 1]; e++) checksOf[fill[h.colIdx[e]]++] = c;
  }
  const seenBy = new Int32Array(h.n).fill(-1);
  const out: Record<number, number> = {};
  for (let v = 0; v < h.n; v++) {
    let onCycle = false;
    for (let k = offset[v]; k < offset[v + 1] && !onCycle; k++) {
      const c = checksOf[k];
      for (let e = h.rowPtr[c]; e < h.rowPtr[c + 1] && !onCycle; e++) {
        const u = h.colIdx[e];
        if (u !== v) onCycle = seenBy[u] === v, seenBy[u] = v;
      }
    }
    if (onCycle) out[degree[v]] = (out[degree[v]] ?? 0) + 1;
  }
  return out;
}

function countsHistogram(c: { degrees: Int32Array; counts: Int32Array }): Record<number, number> {
  const h: Record<number, number> = {};
  c.degrees.forEach((d, i) => c.counts[i] > 0 && (h[d] = (h[d] ?? 0) + c.counts[i]));
  return h;
}

Deno.test("the caligo family keeps its cache ids; de-bsc codes get their own (…-de-v3)", () => {
  assertEquals(motherCodeId(4096, 0.5, 1), "ldpc-n4096-r0.50-s1-ace-peg-v1");
  assertEquals(motherCodeId(4096, 0.5, 1, "de-bsc"), "ldpc-n4096-r0.50-s1-ace-peg-de-v3");
  assertEquals(codeAlgorithm(65536, "de-bsc"), "local-peg-de-v3");
  assertEquals(defaultMotherRates().length, 9);
  assertEquals(defaultMotherRates("de-bsc").slice(0, 3), [0.35, 0.4, 0.45]);
  assertThrows(
    () => buildCodeFamily({ codeLength: 256, motherRates: [0.4] }, 1),
    InvalidArgumentError,
    "0.50, 0.55",
  );
});

Deno.test("a de-bsc rate-0.40 code at n = 4096 is deterministic, has the designed degrees and almost no 4-cycles", () => {
  const code = buildMotherCode(4096, 0.4, 1, "de-bsc");
  assertEquals(code.id, "ldpc-n4096-r0.40-s1-ace-peg-de-v3");
  assertEquals(code.family, "de-bsc");
  const h = code.matrix;
  const want = degreeCounts(deBscDistribution(0.4), 4096, Math.round(4096 * 0.6));
  assertEquals([h.n, h.m, h.edges], [4096, 2458, want.edges]);
  const varDegree = new Int32Array(h.n);
  for (let e = 0; e < h.edges; e++) varDegree[h.colIdx[e]]++;
  assertEquals(histogram(varDegree), countsHistogram(want.variables));
  const chkDegree = Array.from({ length: h.m }, (_, c) => h.rowPtr[c + 1] - h.rowPtr[c]);
  assertEquals(histogram(chkDegree), countsHistogram(want.checks));
  // Girth 4 as for every n = 4096 ACE-PEG code (the last, highest-degree variables find no
  // check with room outside their 2-neighbourhood), but only 5 variables lie on a 4-cycle, none
  // of degree 2 (Caligo's rate-0.50 code: 960, 52 of degree 2). Regenerated for de-v3: the
  // construction stream is named by the cache id (`ldpc/<id>`), so the version bump re-draws
  // every de-bsc graph (de-v2: { 3: 1, 6: 1, 12: 1, 20: 2 }, 14/200 failures below).
  assertEquals(code.girth, 4);
  assertEquals(fourCycleVariables(h), { 3: 1, 12: 1, 20: 3 });
  // Seeded construction: the same arrays on every run (reference hash of this build).
  const bytes = new Uint8Array(h.colIdx.buffer, h.colIdx.byteOffset, h.colIdx.byteLength);
  assertEquals(toHex(sha256(bytes)).slice(0, 16), "748f804c15d26f95");
});

Deno.test("FER of a de-bsc rate-0.40 code at n = 512, QBER 10 %, matches its seeded reference", () => {
  const family = buildCodeFamily({ codeLength: 512, motherRates: [0.4], codeFamily: "de-bsc" }, 1);
  const h = family.codes[0].matrix;
  const payload = Int32Array.from({ length: h.n }, (_, v) => v);
  const decoder = createDecoder(h, { decoder: "spa-layered", nmsAlpha: 0.8, maxIterations: 50 });
  const r = simulateFrames(h, new Int32Array(0), payload, 0, 0.1, 200, decoder, seededRng(20, 1));
  assertEquals([r.frames, r.failures], [200, 15]);
});

Deno.test("every de-bsc row has fewer degree-2 variables than checks (Caligo's 0.75, 0.80, 0.90 do not)", () => {
  // More degree-2 variables than checks forces cycles made only of degree-2 variables, i.e.
  // low-weight codewords (docs/science.md §9.1). Node fraction of degree 2: (λ₂/2)/Σ λᵢ/i.
  const degree2Fraction = (d: { lambda: readonly (readonly [number, number])[] }) => {
    let nodes = 0;
    for (const [deg, f] of d.lambda) nodes += f / deg;
    return (d.lambda.find(([deg]) => deg === 2)?.[1] ?? 0) / 2 / nodes;
  };
  for (const rate of defaultMotherRates("de-bsc")) {
    if (rate === 0.8) continue; // still Caligo's row in de-v3 (docs/science.md §9.1 says why)
    const f = degree2Fraction(deBscDistribution(rate));
    assert(f < 0.95 * (1 - rate), `rate ${rate}: ${f.toFixed(3)} of the variables have degree 2`);
  }
  for (const rate of [0.75, 0.8, 0.9]) assert(degree2Fraction(caligoDistribution(rate)) > 1 - rate);
});

/**
 * Independent cycles of the degree-2 subgraph (checks as vertices, degree-2 variables as edges):
 * edges − vertices + components, by union–find. Each such cycle is a low-weight codeword.
 */
function degree2Cycles(h: ParityCheckMatrix): number {
  const checksOf = Array.from({ length: h.n }, () => [] as number[]);
  for (let c = 0; c < h.m; c++) {
    for (let e = h.rowPtr[c]; e < h.rowPtr[c + 1]; e++) checksOf[h.colIdx[e]].push(c);
  }
  const parent = Int32Array.from({ length: h.m }, (_, c) => c);
  const root = (c: number): number => parent[c] === c ? c : (parent[c] = root(parent[c]));
  let cycles = 0;
  for (const cs of checksOf) {
    if (cs.length !== 2) continue;
    const a = root(cs[0]), b = root(cs[1]);
    if (a === b) cycles++;
    else parent[a] = b;
  }
  return cycles;
}

Deno.test("the de-bsc rate-0.90 code at n = 4096 is deterministic, has the designed degrees and no cycle of degree-2 variables", () => {
  const code = buildMotherCode(4096, 0.9, 1, "de-bsc");
  assertEquals(code.id, "ldpc-n4096-r0.90-s1-ace-peg-de-v3");
  const h = code.matrix;
  const want = degreeCounts(deBscDistribution(0.9), 4096, Math.round(4096 * 0.1));
  assertEquals([h.n, h.m, h.edges], [4096, 410, want.edges]);
  const varDegree = new Int32Array(h.n);
  for (let e = 0; e < h.edges; e++) varDegree[h.colIdx[e]]++;
  assertEquals(histogram(varDegree), countsHistogram(want.variables));
  const chkDegree = Array.from({ length: h.m }, (_, c) => h.rowPtr[c + 1] - h.rowPtr[c]);
  assertEquals(histogram(chkDegree), countsHistogram(want.checks));
  // Its 362 degree-2 variables on 410 checks form a forest. Caligo's row puts 789 there, which
  // forces ≥ 789 − 410 + 1 = 380 independent cycles (measured: 380).
  assertEquals(degree2Cycles(h), 0);
  const bytes = new Uint8Array(h.colIdx.buffer, h.colIdx.byteOffset, h.colIdx.byteLength);
  assertEquals(toHex(sha256(bytes)).slice(0, 16), "f5feccfa32ba1384");
});
