/** caligo-ts public API (filled in as modules land). @module */
export {
  campaignRng,
  type Rng,
  sampleSeed,
  stageRng,
  Xoshiro128StarStar,
} from "./lib/kernels/rng.ts";
export {
  type CampaignConfig,
  loadConfig,
  type LoadedConfig,
  parseConfig,
} from "./lib/io/config.ts";
export * from "./lib/errors.ts";
