/**
 * Depolarising link, NetSquid convention (docs/science.md §3.2): state (1 − p)·|Φ+⟩⟨Φ+| + p·I/4 with
 * p = 4(1−F)/3, whose fidelity is exactly F.
 * @module
 */

/**
 * Matched-basis error probability Q_dep = 2(1−F)/3 (both bases), before the detector stage.
 * @example
 * ```ts
 * import { qberDepolarising } from "./depolarising.ts";
 * console.assert(Math.abs(qberDepolarising(0.97) - 0.02) < 1e-12);
 * ```
 */
export function qberDepolarising(channelFidelity: number): number {
  return 2 * (1 - channelFidelity) / 3;
}
