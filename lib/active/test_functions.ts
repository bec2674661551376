/**
 * Synthetic level-set benchmark problems on the unit box (issue 7, docs/campaign.md §14): Branin
 * (threshold 50) and −Hartmann-6 (threshold 1.0, a 5.8 % super-level set "like a cliff").
 * @module
 */

/** A benchmark problem: f on [0, 1]^d and the level h whose super-level set is sought. */
export interface LevelSetProblem {
  name: string;
  dimension: number;
  threshold: number;
  /** f(u) for one point u ∈ [0, 1]^d. */
  evaluate(u: ArrayLike<number>): number;
}

/**
 * Branin–Hoo on x1 ∈ [−5, 10], x2 ∈ [0, 15] mapped from the unit square:
 * f = (x2 − 5.1x1²/(4π²) + 5x1/π − 6)² + 10(1 − 1/(8π))cos x1 + 10; global minimum 0.397887.
 */
export const branin: LevelSetProblem = {
  name: "branin",
  dimension: 2,
  threshold: 50,
  evaluate(u) {
    const x1 = -5 + 15 * u[0], x2 = 15 * u[1];
    const a = x2 - (5.1 / (4 * Math.PI * Math.PI)) * x1 * x1 + (5 / Math.PI) * x1 - 6;
    return a * a + 10 * (1 - 1 / (8 * Math.PI)) * Math.cos(x1) + 10;
  },
};

const H6_ALPHA = [1.0, 1.2, 3.0, 3.2];
const H6_A = [
  [10, 3, 17, 3.5, 1.7, 8],
  [0.05, 10, 17, 0.1, 8, 14],
  [3, 3.5, 1.7, 10, 17, 8],
  [17, 8, 0.05, 10, 0.1, 14],
];
const H6_P = [
  [0.1312, 0.1696, 0.5569, 0.0124, 0.8283, 0.5886],
  [0.2329, 0.4135, 0.8307, 0.3736, 0.1004, 0.9991],
  [0.2348, 0.1451, 0.3522, 0.2883, 0.3047, 0.6650],
  [0.4047, 0.8828, 0.8732, 0.5743, 0.1091, 0.0381],
];

/**
 * −Hartmann-6 on [0, 1]^6 (Surjanovic & Bingham's constants): f = Σᵢ αᵢ exp(−Σⱼ Aᵢⱼ(xⱼ − Pᵢⱼ)²);
 * maximum 3.32237 at (0.20169, 0.150011, 0.476874, 0.275332, 0.311652, 0.6573).
 */
export const negHartmann6: LevelSetProblem = {
  name: "hartmann6",
  dimension: 6,
  threshold: 1.0,
  evaluate(u) {
    let sum = 0;
    for (let i = 0; i < 4; i++) {
      let inner = 0;
      for (let j = 0; j < 6; j++) {
        const d = u[j] - H6_P[i][j];
        inner += H6_A[i][j] * d * d;
      }
      sum += H6_ALPHA[i] * Math.exp(-inner);
    }
    return sum;
  },
};

/** Problems by name. */
export const LEVEL_SET_PROBLEMS: Readonly<Record<string, LevelSetProblem>> = {
  branin,
  hartmann6: negHartmann6,
};
