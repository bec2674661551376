/**
 * `security_volume` figure (docs/campaign.md §12.3 item 3): three 2-D projections (r × F, r × log N,
 * F × log η) of the sampled points; successes coloured by key_margin, failures as grey crosses.
 * @module
 */
import { PARAM_INDEX } from "../science/parameter_space.ts";
import { INPUT_WIDTH, STORED_LABELS } from "./campaign_data.ts";
import type { FigureContext } from "./figure_context.ts";
import { figure, type FigureSpec, placeholderFigure, sig, thinIndices } from "./figure_spec.ts";

const P = PARAM_INDEX;
const PROJECTIONS: [number, number][] = [
  [P.storage_noise_r, P.channel_fidelity],
  [P.storage_noise_r, P.num_pairs],
  [P.channel_fidelity, P.detection_efficiency],
];
/** The stored columns the projections show, ascending: field `c<j>` of each point. */
const SHOWN = [...new Set(PROJECTIONS.flat())].sort((a, b) => a - b);

/** The security-volume figure (at most `maxPoints` rows, thinned by a fixed stride). */
export function securityVolumeFigure(ctx: FigureContext, maxPoints = 3000): FigureSpec {
  const name = "security_volume";
  const title = "Security volume: projections of the sampled points";
  const { rows } = ctx;
  if (rows.n === 0) return placeholderFigure(name, title, "No samples in this campaign");
  const idx = thinIndices(rows.n, maxPoints);
  const values = idx.map((i) => {
    const o = i * INPUT_WIDTH;
    return {
      ...Object.fromEntries(SHOWN.map((j) => [`c${j}`, sig(rows.inputs[o + j])])),
      km: rows.isSuccess[i] ? sig(rows.keyMargin[i]) : null,
      result: rows.isSuccess[i] ? "success" : "failure",
    };
  });
  const successes = values.filter((v) => v.result === "success").length;
  const panels = PROJECTIONS.map(([a, b]) => ({
    width: 240,
    height: 220,
    layer: [
      {
        transform: [{ filter: "datum.result === 'failure'" }],
        mark: {
          type: "point",
          shape: "cross",
          filled: true,
          size: 20,
          color: "#aaa",
          opacity: 0.6,
        },
        encoding: {
          x: {
            field: `c${a}`,
            type: "quantitative",
            title: STORED_LABELS[a],
            scale: { zero: false },
          },
          y: {
            field: `c${b}`,
            type: "quantitative",
            title: STORED_LABELS[b],
            scale: { zero: false },
          },
        },
      },
      {
        transform: [{ filter: "datum.result === 'success'" }],
        mark: { type: "circle", size: 22, opacity: 0.85 },
        encoding: {
          x: { field: `c${a}`, type: "quantitative" },
          y: { field: `c${b}`, type: "quantitative" },
          color: {
            field: "km",
            type: "quantitative",
            title: "key_margin",
            scale: { scheme: "viridis" },
          },
        },
      },
    ],
  }));
  return figure(
    name,
    title,
    { data: { values }, hconcat: panels },
    false,
    `${idx.length} of ${rows.n} rows shown; ${successes} successes (colour), failures as grey crosses` +
      (successes === 0 ? " — no successes yet" : ""),
  );
}
