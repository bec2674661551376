/**
 * The decoder registry (docs/science.md §9.9): every decoder a run can name, as a schedule and a
 * check rule (check_rules.ts), with the scalar decoder it decodes like, the short names Caligo
 * used for it, and how to build it for a code. The config enum (`reconciliation.decoder`), the
 * `--decoder` flags, the code family's decoder cache and the shared test battery
 * (`_test_decoder_battery.ts`) all read this table; adding a decoder is one entry here.
 * @module
 */
import { InvalidArgumentError } from "../../errors.ts";
import type { ParityCheckMatrix } from "./parity_check_matrix.ts";
import type { Decoder } from "./decoder.ts";
import { normalizedMinSum, sumProduct } from "./check_rules.ts";
import { createLayeredDecoder } from "./layered_decoder.ts";
import { createFloodingDecoder } from "./flooding_decoder.ts";
import { createSimdMinSumDecoder } from "./simd_min_sum_decoder.ts";
import { createSimdSumProductDecoder } from "./simd_sum_product_decoder.ts";

/** The settings a registered decoder is built from (config `nms_alpha`, `max_iterations`). */
export interface DecoderBuildSettings {
  /** Normalized min-sum factor α ∈ (0, 1] (min-sum decoders only). */
  nmsAlpha: number;
  /** Default iteration limit (full sweeps). */
  maxIterations: number;
}

/** One registered decoder. */
export interface DecoderEntry {
  /** Message-passing schedule. */
  readonly schedule: "layered" | "flooding" | "simd-lanes";
  /** Check rule, as check_rules.ts names it. */
  readonly rule: "normalized-min-sum" | "sum-product (φ table)" | "sum-product (tanh)";
  /**
   * The scalar decoder this one decodes like (itself, or the TypeScript decoder a SIMD one
   * reproduces); calibrations of f_sel are shared between them.
   */
  readonly decodesLike: string;
  /** Whether `nmsAlpha` changes what it decodes. */
  readonly usesNmsAlpha: boolean;
  /** Further `--decoder` values naming it (Caligo's short names). */
  readonly flagAliases: readonly string[];
  /** Build the decoder for `code`, with its workspace. */
  create(code: ParityCheckMatrix, settings: DecoderBuildSettings): Decoder;
}

/**
 * Every decoder, in the order of the config enum. The `-simd` decoders decode 8 frames at once in WebAssembly SIMD: `nms-simd` decodes
 * exactly like `nms-layered`'s fixed-point kernel, frame by frame; `spa-simd` is layered
 * sum-product in float32 lanes (same φ table as `spa-layered`; FER equal within statistical
 * error).
 */
export const DECODERS = {
  "nms-layered": {
    schedule: "layered",
    rule: "normalized-min-sum",
    decodesLike: "nms-layered",
    usesNmsAlpha: true,
    flagAliases: ["minsum"],
    create: (code, s) =>
      createLayeredDecoder(code, {
        rule: normalizedMinSum(s.nmsAlpha),
        maxIterations: s.maxIterations,
      }),
  },
  "nms-simd": {
    schedule: "simd-lanes",
    rule: "normalized-min-sum",
    decodesLike: "nms-layered",
    usesNmsAlpha: true,
    flagAliases: [],
    create: (code, s) =>
      createSimdMinSumDecoder(code, {
        rule: normalizedMinSum(s.nmsAlpha),
        maxIterations: s.maxIterations,
      }),
  },
  "spa-layered": {
    schedule: "layered",
    rule: "sum-product (φ table)",
    decodesLike: "spa-layered",
    usesNmsAlpha: false,
    flagAliases: [],
    create: (code, s) =>
      createLayeredDecoder(code, { rule: sumProduct(), maxIterations: s.maxIterations }),
  },
  "spa-simd": {
    schedule: "simd-lanes",
    rule: "sum-product (φ table)",
    decodesLike: "spa-layered",
    usesNmsAlpha: false,
    flagAliases: [],
    create: (code, s) => createSimdSumProductDecoder(code, { maxIterations: s.maxIterations }),
  },
  "spa-flooding": {
    schedule: "flooding",
    rule: "sum-product (tanh)",
    decodesLike: "spa-flooding",
    usesNmsAlpha: false,
    flagAliases: ["spa"],
    create: (code, s) =>
      createFloodingDecoder(code, { rule: sumProduct("tanh"), maxIterations: s.maxIterations }),
  },
} as const satisfies Record<string, DecoderEntry>;

/** Decoder algorithms (docs/science.md §9.9): the keys of {@link DECODERS}. */
export type DecoderName = keyof typeof DECODERS;

/** Every decoder name, in registry order (a non-empty tuple, as `z.enum` wants it). */
export const DECODER_NAMES = Object.keys(DECODERS) as [DecoderName, ...DecoderName[]];

/** Whether `text` is a registered decoder name. */
export function isDecoderName(text: string): text is DecoderName {
  return Object.hasOwn(DECODERS, text);
}

/**
 * The scalar decoder `name` decodes like (calibrations of f_sel are shared between them):
 * `nms-simd` → `nms-layered`, `spa-simd` → `spa-layered`, others themselves.
 * @example
 * ```ts
 * import { decoderFamily } from "./decoder_registry.ts";
 * console.assert(decoderFamily("spa-simd") === "spa-layered");
 * ```
 */
export function decoderFamily(name: DecoderName): DecoderName {
  return DECODERS[name].decodesLike as DecoderName;
}

/** Every accepted `--decoder` value: the names, then each decoder's aliases. */
export function decoderFlagValues(): string[] {
  const aliases = DECODER_NAMES.flatMap((name) => [...DECODERS[name].flagAliases]);
  return [...aliases, ...DECODER_NAMES];
}

/** The decoder a `--decoder` value names (a registered name or an alias), or undefined. */
export function decoderForFlag(text: string): DecoderName | undefined {
  if (isDecoderName(text)) return text;
  return DECODER_NAMES.find((name) =>
    (DECODERS[name].flagAliases as readonly string[]).includes(text)
  );
}

/**
 * Build decoder `name` for `code` (docs/science.md §9.9).
 * @throws InvalidArgumentError for a name that is not registered
 * @example
 * ```ts
 * import { createRegisteredDecoder } from "./decoder_registry.ts";
 * import { createParityCheckMatrix } from "./parity_check_matrix.ts";
 * const h = createParityCheckMatrix(2, 3, Int32Array.of(0, 2, 4), Int32Array.of(0, 1, 1, 2));
 * const d = createRegisteredDecoder("spa-flooding", h, { nmsAlpha: 0.8, maxIterations: 20 });
 * console.assert(d.name === "spa-flooding");
 * ```
 */
export function createRegisteredDecoder(
  name: DecoderName,
  code: ParityCheckMatrix,
  settings: DecoderBuildSettings,
): Decoder {
  if (!isDecoderName(name)) {
    throw new InvalidArgumentError("decoder", name, `must be one of ${DECODER_NAMES.join(", ")}`);
  }
  return DECODERS[name].create(code, settings);
}
