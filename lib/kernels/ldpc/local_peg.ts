/**
 * Progressive edge growth (Hu, Eleftheriou & Arnold 2005) for long codes (n > 16384), where the
 * full-depth BFS of ACE-PEG (peg.ts, O(E²) with an O(m) scan per edge) is too slow.
 *
 * Variables are processed in ascending degree. Each edge after a variable's first goes to the
 * farthest check with room found by a BFS from the variable in the current graph: unreached
 * checks first, then the deepest layers; within a level the largest remaining deficit (target −
 * current degree), then a seeded uniform choice. Checks live in buckets by deficit, so a pick is
 * O(1) expected (a few random tries, then a scan of one bucket) instead of PEG's O(m) scan. The
 * BFS of low-degree variables (≤ {@link LocalPegOptions.fullBfsMaxDegree}) is complete, as in PEG
 * — they are placed first, while the graph is sparse, and their short cycles are the harmful ones;
 * the BFS of the others always completes the 4-cycle layer and then stops once
 * {@link LocalPegOptions.visitBudget} checks are reached, the unreached rest counting as farthest.
 * Degree-2 variables also keep out of their first check's component of the degree-2 subgraph
 * while they can (a union-find), so that subgraph stays a forest: a cycle of k degree-2
 * variables is a codeword of weight k. No ACE conditioning. Cost: ≈ 130 s for Caligo's rate-0.6
 * distribution at n = 65536, dominated by the complete BFS of the degree-3 variables.
 * @module
 */
import { InvalidArgumentError } from "../../errors.ts";
import type { Rng } from "../rng.ts";
import { graphDegreeTargets, type NodeDegreeCounts } from "./degree_distributions.ts";
import { createParityCheckMatrix, type ParityCheckMatrix } from "./parity_check_matrix.ts";
import { UnionFind } from "../union_find.ts";

/** Result of {@link buildLocalPegCode}. */
export interface LocalPegResult {
  matrix: ParityCheckMatrix;
  /** Edges that had to close a 4-cycle (no check with room outside v's two-hop neighbourhood). */
  fourCycleEdges: number;
  /** Edges placed beyond a check's target degree (slack). */
  overflowEdges: number;
}

/** Options of {@link buildLocalPegCode}. */
export interface LocalPegOptions {
  /** Largest BFS depth in check layers (8: cycles up to length 18 are avoided when possible). */
  maxDepth?: number;
  /** BFS stops once this many checks are reached (4096). */
  visitBudget?: number;
  /**
   * Variables up to this degree get an unlimited BFS, i.e. PEG's farthest-check placement (3).
   * Measured on Caligo's rate-0.6 distribution at n = 16384: budget 4096 for every variable →
   * FER 0.46 at QBER 5 %; unlimited for degree ≤ 3 → FER 0 (48 frames), as ACE-PEG.
   */
  fullBfsMaxDegree?: number;
}

/** Random tries in the best bucket before it is scanned. */
const RANDOM_TRIES = 8;
/** Extra room per check for overflow edges. */
const SLACK = 8;

/**
 * Build a parity-check matrix with the given node degree counts by local PEG. Deterministic for a
 * given `rng` state.
 * @param variableCounts degrees and counts of the n variables
 * @param checkCounts degrees and counts of the m checks (same edge total)
 * @throws InvalidArgumentError on inconsistent counts or a degree above m
 * @example
 * ```ts
 * import { buildLocalPegCode } from "./local_peg.ts";
 * import { Xoshiro128StarStar } from "../rng.ts";
 * const v = { degrees: Int32Array.of(2, 3), counts: Int32Array.of(120, 40) }; // 360 edges
 * const c = { degrees: Int32Array.of(6), counts: Int32Array.of(60) };
 * const r = buildLocalPegCode(v, c, new Xoshiro128StarStar(Uint32Array.of(1, 2, 3, 4)));
 * console.assert(r.matrix.edges === 360 && r.fourCycleEdges === 0);
 * ```
 */
export function buildLocalPegCode(
  variableCounts: NodeDegreeCounts,
  checkCounts: NodeDegreeCounts,
  rng: Rng,
  options: LocalPegOptions = {},
): LocalPegResult {
  const maxDepth = options.maxDepth ?? 8;
  const visitBudget = options.visitBudget ?? 4096;
  const lowDegreeFullBfs = options.fullBfsMaxDegree ?? 3;
  const { varTarget, chkTarget, n, m, edges } = graphDegreeTargets(variableCounts, checkCounts);
  let maxDeficit = 0;
  for (let c = 0; c < m; c++) maxDeficit = Math.max(maxDeficit, chkTarget[c]);
  // Shuffle the checks' target degrees so equal-degree checks are not clustered by index.
  for (let i = m - 1; i > 0; i--) {
    const j = rng.nextBelow(i + 1);
    const t = chkTarget[i];
    chkTarget[i] = chkTarget[j];
    chkTarget[j] = t;
  }
  const chkOff = new Int32Array(m + 1);
  for (let c = 0; c < m; c++) chkOff[c + 1] = chkOff[c] + chkTarget[c] + SLACK;
  const chkAdj = new Int32Array(chkOff[m]);
  const chkDeg = new Int32Array(m);
  const varOff = new Int32Array(n + 1);
  for (let v = 0; v < n; v++) varOff[v + 1] = varOff[v] + varTarget[v];
  const varAdj = new Int32Array(edges);
  const varDeg = new Int32Array(n);

  // Buckets by deficit 1..maxDeficit: members in one array, bucket k at [start[k], start[k] + size[k]).
  const bucketStart = new Int32Array(maxDeficit + 2);
  const bucketSize = new Int32Array(maxDeficit + 2);
  for (let c = 0; c < m; c++) bucketSize[chkTarget[c]]++;
  for (let k = 1; k <= maxDeficit + 1; k++) {
    bucketStart[k] = bucketStart[k - 1] + bucketSize[k - 1];
  }
  const members = new Int32Array(m), position = new Int32Array(m);
  {
    const fill = new Int32Array(maxDeficit + 1);
    for (let c = 0; c < m; c++) {
      const k = chkTarget[c], p = bucketStart[k] + fill[k]++;
      members[p] = c;
      position[c] = p;
    }
  }
  /** Move check c from bucket k to bucket k − 1 (its deficit dropped by one). */
  const demote = (c: number, k: number) => {
    // Swap c with the first member of bucket k, then shift the boundary: the first slot of
    // bucket k becomes the last slot of bucket k − 1.
    const first = bucketStart[k], other = members[first], p = position[c];
    members[p] = other;
    position[other] = p;
    members[first] = c;
    position[c] = first;
    bucketStart[k]++;
    bucketSize[k]--;
    bucketSize[k - 1]++;
  };

  // BFS state: generation stamps (checks and variables), depth of each reached check, queue.
  const stamp = new Int32Array(m), depthOf = new Int32Array(m), varSeen = new Int32Array(n);
  const queue = new Int32Array(m);
  let generation = 0, fourCycleEdges = 0, overflowEdges = 0;

  // Union-find over checks: components of the subgraph of degree-2 variables.
  const checkSets = new UnionFind(m);
  const find = (c: number): number => checkSets.find(c);

  /** Best check with room accepted by `ok` (largest deficit, then uniform), or −1. */
  const pickAllowed = (ok: (c: number) => boolean): number => {
    for (let k = maxDeficit; k >= 1; k--) {
      const size = bucketSize[k];
      if (size === 0) continue;
      const start = bucketStart[k];
      for (let t = 0; t < RANDOM_TRIES; t++) {
        const c = members[start + rng.nextBelow(size)];
        if (ok(c)) return c;
      }
      let count = 0;
      for (let p = start; p < start + size; p++) if (ok(members[p])) count++;
      if (count === 0) continue;
      let pick = rng.nextBelow(count);
      for (let p = start; p < start + size; p++) {
        if (ok(members[p]) && pick-- === 0) return members[p];
      }
    }
    return -1;
  };

  /**
   * BFS from v in the current graph: checks reached at distance 2·depth + 1 get stamp `gen` and
   * depthOf = depth (0 = v's own checks). Stops after `maxDepth` layers, when nothing new is
   * reached, or (beyond layer 1) in the middle of a layer once `visitBudget` checks are stamped.
   * @returns the depth from which checks count as not reached (all unstamped ones are at least
   * that far)
   */
  const bfs = (v: number, gen: number, budget: number): number => {
    let head = 0, tail = 0;
    varSeen[v] = gen;
    for (let j = varOff[v]; j < varOff[v] + varDeg[v]; j++) {
      const c = varAdj[j];
      stamp[c] = gen;
      depthOf[c] = 0;
      queue[tail++] = c;
    }
    for (let depth = 0; depth < maxDepth; depth++) {
      const layerEnd = tail;
      if (head === layerEnd) return depth + 1;
      for (; head < layerEnd; head++) {
        const c = queue[head];
        for (let p = chkOff[c]; p < chkOff[c] + chkDeg[c]; p++) {
          const u = chkAdj[p];
          if (varSeen[u] === gen) continue;
          varSeen[u] = gen;
          for (let j = varOff[u]; j < varOff[u] + varDeg[u]; j++) {
            const c2 = varAdj[j];
            if (stamp[c2] === gen) continue;
            stamp[c2] = gen;
            depthOf[c2] = depth + 1;
            queue[tail++] = c2;
          }
        }
        // Layer 1 (the 4-cycle distance) is always complete; deeper ones may be cut short.
        if (depth >= 1 && tail > budget) return depth + 1; // layer depth + 1 is partial
      }
    }
    return maxDepth + 1;
  };

  const addEdge = (v: number, c: number) => {
    if (chkDeg[c] >= chkTarget[c] + SLACK) {
      throw new InvalidArgumentError("checkCounts", chkTarget[c], `check ${c} overflowed`);
    }
    const deficit = chkTarget[c] - chkDeg[c];
    if (deficit > 0) demote(c, deficit);
    else overflowEdges++;
    chkAdj[chkOff[c] + chkDeg[c]++] = v;
    varAdj[varOff[v] + varDeg[v]++] = c;
  };

  for (let v = 0; v < n; v++) {
    const degreeTwo = varTarget[v] === 2;
    for (let k = 0; k < varTarget[v]; k++) {
      let c = -1;
      if (k === 0) {
        c = pickAllowed(() => true); // no cycle can be closed by the first edge
      } else {
        const gen = ++generation;
        const horizon = bfs(v, gen, varTarget[v] <= lowDegreeFullBfs ? m : visitBudget);
        const avoidRoot = degreeTwo ? find(varAdj[varOff[v]]) : -1;
        // The farthest checks first: not reached (≥ horizon), then the deepest layers; a
        // degree-2 variable also keeps out of its first check's degree-2 component while it can.
        for (let level = horizon; level >= 1 && c < 0; level--) {
          const far = (x: number) => stamp[x] !== gen || depthOf[x] >= level;
          if (avoidRoot >= 0) c = pickAllowed((x) => far(x) && find(x) !== avoidRoot);
          if (c < 0) c = pickAllowed(far);
          if (c >= 0 && stamp[c] === gen && depthOf[c] === 1) fourCycleEdges++;
        }
        if (c >= 0 && avoidRoot >= 0) checkSets.union(c, avoidRoot);
      }
      if (c < 0) {
        // No check with room left that is not adjacent: overflow into the least-filled one.
        let best = -1;
        outer: for (let x = 0; x < m; x++) {
          for (let j = varOff[v]; j < varOff[v] + varDeg[v]; j++) {
            if (varAdj[j] === x) continue outer;
          }
          if (best < 0 || chkDeg[x] - chkTarget[x] < chkDeg[best] - chkTarget[best]) best = x;
        }
        if (best < 0) {
          throw new InvalidArgumentError(
            "variableCounts",
            varTarget[v],
            `variable ${v} cannot be placed`,
          );
        }
        c = best;
      }
      addEdge(v, c);
    }
  }

  const rowPtr = new Int32Array(m + 1);
  for (let c = 0; c < m; c++) rowPtr[c + 1] = rowPtr[c] + chkDeg[c];
  const colIdx = new Int32Array(rowPtr[m]);
  for (let c = 0; c < m; c++) {
    colIdx.set(chkAdj.subarray(chkOff[c], chkOff[c] + chkDeg[c]).slice().sort(), rowPtr[c]);
  }
  return {
    matrix: createParityCheckMatrix(m, n, rowPtr, colIdx),
    fourCycleEdges,
    overflowEdges,
  };
}
