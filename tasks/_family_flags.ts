/**
 * The code-family flags that `codes` and `calibrate` share (declared once as `FAMILY_FLAGS` in
 * tasks/_tasks.ts, defaults from the config schema): family, rates, decoder settings, jobs and
 * the codes directory, parsed into the options the code cache and the calibration take.
 * @module
 */
import { defaultReconciliationOptions } from "../lib/protocol/simulation_options.ts";
import {
  type CodeFamilyName,
  defaultMotherRates,
  parseCodeFamily,
} from "../lib/reconciliation/code_family.ts";
import type { ReconciliationOptions } from "../lib/reconciliation/types.ts";
import { parseDecoderFlag } from "./_cli.ts";
import {
  type FlagValues,
  numberFlag,
  numberListFlag,
  requiredNumberFlag,
  stringFlag,
} from "./_flags.ts";

/** What the family flags select. */
export interface FamilyFlags {
  codeFamily: CodeFamilyName;
  /** `--rates`, else the family's default mother rates. */
  motherRates: number[];
  /** Reconciliation options with the decoder flags applied (code length not set). */
  decoding: ReconciliationOptions;
  /** `--jobs`, else the cores the runtime reports. */
  jobs: number;
  codesDir: string;
}

/**
 * Parse the family flags of `values`.
 * @throws UsageError naming the flag and what it accepts
 */
export function parseFamilyFlags(values: FlagValues): FamilyFlags {
  const codeFamily = parseCodeFamily(stringFlag(values, "family")!);
  return {
    codeFamily,
    motherRates: numberListFlag(values, "rates", { min: 0, max: 1, exclusiveMin: true }) ??
      defaultMotherRates(codeFamily),
    decoding: {
      ...defaultReconciliationOptions(),
      decoder: parseDecoderFlag(stringFlag(values, "decoder")!),
      nmsAlpha: requiredNumberFlag(values, "alpha", { min: 0, max: 1, exclusiveMin: true }),
      maxIterations: requiredNumberFlag(values, "iterations", { integer: true, min: 1 }),
      modulationFraction: requiredNumberFlag(values, "modulation", { min: 0, max: 0.5 }),
      blindMaxRounds: requiredNumberFlag(values, "blind-rounds", { integer: true, min: 1 }),
    },
    jobs: numberFlag(values, "jobs", { integer: true, min: 1 }) ?? navigator.hardwareConcurrency,
    codesDir: stringFlag(values, "codes-dir")!,
  };
}
