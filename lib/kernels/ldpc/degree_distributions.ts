/**
 * Edge-perspective degree distributions of the mother codes and their conversion to integer node
 * counts (docs/science.md §9.1). Source: Caligo's shipped table
 * (`configs/ldpc_degree_distributions.yaml`, github.com/A-DaRo/qia-challenge-2025 @ e46c21c),
 * reproduced in docs/science.md §9.1; every row is normalised to sum 1 (the 0.85 λ row sums to 1.0515).
 * @module
 */
import { InvalidArgumentError } from "../../errors.ts";

/** λ or ρ: pairs (degree, fraction of edges). */
export type EdgeDistribution = ReadonlyArray<readonly [degree: number, edgeFraction: number]>;

/** Variable (λ) and check (ρ) edge distributions of one rate. */
export interface DegreeDistribution {
  readonly rate: number;
  readonly lambda: EdgeDistribution;
  readonly rho: EdgeDistribution;
}

/** Caligo's table, keyed by rate ×100 (docs/science.md §9.1). */
export const CALIGO_DEGREE_DISTRIBUTIONS: Readonly<Record<number, DegreeDistribution>> = {
  50: {
    rate: 0.5,
    lambda: [
      [2, .14438],
      [3, .19026],
      [4, .01836],
      [5, .00233],
      [6, .04697],
      [8, .05394],
      [9, .05590],
      [10, .01290],
      [11, .00162],
      [14, .06159],
      [15, .13115],
      [17, .01481],
      [47, .00879],
      [49, .00650],
      [55, .00210],
      [56, .00099],
      [57, .11178],
      [58, .06238],
      [59, .05094],
      [66, .02230],
    ],
    rho: [[10, .47575], [12, .46847], [13, .02952], [14, .02626]],
  },
  55: {
    rate: 0.55,
    lambda: [
      [2, .16880],
      [3, .20994],
      [6, .18095],
      [15, .03846],
      [16, .02635],
      [18, .23454],
      [19, .05815],
      [31, .08280],
    ],
    rho: [[10, .27631], [11, .72369]],
  },
  60: {
    rate: 0.6,
    lambda: [
      [2, .11040],
      [3, .20804],
      [8, .14163],
      [9, .14858],
      [26, .14438],
      [27, .08909],
      [46, .00748],
      [71, .15038],
    ],
    rho: [[2, .00036], [10, .13063], [13, .31068], [18, .49341], [19, .064915]],
  },
  65: {
    rate: 0.65,
    lambda: [
      [2, .10451],
      [3, .15652],
      [4, .08057],
      [5, .00056],
      [9, .12151],
      [13, .10485],
      [15, .10719],
      [21, .00771],
      [51, .31656],
    ],
    rho: [[2, .000578], [15, .06089], [16, .47001], [21, .46852]],
  },
  70: {
    rate: 0.7,
    lambda: [
      [2, .05343],
      [3, .29406],
      [6, .00896],
      [9, .15571],
      [12, .12189],
      [25, .19872],
      [46, .09572],
      [62, .02741],
      [65, .04056],
      [73, .00354],
    ],
    rho: [[20, .76922], [21, .23077]],
  },
  75: {
    rate: 0.75,
    lambda: [
      [2, .10805],
      [3, .09511],
      [4, .01449],
      [5, .13764],
      [6, .10667],
      [7, .05288],
      [28, .01107],
      [31, .47408],
    ],
    rho: [[25, .74161], [26, .25839]],
  },
  80: {
    rate: 0.8,
    lambda: [
      [2, .09420],
      [3, .18088],
      [6, .11972],
      [7, .08550],
      [8, .09816],
      [17, .07194],
      [26, .34960],
    ],
    rho: [[29, .58807], [30, .41193]],
  },
  85: {
    rate: 0.85,
    lambda: [
      [2, .04528],
      [3, .20537],
      [4, .05878],
      [5, .09427],
      [6, .08454],
      [7, .01176],
      [9, .05137],
      [21, .50015],
    ],
    rho: [[41, .54204], [42, .45795]],
  },
  90: {
    rate: 0.9,
    lambda: [[2, .07689], [3, .28096], [5, .08933], [9, .19620], [12, .30631], [21, .05031]],
    rho: [[50, .95025], [51, .04975]],
  },
};

/** The distribution of mother rate `rate` (one of 0.50, 0.55, …, 0.90). */
export function caligoDistribution(rate: number): DegreeDistribution {
  const key = Math.round(rate * 100);
  const d = CALIGO_DEGREE_DISTRIBUTIONS[key];
  if (d === undefined || Math.abs(key / 100 - rate) > 1e-9) {
    throw new InvalidArgumentError("rate", rate, "no degree distribution; use 0.50, 0.55, …, 0.90");
  }
  return d;
}

/** A distribution designed by density evolution, with its computed BP threshold on the BSC. */
export interface DesignedDistribution extends DegreeDistribution {
  /** BP threshold p* on the BSC (lib/kernels/ldpc/density_evolution.ts defaults, bisection 1e-4). */
  readonly threshold: number;
}

/**
 * Distributions of the `de-bsc` family designed for the BSC by density evolution
 * (lib/kernels/ldpc/degree_design.ts via tools/design_degree_distributions.ts, check-concentrated
 * ρ), keyed by rate ×100 (docs/science.md §9.1).
 * - 0.35, 0.40, 0.45: hill climb over λ on degrees 2, 3, 6, 12, 20 from λ = (0.22, 0.22, 0.16,
 *   0.2, 0.2), threshold step 0.0005, 120 DE runs per rate (at 0.45 no move gained 0.0005, so the
 *   row is the starting λ). Shannon limits p_Sh: 0.1616, 0.1461, 0.1284.
 * - 0.75, 0.90 (family version de-v3): Caligo's rows there have more degree-2 variables than
 *   checks (0.34 n vs 0.25 n, 0.19 n vs 0.10 n), so their graphs must contain cycles made only of
 *   degree-2 variables (low-weight codewords); these rows keep the degree-2 variables below 95 % of
 *   the checks. 0.75: from λ = (2: 0.06, 3: 0.30, 6: 0.14, 12: 0.25, 20: 0.25), step 0.0002, 80 runs
 *   (p* 0.0384; Caligo 0.0383; p_Sh 0.0415). 0.90: from Caligo's degrees with λ₂ = 0.03, step
 *   0.0001, 150 runs (p* 0.0116; Caligo 0.0107; p_Sh 0.0130).
 * Other rates use Caligo's rows ({@link deBscDistribution}). Changing a row requires a new family
 * version (`DE_BSC_FAMILY_VERSION`, code_family.ts).
 */
export const DE_BSC_DEGREE_DISTRIBUTIONS: Readonly<Record<number, DesignedDistribution>> = {
  35: {
    rate: 0.35,
    lambda: [[2, .26], [3, .26], [6, .14], [12, .22], [20, .12]],
    rho: [[5, .1545], [6, .8455]],
    threshold: 0.1596,
  },
  40: {
    rate: 0.4,
    lambda: [[2, .22], [3, .26], [6, .12], [12, .16], [20, .24]],
    rho: [[6, .0984], [7, .9016]],
    threshold: 0.1397,
  },
  45: {
    rate: 0.45,
    lambda: [[2, .22], [3, .22], [6, .16], [12, .2], [20, .2]],
    rho: [[7, .28933], [8, .71067]],
    threshold: 0.121,
  },
  75: {
    rate: 0.75,
    lambda: [[2, .06], [3, .34], [6, .04], [12, .31], [20, .25]],
    rho: [[21, .7525], [22, .2475]],
    threshold: 0.0384,
  },
  90: {
    rate: 0.9,
    lambda: [[2, .03], [3, .3], [5, .02], [9, .12], [12, .34], [21, .19]],
    rho: [[58, .07623], [59, .92377]],
    threshold: 0.0116,
  },
};

/**
 * The distribution of rate `rate` in the `de-bsc` family: the designed rows (0.35, 0.40, 0.45,
 * 0.75, 0.90), else Caligo's.
 */
export function deBscDistribution(rate: number): DegreeDistribution {
  const key = Math.round(rate * 100);
  const d = DE_BSC_DEGREE_DISTRIBUTIONS[key];
  if (d !== undefined && Math.abs(key / 100 - rate) < 1e-9) return d;
  if (key >= 50) return caligoDistribution(rate);
  throw new InvalidArgumentError("rate", rate, "no degree distribution; use 0.35, 0.40, …, 0.90");
}

/** Node counts per degree: parallel arrays, degrees ascending. */
export interface NodeDegreeCounts {
  degrees: Int32Array;
  counts: Int32Array;
}

/** Largest-remainder rounding of non-negative weights to integers summing to `total`. */
function largestRemainder(weights: number[], total: number): number[] {
  const sum = weights.reduce((a, b) => a + b, 0);
  const exact = weights.map((w) => (w / sum) * total);
  const floors = exact.map(Math.floor);
  let left = total - floors.reduce((a, b) => a + b, 0);
  const order = exact.map((x, i) => [x - Math.floor(x), i] as const)
    .sort((a, b) => b[0] - a[0] || a[1] - b[1]);
  for (let k = 0; left > 0; k = (k + 1) % order.length, left--) floors[order[k][1]]++;
  return floors;
}

function nodeCounts(dist: EdgeDistribution, nodes: number): NodeDegreeCounts {
  const sorted = [...dist].sort((a, b) => a[0] - b[0]);
  const total = sorted.reduce((a, [, f]) => a + f, 0);
  // Node fraction L_i = (λ_i/i)/Σ_j(λ_j/j) (λ normalised first).
  const counts = largestRemainder(sorted.map(([d, f]) => f / total / d), nodes);
  return { degrees: Int32Array.from(sorted.map(([d]) => d)), counts: Int32Array.from(counts) };
}

function edgeCount(c: NodeDegreeCounts): number {
  let e = 0;
  for (let i = 0; i < c.degrees.length; i++) e += c.degrees[i] * c.counts[i];
  return e;
}

/**
 * Integer variable and check degree counts for a code of length n and m_c checks
 * (docs/science.md §9.1): largest-remainder rounding of the node fractions, then the check side is
 * adjusted on its top two degrees (moving checks between them, then single edges onto the top
 * degree) so both sides have the same edge count E.
 * @example
 * ```ts
 * import { caligoDistribution, degreeCounts } from "./degree_distributions.ts";
 * const c = degreeCounts(caligoDistribution(0.5), 4096, 2048);
 * console.assert(Math.abs(c.edges / 4096 - 5.51) < 0.01);
 * ```
 */
export function degreeCounts(
  dist: DegreeDistribution,
  n: number,
  checks: number,
): { variables: NodeDegreeCounts; checks: NodeDegreeCounts; edges: number } {
  if (!Number.isInteger(n) || n < 2) {
    throw new InvalidArgumentError("n", n, "must be an integer ≥ 2");
  }
  if (!Number.isInteger(checks) || checks < 1 || checks >= n) {
    throw new InvalidArgumentError("checks", checks, `must be an integer in [1, ${n})`);
  }
  const variables = nodeCounts(dist.lambda, n);
  const edges = edgeCount(variables);
  const chk = nodeCounts(dist.rho, checks);
  const k = chk.degrees.length;
  // Top two check degrees absorb the difference.
  let diff = edges - edgeCount(chk);
  const top = k - 1, second = Math.max(0, k - 2);
  const step = chk.degrees[top] - chk.degrees[second];
  if (step > 0) {
    while (diff >= step && chk.counts[second] > 0) {
      chk.counts[second]--;
      chk.counts[top]++;
      diff -= step;
    }
    while (diff <= -step && chk.counts[top] > 0) {
      chk.counts[top]--;
      chk.counts[second]++;
      diff += step;
    }
  }
  if (diff !== 0) {
    // Left over (|diff| < step, or a class ran out on small codes): move single edges, raising the
    // lowest-degree checks or lowering the highest-degree ones, then regroup by degree.
    const perCheck: number[] = [];
    for (let i = 0; i < k; i++) {
      for (let j = 0; j < chk.counts[i]; j++) perCheck.push(chk.degrees[i]);
    }
    perCheck.sort((a, b) => a - b);
    for (let i = 0; diff > 0; diff--, i = (i + 1) % checks) perCheck[i]++;
    for (let i = checks - 1; diff < 0; diff++, i = (i - 1 + checks) % checks) {
      if (perCheck[i] <= 1) {
        throw new InvalidArgumentError("n", n, "too small for this distribution");
      }
      perCheck[i]--;
    }
    const classes = new Map<number, number>();
    for (const d of perCheck) classes.set(d, (classes.get(d) ?? 0) + 1);
    const order = [...classes.entries()].sort((a, b) => a[0] - b[0]);
    chk.degrees = Int32Array.from(order.map(([d]) => d));
    chk.counts = Int32Array.from(order.map(([, c]) => c));
  }
  return { variables, checks: chk, edges };
}

/**
 * One target degree per node, ascending (the processing order of PEG constructions; a stable
 * sort, so counts already listed by ascending degree keep their order).
 * @param what name of the argument, for errors
 * @returns the degrees and their total n (number of nodes)
 * @throws InvalidArgumentError for a degree that is not an integer ≥ 1
 * @example
 * ```ts
 * import { nodeDegrees } from "./degree_distributions.ts";
 * const d = nodeDegrees({ degrees: Int32Array.of(3, 2), counts: Int32Array.of(1, 2) }, "v");
 * console.assert(d.join() === "2,2,3");
 * ```
 */
export function nodeDegrees(counts: NodeDegreeCounts, what: string): Int32Array {
  let total = 0;
  for (const c of counts.counts) total += c;
  const out = new Int32Array(total);
  const order = Array.from(counts.degrees.keys()).sort((a, b) =>
    counts.degrees[a] - counts.degrees[b]
  );
  let k = 0;
  for (const i of order) {
    const d = counts.degrees[i];
    if (!(Number.isInteger(d) && d >= 1)) {
      throw new InvalidArgumentError(`${what}.degrees`, d, "degrees must be integers ≥ 1");
    }
    for (let j = 0; j < counts.counts[i]; j++) out[k++] = d;
  }
  return out;
}

/**
 * Per-node target degrees of a Tanner graph (each sorted ascending, see {@link nodeDegrees}) and
 * its edge count, checked for consistency: both sides must have the same edge total, and no
 * variable degree may exceed the number of checks m.
 * @throws InvalidArgumentError naming `checkCounts` or `variableCounts`
 */
export function graphDegreeTargets(
  variableCounts: NodeDegreeCounts,
  checkCounts: NodeDegreeCounts,
): { varTarget: Int32Array; chkTarget: Int32Array; n: number; m: number; edges: number } {
  const varTarget = nodeDegrees(variableCounts, "variableCounts");
  const chkTarget = nodeDegrees(checkCounts, "checkCounts");
  const n = varTarget.length, m = chkTarget.length;
  let edges = 0, checkEdges = 0;
  for (let v = 0; v < n; v++) edges += varTarget[v];
  for (let c = 0; c < m; c++) checkEdges += chkTarget[c];
  if (edges !== checkEdges) {
    throw new InvalidArgumentError("checkCounts", checkEdges, `edge total must equal ${edges}`);
  }
  if (n > 0 && varTarget[n - 1] > m) {
    throw new InvalidArgumentError("variableCounts", varTarget[n - 1], `degree exceeds m = ${m}`);
  }
  return { varTarget, chkTarget, n, m, edges };
}
