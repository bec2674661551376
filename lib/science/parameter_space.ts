/**
 * The 9-D parameter space as data (docs/science.md §1.1): per parameter its `simulate --point` field
 * name, stored column, symbol, label, unit, whether it is drawn on a linear or a log scale, and
 * the config `bounds` keys of its range. Pure data and unit conversions, no I/O: the report, the
 * cliff explorer, the cliff-map API, the store's `inputs` columns, the Phase 1 design marginals and
 * the GP's unit box read the space here, and index a stored row by name ({@link PARAM_INDEX}).
 * @module
 */

import { KEY_MODELS } from "./key_model.ts";

/** How a parameter is distributed over the campaign box and stored. */
export type ParameterScale = "linear" | "log";

/** One continuous parameter of the space. */
export interface ParameterSpec {
  /** Field name of `simulate --point` and key of the config `bounds` section. */
  readonly field: string;
  /** Stored column name (log10 of the physical value where `scale` is "log"). */
  readonly stored: string;
  /** Symbol as printed (Unicode). */
  readonly symbol: string;
  /** Short name for labels. */
  readonly label: string;
  /** Axis label of the stored column, e.g. "log10 Δt (ns)". */
  readonly storedLabel: string;
  /** Physical unit, "" for dimensionless. */
  readonly unit: string;
  /** Linear or log10-distributed in the box; the stored value is log10(physical) for "log". */
  readonly scale: ParameterScale;
  /** Keys of the range in the config `bounds.<field>` section: linear or log10 values. */
  readonly boundsKeys: readonly ["min", "max"] | readonly ["min_log", "max_log"];
}

/**
 * The 8 continuous parameters in stored-column order (the GP's inputs). ν is stored as log10 but
 * configured with linear `min`/`max`.
 */
export const CONTINUOUS_PARAMETERS = [
  {
    field: "storage_noise_r",
    stored: "storage_noise_r",
    symbol: "r",
    label: "storage noise r",
    storedLabel: "r",
    unit: "",
    scale: "linear",
    boundsKeys: ["min", "max"],
  },
  {
    field: "storage_rate_nu",
    stored: "log10_storage_rate_nu",
    symbol: "ν",
    label: "storage rate ν",
    storedLabel: "log10 ν",
    unit: "",
    scale: "log",
    boundsKeys: ["min", "max"],
  },
  {
    field: "wait_time_ns",
    stored: "log10_wait_time_ns",
    symbol: "Δt",
    label: "wait time Δt",
    storedLabel: "log10 Δt (ns)",
    unit: "ns",
    scale: "log",
    boundsKeys: ["min_log", "max_log"],
  },
  {
    field: "channel_fidelity",
    stored: "channel_fidelity",
    symbol: "F",
    label: "channel fidelity F",
    storedLabel: "F",
    unit: "",
    scale: "linear",
    boundsKeys: ["min", "max"],
  },
  {
    field: "detection_efficiency",
    stored: "log10_detection_efficiency",
    symbol: "η",
    label: "detection efficiency η",
    storedLabel: "log10 η",
    unit: "",
    scale: "log",
    boundsKeys: ["min_log", "max_log"],
  },
  {
    field: "detector_error",
    stored: "detector_error",
    symbol: "e_det",
    label: "detector error e_det",
    storedLabel: "e_det",
    unit: "",
    scale: "linear",
    boundsKeys: ["min", "max"],
  },
  {
    field: "dark_count_prob",
    stored: "log10_dark_count_prob",
    symbol: "p_d",
    label: "dark-count probability p_d",
    storedLabel: "log10 p_d",
    unit: "per window",
    scale: "log",
    boundsKeys: ["min_log", "max_log"],
  },
  {
    field: "num_pairs",
    stored: "log10_num_pairs",
    symbol: "N",
    label: "pairs N",
    storedLabel: "log10 N",
    unit: "detected pairs",
    scale: "log",
    boundsKeys: ["min_log", "max_log"],
  },
] as const satisfies readonly ParameterSpec[];

/** Field name of a continuous parameter, e.g. "wait_time_ns". */
export type ParameterField = typeof CONTINUOUS_PARAMETERS[number]["field"];

/** The discrete ninth parameter: the reconciliation strategy (stored 0 baseline, 1 blind). */
export const STRATEGY_FIELD = "strategy" as const;

/** Number of continuous parameters: the GP's input dimension. */
export const CONTINUOUS_WIDTH = CONTINUOUS_PARAMETERS.length;
/** Number of stored input columns: the continuous parameters, then the strategy. */
export const STORED_WIDTH = CONTINUOUS_WIDTH + 1;

/** The stored input columns (the store's `inputs` dataset), in order: docs/science.md §1.1. */
export const STORED_COLUMNS = [
  ...CONTINUOUS_PARAMETERS.map((p) => p.stored),
  STRATEGY_FIELD,
] as unknown as readonly [...StoredNames<typeof CONTINUOUS_PARAMETERS>, typeof STRATEGY_FIELD];

/** The `stored` names of a tuple of specs, as a tuple of string literals. */
type StoredNames<T extends readonly ParameterSpec[]> = {
  -readonly [K in keyof T]: T[K] extends { stored: infer S } ? S : never;
};

/** Axis labels of the stored columns, in {@link STORED_COLUMNS} order. */
export const STORED_LABELS: readonly string[] = [
  ...CONTINUOUS_PARAMETERS.map((p) => p.storedLabel),
  STRATEGY_FIELD,
];

/**
 * Position of each parameter in a stored row, by field name (the strategy last).
 * @example
 * ```ts
 * import { PARAM_INDEX } from "./parameter_space.ts";
 * console.assert(PARAM_INDEX.num_pairs === 7 && PARAM_INDEX.strategy === 8);
 * ```
 */
export const PARAM_INDEX = Object.freeze(
  Object.fromEntries(
    [...CONTINUOUS_PARAMETERS.map((p) => p.field), STRATEGY_FIELD].map((f, i) => [f, i]),
  ),
) as Readonly<Record<ParameterField | typeof STRATEGY_FIELD, number>>;

/** The config `bounds` section (docs/campaign.md §2.1): linear or log10 ranges per field. */
export type ParameterBounds = {
  readonly [P in typeof CONTINUOUS_PARAMETERS[number] as P["field"]]: {
    readonly [K in P["boundsKeys"][number]]: number;
  };
};

/** The campaign box in stored units: per continuous column its lower and upper bound. */
export interface StoredBox {
  lo: number[];
  hi: number[];
}

/**
 * The campaign box in stored units (docs/campaign.md §3 "Marginals"): `min_log`/`max_log` as
 * given, `min`/`max` of a log parameter (ν) as log10, of a linear one as given.
 * @example
 * ```ts
 * import { storedBox } from "./parameter_space.ts";
 * const b = { storage_noise_r: { min: 0, max: 1 }, storage_rate_nu: { min: 0.01, max: 1 },
 *   wait_time_ns: { min_log: 5, max_log: 9 }, channel_fidelity: { min: 0.6, max: 1 },
 *   detection_efficiency: { min_log: -3, max_log: 0 }, detector_error: { min: 0, max: 0.1 },
 *   dark_count_prob: { min_log: -8, max_log: -3 }, num_pairs: { min_log: 4, max_log: 6 } };
 * console.assert(storedBox(b).lo[1] === -2 && storedBox(b).hi[7] === 6);
 * ```
 */
export function storedBox(bounds: ParameterBounds): StoredBox {
  const end = (spec: ParameterSpec, k: 0 | 1) => {
    const key = spec.boundsKeys[k];
    const v = (bounds[spec.field as ParameterField] as Record<string, number>)[key];
    return spec.scale === "log" && !key.endsWith("_log") ? Math.log10(v) : v;
  };
  return {
    lo: CONTINUOUS_PARAMETERS.map((p) => end(p, 0)),
    hi: CONTINUOUS_PARAMETERS.map((p) => end(p, 1)),
  };
}

/**
 * What N counts under the project and caligo key models: pairs with a detection event in both
 * arms. Stated with every cliff map.
 */
export const NUM_PAIRS_CONVENTION = "detected pairs";

/** What N counts under a key model (`key_model` of the store): detected pairs or pairs sent. */
export function numPairsConvention(keyModel: string): "detected pairs" | "pairs sent" {
  const model = (KEY_MODELS as Record<string, { numPairsConvention: string }>)[keyModel];
  return model?.numPairsConvention === "pairs sent" ? "pairs sent" : NUM_PAIRS_CONVENTION;
}

/** One sentence on what N counts under a key model. */
export function numPairsConventionText(keyModel: string): string {
  return numPairsConvention(keyModel) === "pairs sent"
    ? `N (num_pairs) counts pairs sent by the source, detected or not, the convention of the ` +
      `${keyModel} key model`
    : "N (num_pairs) counts detected pairs: pairs with a detection event in both arms, " +
      "the convention of the project and caligo key models";
}

/** {@link numPairsConventionText} of the project and caligo key models. */
export const NUM_PAIRS_CONVENTION_TEXT = numPairsConventionText("project");

/**
 * Stored value of a physical value: log10 for log parameters, unchanged otherwise.
 * @example
 * ```ts
 * import { CONTINUOUS_PARAMETERS, toStored } from "./parameter_space.ts";
 * console.assert(toStored(CONTINUOUS_PARAMETERS[2], 1e7) === 7);
 * ```
 */
export function toStored(spec: ParameterSpec, physical: number): number {
  return spec.scale === "log" ? Math.log10(physical) : physical;
}

/** Physical value of a stored value (10^x for log parameters). */
export function toPhysical(spec: ParameterSpec, stored: number): number {
  return spec.scale === "log" ? 10 ** stored : stored;
}

/**
 * Axis title with unit and scale, e.g. "wait time Δt (ns, log scale)".
 * @example
 * ```ts
 * import { axisTitle, CONTINUOUS_PARAMETERS } from "./parameter_space.ts";
 * console.assert(axisTitle(CONTINUOUS_PARAMETERS[0]) === "storage noise r");
 * console.assert(axisTitle(CONTINUOUS_PARAMETERS[2]) === "wait time Δt (ns, log scale)");
 * ```
 */
export function axisTitle(spec: ParameterSpec): string {
  const parts = [spec.unit, spec.scale === "log" ? "log scale" : ""].filter((s) => s);
  return parts.length ? `${spec.label} (${parts.join(", ")})` : spec.label;
}
