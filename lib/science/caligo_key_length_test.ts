import { assert, assertClose, assertEquals } from "../../tests/assert.ts";
import { hMin } from "./bounds.ts";
import {
  caligoAsymptoticRate,
  caligoBaselineRate,
  caligoBlindInitialShortening,
  caligoFiniteKeyLength,
  caligoKeyLength,
  caligoKeyLengthBound,
  caligoPenaltyBits,
  deathValley,
  safetyCapDetailed,
  safetyCapSimple,
  secureKeyLength,
} from "./caligo_key_length.ts";
import { finiteSizeMu } from "./finite_size.ts";

Deno.test("secureKeyLength() matches Caligo reference values (§14.4 [C])", () => {
  assertClose(caligoPenaltyBits(), 64.438562, 5e-7);
  const cases: [number, number][] = [[0.1, 9009], [0.3, 6435], [0.5, 4435], [0.75, 1935]];
  for (const [r, l] of cases) assertEquals(secureKeyLength(10000, hMin(r), 500), l, `r=${r}`);
  assertEquals(secureKeyLength(100, hMin(0.5), 50), 0);
  assertEquals(secureKeyLength(100, hMin(0.5), 90), 0);
});

Deno.test("caligoFiniteKeyLength() (K2) matches values computed with Caligo's functions", () => {
  const cases: [number, number, number][] = [
    [500000, 0.02, 72550],
    [1e6, 0.02, 190985],
    [1e5, 0.01, 1655],
    [1e5, 0.02, 0],
    [1e5, 0.05, 0],
    [1e5, 0.25, 0],
    [10, 0.02, 0],
  ];
  for (const [n, q, l] of cases) {
    assertEquals(caligoFiniteKeyLength(n, q, 0.75, 0.002), l, `(${n}, ${q})`);
  }
  assertEquals(caligoFiniteKeyLength(1e5, 0.02, 0.1, 0.5), 19722);
});

Deno.test("safetyCapSimple() and safetyCapDetailed() match §14.4 [C]", () => {
  assertEquals(safetyCapSimple(10000, 0.05), 7136);
  assertEquals(safetyCapDetailed(45000, 0.7, 1), 31432);
});

Deno.test("caligoBaselineRate() with f = 1.1 matches §14.4 [C]", () => {
  assertEquals(caligoBaselineRate(0.01, 1.1), 0.6);
  assertEquals(caligoBaselineRate(0.05, 1.1), 0.6);
  assertEquals(caligoBaselineRate(0.11, 1.1), 0.51);
  assertEquals(caligoBaselineRate(0), 0.5);
  assertEquals(caligoBaselineRate(0.5), 0.5);
});

Deno.test("caligoBlindInitialShortening() is 20 above a prior of 0.05 (§14.4 [C])", () => {
  assertEquals(caligoBlindInitialShortening(0.051), 20);
  assertEquals(caligoBlindInitialShortening(0.05), 0);
});

// §14.5: Caligo end-to-end pipeline with all blocks verified and |M| = N/2 exactly.
Deno.test("deathValley() and caligoKeyLength() reproduce the §14.5 pipeline table [C]", () => {
  // [N, r, Q̂, μ, L_cap, L_est, n_rec, leak, ℓ_total, ℓ, |I0_v|, |I1_v|]
  const rows: [number, number, number, number, number, number, number, number, number, number][] = [
    [1e6, 0.2, 0.02, 0.023291, 376358, 232040, 450000, 232320, 144041, 72020],
    [1e5, 0.1, 0.02, 0.073655, 43013, 23204, 45000, 23232, 19784, 9892],
    [1e5, 0.3, 0.02, 0.073655, 31432, 23204, 45000, 23232, 8203, 4101],
    [1e5, 0.45, 0.01, 0.073655, 24682, 23204, 45000, 23232, 1453, 726],
  ];
  for (const [n, r, q, mu, cap, est, nRec, leak, total, per] of rows) {
    const t = 0.05 * n;
    const k = 0.45 * n;
    assertClose(finiteSizeMu(t, k), mu, 5e-7, `μ N=${n}`);
    assertClose(q + finiteSizeMu(t, k), q + mu, 5e-7);
    const dv = deathValley(k, hMin(r));
    assertEquals([dv.leakCap, dv.leakEstimate, dv.aborts], [cap, est, false], `N=${n} r=${r}`);
    const kl = caligoKeyLength(nRec, leak, hMin(r), 1e9, 1e9);
    assertEquals([kl.total, kl.perString, kl.isViable], [total, per, true], `N=${n} r=${r}`);
  }
  // Blind, N = 1e6, r = 0.2: L_cap / L_est at n = 500 000; K1 on n_rec 475 112, leak 259 776.
  const blind = deathValley(500000, hMin(0.2));
  assertEquals([blind.leakCap, blind.leakEstimate], [418183, 257872]);
  assertEquals(caligoKeyLength(475112, 259776, hMin(0.2), 1e9, 1e9).total, 137591);
  assertEquals(caligoKeyLength(475112, 259776, hMin(0.2), 1e9, 1e9).perString, 68795);
  // Early Death-Valley aborts.
  const dv1 = deathValley(450000, hMin(0.5));
  assert(dv1.aborts && dv1.leakCap === 224932 && dv1.leakEstimate === 232040);
  const dv2 = deathValley(22500, hMin(0.75));
  assert(dv2.aborts && dv2.leakCap === 5557 && dv2.leakEstimate === 11634);
  // Late Death Valley: blind r = 0.47 passes the early check, then ℓ_total < 0.
  const dv3 = deathValley(500000, hMin(0.47));
  assert(!dv3.aborts && dv3.leakCap === 264932);
  const late = caligoKeyLength(475112, 259776, hMin(0.47), 1e9, 1e9);
  assert(late.total === -8032 && !late.isViable);
  // N = 1e4, Q̂ = 0: Q_adj = μ = 0.232940 > 0.22.
  assertClose(finiteSizeMu(500, 4500), 0.232940, 5e-7);
  // r = 0, Q̂ = 0.05: ℓ_total 217 615, per string capped by the partition |I1_v| = 101 302.
  const capped = caligoKeyLength(450000, 232320, hMin(0), 101329, 101302);
  assertEquals([capped.total, capped.perString], [217615, 101302]);
  assertEquals(deathValley(450000, hMin(0)).leakCap, 449932);
});

Deno.test("caligoKeyLengthBound() (K3) and caligoAsymptoticRate() (K4)", () => {
  // γ = 1 − log2(1 + 3·0.25²) at r = 0.25 minus h(0) = 0.
  const gamma = 1 - Math.log2(1 + 3 * 0.0625);
  assertEquals(
    caligoKeyLengthBound(1000, 0, 0.25, 10),
    Math.floor(1000 * gamma - 10 - 2 * Math.log2(1e10)),
  );
  // γ ≤ 0 at r = 0.9: replaced by 1 − h(Q), so the bound is n(1 − 2h(Q)) − leak − 2 log2(1/ε).
  assertEquals(caligoKeyLengthBound(1000, 0, 0.9, 0), Math.floor(1000 - 2 * Math.log2(1e10)));
  assertClose(caligoAsymptoticRate(0.75, 0.002, 0.1), -0.044535, 5e-7);
});
