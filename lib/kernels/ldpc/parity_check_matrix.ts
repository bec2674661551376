/**
 * Sparse binary parity-check matrix H (m × n) in compressed form with edge indexing for both
 * message directions of a Tanner-graph decoder.
 *
 * Layout: CSR `rowPtr` (m+1) / `colIdx` (E) lists the variables of every check; the CSR position
 * e ∈ [0, E) is the *edge id* under which decoders store check-to-variable messages. The CSC view
 * `colPtr` (n+1) / `rowIdx` (E) lists the checks of every variable, and `edgeOfCsc` (E) maps each
 * CSC position to its CSR edge id, so a variable-node sweep can address the same messages.
 * All arrays are Int32Array; column indices are sorted and distinct within a row.
 * @module
 */
import { InvalidArgumentError } from "../../errors.ts";

/** H in CSR + CSC form; see the module doc for the layout. */
export interface ParityCheckMatrix {
  /** Number of checks (rows) m. */
  readonly m: number;
  /** Number of variables (columns) n. */
  readonly n: number;
  /** Number of edges E (non-zeros). */
  readonly edges: number;
  readonly rowPtr: Int32Array;
  readonly colIdx: Int32Array;
  readonly colPtr: Int32Array;
  readonly rowIdx: Int32Array;
  /** CSC position → CSR edge id. */
  readonly edgeOfCsc: Int32Array;
  /** Largest check degree. */
  readonly maxCheckDegree: number;
  /** Largest variable degree. */
  readonly maxVariableDegree: number;
}

/**
 * Validate CSR arrays and build the CSC view and edge map.
 * @param m number of checks
 * @param n number of variables
 * @param rowPtr length m+1, rowPtr[0] = 0, non-decreasing
 * @param colIdx length rowPtr[m], each row strictly increasing in [0, n)
 * @throws InvalidArgumentError when the arrays are inconsistent
 * @example
 * ```ts
 * import { createParityCheckMatrix } from "./parity_check_matrix.ts";
 * // H = [[1 1 0], [0 1 1]]
 * const h = createParityCheckMatrix(2, 3, Int32Array.of(0, 2, 4), Int32Array.of(0, 1, 1, 2));
 * console.assert(h.edges === 4 && h.colPtr[3] === 4);
 * ```
 */
export function createParityCheckMatrix(
  m: number,
  n: number,
  rowPtr: Int32Array,
  colIdx: Int32Array,
): ParityCheckMatrix {
  if (!Number.isInteger(m) || m < 1) {
    throw new InvalidArgumentError("m", m, "must be an integer ≥ 1");
  }
  if (!Number.isInteger(n) || n < 1) {
    throw new InvalidArgumentError("n", n, "must be an integer ≥ 1");
  }
  if (rowPtr.length !== m + 1) {
    throw new InvalidArgumentError("rowPtr.length", rowPtr.length, `must be m + 1 = ${m + 1}`);
  }
  if (rowPtr[0] !== 0) throw new InvalidArgumentError("rowPtr[0]", rowPtr[0], "must be 0");
  const edges = rowPtr[m];
  if (colIdx.length !== edges) {
    throw new InvalidArgumentError("colIdx.length", colIdx.length, `must be rowPtr[m] = ${edges}`);
  }
  const colCount = new Int32Array(n + 1);
  let maxCheckDegree = 0;
  for (let c = 0; c < m; c++) {
    const start = rowPtr[c], end = rowPtr[c + 1];
    if (end < start) {
      throw new InvalidArgumentError(`rowPtr[${c + 1}]`, end, `must be ≥ rowPtr[${c}] = ${start}`);
    }
    if (end - start > maxCheckDegree) maxCheckDegree = end - start;
    let previous = -1;
    for (let e = start; e < end; e++) {
      const v = colIdx[e];
      if (!(v >= 0 && v < n)) {
        throw new InvalidArgumentError(`colIdx[${e}]`, v, `must be a column index in [0, ${n})`);
      }
      if (v <= previous) {
        throw new InvalidArgumentError(
          `colIdx[${e}]`,
          v,
          `columns of row ${c} must be strictly increasing (previous ${previous})`,
        );
      }
      previous = v;
      colCount[v + 1]++;
    }
  }
  const colPtr = new Int32Array(n + 1);
  let maxVariableDegree = 0;
  for (let v = 0; v < n; v++) {
    colPtr[v + 1] = colPtr[v] + colCount[v + 1];
    if (colCount[v + 1] > maxVariableDegree) maxVariableDegree = colCount[v + 1];
  }
  const fill = colPtr.slice(0, n);
  const rowIdx = new Int32Array(edges);
  const edgeOfCsc = new Int32Array(edges);
  for (let c = 0; c < m; c++) {
    for (let e = rowPtr[c]; e < rowPtr[c + 1]; e++) {
      const pos = fill[colIdx[e]]++;
      rowIdx[pos] = c;
      edgeOfCsc[pos] = e;
    }
  }
  return {
    m,
    n,
    edges,
    rowPtr,
    colIdx,
    colPtr,
    rowIdx,
    edgeOfCsc,
    maxCheckDegree,
    maxVariableDegree,
  };
}

/**
 * Syndrome s = H·x over GF(2), written into `out` (length m, one bit per byte).
 * @param bits length n, values 0/1
 * @returns `out`
 * @example
 * ```ts
 * import { createParityCheckMatrix, computeSyndrome } from "./parity_check_matrix.ts";
 * const h = createParityCheckMatrix(2, 3, Int32Array.of(0, 2, 4), Int32Array.of(0, 1, 1, 2));
 * const s = computeSyndrome(h, Uint8Array.of(1, 0, 0), new Uint8Array(2));
 * console.assert(s[0] === 1 && s[1] === 0);
 * ```
 */
export function computeSyndrome(
  h: ParityCheckMatrix,
  bits: Uint8Array,
  out: Uint8Array,
): Uint8Array {
  if (bits.length !== h.n) {
    throw new InvalidArgumentError("bits.length", bits.length, `must be n = ${h.n}`);
  }
  if (out.length !== h.m) {
    throw new InvalidArgumentError("out.length", out.length, `must be m = ${h.m}`);
  }
  const { rowPtr, colIdx, m } = h;
  for (let c = 0; c < m; c++) {
    let parity = 0;
    for (let e = rowPtr[c], end = rowPtr[c + 1]; e < end; e++) parity ^= bits[colIdx[e]];
    out[c] = parity & 1;
  }
  return out;
}

/**
 * Whether H·x = s (stops at the first violated check).
 * @param bits length n (0/1); @param syndrome length m (0/1)
 */
export function satisfiesSyndrome(
  h: ParityCheckMatrix,
  bits: Uint8Array,
  syndrome: Uint8Array,
): boolean {
  const { rowPtr, colIdx, m } = h;
  for (let c = 0; c < m; c++) {
    let parity = syndrome[c];
    for (let e = rowPtr[c], end = rowPtr[c + 1]; e < end; e++) parity ^= bits[colIdx[e]];
    if ((parity & 1) !== 0) return false;
  }
  return true;
}

/** Degree of every variable (length n). */
export function variableDegrees(h: ParityCheckMatrix): Int32Array {
  const out = new Int32Array(h.n);
  for (let v = 0; v < h.n; v++) out[v] = h.colPtr[v + 1] - h.colPtr[v];
  return out;
}

/** Degree of every check (length m). */
export function checkDegrees(h: ParityCheckMatrix): Int32Array {
  const out = new Int32Array(h.m);
  for (let c = 0; c < h.m; c++) out[c] = h.rowPtr[c + 1] - h.rowPtr[c];
  return out;
}

/**
 * Length of the shortest cycle of the Tanner graph (∞ if it is a forest), by BFS from every
 * variable (O(n·E)); intended for tests and cache metadata, limited to cycles ≤ `maxLength`.
 * @returns girth (even number ≥ 4) or Infinity when none ≤ maxLength exists
 */
export function tannerGirth(h: ParityCheckMatrix, maxLength = 12): number {
  const { n, m, colPtr, rowIdx, rowPtr, colIdx } = h;
  const varDist = new Int32Array(n).fill(-1);
  const chkDist = new Int32Array(m).fill(-1);
  const varParent = new Int32Array(n);
  const chkParent = new Int32Array(m);
  const queue = new Int32Array(n + m);
  let best = Infinity;
  for (let root = 0; root < n; root++) {
    varDist.fill(-1);
    chkDist.fill(-1);
    varDist[root] = 0;
    varParent[root] = -1;
    // Queue holds variables as v and checks as n + c.
    let head = 0, tail = 0;
    queue[tail++] = root;
    while (head < tail) {
      const node = queue[head++];
      if (node < n) {
        const d = varDist[node];
        if (2 * d + 2 >= best || 2 * d + 2 > maxLength) break;
        for (let k = colPtr[node]; k < colPtr[node + 1]; k++) {
          const c = rowIdx[k];
          if (c === varParent[node]) continue;
          if (chkDist[c] >= 0) {
            best = Math.min(best, d + chkDist[c] + 1);
          } else {
            chkDist[c] = d + 1;
            chkParent[c] = node;
            queue[tail++] = n + c;
          }
        }
      } else {
        const c = node - n;
        const d = chkDist[c];
        for (let e = rowPtr[c]; e < rowPtr[c + 1]; e++) {
          const v = colIdx[e];
          if (v === chkParent[c]) continue;
          if (varDist[v] >= 0) {
            best = Math.min(best, d + varDist[v] + 1);
          } else {
            varDist[v] = d + 1;
            varParent[v] = c;
            queue[tail++] = v;
          }
        }
      }
    }
  }
  return best <= maxLength ? best : Infinity;
}
