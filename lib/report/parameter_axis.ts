/**
 * Vega-Lite axes of the parameter space (lib/science/parameter_space.ts): the title with unit and
 * scale, and for log-distributed parameters (stored as log10) tick labels in physical units at
 * whole decades (or at 1, 2, 5 × 10^k when the range spans less than 1.5 decades).
 * @module
 */
import { axisTitle, CONTINUOUS_PARAMETERS } from "../science/parameter_space.ts";

/**
 * A Vega-Lite position encoding of stored column `column` (0–7) for data field `field`.
 * @example
 * ```ts
 * import { parameterAxis } from "./parameter_axis.ts";
 * const e = parameterAxis("x", 2, 5, 10) as { title: string; axis: { values: number[] } };
 * console.assert(e.title === "wait time Δt (ns, log scale)" && e.axis.values.length === 6);
 * ```
 */
export function parameterAxis(
  field: string,
  column: number,
  lo: number,
  hi: number,
): Record<string, unknown> {
  const spec = CONTINUOUS_PARAMETERS[column];
  const enc: Record<string, unknown> = {
    field,
    type: "quantitative",
    title: axisTitle(spec),
    scale: { zero: false, nice: false, domain: [lo, hi] },
  };
  if (spec.scale !== "log") return enc;
  const values: number[] = [];
  if (hi - lo >= 1.5) {
    for (let k = Math.ceil(lo - 1e-9); k <= hi + 1e-9; k++) values.push(k);
  } else {
    for (let e = Math.floor(lo); e <= Math.ceil(hi); e++) {
      for (const m of [1, 2, 5]) {
        const v = e + Math.log10(m);
        if (v >= lo - 1e-9 && v <= hi + 1e-9) values.push(v);
      }
    }
  }
  enc.axis = {
    values,
    labelExpr: "pow(10, datum.value) >= 1000 || pow(10, datum.value) < 0.01 ? " +
      "replace(format(pow(10, datum.value), '.0e'), 'e+', 'e') : format(pow(10, datum.value), '.2~g')",
  };
  return enc;
}
