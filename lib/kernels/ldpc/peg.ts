/**
 * Progressive edge growth (PEG; Hu, Eleftheriou & Arnold 2005) with ACE conditioning (Tian et
 * al. 2004, in the candidate-selection form of Xiao & Banihashemi 2004), docs/science.md §9.1.
 *
 * Variables are numbered and processed in ascending degree; each of a variable's edges goes to a
 * check found by BFS from the variable in the current graph: the BFS grows layer by layer (depth ≤
 * 50) until every check that still has room (current degree < target degree) has been reached,
 * or the reached set stops growing. Candidates are the unreached checks with room (no cycle is
 * closed) or else the checks with room first reached in the last layer (the longest possible new
 * cycle). Among candidates: largest remaining deficit (target − current degree), then ACE
 * (cycles of length ≤ 2·d_ACE = 16 whose ACE = Σ(d_u − 2) over their variables is below η = 4 are
 * avoided; variables of degree ≥ 6 bypass the test), then a seeded uniform choice. The ACE of the
 * cycle closed through a candidate is taken along the BFS-tree path that first reached it (exact
 * when the shortest path is unique, an upper bound otherwise).
 *
 * Speed: typed arrays throughout, generation stamps instead of clearing visited sets, the BFS
 * stops in the middle of a layer as soon as all checks with room are reached, ties are collected
 * and resolved with one draw. The first edge of a variable needs no BFS. Cost is still
 * O(E²) edge visits (each BFS covers most of the graph once it is dense): ≈ 1–3 s at n = 4096 and
 * ≈ 30–60 s at n = 16384 on one core, hence the on-disk cache (lib/io/code_cache.ts). `girth` is
 * the smallest cycle length closed by any added edge (each cycle is closed by its last edge, whose
 * BFS saw the shortest one), i.e. the girth of the result.
 * @module
 */
import { InvalidArgumentError } from "../../errors.ts";
import type { Rng } from "../rng.ts";
import { graphDegreeTargets, type NodeDegreeCounts } from "./degree_distributions.ts";
import { createParityCheckMatrix, type ParityCheckMatrix } from "./parity_check_matrix.ts";

/** Options of {@link buildPegCode}. */
export interface PegOptions {
  /** Maximum BFS depth (50). */
  maxDepth?: number;
  /** ACE cycle horizon d_ACE: cycles up to length 2·d_ACE are conditioned (8). */
  aceDepth?: number;
  /** ACE threshold η (4). */
  aceThreshold?: number;
  /** Variables of this degree or more bypass the ACE test (6). */
  aceBypassDegree?: number;
}

/** Result of {@link buildPegCode}. */
export interface PegResult {
  matrix: ParityCheckMatrix;
  /** Shortest cycle length (Infinity if the graph is a forest). */
  girth: number;
  /** Edges that had to exceed a check's target degree (0 when the distribution was met). */
  overflowEdges: number;
}

/** The growing Tanner graph and BFS scratch, passed to the hot BFS kernel. */
interface PegGraph {
  chkOff: Int32Array;
  chkAdj: Int32Array;
  chkDeg: Int32Array;
  chkTarget: Int32Array;
  varOff: Int32Array;
  varAdj: Int32Array;
  varDeg: Int32Array;
  varTarget: Int32Array;
  chkStamp: Int32Array;
  varStamp: Int32Array;
  chkAce: Int32Array;
  varAce: Int32Array;
  queue: Int32Array;
  /** io[0]: checks with room reached by the last {@link expandLayer} call. */
  io: Int32Array;
}

/**
 * One BFS layer: expand the checks queue[layerStart, layerEnd) through their variables into new
 * checks appended to the queue (stamped with `generation`, ACE along the tree path). Stops early
 * once `needed` checks with room have been reached. Returns the new queue tail. Kept as a
 * closure-free top-level function so V8 keeps every variable in registers.
 */
function expandLayer(
  g: PegGraph,
  layerStart: number,
  layerEnd: number,
  generation: number,
  needed: number,
): number {
  const { chkOff, chkAdj, chkDeg, chkTarget, varOff, varAdj, varDeg, varTarget } = g;
  const { chkStamp, varStamp, chkAce, varAce, queue } = g;
  let tail = layerEnd, found = 0;
  expansion: for (let qi = layerStart; qi < layerEnd; qi++) {
    const c = queue[qi];
    const aceC = chkAce[c];
    for (let j = chkOff[c], je = chkOff[c] + chkDeg[c]; j < je; j++) {
      const u = chkAdj[j];
      if (varStamp[u] === generation) continue;
      varStamp[u] = generation;
      const aceU = aceC + varTarget[u] - 2;
      varAce[u] = aceU;
      for (let i = varOff[u], ie = varOff[u] + varDeg[u]; i < ie; i++) {
        const c2 = varAdj[i];
        if (chkStamp[c2] === generation) continue;
        chkStamp[c2] = generation;
        chkAce[c2] = aceU;
        queue[tail++] = c2;
        // All checks with room reached: the rest of this layer cannot add candidates.
        if (chkDeg[c2] < chkTarget[c2] && ++found === needed) break expansion;
      }
    }
  }
  g.io[0] = found;
  return tail;
}

/**
 * Build an ACE-PEG parity-check matrix with the given node degree counts. Deterministic for a
 * given `rng` state.
 * @param variableCounts degrees and counts of the n variables
 * @param checkCounts degrees and counts of the m checks (same edge total)
 * @example
 * ```ts
 * import { buildPegCode } from "./peg.ts";
 * import { Xoshiro128StarStar } from "../rng.ts";
 * const v = { degrees: Int32Array.of(2, 3), counts: Int32Array.of(12, 4) }; // 36 edges
 * const c = { degrees: Int32Array.of(6), counts: Int32Array.of(6) };
 * const { matrix, girth } = buildPegCode(v, c, new Xoshiro128StarStar(Uint32Array.of(1, 2, 3, 4)));
 * console.assert(matrix.edges === 36 && girth >= 6);
 * ```
 */
export function buildPegCode(
  variableCounts: NodeDegreeCounts,
  checkCounts: NodeDegreeCounts,
  rng: Rng,
  options: PegOptions = {},
): PegResult {
  const maxDepth = options.maxDepth ?? 50;
  const aceHorizon = options.aceDepth ?? 8;
  const aceThreshold = options.aceThreshold ?? 4;
  const aceBypass = options.aceBypassDegree ?? 6;
  const { varTarget, chkTarget, n, m, edges } = graphDegreeTargets(variableCounts, checkCounts);
  // Check adjacency with slack for overflow edges.
  const slack = 8;
  const chkOff = new Int32Array(m + 1);
  for (let c = 0; c < m; c++) chkOff[c + 1] = chkOff[c] + chkTarget[c] + slack;
  const chkAdj = new Int32Array(chkOff[m]);
  const chkDeg = new Int32Array(m);
  const varOff = new Int32Array(n + 1);
  for (let v = 0; v < n; v++) varOff[v + 1] = varOff[v] + varTarget[v];
  const varAdj = new Int32Array(edges);
  const varDeg = new Int32Array(n);
  // BFS state: generation stamps, queue of checks, per-node ACE along the BFS tree.
  const chkStamp = new Int32Array(m), varStamp = new Int32Array(n);
  const chkAce = new Int32Array(m), varAce = new Int32Array(n);
  const queue = new Int32Array(m);
  let generation = 0;
  let unfilled = 0;
  for (let c = 0; c < m; c++) if (chkTarget[c] > 0) unfilled++;
  let girth = Infinity, overflowEdges = 0;
  const ties = new Int32Array(m);
  const graph: PegGraph = {
    chkOff,
    chkAdj,
    chkDeg,
    chkTarget,
    varOff,
    varAdj,
    varDeg,
    varTarget,
    chkStamp,
    varStamp,
    chkAce,
    varAce,
    queue,
    io: new Int32Array(1),
  };

  const addEdge = (v: number, c: number): void => {
    if (chkDeg[c] >= chkTarget[c] + slack) {
      throw new InvalidArgumentError(
        "checkCounts",
        chkTarget[c],
        `check ${c} overflowed its slack`,
      );
    }
    if (chkDeg[c] >= chkTarget[c]) overflowEdges++;
    chkAdj[chkOff[c] + chkDeg[c]++] = v;
    varAdj[varOff[v] + varDeg[v]++] = c;
    if (chkDeg[c] === chkTarget[c]) unfilled--;
  };

  for (let v = 0; v < n; v++) {
    const dv = varTarget[v];
    const bypassAce = dv >= aceBypass;
    for (let k = 0; k < dv; k++) {
      generation++;
      varStamp[v] = generation;
      let chosen = -1;
      if (k === 0) {
        chosen = pickUnreached(-1);
      } else {
        // Layer 0: the current neighbours of v.
        let head = 0, tail = 0, reachedWithRoom = 0;
        for (let j = varOff[v]; j < varOff[v] + varDeg[v]; j++) {
          const c = varAdj[j];
          chkStamp[c] = generation;
          chkAce[c] = dv - 2;
          queue[tail++] = c;
          if (chkDeg[c] < chkTarget[c]) reachedWithRoom++;
        }
        let depth = 0;
        for (;;) {
          if (reachedWithRoom === unfilled) {
            // Every check with room is adjacent already (only at the very end): overflow.
            if (depth === 0) {
              chosen = pickOverflow(v);
              break;
            }
            chosen = pickLayer(head, tail, depth, bypassAce);
            break;
          }
          if (depth >= maxDepth) {
            chosen = pickLayer(head, tail, depth, bypassAce);
            if (chosen < 0) chosen = pickUnreached(-1);
            break;
          }
          const layerEnd = tail;
          tail = expandLayer(graph, head, layerEnd, generation, unfilled - reachedWithRoom);
          reachedWithRoom += graph.io[0];
          head = layerEnd;
          depth++;
          if (tail === head) {
            // Reached set stopped growing: connect to an unreached check (no new cycle).
            chosen = pickUnreached(generation);
            if (chosen < 0) chosen = pickOverflow(v);
            break;
          }
        }
      }
      addEdge(v, chosen);
    }
  }

  /** Best check with room among the layer queue[head, tail) at BFS depth `depth`. */
  function pickLayer(head: number, tail: number, depth: number, bypassAce: boolean): number {
    const cycleLength = 2 * (depth + 1);
    const conditioned = !bypassAce && cycleLength <= 2 * aceHorizon;
    let bestDeficit = 0, bestAce = -1, count = 0;
    for (let qi = head; qi < tail; qi++) {
      const c = queue[qi];
      const deficit = chkTarget[c] - chkDeg[c];
      if (deficit <= 0 || deficit < bestDeficit) continue;
      const ace = conditioned ? Math.min(chkAce[c], aceThreshold) : aceThreshold;
      if (deficit > bestDeficit || ace > bestAce) {
        bestDeficit = deficit;
        bestAce = ace;
        count = 0;
      } else if (ace < bestAce) continue;
      ties[count++] = c;
    }
    if (count === 0) return -1;
    if (cycleLength < girth) girth = cycleLength;
    return ties[count === 1 ? 0 : rng.nextBelow(count)];
  }

  /** Best check with room whose stamp differs from `stamp` (unreached), or any when stamp = −1. */
  function pickUnreached(stamp: number): number {
    let bestDeficit = 0, count = 0;
    for (let c = 0; c < m; c++) {
      if (chkStamp[c] === stamp) continue;
      const deficit = chkTarget[c] - chkDeg[c];
      if (deficit <= 0 || deficit < bestDeficit) continue;
      if (deficit > bestDeficit) {
        bestDeficit = deficit;
        count = 0;
      }
      ties[count++] = c;
    }
    if (count === 0) return -1;
    return ties[count === 1 ? 0 : rng.nextBelow(count)];
  }

  /** Fallback when no check with room is usable: the lowest-degree check not adjacent to v. */
  function pickOverflow(v: number): number {
    let best = -1;
    outer: for (let c = 0; c < m; c++) {
      for (let j = varOff[v]; j < varOff[v] + varDeg[v]; j++) if (varAdj[j] === c) continue outer;
      if (chkDeg[c] >= chkTarget[c] + slack) continue;
      if (best < 0 || chkDeg[c] - chkTarget[c] < chkDeg[best] - chkTarget[best]) best = c;
    }
    if (best < 0) {
      throw new InvalidArgumentError(
        "variableCounts",
        varTarget[v],
        `variable ${v} cannot be placed`,
      );
    }
    return best;
  }

  // CSR with sorted rows.
  const rowPtr = new Int32Array(m + 1);
  for (let c = 0; c < m; c++) rowPtr[c + 1] = rowPtr[c] + chkDeg[c];
  const colIdx = new Int32Array(rowPtr[m]);
  for (let c = 0; c < m; c++) {
    const row = chkAdj.subarray(chkOff[c], chkOff[c] + chkDeg[c]).slice().sort();
    colIdx.set(row, rowPtr[c]);
  }
  return { matrix: createParityCheckMatrix(m, n, rowPtr, colIdx), girth, overflowEdges };
}
