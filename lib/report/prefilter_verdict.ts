/**
 * The analytic pre-filter's verdict on a point of the campaign box (docs/science.md §8.3,
 * docs/campaign.md §5.2), as the maps, the summary, the cliff-map API and cliff-bench all read
 * it: where the pre-filter rules a point out, no key exists whatever the surrogate's mean says
 * there (the GP is not trained on such points by default and extrapolates into them).
 * @module
 */
import type { CampaignConfig } from "../io/config.ts";
import { createRowPrefilter } from "../campaign/prefilter_adapter.ts";
import { CONTINUOUS_WIDTH, PARAM_INDEX, STORED_WIDTH } from "../science/parameter_space.ts";

/** True where the pre-filter rules the point out; reads the 8 continuous stored columns. */
export type RuledOutTest = (stored: Float64Array) => boolean;

/**
 * The verdict of `config`'s pre-filter (strategy-independent), or undefined when the campaign
 * runs without one (`phase1.prefilter.enabled: false`).
 */
export function prefilterVerdict(config: CampaignConfig): RuledOutTest | undefined {
  if (!config.phase1.prefilter.enabled) return undefined;
  const prefilter = createRowPrefilter(config.phase1.prefilter.rule, config.simulation);
  const row = new Float64Array(STORED_WIDTH);
  return (stored) => {
    row.set(stored.subarray(0, CONTINUOUS_WIDTH));
    return !prefilter(row, Math.round(10 ** row[PARAM_INDEX.num_pairs])).isFeasible;
  };
}
