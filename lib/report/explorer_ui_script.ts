/**
 * The cliff explorer's page logic as browser JavaScript (the text of one `<script>`, run after
 * {@link EXPLORER_MATH_JS}): reads the embedded payload (`#cliff-explorer-data`), builds the
 * axis selectors and sliders, and on every change evaluates both strategies' GPs on the slice
 * grid and draws three canvases (baseline μ, blind μ, blind − baseline) with the boundary μ = t,
 * the uncertain band |μ − t| < 2σ (or P(secure)), the points the campaign's pre-filter rules out
 * in grey (when the page embeds `CaligoPrefilter`, {@link EXPLORER_PREFILTER_JS}), the simulated
 * samples near the slice and a probe point whose values (and pre-filter verdict) are shown in a
 * table. Slider moves are coalesced to one redraw per
 * animation frame. While a slider is dragged ('input') the maps are drawn on a coarse grid
 * (`P.coarseGrid` per axis, shown smoothed) and refined to the full grid (`P.grid`) on release
 * ('change') or after {@link EXPLORER_REFINE_IDLE_MS} without input; the probe's values are exact
 * either way. A slice already evaluated (mode, samples, probe changes) is redrawn without
 * evaluating the GPs again. Each redraw's time is written to `data-redraw-ms` of
 * `#cliff-explorer`, its grid to `data-grid`.
 * No network, no libraries. Hooks for tests: `data-redraws`, `data-redraw-ms`, `data-grid`,
 * `data-value` on the probe cells, `window.caligoExplorer`.
 * @module
 */

/** Milliseconds without slider input after which a coarse map is refined to the full grid. */
export const EXPLORER_REFINE_IDLE_MS = 150;

/** The script text (plain ES2017; uses `CaligoExplorerMath`). */
export const EXPLORER_UI_JS = String.raw`(function () {
  "use strict";
  var M = CaligoExplorerMath, REFINE_IDLE_MS = ${EXPLORER_REFINE_IDLE_MS};
  var root = document.getElementById("cliff-explorer");
  var dataEl = document.getElementById("cliff-explorer-data");
  if (!root || !dataEl) return;
  var P = JSON.parse(dataEl.textContent);
  var params = P.params, D = params.length, t = P.threshold;
  var strategies = ["baseline", "blind"].filter(function (s) { return P.models[s]; });
  var lo = params.map(function (p) { return p.lo; }), hi = params.map(function (p) { return p.hi; });
  var models = {};
  strategies.forEach(function (s) { models[s] = M.prepareModel(P.models[s], lo, hi); });
  var samples = null;
  if (P.samples && P.samples.n > 0) {
    samples = { n: P.samples.n, w: P.samples.width, v: M.decodeF32(P.samples.values) };
  }
  var state = {
    ax: P.defaultAxes[0], ay: P.defaultAxes[1], mode: "mean", showSamples: true,
    ref: P.reference.slice(), probe: null, grid: P.grid, hover: null
  };
  var coarseGrid = Math.min(P.coarseGrid || P.grid, P.grid);
  var PF = P.prefilter && typeof CaligoPrefilter !== "undefined" ? CaligoPrefilter : null;
  // a pre-filter that cannot run here (e.g. a build that renamed what its text refers to) is
  // dropped with a note rather than breaking the maps
  if (PF) {
    try { PF.verdict(P.prefilter, P.reference); } catch (e) {
      PF = null;
      var pfNote = document.getElementById("cx-legend-ruled-out");
      if (pfNote) pfNote.textContent = "pre-filter region unavailable in this page (" + e + ")";
    }
  }
  var GREY = [1, 3, 5].map(function (k) { return parseInt((P.ruledOutColour || "#b0b0b0").substr(k, 2), 16); });
  var grids = {}, gridKey = "";
  var redraws = 0;

  function $(id) { return document.getElementById(id); }
  function fmt(v) {
    if (!isFinite(v)) return "n/a";
    if (v === 0) return "0";
    var a = Math.abs(v);
    if (a >= 1e4 || a < 1e-3) {
      var e = v.toExponential(1).replace("e+", "e");
      return e.replace(".0e", "e");
    }
    return String(Number(v.toPrecision(3)));
  }
  function physical(j, stored) { return params[j].scale === "log" ? Math.pow(10, stored) : stored; }
  function physText(j, stored) {
    var u = params[j].unit;
    return fmt(physical(j, stored)) + (u ? " " + u : "");
  }
  function linspace(a, b, n) {
    var o = new Float64Array(n);
    for (var i = 0; i < n; i++) o[i] = a + (b - a) * i / (n - 1);
    return o;
  }
  // ---- colours: diverging RdBu for the key margin and P(secure), PRGn for the difference
  var RDBU = [[178, 24, 43], [239, 138, 98], [247, 247, 247], [103, 169, 207], [33, 102, 172]];
  var PRGN = [[118, 42, 131], [175, 141, 195], [247, 247, 247], [127, 191, 123], [27, 120, 55]];
  function ramp(stops, x) {
    if (!isFinite(x)) return [200, 200, 200];
    x = Math.max(-1, Math.min(1, x));
    var f = (x + 1) * 2, i = Math.min(3, Math.floor(f)), w = f - i, a = stops[i], b = stops[i + 1];
    return [a[0] + (b[0] - a[0]) * w, a[1] + (b[1] - a[1]) * w, a[2] + (b[2] - a[2]) * w];
  }
  // ---- controls
  function buildControls() {
    ["cx-axis-x", "cx-axis-y"].forEach(function (id, k) {
      var sel = $(id);
      params.forEach(function (p, j) {
        var o = document.createElement("option");
        o.value = String(j);
        o.textContent = p.title;
        sel.appendChild(o);
      });
      sel.value = String(k === 0 ? state.ax : state.ay);
      sel.addEventListener("change", function () {
        var j = Number(sel.value);
        if (k === 0) { if (j === state.ay) state.ay = state.ax; state.ax = j; }
        else { if (j === state.ax) state.ax = state.ay; state.ay = j; }
        $("cx-axis-x").value = String(state.ax);
        $("cx-axis-y").value = String(state.ay);
        state.probe = null;
        syncSliders();
        schedule();
      });
    });
    var box = $("cx-sliders");
    params.forEach(function (p, j) {
      var div = document.createElement("div");
      div.className = "cx-slider";
      var id = "cx-s-" + p.field;
      var label = document.createElement("label");
      label.htmlFor = id;
      label.textContent = p.title;
      var input = document.createElement("input");
      input.type = "range";
      input.id = id;
      input.min = String(p.lo);
      input.max = String(p.hi);
      input.step = String((p.hi - p.lo) / 400);
      input.value = String(state.ref[j]);
      input.setAttribute("data-field", p.field);
      var out = document.createElement("output");
      out.id = "cx-v-" + p.field;
      input.addEventListener("input", function () {
        state.ref[j] = Number(input.value);
        out.textContent = physText(j, state.ref[j]);
        schedule(true);
      });
      input.addEventListener("change", function () {
        state.ref[j] = Number(input.value);
        out.textContent = physText(j, state.ref[j]);
        schedule(false);
      });
      div.appendChild(label);
      div.appendChild(input);
      div.appendChild(out);
      box.appendChild(div);
    });
    $("cx-mode").addEventListener("change", function () { state.mode = $("cx-mode").value; schedule(); });
    $("cx-samples").addEventListener("change", function () {
      state.showSamples = $("cx-samples").checked;
      schedule();
    });
    $("cx-reset").addEventListener("click", function () {
      state.ref = P.reference.slice();
      state.probe = null;
      syncSliders();
      schedule();
    });
    syncSliders();
  }
  function syncSliders() {
    params.forEach(function (p, j) {
      var input = $("cx-s-" + p.field), out = $("cx-v-" + p.field);
      var onAxis = j === state.ax || j === state.ay;
      input.value = String(state.ref[j]);
      input.disabled = onAxis;
      input.parentNode.className = "cx-slider" + (onAxis ? " cx-on-axis" : "");
      out.textContent = onAxis ? (j === state.ax ? "x axis" : "y axis") : physText(j, state.ref[j]);
    });
  }
  // ---- evaluation
  // returns whether the GPs were evaluated (false: this slice and grid are already in grids)
  function evaluate() {
    var g = state.grid, key = [g, state.ax, state.ay].concat(state.ref).join(",");
    if (key === gridKey) return false;
    gridKey = key;
    var xs = linspace(lo[state.ax], hi[state.ax], g);
    var ys = linspace(lo[state.ay], hi[state.ay], g);
    strategies.forEach(function (s) {
      var out = grids[s] && grids[s].mean.length === g * g ? grids[s] :
        { mean: new Float64Array(g * g), sd: new Float64Array(g * g) };
      M.evalSlice(models[s], state.ref, state.ax, state.ay, xs, ys, P.neighbours, out);
      out.xs = xs;
      out.ys = ys;
      grids[s] = out;
    });
    // the pre-filter's verdict per node (strategy-independent): 1 = ruled out
    grids.ruled = null;
    if (PF) {
      var ruled = new Uint8Array(g * g), p = state.ref.slice();
      for (var j = 0; j < g; j++) {
        for (var i = 0; i < g; i++) {
          p[state.ax] = xs[i];
          p[state.ay] = ys[j];
          ruled[j * g + i] = PF.verdict(P.prefilter, p).feasible ? 0 : 1;
        }
      }
      grids.ruled = ruled;
    }
    return true;
  }
  function probePoint() {
    var p = state.ref.slice();
    if (state.probe) { p[state.ax] = state.probe[0]; p[state.ay] = state.probe[1]; }
    else {
      p[state.ax] = (lo[state.ax] + hi[state.ax]) / 2;
      p[state.ay] = (lo[state.ay] + hi[state.ay]) / 2;
    }
    return p;
  }
  function pSecure(mean, sd) {
    return sd > 0 ? M.normalCdf((mean - t) / sd) : (mean > t ? 1 : 0);
  }
  // ---- drawing
  var PAD = { l: 58, r: 16, t: 10, b: 42 }, W = 330, H = 300;
  function setupCanvas(c) {
    var dpr = window.devicePixelRatio || 1;
    c.width = W * dpr;
    c.height = H * dpr;
    c.style.width = W + "px";
    c.style.height = H + "px";
    var ctx = c.getContext("2d");
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    return ctx;
  }
  function ticks(j) {
    var a = lo[j], b = hi[j], out = [];
    if (params[j].scale === "log" && b - a >= 1.5) {
      for (var k = Math.ceil(a); k <= b + 1e-9; k++) out.push(k);
      return out;
    }
    if (params[j].scale === "log") {
      for (var e = Math.floor(a); e <= Math.ceil(b); e++) {
        [1, 2, 5].forEach(function (m) {
          var v = e + Math.log10(m);
          if (v >= a - 1e-9 && v <= b + 1e-9) out.push(v);
        });
      }
      if (out.length >= 2) return out;
      out = [];
    }
    var span = b - a, step = Math.pow(10, Math.floor(Math.log10(span / 4)));
    if (span / step > 8) step *= 2;
    if (span / step > 8) step *= 2.5;
    for (var v2 = Math.ceil(a / step) * step; v2 <= b + 1e-9 * span; v2 += step) out.push(v2);
    return out;
  }
  function axes(ctx) {
    var pw = W - PAD.l - PAD.r, ph = H - PAD.t - PAD.b;
    ctx.strokeStyle = "#444";
    ctx.fillStyle = "#222";
    ctx.lineWidth = 1;
    ctx.strokeRect(PAD.l, PAD.t, pw, ph);
    ctx.font = "11px DejaVu Sans, sans-serif";
    ctx.textAlign = "center";
    ctx.textBaseline = "top";
    ticks(state.ax).forEach(function (v) {
      var x = PAD.l + (v - lo[state.ax]) / (hi[state.ax] - lo[state.ax]) * pw;
      ctx.beginPath(); ctx.moveTo(x, PAD.t + ph); ctx.lineTo(x, PAD.t + ph + 4); ctx.stroke();
      ctx.fillText(fmt(physical(state.ax, v)), x, PAD.t + ph + 6);
    });
    ctx.fillText(params[state.ax].title, PAD.l + pw / 2, H - 14);
    ctx.textAlign = "right";
    ctx.textBaseline = "middle";
    ticks(state.ay).forEach(function (v) {
      var y = PAD.t + ph - (v - lo[state.ay]) / (hi[state.ay] - lo[state.ay]) * ph;
      ctx.beginPath(); ctx.moveTo(PAD.l - 4, y); ctx.lineTo(PAD.l, y); ctx.stroke();
      ctx.fillText(fmt(physical(state.ay, v)), PAD.l - 6, y);
    });
    ctx.save();
    ctx.translate(12, PAD.t + ph / 2);
    ctx.rotate(-Math.PI / 2);
    ctx.textAlign = "center";
    ctx.fillText(params[state.ay].title, 0, 0);
    ctx.restore();
  }
  function toCanvas(xv, yv) {
    var pw = W - PAD.l - PAD.r, ph = H - PAD.t - PAD.b;
    return [PAD.l + (xv - lo[state.ax]) / (hi[state.ax] - lo[state.ax]) * pw,
      PAD.t + ph - (yv - lo[state.ay]) / (hi[state.ay] - lo[state.ay]) * ph];
  }
  // marching squares of f = level on the grid, drawn as line segments
  function contour(ctx, f, xs, ys, level, style, dash) {
    var gx = xs.length, gy = ys.length;
    ctx.strokeStyle = style;
    ctx.lineWidth = dash ? 1 : 2;
    ctx.setLineDash(dash ? [4, 3] : []);
    ctx.beginPath();
    var pts = [];
    function edge(x0, y0, f0, x1, y1, f1) {
      var a = f0 - level, b = f1 - level;
      if (!isFinite(a) || !isFinite(b) || (a < 0) === (b < 0)) return;
      var w = a / (a - b);
      pts.push(x0 + w * (x1 - x0), y0 + w * (y1 - y0));
    }
    for (var j = 0; j + 1 < gy; j++) {
      for (var i = 0; i + 1 < gx; i++) {
        var f00 = f[j * gx + i], f10 = f[j * gx + i + 1], f01 = f[(j + 1) * gx + i];
        var f11 = f[(j + 1) * gx + i + 1];
        pts.length = 0;
        edge(xs[i], ys[j], f00, xs[i + 1], ys[j], f10);
        edge(xs[i + 1], ys[j], f10, xs[i + 1], ys[j + 1], f11);
        edge(xs[i + 1], ys[j + 1], f11, xs[i], ys[j + 1], f01);
        edge(xs[i], ys[j + 1], f01, xs[i], ys[j], f00);
        for (var k = 0; k + 3 < pts.length; k += 4) {
          var p0 = toCanvas(pts[k], pts[k + 1]), p1 = toCanvas(pts[k + 2], pts[k + 3]);
          ctx.moveTo(p0[0], p0[1]);
          ctx.lineTo(p1[0], p1[1]);
        }
      }
    }
    ctx.stroke();
    ctx.setLineDash([]);
  }
  function heat(ctx, g, colour) {
    var off = document.createElement("canvas");
    off.width = g;
    off.height = g;
    var octx = off.getContext("2d"), img = octx.createImageData(g, g);
    for (var j = 0; j < g; j++) {
      for (var i = 0; i < g; i++) {
        var rgb = colour(j * g + i), o = ((g - 1 - j) * g + i) * 4;
        img.data[o] = rgb[0]; img.data[o + 1] = rgb[1]; img.data[o + 2] = rgb[2]; img.data[o + 3] = 255;
      }
    }
    octx.putImageData(img, 0, 0);
    var pw = W - PAD.l - PAD.r, ph = H - PAD.t - PAD.b;
    ctx.imageSmoothingEnabled = true;
    // node-centred: the grid's first and last nodes sit on the plot edges
    var cw = pw / (g - 1), chh = ph / (g - 1);
    ctx.save();
    ctx.beginPath();
    ctx.rect(PAD.l, PAD.t, pw, ph);
    ctx.clip();
    ctx.drawImage(off, PAD.l - cw / 2, PAD.t - chh / 2, pw + cw, ph + chh);
    ctx.restore();
  }
  function nearSamples(s) {
    if (!samples || !state.showSamples) return [];
    var code = s === "blind" ? 1 : 0, ls = P.models[s].lengthScales, out = [];
    for (var i = 0; i < samples.n; i++) {
      var o = i * samples.w;
      if (samples.v[o + D] !== code) continue;
      var d2 = 0;
      for (var j = 0; j < D; j++) {
        if (j === state.ax || j === state.ay) continue;
        var u = (samples.v[o + j] - state.ref[j]) / (hi[j] - lo[j]) / ls[j];
        d2 += u * u;
      }
      if (d2 < 1) out.push([d2, i]);
    }
    out.sort(function (a, b) { return a[0] - b[0]; });
    return out.slice(0, P.maxSamplesShown);
  }
  function drawSamples(ctx, s) {
    var list = nearSamples(s);
    list.forEach(function (e) {
      var o = e[1] * samples.w, c = toCanvas(samples.v[o + state.ax], samples.v[o + state.ay]);
      var secure = samples.v[o + D + 1] > t;
      ctx.globalAlpha = 1 - 0.7 * Math.sqrt(e[0]);
      ctx.strokeStyle = "#111";
      ctx.fillStyle = "#111";
      ctx.lineWidth = 1.3;
      if (secure) { ctx.beginPath(); ctx.arc(c[0], c[1], 3.2, 0, 2 * Math.PI); ctx.fill(); }
      else {
        ctx.beginPath();
        ctx.moveTo(c[0] - 3, c[1] - 3); ctx.lineTo(c[0] + 3, c[1] + 3);
        ctx.moveTo(c[0] - 3, c[1] + 3); ctx.lineTo(c[0] + 3, c[1] - 3);
        ctx.stroke();
      }
    });
    ctx.globalAlpha = 1;
    return list.length;
  }
  function drawProbe(ctx) {
    var p = probePoint(), c = toCanvas(p[state.ax], p[state.ay]);
    ctx.strokeStyle = "#000";
    ctx.lineWidth = 2;
    ctx.beginPath(); ctx.arc(c[0], c[1], 6, 0, 2 * Math.PI); ctx.stroke();
    ctx.strokeStyle = "#fff";
    ctx.lineWidth = 1;
    ctx.beginPath(); ctx.arc(c[0], c[1], 7.5, 0, 2 * Math.PI); ctx.stroke();
  }
  function drawStrategy(s) {
    var ctx = setupCanvas($("cx-canvas-" + s)), g = grids[s], lim = P.colourLimit;
    ctx.clearRect(0, 0, W, H);
    var n = g.mean.length, minus = new Float64Array(n), plus = new Float64Array(n);
    for (var i = 0; i < n; i++) { minus[i] = g.mean[i] - 2 * g.sd[i]; plus[i] = g.mean[i] + 2 * g.sd[i]; }
    var ruled = grids.ruled;
    heat(ctx, state.grid, function (k) {
      if (ruled && ruled[k]) return GREY;
      if (state.mode === "psecure") return ramp(RDBU, 2 * pSecure(g.mean[k], g.sd[k]) - 1);
      var rgb = ramp(RDBU, (g.mean[k] - t) / lim);
      if (Math.abs(g.mean[k] - t) < 2 * g.sd[k]) {
        rgb = [rgb[0] * 0.45 + 255 * 0.55, rgb[1] * 0.45 + 255 * 0.55, rgb[2] * 0.45 + 255 * 0.55];
      }
      return rgb;
    });
    contour(ctx, minus, g.xs, g.ys, t, "#555", true);
    contour(ctx, plus, g.xs, g.ys, t, "#555", true);
    contour(ctx, g.mean, g.xs, g.ys, t, "#000", false);
    var shown = drawSamples(ctx, s);
    drawProbe(ctx);
    axes(ctx);
    $("cx-caption-" + s).textContent = s + ": " + shown + " simulated samples near the slice";
  }
  function drawDifference() {
    if (strategies.length < 2) return;
    var ctx = setupCanvas($("cx-canvas-difference")), a = grids.baseline, b = grids.blind;
    ctx.clearRect(0, 0, W, H);
    var n = a.mean.length, diff = new Float64Array(n), lim = P.differenceLimit;
    for (var i = 0; i < n; i++) diff[i] = b.mean[i] - a.mean[i];
    var ruled = grids.ruled;
    heat(ctx, state.grid, function (k) {
      return ruled && ruled[k] ? GREY : ramp(PRGN, diff[k] / lim);
    });
    contour(ctx, a.mean, a.xs, a.ys, t, "#b2182b", false);
    contour(ctx, b.mean, b.xs, b.ys, t, "#2166ac", false);
    drawProbe(ctx);
    axes(ctx);
  }
  function legend(id, stops, a, b, label) {
    var c = $(id);
    if (!c) return;
    var ctx = c.getContext("2d"), w = c.width, h = c.height;
    ctx.clearRect(0, 0, w, h);
    for (var x = 0; x < w - 80; x++) {
      var rgb = ramp(stops, 2 * x / (w - 81) - 1);
      ctx.fillStyle = "rgb(" + (rgb[0] | 0) + "," + (rgb[1] | 0) + "," + (rgb[2] | 0) + ")";
      ctx.fillRect(x + 40, 4, 1, 12);
    }
    ctx.fillStyle = "#222";
    ctx.font = "11px DejaVu Sans, sans-serif";
    ctx.textAlign = "center";
    ctx.fillText(a, 40, 30);
    ctx.fillText(label, w / 2, 30);
    ctx.fillText(b, w - 40, 30);
  }
  function readout() {
    var p = probePoint(), rows = {};
    strategies.forEach(function (s) {
      var r = M.predictPoint(models[s], p, P.neighbours);
      rows[s] = { mean: r.mean, sd: r.sd, p: pSecure(r.mean, r.sd) };
      ["mean", "sd", "p"].forEach(function (k) {
        var cell = $("cx-probe-" + k + "-" + s);
        cell.setAttribute("data-value", String(rows[s][k]));
        cell.textContent = k === "p" ? rows[s][k].toFixed(3) : rows[s][k].toPrecision(4);
      });
    });
    if (rows.baseline && rows.blind) {
      var cell = $("cx-probe-difference");
      var dv = rows.blind.mean - rows.baseline.mean;
      cell.setAttribute("data-value", String(dv));
      cell.textContent = dv.toPrecision(4);
    }
    var pfCell = $("cx-probe-prefilter");
    if (PF && pfCell) {
      var v = PF.verdict(P.prefilter, p);
      pfCell.setAttribute("data-value", v.feasible ? "passes" : "ruled out");
      pfCell.setAttribute("data-margin", String(v.margin));
      pfCell.textContent = (v.feasible ? "passes" : "rules the point out") + " (margin " +
        fmt(v.margin) + " bits, Q_exp = " + fmt(v.qExpected) + ")";
    }
    var point = {};
    params.forEach(function (q, j) { point[q.field] = Number(physical(j, p[j]).toPrecision(6)); });
    if (point.num_pairs !== undefined) point.num_pairs = Math.round(point.num_pairs);
    var pt = $("cx-probe-point");
    pt.textContent = JSON.stringify(point);
    pt.setAttribute("data-stored", JSON.stringify(p));
  }
  function redraw() {
    var t0 = performance.now();
    var evaluated = evaluate();
    var t1 = performance.now();
    strategies.forEach(drawStrategy);
    drawDifference();
    readout();
    var t2 = performance.now();
    redraws++;
    root.setAttribute("data-redraws", String(redraws));
    root.setAttribute("data-redraw-ms", (t2 - t0).toFixed(1));
    root.setAttribute("data-eval-ms", (t1 - t0).toFixed(1));
    root.setAttribute("data-grid", String(state.grid));
    $("cx-status").textContent = "redraw " + (t2 - t0).toFixed(0) + " ms (" +
      (evaluated ? "GP evaluation " + (t1 - t0).toFixed(0) + " ms" : "no GP evaluation") +
      ") on a " + state.grid + " × " + state.grid + " grid" +
      (state.grid < P.grid ? " while dragging (" + P.grid + " × " + P.grid + " on release)" : "") +
      ", " + strategies.map(function (s) { return P.models[s].n + " " + s; }).join(" + ") +
      " training rows";
  }
  // One redraw per animation frame: coarse while a slider is dragged, full otherwise; a full
  // request wins over a coarse one. A coarse redraw is refined after EXPLORER_REFINE_IDLE_MS.
  var pending = false, pendingCoarse = false, refineTimer = 0;
  function schedule(coarse) {
    if (refineTimer) { clearTimeout(refineTimer); refineTimer = 0; }
    if (coarse) {
      refineTimer = setTimeout(function () { refineTimer = 0; schedule(false); }, REFINE_IDLE_MS);
    }
    pendingCoarse = pending ? pendingCoarse && !!coarse : !!coarse;
    if (pending) return;
    pending = true;
    requestAnimationFrame(function () {
      pending = false;
      state.grid = pendingCoarse ? coarseGrid : P.grid;
      redraw();
    });
  }
  function clickToProbe(ev) {
    var c = ev.currentTarget, r = c.getBoundingClientRect();
    var pw = W - PAD.l - PAD.r, ph = H - PAD.t - PAD.b;
    var fx = (ev.clientX - r.left - PAD.l) / pw, fy = 1 - (ev.clientY - r.top - PAD.t) / ph;
    if (fx < 0 || fx > 1 || fy < 0 || fy > 1) return;
    state.probe = [lo[state.ax] + fx * (hi[state.ax] - lo[state.ax]),
      lo[state.ay] + fy * (hi[state.ay] - lo[state.ay])];
    schedule();
  }
  buildControls();
  ["baseline", "blind", "difference"].forEach(function (s) {
    var c = $("cx-canvas-" + s);
    if (c) c.addEventListener("click", clickToProbe);
  });
  legend("cx-legend-margin", RDBU, fmt(t - P.colourLimit), fmt(t + P.colourLimit),
    "key margin μ (bits/pair); mode P(secure): 0 … 1");
  legend("cx-legend-difference", PRGN, fmt(-P.differenceLimit), fmt(P.differenceLimit),
    "blind − baseline μ (bits/pair)");
  window.caligoExplorer = {
    state: state,
    redraw: redraw,
    setProbe: function (x, y) { state.probe = [x, y]; state.grid = P.grid; redraw(); }
  };
  redraw();
})();
`;
