/**
 * Throughput of EPR sampling (docs/science.md §3.1; target ≥ 2×10⁷ rounds/s on one core).
 * Run: ./deno bench -P lib/kernels/link/epr_sampler_bench.ts
 */
import { stageRng } from "../rng.ts";
import { applyDetectorError, sampleEprRounds } from "./epr_sampler.ts";
import { createLinkModel } from "./link_model.ts";

const link = createLinkModel("heralded-double-click", {
  channelFidelity: 0.97,
  detectionEfficiency: 0.1,
  detectorError: 0.01,
  darkCountProb: 1e-6,
});

for (const n of [1e5, 1e6]) {
  const ta = new Uint8Array(n),
    a = new Uint8Array(n),
    tb = new Uint8Array(n),
    b = new Uint8Array(n);
  Deno.bench(`sampleEprRounds() + applyDetectorError(), N = ${n}`, { group: `epr ${n}` }, () => {
    sampleEprRounds(n, link.errorZ, link.errorX, stageRng(1n, "quantum"), ta, a, tb, b);
    applyDetectorError(b, n, link.detectorFlipProb, stageRng(1n, "detector"));
  });
}
