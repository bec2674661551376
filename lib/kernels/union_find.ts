/**
 * Disjoint sets over 0 … n−1 (union–find with path halving), for the degree-2 forest of the local
 * PEG construction and the superlevel components of the level-set partition.
 * @module
 */

/**
 * @example
 * ```ts
 * import { UnionFind } from "./union_find.ts";
 * const u = new UnionFind(4);
 * u.union(0, 2);
 * console.assert(u.find(0) === u.find(2) && u.find(1) !== u.find(0));
 * ```
 */
export class UnionFind {
  readonly parent: Int32Array;

  constructor(n: number) {
    this.parent = Int32Array.from({ length: n }, (_, i) => i);
  }

  /** Root of a's set. */
  find(a: number): number {
    const parent = this.parent;
    while (parent[a] !== a) {
      parent[a] = parent[parent[a]];
      a = parent[a];
    }
    return a;
  }

  /** Merge the sets of a and b; the root of b's set becomes the root of both. */
  union(a: number, b: number): void {
    this.parent[this.find(a)] = this.find(b);
  }
}
