/**
 * The campaign's pre-filter verdict (docs/campaign.md §4, lib/science/prefilter.ts) as browser
 * JavaScript for the cliff explorer, which evaluates it live on each slice it draws. One source of
 * truth: the script is generated from the text of the science functions themselves
 * (`Function.prototype.toString` of the imported, already type-stripped functions: binary entropy,
 * Γ and its Brent root, h_min, h_bs, r_eff, the link models' matched errors, Caligo's E5), so a
 * change there reaches the page; only the dispatch (which link model, which key model, which rule)
 * is written here, mirroring `prefilter()` and `createLinkModel()`. The test holds the page's
 * margin and Q_exp to `prefilter()` at random points of every supported setting (1e-12).
 *
 * Why not a table: the verdict depends on up to 7 of the 8 sliders (r, ν, Δt through r_eff, F, η,
 * e_det, p_d), so a dense table would need ~10⁷ entries to resolve the boundary, and it would be
 * interpolated; the functions are small and exact.
 *
 * Supported: the project rule with key models `project` (h_bs) and `caligo` (h_min), every link
 * model, detector-error modes and decoherence; the Caligo rule. Key model `erven2014` (its rate
 * needs the PDC source series and the strong-converse maximisation) is not ported: the page then
 * says the region is not drawn.
 * @module
 */
import type { PrefilterSimulationConfig } from "../campaign/prefilter_adapter.ts";
import { qberAnalyticLink, qberErven } from "../kernels/link/analytic.ts";
import { qberDepolarising } from "../kernels/link/depolarising.ts";
import {
  heraldBranches,
  heraldedMatchedErrors,
  trueHeraldError,
  wernerWeight,
} from "../kernels/link/heralded_double_click.ts";
import { withDetectorError } from "../kernels/link/link_model.ts";
import {
  dupuisKonig,
  effectiveStorageNoise,
  h2,
  hBoundedStorage,
  hMin,
  lupo,
} from "../science/bounds.ts";
import { qberPrefilterE5 } from "../science/caligo_qber.ts";
import {
  binaryEntropy,
  brentRoot,
  G_INVERSE_HI,
  G_INVERSE_LO,
  gammaFn,
  gFunction,
  gInverse,
} from "../science/entropy.ts";

/** What the page needs to evaluate the campaign's pre-filter (JSON in the payload). */
export interface ExplorerPrefilter {
  rule: "project" | "caligo";
  /** Key model whose entropy rate the project rule uses ("project": h_bs, "caligo": h_min). */
  keyModel: "project" | "caligo";
  linkModel: PrefilterSimulationConfig["link_model"];
  bellCorrectionFailure: number;
  detectorError: "physical" | "caligo";
  qberHardLimit: number;
  decoherence: { enabled: boolean; t1Ns: number; t2Ns: number };
}

/**
 * The page's pre-filter settings from the campaign's (`phase1.prefilter.rule` and `simulation`),
 * or the reason it cannot be drawn.
 */
export function explorerPrefilterOf(
  rule: "project" | "caligo",
  sim: PrefilterSimulationConfig,
): { prefilter: ExplorerPrefilter } | { unsupported: string } {
  if (rule === "project" && sim.key_model !== "project" && sim.key_model !== "caligo") {
    return {
      unsupported: `the pre-filter's entropy rate of key model ${sim.key_model} is not ported ` +
        `to this page (see the static cliff maps)`,
    };
  }
  return {
    prefilter: {
      rule,
      keyModel: sim.key_model === "caligo" ? "caligo" : "project",
      linkModel: sim.link_model,
      bellCorrectionFailure: sim.bell_correction_failure,
      detectorError: sim.detector_error,
      qberHardLimit: sim.qber_hard_limit,
      decoherence: {
        enabled: sim.storage_decoherence.enabled,
        t1Ns: sim.storage_decoherence.t1_ns,
        t2Ns: sim.storage_decoherence.t2_ns,
      },
    },
  };
}

// The science functions the page runs, by their own text (order irrelevant: declarations hoist).
const FUNCTIONS = [
  binaryEntropy,
  gFunction,
  brentRoot,
  gInverse,
  gammaFn,
  h2,
  dupuisKonig,
  lupo,
  hMin,
  hBoundedStorage,
  effectiveStorageNoise,
  withDetectorError,
  qberDepolarising,
  qberErven,
  qberAnalyticLink,
  heraldBranches,
  wernerWeight,
  trueHeraldError,
  heraldedMatchedErrors,
  qberPrefilterE5,
];

/**
 * The script text; it declares `var CaligoPrefilter = {verdict(cfg, stored)}`, where `cfg` is an
 * {@link ExplorerPrefilter} and `stored` the 8 continuous stored columns; it returns
 * `{feasible, margin, qExpected}` as `prefilter()` does for the decoded point.
 */
export const EXPLORER_PREFILTER_JS = `var CaligoPrefilter = (function () {
  "use strict";
  var G_INVERSE_LO = ${G_INVERSE_LO}, G_INVERSE_HI = ${G_INVERSE_HI};
${FUNCTIONS.map((f) => String(f)).join("\n")}
  // createLinkModel(name, physics).expectedQber without the range checks (link_model.ts)
  function expectedQber(cfg, f, eta, eDet, pd) {
    var flip = cfg.detectorError === "caligo" ? 0 : eDet;
    if (cfg.linkModel === "heralded-double-click") {
      var zx = ${heraldedMatchedErrors.name}(f, eta, pd, cfg.bellCorrectionFailure);
      return ${withDetectorError.name}((zx.z + zx.x) / 2, flip);
    }
    if (cfg.linkModel === "depolarising") {
      var q = ${qberDepolarising.name}(f);
      return ${withDetectorError.name}((q + q) / 2, flip);
    }
    if (cfg.linkModel === "analytic") {
      var qa = ${qberAnalyticLink.name}(f, eDet, eta, pd);
      return ${withDetectorError.name}((qa + qa) / 2, 0);
    }
    return NaN;
  }
  // prefilter(decodeRow(stored), options) (prefilter.ts, parameter_point.ts)
  function verdict(cfg, stored) {
    var r = stored[0], nu = Math.pow(10, stored[1]), waitNs = Math.pow(10, stored[2]);
    var f = stored[3], eta = Math.pow(10, stored[4]), eDet = stored[5];
    var pd = Math.pow(10, stored[6]);
    if (cfg.rule === "caligo") {
      var qc = ${qberPrefilterE5.name}(f, eDet, eta, pd), mc = (1 - r) / 2 - qc;
      return { feasible: mc > 1e-6 && qc <= cfg.qberHardLimit, margin: mc, qExpected: qc };
    }
    var d = cfg.decoherence;
    var rEff = d && d.enabled ? ${effectiveStorageNoise.name}(r, waitNs, d.t1Ns, d.t2Ns) : r;
    var q = expectedQber(cfg, f, eta, eDet, pd);
    var rate = cfg.keyModel === "caligo" ? ${hMin.name}(rEff) : ${hBoundedStorage.name}(rEff, nu);
    var m = rate - ${binaryEntropy.name}(q);
    return { feasible: m > 0 && q <= cfg.qberHardLimit, margin: m, qExpected: q };
  }
  return { verdict: verdict };
})();
`;

/** The object the script defines (for tests). */
export interface ExplorerPrefilterMath {
  verdict(
    cfg: ExplorerPrefilter,
    stored: ArrayLike<number>,
  ): { feasible: boolean; margin: number; qExpected: number };
}

/** Evaluate {@link EXPLORER_PREFILTER_JS} here (Deno) and return its object. */
export function loadExplorerPrefilter(): ExplorerPrefilterMath {
  return new Function(
    `${EXPLORER_PREFILTER_JS}\nreturn CaligoPrefilter;`,
  )() as ExplorerPrefilterMath;
}
