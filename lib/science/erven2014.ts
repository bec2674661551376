/**
 * The finite-size, loss-aware ROT string length of Erven et al., "An experimental implementation
 * of oblivious transfer in the noisy storage model", Nat. Commun. 5, 3418 (2014), arXiv:1308.5098
 * (cited "Erven"), with the PDC source model of Wehner, Curty, Schaffner & Lo, PRA 81, 052336
 * (2010) App. C (cited "Wehner"). Derivation, open choices and sweeps: docs/erven2014.md.
 * @module
 */
import { InvalidArgumentError } from "../errors.ts";
import { storageCapacity } from "./bounds.ts";
import { binaryEntropy } from "./entropy.ts";
import { pdcClickProbabilities } from "./pdc_source.ts";

/** Inputs of {@link erven2014KeyLength}; probabilities are per time slot (coherence time). */
export interface Erven2014Params {
  /** μ, mean photon-pair number per slot (Table I: 3.145·10⁻⁵). */
  mu: number;
  /** η, total transmittance: probability that a photon is detected (Table I: 0.0150). */
  eta: number;
  /** e_det, intrinsic detection error rate (Table I: 0.0093). */
  eDet: number;
  /** P_dark, dark-count probability of the worst detector per slot (Table I: 1.5·10⁻⁸). */
  pDark: number;
  /** n, number of pairs (rounds) the probabilities are multiplied by (Table I: 8.00·10⁷). */
  n: number;
  /** r, probability that the depolarising qubit memory keeps the state (Table I: 0.75). */
  r: number;
  /** ν, storage rate: the memory holds ν·n qubits (Table I: 0.002). */
  nu: number;
  /** ε, correctness/security error parameter (Table I: 2.5·10⁻⁷). */
  epsilon: number;
  /** f, error-correction efficiency relative to the Shannon limit (Table I: 1.491). */
  f: number;
}

/** Options of {@link erven2014KeyLength}. */
export interface Erven2014Options {
  /**
   * Upper end of α in the strong-converse exponent (Wehner Eq. 15). Default `Infinity`: the
   * supremum over all α ≥ 1, as Eq. 15 is written; it reproduces every zero of ℓ the paper
   * states for Fig. 2 to within 7·10⁻⁵ in e_det (2.38 % at η = 0.25 exactly), at the price of
   * ℓ = 1,712 at Table I (paper 1,366). 100 (docs/science.md §6.4) gives ℓ = 1,207 but moves the
   * η = 0.25 zero to 2.35 % (docs/erven2014.md §4).
   */
  alphaMax?: number;
  /**
   * Argument of the logarithm in the Hoeffding half-width ζ = sqrt(ln(a)/(2n)):
   * `"2/epsilon"` (default; Wehner Eq. 2, two-sided, and the value that reproduces the paper's
   * printed m₁ ≈ 1.049·10⁶) or `"1/epsilon"` (Erven's typeset formula, m₁ ≈ 1.051·10⁶).
   */
  zetaLogArgument?: ZetaLogArgument;
}

/** Which ε-term sits inside ζ's logarithm (docs/erven2014.md §4). */
export type ZetaLogArgument = "2/epsilon" | "1/epsilon";

/** Result of {@link erven2014KeyLength}. */
export interface Erven2014KeyLength {
  /** ℓ, ROT string length in bits (Erven Eq. 8), real-valued and signed: no floor, no clamp. */
  ell: number;
  /** m = (1 − P^h_{B,no click})·n, rounds where honest Alice and Bob both clicked. */
  m: number;
  /** m₁ = (P_sent − P^h_{B,no click} + P^d_{B,no click} − 3ζ)·n (Erven Eq. 3); may be ≤ 0. */
  m1: number;
  /** C_BB84, finite-size uncertainty constant (Erven Eq. 4); NaN when m₁ ≤ 0. */
  cBB84: number;
  /** R/ν, rate per storage qubit at which Bob must push information through his memory. */
  rOverNu: number;
  /** Erven Eqs. 5 and 7: m₁ > 0 and ν·n·C_N(r) < C_BB84·m₁/2 − 1 − log₂(1/(2ε)). */
  storageConditionHolds: boolean;
  /** p_err, honest bit-error rate among Bob's clicks (Wehner §V A 2 b, App. C). */
  pErr: number;
  /** γ^{N_r}(R/ν), strong-converse exponent of the memory at rate R/ν, bits per stored qubit. */
  gamma: number;
  /** ζ = sqrt(ln(2/ε)/(2n)) (Wehner Eq. 2; or ln(1/ε), Erven "Correctness", by option). */
  zeta: number;
}

/**
 * Finite-size BB84 uncertainty constant (Erven Eq. 4, from Ng et al.'s min-entropy relation):
 * C_BB84 = max over s ∈ (0, 1] of {[1 + s − log₂(1 + 2^s)] − log₂(1/(2ε))/m₁}/s, bits per
 * single-pair round. Tends to ½ as m₁ → ∞. The objective is concave in s: golden section.
 * @param m1 m₁ > 0, lower bound on single-pair rounds
 * @param epsilon ε ∈ (0, ½)
 * @example
 * ```ts
 * import { finiteSizeBb84Constant } from "./erven2014.ts";
 * console.assert(Math.abs(finiteSizeBb84Constant(1.049e6, 2.5e-7) - 0.4974) < 1e-4);
 * ```
 */
export function finiteSizeBb84Constant(m1: number, epsilon: number): number {
  if (!(m1 > 0)) return NaN;
  const penalty = Math.log2(1 / (2 * epsilon)) / m1;
  const objective = (s: number) => (1 + s - Math.log2(1 + 2 ** s) - penalty) / s;
  return objective(goldenSectionMax(objective, 1e-12, 1));
}

/**
 * Strong-converse exponent of the qubit depolarising channel N_r (Wehner Eq. 15 at d = 2;
 * docs/science.md §6.4): γ(R) = 1 + sup over α ∈ (1, α_max] of
 * [(α − 1)(R − 1) − log₂((1 + r)^α + (1 − r)^α)]/α, and 0 when R ≤ C_N(r). With t = 1/α the
 * bracket is concave in t (log of an ℓ_{1/t} norm is convex in t), so golden section on
 * t ∈ [1/α_max, 1) finds the maximum; α_max = ∞ includes the limit R − log₂(1 + r).
 * @param r storage noise r ∈ [0, 1]
 * @param rate R, bits per channel use
 * @param alphaMax α_max > 1, or Infinity (default: Eq. 15's sup over all α ≥ 1); docs/science.md §6.4
 *   and `strongConverseExponent` in bounds.ts use 100
 * @example
 * ```ts
 * import { strongConverseExponentAlpha } from "./erven2014.ts";
 * console.assert(Math.abs(strongConverseExponentAlpha(0.75, 3, Infinity) - (3 - Math.log2(1.75))) < 1e-9);
 * console.assert(strongConverseExponentAlpha(0.75, 0.3) === 0);
 * ```
 */
export function strongConverseExponentAlpha(
  r: number,
  rate: number,
  alphaMax = Infinity,
): number {
  if (!(rate > storageCapacity(r))) return 0;
  const q = (1 - r) / (1 + r);
  // (1/α)·log₂((1+r)^α + (1−r)^α) = log₂(1+r) + t·log₂(1 + q^(1/t)), stable as t → 0
  const objective = (t: number) =>
    (1 - t) * (rate - 1) - Math.log2(1 + r) - (t > 0 ? t * Math.log2(1 + q ** (1 / t)) : 0);
  const tMin = Number.isFinite(alphaMax) ? 1 / alphaMax : 0;
  const best = goldenSectionMax(objective, tMin, 1);
  return Math.max(0, 1 + Math.max(objective(best), objective(tMin)));
}

/**
 * Erven et al. (2014) ROT string length for a PDC source with losses, dark counts and finite n:
 *
 *   ℓ = ½·ν·n·γ^{N_r}(R/ν) − (m/2)·f·h(p_err) − log₂(1/(2ε))          (Erven Eq. 8, as read here)
 *   m  = (1 − P^h_{B,no click})·n                                      (Erven Eq. 8 text)
 *   m₁ = (P_sent − P^h_{B,no click} + P^d_{B,no click} − 3ζ)·n, ζ = sqrt(ln(2/ε)/(2n))
 *                                                          (Erven Eq. 3; Wehner Eqs. 2, A21)
 *   C_BB84 from m₁ and ε                                                 (Erven Eq. 4)
 *   R  = [C_BB84·m₁/2 − 1 − log₂(1/(2ε))]/n                             (Erven Eq. 8 text)
 *   Eq. 7 holds iff m₁ > 0 and C_N(r) < R/ν, C_N(r) = 1 − h((1 + r)/2)   (Erven Eqs. 5, 7)
 *
 * with P_sent, P^h_{B,no click}, P^d_{B,no click} and p_err per Alice-click slot from the PDC
 * model ({@link pdcClickProbabilities}). At Table I (n = 8.00·10⁷): m ≈ 1.128·10⁶,
 * m₁ ≈ 1.049·10⁶, C_BB84 ≈ 0.4974, R/ν ≈ 1.63, ℓ ≈ 1,712 (paper: 1,366). ℓ is signed and not
 * floored, so it is continuous across the point where strings stop existing. Pure.
 * @throws InvalidArgumentError naming the field when an input is outside its domain
 * @example
 * ```ts
 * import { erven2014KeyLength } from "./erven2014.ts";
 * const out = erven2014KeyLength({
 *   mu: 3.145e-5, eta: 0.015, eDet: 0.0093, pDark: 1.5e-8, n: 8e7,
 *   r: 0.75, nu: 0.002, epsilon: 2.5e-7, f: 1.491,
 * });
 * console.assert(out.storageConditionHolds && out.ell > 1000 && out.ell < 2000);
 * ```
 */
export function erven2014KeyLength(
  p: Erven2014Params,
  options: Erven2014Options = {},
): Erven2014KeyLength {
  validate(p);
  const alphaMax = options.alphaMax ?? Infinity;
  if (!(alphaMax > 1)) {
    throw new InvalidArgumentError("options.alphaMax", alphaMax, "must be > 1 (or Infinity)");
  }
  const { n, r, nu, epsilon, f } = p;
  const src = pdcClickProbabilities(p);
  const zetaLog = (options.zetaLogArgument ?? "2/epsilon") === "2/epsilon"
    ? Math.log(2 / epsilon)
    : Math.log(1 / epsilon);
  const zeta = Math.sqrt(zetaLog / (2 * n));
  const m = (1 - src.pNoClickHonest) * n;
  const m1 = (src.pSentSingle - src.pNoClickHonest + src.pNoClickDishonest - 3 * zeta) * n;
  const cBB84 = finiteSizeBb84Constant(m1, epsilon);
  const safetyBits = Math.log2(1 / (2 * epsilon));
  // Bob's min-entropy budget C_BB84·m₁/2 − 1 − log₂(1/(2ε)) (Erven Eq. 7 right-hand side)
  const budgetBits = m1 > 0 ? cBB84 * m1 / 2 - 1 - safetyBits : -Infinity;
  const rOverNu = budgetBits / n / nu;
  const storageConditionHolds = m1 > 0 && storageCapacity(r) < rOverNu;
  const gamma = storageConditionHolds ? strongConverseExponentAlpha(r, rOverNu, alphaMax) : 0;
  const ell = 0.5 * nu * n * gamma - m / 2 * f * binaryEntropy(src.pErr) - safetyBits;
  return { ell, m, m1, cBB84, rOverNu, storageConditionHolds, pErr: src.pErr, gamma, zeta };
}

function validate(p: Erven2014Params): void {
  const unit: (keyof Erven2014Params)[] = ["eta", "r"];
  for (const key of unit) {
    const v = p[key];
    if (!(v >= 0 && v <= 1)) throw new InvalidArgumentError(`p.${key}`, v, "must be in [0, 1]");
  }
  if (!(p.mu > 0 && Number.isFinite(p.mu))) {
    throw new InvalidArgumentError("p.mu", p.mu, "must be a finite number > 0");
  }
  if (!(p.eDet >= 0 && p.eDet <= 0.5)) {
    throw new InvalidArgumentError("p.eDet", p.eDet, "must be in [0, 0.5]");
  }
  if (!(p.pDark >= 0 && p.pDark < 1)) {
    throw new InvalidArgumentError("p.pDark", p.pDark, "must be in [0, 1)");
  }
  if (!(p.n >= 1 && Number.isFinite(p.n))) {
    throw new InvalidArgumentError("p.n", p.n, "must be a finite number ≥ 1");
  }
  if (!(p.nu > 0 && p.nu <= 1)) throw new InvalidArgumentError("p.nu", p.nu, "must be in (0, 1]");
  if (!(p.epsilon > 0 && p.epsilon < 0.5)) {
    throw new InvalidArgumentError("p.epsilon", p.epsilon, "must be in (0, 0.5)");
  }
  if (!(p.f >= 1 && Number.isFinite(p.f))) {
    throw new InvalidArgumentError("p.f", p.f, "must be a finite number ≥ 1");
  }
}

/** Arg-max of a unimodal function on [lo, hi] by golden-section search (to ~1e-13 in x). */
function goldenSectionMax(fn: (x: number) => number, lo: number, hi: number): number {
  const phi = (Math.sqrt(5) - 1) / 2;
  let a = lo;
  let b = hi;
  let c = b - phi * (b - a);
  let d = a + phi * (b - a);
  let fc = fn(c);
  let fd = fn(d);
  for (let i = 0; i < 200 && b - a > 1e-13; i++) {
    if (fc >= fd) {
      b = d;
      d = c;
      fd = fc;
      c = b - phi * (b - a);
      fc = fn(c);
    } else {
      a = c;
      c = d;
      fc = fd;
      d = a + phi * (b - a);
      fd = fn(d);
    }
  }
  return 0.5 * (a + b);
}

/**
 * The operating point of Erven et al., Nat. Commun. 5, 3418 (2014), Table I (n = 8.00·10⁷ pairs
 * sent, as in Table I); the paper reports a 1,366-bit string there (docs/science.md §8.6).
 */
export const ERVEN2014_TABLE_I: Readonly<Erven2014Params> = {
  mu: 3.145e-5,
  eta: 0.015,
  eDet: 0.0093,
  pDark: 1.5e-8,
  n: 8.0e7,
  r: 0.75,
  nu: 0.002,
  epsilon: 2.5e-7,
  f: 1.491,
};
