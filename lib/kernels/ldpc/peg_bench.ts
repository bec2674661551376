/** ACE-PEG construction time (O(E²) edge visits) at n = 1024 and 4096, rate 0.5. */
import { Xoshiro128StarStar } from "../rng.ts";
import { buildPegCode } from "./peg.ts";
import { caligoDistribution, degreeCounts } from "./degree_distributions.ts";

for (const n of [1024, 4096]) {
  const c = degreeCounts(caligoDistribution(0.5), n, n / 2);
  Deno.bench(`buildPegCode() rate 0.5, n = ${n}`, { n: 1, warmup: 0 }, () => {
    buildPegCode(c.variables, c.checks, new Xoshiro128StarStar(Uint32Array.of(1, 2, 3, 4)));
  });
}
