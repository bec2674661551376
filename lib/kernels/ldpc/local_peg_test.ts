import { assert, assertEquals } from "../../../tests/assert.ts";
import { InvalidArgumentError } from "../../errors.ts";
import { Xoshiro128StarStar } from "../rng.ts";
import { buildLocalPegCode } from "./local_peg.ts";
import type { ParityCheckMatrix } from "./parity_check_matrix.ts";
import { assertThrows } from "../../../tests/assert.ts";

const rng = (s: number) => new Xoshiro128StarStar(Uint32Array.of(s, 2, 3, 4));

/** Number of pairs of checks sharing two or more variables (each such pair closes a 4-cycle). */
function fourCycles(h: ParityCheckMatrix): number {
  const varChecks: number[][] = Array.from({ length: h.n }, () => []);
  for (let c = 0; c < h.m; c++) {
    for (let e = h.rowPtr[c]; e < h.rowPtr[c + 1]; e++) varChecks[h.colIdx[e]].push(c);
  }
  let cycles = 0;
  const seen = new Int32Array(h.m).fill(-1);
  for (let c = 0; c < h.m; c++) {
    const shared = new Map<number, number>();
    for (let e = h.rowPtr[c]; e < h.rowPtr[c + 1]; e++) {
      for (const c2 of varChecks[h.colIdx[e]]) {
        if (c2 > c) shared.set(c2, (shared.get(c2) ?? 0) + 1);
      }
    }
    for (const k of shared.values()) if (k >= 2) cycles++;
    seen[c] = c;
  }
  return cycles;
}

function degrees(
  h: ParityCheckMatrix,
): { variables: Map<number, number>; checks: Map<number, number> } {
  const vdeg = new Int32Array(h.n);
  const checks = new Map<number, number>();
  for (let c = 0; c < h.m; c++) {
    const d = h.rowPtr[c + 1] - h.rowPtr[c];
    checks.set(d, (checks.get(d) ?? 0) + 1);
    for (let e = h.rowPtr[c]; e < h.rowPtr[c + 1]; e++) vdeg[h.colIdx[e]]++;
  }
  const variables = new Map<number, number>();
  for (const d of vdeg) variables.set(d, (variables.get(d) ?? 0) + 1);
  return { variables, checks };
}

Deno.test("buildLocalPegCode() meets the degree counts exactly, avoids 4-cycles but at the very end and keeps degree-2 variables acyclic", () => {
  // 2600 edges on 500 checks (every two-hop neighbourhood is far smaller than m); 400 degree-2
  // variables on 500 checks can form a forest.
  const variables = { degrees: Int32Array.of(2, 3, 6), counts: Int32Array.of(400, 400, 100) };
  const checks = { degrees: Int32Array.of(5, 7), counts: Int32Array.of(450, 50) };
  const r = buildLocalPegCode(variables, checks, rng(1));
  const h = r.matrix;
  assertEquals([h.n, h.m, h.edges, r.overflowEdges], [900, 500, 2600, 0]);
  // Only the last edges, when a handful of checks with room is left, may have to close one.
  assert(r.fourCycleEdges <= 2, `${r.fourCycleEdges} edges closed a 4-cycle`);
  assert(fourCycles(h) <= r.fourCycleEdges, `${fourCycles(h)} 4-cycles`);
  const got = degrees(h);
  assertEquals([...got.variables.entries()].sort((a, b) => a[0] - b[0]), [[2, 400], [3, 400], [
    6,
    100,
  ]]);
  assertEquals([...got.checks.entries()].sort((a, b) => a[0] - b[0]), [[5, 450], [7, 50]]);
  // The subgraph of degree-2 variables is a forest, also when the BFS alone would not see the
  // cycle (budget 1, no complete BFS: only the union-find rule keeps it acyclic).
  for (
    const g of [
      h,
      buildLocalPegCode(variables, checks, rng(1), {
        fullBfsMaxDegree: 0,
        visitBudget: 1,
      }).matrix,
    ]
  ) {
    const parent = Int32Array.from({ length: g.m }, (_, c) => c);
    const find = (c: number): number => (parent[c] === c ? c : (parent[c] = find(parent[c])));
    const ends: number[][] = Array.from({ length: g.n }, () => []);
    for (let c = 0; c < g.m; c++) {
      for (let e = g.rowPtr[c]; e < g.rowPtr[c + 1]; e++) ends[g.colIdx[e]].push(c);
    }
    for (const e of ends) {
      if (e.length !== 2) continue;
      const [a, b] = [find(e[0]), find(e[1])];
      assert(a !== b, "a cycle of degree-2 variables");
      parent[a] = b;
    }
  }
});

Deno.test("buildLocalPegCode() is deterministic for a seed and differs between seeds", () => {
  const v = { degrees: Int32Array.of(2, 3, 8), counts: Int32Array.of(600, 300, 50) }; // 2500 edges
  const c = { degrees: Int32Array.of(5), counts: Int32Array.of(500) };
  const a = buildLocalPegCode(v, c, rng(5)), b = buildLocalPegCode(v, c, rng(5));
  const other = buildLocalPegCode(v, c, rng(6));
  assertEquals(a.matrix.colIdx, b.matrix.colIdx);
  assert(other.matrix.colIdx.some((x, i) => x !== a.matrix.colIdx[i]));
});

Deno.test("buildLocalPegCode() closes 4-cycles only when the graph is too dense to avoid them, and rejects bad counts", () => {
  // 12 checks of degree 6, variables of degree 3: every check is within two hops soon.
  const dense = buildLocalPegCode(
    { degrees: Int32Array.of(3), counts: Int32Array.of(24) },
    { degrees: Int32Array.of(6), counts: Int32Array.of(12) },
    rng(2),
  );
  assert(dense.fourCycleEdges > 0 && dense.overflowEdges === 0);
  assertEquals(fourCycles(dense.matrix) > 0, true);
  assertThrows(
    () =>
      buildLocalPegCode(
        { degrees: Int32Array.of(3), counts: Int32Array.of(10) },
        { degrees: Int32Array.of(4), counts: Int32Array.of(5) },
        rng(1),
      ),
    InvalidArgumentError,
    "edge total",
  );
});
