/**
 * Nested puncturing order of a mother code (docs/science.md §9.2), after Elkouss, Martinez-Mateo &
 * Martin 2012 ("Untainted puncturing for irregular LDPC codes").
 *
 * Regime A (untainted): repeatedly take the untainted variable with the smallest two-hop
 * neighbourhood N²(v) (all variables sharing a check with v, v included; its size is a property of
 * the full graph), ties → lowest index, and remove N²(v) from the untainted set. Regime B (after
 * saturation): take the not-yet-ordered variable that maximises min over its checks of the
 * fraction of the check's other variables not yet punctured, ties → lowest index. Scores are
 * kept per variable and refreshed only for the two-hop neighbourhood of each new pick.
 * @module
 */
import { InvalidArgumentError } from "../../errors.ts";
import type { ParityCheckMatrix } from "./parity_check_matrix.ts";

/** Result of {@link puncturingOrder}. */
export interface PuncturingOrder {
  /** Variable indices in puncturing order, length `length`. */
  order: Int32Array;
  /** Number of entries chosen by the untainted regime A. */
  untaintedCount: number;
}

/**
 * Compute the first `length` entries of the nested puncturing order.
 * @param length number of entries (≤ n), e.g. the largest modulation size d used
 * @example
 * ```ts
 * import { createParityCheckMatrix } from "./parity_check_matrix.ts";
 * import { puncturingOrder } from "./puncturing_order.ts";
 * const h = createParityCheckMatrix(2, 4, Int32Array.of(0, 2, 4), Int32Array.of(0, 1, 2, 3));
 * const { order, untaintedCount } = puncturingOrder(h, 4);
 * console.assert(order.join() === "0,2,1,3" && untaintedCount === 2);
 * ```
 */
export function puncturingOrder(h: ParityCheckMatrix, length: number): PuncturingOrder {
  const { n, m, rowPtr, colIdx, colPtr, rowIdx } = h;
  if (!Number.isInteger(length) || length < 0 || length > n) {
    throw new InvalidArgumentError("length", length, `must be an integer in [0, ${n}]`);
  }
  const order = new Int32Array(length);
  const stamp = new Int32Array(n);
  let generation = 0;
  // |N²(v)| on the full graph.
  const n2Size = new Int32Array(n);
  for (let v = 0; v < n; v++) {
    generation++;
    let size = 0;
    for (let k = colPtr[v]; k < colPtr[v + 1]; k++) {
      const c = rowIdx[k];
      for (let e = rowPtr[c]; e < rowPtr[c + 1]; e++) {
        const u = colIdx[e];
        if (stamp[u] !== generation) {
          stamp[u] = generation;
          size++;
        }
      }
    }
    if (size === 0) size = 1; // isolated variable: N²(v) = {v}
    n2Size[v] = size;
  }
  // Regime A: stable sort by (|N²|, index), then greedy.
  const byN2 = Array.from({ length: n }, (_, v) => v).sort((a, b) =>
    n2Size[a] - n2Size[b] || a - b
  );
  const tainted = new Uint8Array(n);
  const punctured = new Uint8Array(n);
  let count = 0;
  for (let i = 0; i < n && count < length; i++) {
    const v = byN2[i];
    if (tainted[v]) continue;
    order[count++] = v;
    punctured[v] = 1;
    tainted[v] = 1;
    for (let k = colPtr[v]; k < colPtr[v + 1]; k++) {
      const c = rowIdx[k];
      for (let e = rowPtr[c]; e < rowPtr[c + 1]; e++) tainted[colIdx[e]] = 1;
    }
  }
  const untaintedCount = count;
  if (count === length) return { order, untaintedCount };
  // Regime B. unpuncturedInCheck[c] counts variables of c not yet punctured.
  const unpuncturedInCheck = new Int32Array(m);
  for (let c = 0; c < m; c++) {
    let u = 0;
    for (let e = rowPtr[c]; e < rowPtr[c + 1]; e++) if (!punctured[colIdx[e]]) u++;
    unpuncturedInCheck[c] = u;
  }
  const score = new Float64Array(n);
  const scoreOf = (u: number): number => {
    let s = Infinity;
    for (let k = colPtr[u]; k < colPtr[u + 1]; k++) {
      const c = rowIdx[k];
      const others = rowPtr[c + 1] - rowPtr[c] - 1;
      if (others <= 0) continue;
      const free = unpuncturedInCheck[c] - (punctured[u] ? 0 : 1);
      const f = free / others;
      if (f < s) s = f;
    }
    return s === Infinity ? 1 : s;
  };
  for (let u = 0; u < n; u++) score[u] = punctured[u] ? -Infinity : scoreOf(u);
  while (count < length) {
    let best = -1, bestScore = -Infinity;
    for (let u = 0; u < n; u++) {
      if (score[u] > bestScore) {
        bestScore = score[u];
        best = u;
      }
    }
    order[count++] = best;
    punctured[best] = 1;
    score[best] = -Infinity;
    generation++;
    for (let k = colPtr[best]; k < colPtr[best + 1]; k++) unpuncturedInCheck[rowIdx[k]]--;
    for (let k = colPtr[best]; k < colPtr[best + 1]; k++) {
      const c = rowIdx[k];
      for (let e = rowPtr[c]; e < rowPtr[c + 1]; e++) {
        const u = colIdx[e];
        if (punctured[u] || stamp[u] === generation) continue;
        stamp[u] = generation;
        score[u] = scoreOf(u);
      }
    }
  }
  return { order, untaintedCount };
}
