/**
 * The figure list of the report (docs/campaign.md §12.3) and its selection by the config key
 * `visualization.figures` (empty = all). Cliff maps come with `cliff_cross_section`, run
 * performance with `exploration_progress`.
 * @module
 */
import { cliffCrossSectionFigure } from "./cliff_cross_section_figure.ts";
import { cliffMapFigures } from "./cliff_map_figure.ts";
import { deathValleyFigure } from "./death_valley_figure.ts";
import type { FigureContext } from "./figure_context.ts";
import type { FigureSpec } from "./figure_spec.ts";
import {
  acquisitionDynamicsFigure,
  explorationProgressFigure,
  hyperparametersFigure,
  runPerformanceFigure,
} from "./progress_figures.ts";
import { securityVolumeFigure } from "./security_volume_figure.ts";
import { sensitivityFigure } from "./sensitivity_figure.ts";
import { strategyDuelFigure } from "./strategy_duel_figure.ts";
import { surrogateTrustFigure } from "./surrogate_trust_figure.ts";

/** Figure builders by config name, in report order. */
export const FIGURE_BUILDERS: readonly [string, (ctx: FigureContext) => FigureSpec[]][] = [
  ["cliff_cross_section", (c) => [...cliffMapFigures(c), cliffCrossSectionFigure(c)]],
  ["death_valley", (c) => [deathValleyFigure(c)]],
  ["strategy_duel", (c) => [strategyDuelFigure(c)]],
  ["security_volume", (c) => [securityVolumeFigure(c)]],
  ["surrogate_trustworthiness", (c) => [surrogateTrustFigure(c)]],
  ["sensitivity", (c) => [sensitivityFigure(c)]],
  ["exploration_progress", (c) => [explorationProgressFigure(c), runPerformanceFigure(c)]],
  ["acquisition_dynamics", (c) => [acquisitionDynamicsFigure(c)]],
  ["hyperparameters", (c) => [hyperparametersFigure(c)]],
];

/** Build the selected figures (`selection` empty = all; unknown names are ignored). */
export function buildFigures(ctx: FigureContext, selection: readonly string[] = []): FigureSpec[] {
  const wanted = new Set(selection);
  return FIGURE_BUILDERS
    .filter(([n]) => wanted.size === 0 || wanted.has(n))
    .flatMap(([, build]) => build(ctx));
}
