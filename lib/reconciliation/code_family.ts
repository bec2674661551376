/**
 * A family of mother codes of one length (docs/science.md §9.1): ACE-PEG parity-check matrices at the
 * configured rates, each with its nested puncturing order (§9.2), plus the decoders and frame
 * layouts built on demand and kept with the family (a worker builds or loads the family once and
 * reuses it for many samples). Degree distributions: Caligo's shipped table (docs/science.md §9.1);
 * PEG: Hu, Eleftheriou & Arnold 2005; ACE: Tian et al. 2004; puncturing: Elkouss et al. 2012.
 * @module
 */
import { InvalidArgumentError } from "../errors.ts";
import { campaignRng } from "../kernels/rng.ts";
import {
  caligoDistribution,
  deBscDistribution,
  degreeCounts,
  type DegreeDistribution,
} from "../kernels/ldpc/degree_distributions.ts";
import { buildPegCode } from "../kernels/ldpc/peg.ts";
import { puncturingOrder } from "../kernels/ldpc/puncturing_order.ts";
import type { ParityCheckMatrix } from "../kernels/ldpc/parity_check_matrix.ts";
import { asBatchDecoder, type BatchDecoder, type Decoder } from "../kernels/ldpc/decoder.ts";
import { createRegisteredDecoder, type DecoderName } from "../kernels/ldpc/decoder_registry.ts";
import { buildLocalPegCode } from "../kernels/ldpc/local_peg.ts";
import type { ReconciliationCalibration } from "./calibration.ts";

/** Version of the ACE-PEG construction (n ≤ {@link LOCAL_PEG_ABOVE}); part of the cache id. */
export const CODE_ALGORITHM_VERSION = "ace-peg-v1";
/** Version of the local-PEG construction used above {@link LOCAL_PEG_ABOVE}. */
export const LOCAL_PEG_ALGORITHM_VERSION = "local-peg-v1";
/**
 * Longest code built by ACE-PEG (O(E²): 11–181 s per code at n = 16384); longer codes use local
 * PEG (lib/kernels/ldpc/local_peg.ts: no 4-cycles where avoidable, ≈ 1 s at n = 131072).
 */
export const LOCAL_PEG_ABOVE = 16384;

/**
 * Which degree-distribution table a family's codes come from: `caligo` (default; Caligo's table,
 * rates 0.50…0.90) or `de-bsc` (designed for the BSC by density evolution, rates 0.35…0.90;
 * lib/kernels/ldpc/degree_distributions.ts). Part of the cache id (`…-de-v3`; v2 had Caligo's 0.75 and 0.90 rows).
 */
export type CodeFamilyName = "caligo" | "de-bsc";
/** All family names, default first. */
export const CODE_FAMILY_NAMES: readonly CodeFamilyName[] = ["caligo", "de-bsc"];
/** Version suffix of the `de-bsc` table; bump it whenever a row of that table changes. */
export const DE_BSC_FAMILY_VERSION = "de-v3";

/** The construction algorithm (and its version) of codes of length n, e.g. `ace-peg-de-v3`. */
export function codeAlgorithm(n: number, family: CodeFamilyName = "caligo"): string {
  const base = n > LOCAL_PEG_ABOVE ? LOCAL_PEG_ALGORITHM_VERSION : CODE_ALGORITHM_VERSION;
  return family === "caligo" ? base : base.replace(/-v1$/, `-${DE_BSC_FAMILY_VERSION}`);
}

/** The mother rates of a family's table: 0.50…0.90 (`caligo`), 0.35…0.90 (`de-bsc`), step 0.05. */
export function defaultMotherRates(family: CodeFamilyName = "caligo"): number[] {
  const lowest = family === "caligo" ? 50 : 35;
  return Array.from({ length: (90 - lowest) / 5 + 1 }, (_, i) => (lowest + 5 * i) / 100);
}

/** Parse a `--family`/`code_family` value. */
export function parseCodeFamily(value: string): CodeFamilyName {
  const name = CODE_FAMILY_NAMES.find((f) => f === value);
  if (name === undefined) {
    throw new InvalidArgumentError(
      "codeFamily",
      value,
      `must be one of ${CODE_FAMILY_NAMES.join(", ")}`,
    );
  }
  return name;
}

/** The degree distribution of mother rate `rate` in `family`. */
export function familyDistribution(family: CodeFamilyName, rate: number): DegreeDistribution {
  switch (family) {
    case "caligo":
      return caligoDistribution(rate);
    case "de-bsc":
      return deBscDistribution(rate);
    default:
      throw new InvalidArgumentError(
        "codeFamily",
        family,
        `must be one of ${CODE_FAMILY_NAMES.join(", ")}`,
      );
  }
}

/** One mother code of a family. */
export interface MotherCode {
  /** Cache id, e.g. `ldpc-n16384-r0.50-s1-ace-peg-v1`. */
  readonly id: string;
  /** Mother rate R0 = 1 − m_c/n as configured (0.50 …). */
  readonly rate: number;
  readonly matrix: ParityCheckMatrix;
  /** Nested puncturing order (§9.2), length n. */
  readonly puncturingOrder: Int32Array;
  /** Girth of the Tanner graph (from construction; NaN when unknown). */
  readonly girth: number;
  /** Degree-distribution table (absent: `caligo`). */
  readonly family?: CodeFamilyName;
}

/** Frame layout of a code for a modulation size d (§9.3–9.4). */
export interface FrameLayout {
  /** Modulation positions D = first d entries of the puncturing order. */
  readonly modulation: Int32Array;
  /** Payload positions (the n − d others), increasing. */
  readonly payload: Int32Array;
}

/** Mother codes of one length, ascending rate, with per-family caches of decoders and layouts. */
export interface CodeFamily {
  readonly codeLength: number;
  /** Degree-distribution table of every code. */
  readonly family: CodeFamilyName;
  readonly codes: readonly MotherCode[];
  /** Decoders keyed by code index and decoder settings (filled by {@link familyDecoder}). */
  readonly decoders: Map<string, BatchDecoder>;
  /** Layouts keyed by code index and d (filled by {@link frameLayout}). */
  readonly layouts: Map<string, FrameLayout>;
  /**
   * Calibrated f_sel(q) and f_blind(q) (lib/reconciliation/calibration.ts), used by the rate
   * choice of both strategies instead of `fSelect` and 1.1; set by whoever loaded or made it
   * after checking its key (lib/io/code_cache.ts, lib/campaign/calibration_builds.ts).
   */
  calibration?: ReconciliationCalibration;
}

/** The parts of the reconciliation options that determine the codes. */
export interface CodeFamilyOptions {
  codeLength: number;
  motherRates: readonly number[];
  /** Degree-distribution table (`caligo` when absent). */
  codeFamily?: CodeFamilyName;
}

/** Cache id of a mother code, e.g. `ldpc-n4096-r0.40-s1-ace-peg-de-v3`. */
export function motherCodeId(
  n: number,
  rate: number,
  seed: number,
  family: CodeFamilyName = "caligo",
): string {
  return `ldpc-n${n}-r${rate.toFixed(2)}-s${seed}-${codeAlgorithm(n, family)}`;
}

/**
 * Build one mother code: degree counts from the family's distribution, ACE-PEG (n ≤
 * {@link LOCAL_PEG_ABOVE}) or local PEG with the seeded stream `ldpc/<id>`, puncturing order of
 * length n.
 */
export function buildMotherCode(
  n: number,
  rate: number,
  seed: number,
  family: CodeFamilyName = "caligo",
): MotherCode {
  const checks = Math.round(n * (1 - rate));
  const counts = degreeCounts(familyDistribution(family, rate), n, checks);
  const id = motherCodeId(n, rate, seed, family);
  const rng = campaignRng(seed, `ldpc/${id}`);
  let matrix: ParityCheckMatrix, girth: number;
  if (n > LOCAL_PEG_ABOVE) {
    const built = buildLocalPegCode(counts.variables, counts.checks, rng);
    matrix = built.matrix;
    girth = built.fourCycleEdges > 0 ? 4 : NaN; // ≥ 6 without 4-cycle edges; not measured
  } else {
    ({ matrix, girth } = buildPegCode(counts.variables, counts.checks, rng));
  }
  const { order } = puncturingOrder(matrix, n);
  return { id, rate, matrix, puncturingOrder: order, girth, family };
}

/** Assemble a family from already built or loaded codes (sorted by rate). */
export function codeFamilyFromCodes(codes: readonly MotherCode[]): CodeFamily {
  if (codes.length === 0) {
    throw new InvalidArgumentError("codes", 0, "a family needs at least one code");
  }
  const n = codes[0].matrix.n;
  const family = codes[0].family ?? "caligo";
  for (const c of codes) {
    if ((c.family ?? "caligo") !== family) {
      throw new InvalidArgumentError(`codes[${c.id}].family`, c.family, `must equal ${family}`);
    }
    if (c.matrix.n !== n) {
      throw new InvalidArgumentError(`codes[${c.id}].n`, c.matrix.n, `must equal ${n}`);
    }
    if (c.puncturingOrder.length !== n) {
      throw new InvalidArgumentError(
        `codes[${c.id}].puncturingOrder.length`,
        c.puncturingOrder.length,
        `must be n = ${n}`,
      );
    }
  }
  return {
    codeLength: n,
    family,
    codes: [...codes].sort((a, b) => a.rate - b.rate),
    decoders: new Map(),
    layouts: new Map(),
  };
}

/**
 * Build every mother code of the family (pure, deterministic for `seed`). At n = 16384 this takes
 * tens of seconds per code; use `loadOrBuildCodeFamily` (lib/io/code_cache.ts) to cache it.
 * @example
 * ```ts
 * import { buildCodeFamily } from "./code_family.ts";
 * const family = buildCodeFamily({ codeLength: 256, motherRates: [0.5] }, 1);
 * console.assert(family.codes[0].matrix.m === 128);
 * ```
 */
export function buildCodeFamily(options: CodeFamilyOptions, seed: number): CodeFamily {
  validateFamilyOptions(options);
  return codeFamilyFromCodes(
    options.motherRates.map((r) =>
      buildMotherCode(options.codeLength, r, seed, options.codeFamily ?? "caligo")
    ),
  );
}

/** Check code length and rates. */
export function validateFamilyOptions(options: CodeFamilyOptions): void {
  const n = options.codeLength;
  if (!Number.isInteger(n) || n < 16) {
    throw new InvalidArgumentError("codeLength", n, "must be an integer ≥ 16");
  }
  if (options.motherRates.length === 0) {
    throw new InvalidArgumentError("motherRates", options.motherRates, "must not be empty");
  }
  for (const r of options.motherRates) familyDistribution(options.codeFamily ?? "caligo", r);
}

/** Settings that select a decoder. */
export interface DecoderSettings {
  decoder: DecoderName;
  nmsAlpha: number;
  maxIterations: number;
}

/** The decoder of code `index` for `settings`, created once per family and reused. */
export function familyDecoder(
  family: CodeFamily,
  index: number,
  settings: DecoderSettings,
): BatchDecoder {
  const key = `${index}|${settings.decoder}|${settings.nmsAlpha}|${settings.maxIterations}`;
  let decoder = family.decoders.get(key);
  if (decoder === undefined) {
    decoder = asBatchDecoder(createDecoder(family.codes[index].matrix, settings));
    family.decoders.set(key, decoder);
  }
  return decoder;
}

/** Create a decoder by name from the registry (docs/science.md §9.9). */
export function createDecoder(matrix: ParityCheckMatrix, settings: DecoderSettings): Decoder {
  return createRegisteredDecoder(settings.decoder, matrix, settings);
}

/** The frame layout of code `index` for modulation size d (cached in the family). */
export function frameLayout(family: CodeFamily, index: number, d: number): FrameLayout {
  const key = `${index}|${d}`;
  let layout = family.layouts.get(key);
  if (layout === undefined) {
    const code = family.codes[index];
    const n = code.matrix.n;
    const modulation = code.puncturingOrder.slice(0, d);
    const inD = new Uint8Array(n);
    for (const v of modulation) inD[v] = 1;
    const payload = new Int32Array(n - d);
    for (let v = 0, k = 0; v < n; v++) if (!inD[v]) payload[k++] = v;
    layout = { modulation, payload };
    family.layouts.set(key, layout);
  }
  return layout;
}
