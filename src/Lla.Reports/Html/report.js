// Lla.NET run report: draws everything from the results embedded in this page. No network access.
(function () {
  "use strict";
  const R = JSON.parse(document.getElementById("lla-results").textContent);
  const $ = (tag, attrs, ...children) => {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, v);
    for (const c of children) e.append(c instanceof Node ? c : document.createTextNode(String(c)));
    return e;
  };
  const fmt = (x, digits = 4) => (x === null || x === undefined || Number.isNaN(x)) ? "n/a"
    : Number.isInteger(x) && Math.abs(x) < 1e9 ? String(x) : Number(x).toPrecision(digits);
  const pct = x => (x === null || x === undefined) ? "n/a" : (100 * x).toFixed(2) + " %";
  const root = document.getElementById("report");

  // Viridis, 9 stops, interpolated.
  const VIRIDIS = [[68,1,84],[71,44,122],[59,81,139],[44,113,142],[33,144,141],[39,173,129],[92,200,99],[170,220,50],[253,231,37]];
  function colour(t) {
    if (!Number.isFinite(t)) return "rgb(200,200,200)";
    t = Math.min(1, Math.max(0, t)) * (VIRIDIS.length - 1);
    const i = Math.min(VIRIDIS.length - 2, Math.floor(t)), f = t - i, a = VIRIDIS[i], b = VIRIDIS[i + 1];
    return `rgb(${a.map((v, k) => Math.round(v + f * (b[k] - v))).join(",")})`;
  }

  // ---- header
  const model = R.model || {}, data = R.data || {};
  root.append($("h1", {}, `Lla.NET ${R.command || "run"} report`));
  root.append($("p", { class: "sub" }, `${model.name || "?"} (${(model.parameters || 0).toLocaleString()} parameters, ${model.dtype || ""}) on ${data.spec || "?"} — ${data.split || ""} split, ${data.samples || "?"} samples, BatchNorm ${R.bn_mode || "?"}`));
  const cards = $("div", { class: "cards" });
  const card = (label, value) => cards.append($("div", { class: "card" }, $("div", { class: "label" }, label), $("div", { class: "value" }, value)));
  card("loss at the weights", fmt(R.loss));
  card("accuracy (analysed data)", pct(R.accuracy));
  if (R.test_accuracy !== undefined && R.test_accuracy !== null) card("accuracy (test split)", pct(R.test_accuracy));
  const H = R.hessian;
  if (H && H.top_eigenvalues) card("λ1 (top eigenvalue)", fmt(H.top_eigenvalues[0], 6));
  if (H && H.trace !== undefined) card("trace", `${fmt(H.trace, 5)} ± ${fmt(H.trace_stderr, 2)}`);
  root.append(cards);

  // ---- verdict
  if (H && H.criteria) {
    const c = H.criteria;
    const words = {
      MP: `The Hessian spectrum is mainly positive (Ct = ${fmt(c.ct, 3)} ≥ ${c.ct_threshold}). The generalization criteria apply: the smaller re and Kh are, the flatter and more convex the minimum the network sits in. On their own they are not a score; what the papers report is that when the data changes (a new test set, a shifted distribution), the change of re and Kh tracks the change of accuracy, so comparing runs of the same model on different data is the intended use.`,
      MN: `The Hessian spectrum is mainly negative (Ct = ${fmt(c.ct, 3)} < ${c.ct_threshold}). The generalization criteria do not apply to this model: such spectra come from random initialization or from training with external gradient manipulation (aggressive gradient clipping, Hessian-based optimizers), and there re and Kh do not track accuracy.`,
      undefined: "The spectrum has no positive eigenvalue, so the HESD type and the criteria are undefined for this model.",
    };
    const box = $("div", { class: `verdict ${c.hesd_type}` },
      $("strong", {}, `HESD type: ${c.hesd_type}`), $("p", {}, words[c.hesd_type] || words.undefined));
    const oneRun = (c.runs || []).length < 2, spread = v => oneRun ? "n/a (1 run)" : fmt(v, 2);
    const t = $("table", {}, $("tr", {}, $("th", {}, "criterion"), $("th", {}, "mean over SLQ runs"), $("th", {}, "spread (std)"), $("th", {}, "meaning")));
    t.append($("tr", {}, $("td", {}, "re = |λmin/λmax|"), $("td", {}, fmt(c.re)), $("td", {}, spread(c.re_std)), $("td", {}, "how large the most negative curvature is next to the most positive")));
    t.append($("tr", {}, $("td", {}, `Kh${c.kh_power}`), $("td", {}, c.kh === null ? "∞" : fmt(c.kh)), $("td", {}, spread(c.kh_std)), $("td", {}, "weighted mass of negative against positive eigenvalues")));
    t.append($("tr", {}, $("td", {}, "Ct = λmin/λmax"), $("td", {}, fmt(c.ct)), $("td", {}, spread(c.ct_std)), $("td", {}, `decides the type: MP when ≥ ${c.ct_threshold}`)));
    box.append(t);
    for (const n of c.notes || []) box.append($("p", { class: "muted" }, n));
    root.append(box);
  }

  // ---- eigenvalues
  if (H && H.top_eigenvalues) {
    root.append($("h2", {}, "Top eigenvalues"));
    const t = $("table", {}, $("tr", {}, $("th", {}, "#"), $("th", {}, "eigenvalue"), $("th", {}, "relative residual ‖Hv − λv‖/|λ|"), $("th", {}, "converged (≤ 1e-3)")));
    H.top_eigenvalues.forEach((v, i) => t.append($("tr", {}, $("td", {}, i + 1), $("td", {}, fmt(v, 7)), $("td", {}, fmt((H.eigen_residuals || [])[i], 2)), $("td", {}, H.eigen_converged && H.eigen_converged[i] ? "yes" : "NO"))));
    root.append(t, $("p", { class: "muted" }, `${H.eigen_method}, ${H.eigen_steps} steps, ${H.eigen_hvps} Hessian-vector products; ${H.hvp_count} in the whole analysis.`));
  }

  // ---- SVG line plots
  function linePlot(series, { width = 520, height = 320, xLabel = "", yLabel = "", logY = false, title = "" } = {}) {
    const m = { l: 64, r: 16, t: 28, b: 44 }, W = width - m.l - m.r, Hh = height - m.t - m.b;
    const pts = series.flatMap(s => s.x.map((x, i) => [x, s.y[i]])).filter(p => Number.isFinite(p[0]) && Number.isFinite(p[1]));
    const svg = document.createElementNS("http://www.w3.org/2000/svg", "svg");
    svg.setAttribute("width", width); svg.setAttribute("height", height);
    const add = (tag, attrs, text) => { const e = document.createElementNS(svg.namespaceURI, tag); for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v); if (text !== undefined) e.textContent = text; svg.append(e); return e; };
    if (pts.length === 0) { add("text", { x: 20, y: 40 }, "no finite values"); return svg; }
    let [x0, x1] = [Math.min(...pts.map(p => p[0])), Math.max(...pts.map(p => p[0]))];
    let [y0, y1] = [Math.min(...pts.map(p => p[1])), Math.max(...pts.map(p => p[1]))];
    if (x1 === x0) { x0 -= 1; x1 += 1; } if (y1 === y0) { y0 -= 1; y1 += 1; }
    // A log axis spans whole powers of ten and is ticked only there (every 2nd, 5th… decade when there are many).
    if (logY) { y0 = Math.floor(y0 + 1e-9); y1 = Math.max(Math.ceil(y1 - 1e-9), y0 + 1); }
    const X = x => m.l + (x - x0) / (x1 - x0) * W, Y = y => m.t + Hh - (y - y0) / (y1 - y0) * Hh;
    add("rect", { x: m.l, y: m.t, width: W, height: Hh, fill: "white", stroke: "#889" });
    const decadeStep = [1, 2, 5, 10, 20, 50, 100].find(s => (y1 - y0) / s + 1 <= 10) || 100;
    const yTicks = logY ? Array.from({ length: y1 - y0 + 1 }, (_, i) => y0 + i).filter(e => e % decadeStep === 0)
      : Array.from({ length: 6 }, (_, k) => y0 + k * (y1 - y0) / 5);
    for (let k = 0; k <= 5; k++) {
      const xv = x0 + k * (x1 - x0) / 5;
      add("text", { x: X(xv), y: m.t + Hh + 16, "text-anchor": "middle", "font-size": 11 }, fmt(xv, 3));
    }
    for (const yv of yTicks) {
      add("text", { x: m.l - 6, y: Y(yv) + 4, "text-anchor": "end", "font-size": 11 }, logY ? `1e${yv}` : fmt(yv, 3));
      add("line", { x1: m.l, x2: m.l + W, y1: Y(yv), y2: Y(yv), stroke: "#eee" });
    }
    add("text", { x: m.l + W / 2, y: height - 6, "text-anchor": "middle", "font-size": 12 }, xLabel);
    add("text", { x: 14, y: m.t + Hh / 2, "text-anchor": "middle", "font-size": 12, transform: `rotate(-90 14 ${m.t + Hh / 2})` }, yLabel);
    add("text", { x: m.l, y: 18, "font-size": 13, "font-weight": 600 }, title);
    const colours = ["#2b6cb0", "#d9480f", "#2f9e44", "#862e9c"];
    series.forEach((s, k) => {
      const d = s.x.map((x, i) => [x, s.y[i]]).filter(p => Number.isFinite(p[1])).map(p => `${X(p[0]).toFixed(1)},${Y(p[1]).toFixed(1)}`).join(" ");
      add("polyline", { points: d, fill: "none", stroke: colours[k % colours.length], "stroke-width": 1.8 });
      if (s.name) add("text", { x: m.l + W - 8, y: m.t + 16 + 14 * k, "text-anchor": "end", "font-size": 11, fill: colours[k % colours.length] }, s.name);
    });
    return svg;
  }

  // ---- spectral density: the smoothed curve stored in the results (drawn, never computed here)
  if (H && H.esd && H.esd.runs && H.esd.runs.length && H.esd.density) {
    root.append($("h2", {}, "Hessian eigenvalue spectral density"));
    const runs = H.esd.runs, xs = H.esd.density.lambda, ys = H.esd.density.density;
    const peak = Math.max(...ys);
    const logY = ys.map(y => Math.log10(Math.max(y, peak * 1e-8)));
    const fig = $("figure", {}, linePlot([{ x: xs, y: logY }], { width: 760, height: 360, xLabel: "eigenvalue λ", yLabel: "density (log10)", logY: true, title: `${runs.length} SLQ run(s) × ${runs[0].steps} Lanczos steps` }),
      $("figcaption", {}, "Most eigenvalues sit near zero (the tall peak); the isolated spikes on the right are the large curvatures the top eigenvalues measure. Mass left of zero is negative curvature, which re, Kh and Ct quantify."));
    root.append(fig);
  }

  // ---- the curvature split H = G + R: densities overlaid, the numbers side by side, where negative curvature comes from
  const S = R.curvature_split;
  if (S) {
    root.append($("h2", {}, "Where the curvature comes from: H = G + R"));
    root.append($("div", { class: "verdict" }, $("p", {}, S.sentence || "")));
    const parts = [["H (Hessian)", S.hessian, S.hessian_mass], ["G (GGN / Fisher)", S.ggn, S.ggn_mass], ["R = H − G (residual)", S.residual, S.residual_mass]];
    const drawn = parts.filter(p => p[1].esd && p[1].esd.density);
    const top = Math.max(...drawn.map(p => Math.max(...p[1].esd.density.density)));
    const series = drawn.map(([name, x]) => ({ name, x: x.esd.density.lambda, y: x.esd.density.density.map(y => Math.log10(Math.max(y, top * 1e-8))) }));
    root.append($("figure", {}, linePlot(series, { width: 760, height: 360, xLabel: "eigenvalue λ", yLabel: "density (log10)", logY: true, title: "Spectral densities of H, G and R" }),
      $("figcaption", {}, "G is positive semi-definite: every eigenvalue left of zero in H comes from R, the network's own curvature weighted by the loss gradient.")));
    const t = $("table", {}, $("tr", {}, $("th", {}, "operator"), $("th", {}, "top eigenvalues"), $("th", {}, "trace"), $("th", {}, "negative mass Σ|λ<0| (SLQ)"), $("th", {}, "negative share"), $("th", {}, "HESD type")));
    for (const [name, x, m] of parts)
      t.append($("tr", {}, $("td", {}, name), $("td", {}, (x.top_eigenvalues || []).map(v => fmt(v, 5)).join(", ")), $("td", {}, `${fmt(x.trace, 5)} ± ${fmt(x.trace_stderr, 2)}`),
        $("td", {}, fmt(m.negative_sum, 4)), $("td", {}, m.negative_share === null ? "n/a" : pct(m.negative_share)), $("td", {}, x.criteria ? x.criteria.hesd_type : "n/a")));
    root.append(t);
    if (S.angles_hessian_ggn) root.append($("p", { class: "muted" }, `Principal angles between the top-${S.angles_hessian_ggn.cosines.length} eigenvector subspaces of H and G: ${S.angles_hessian_ggn.angles_rad.map(a => (a * 180 / Math.PI).toFixed(2) + "°").join(", ")} (0° = the same directions).`));
  }

  // ---- per-layer spectra: a table and small multiples of the densities
  const PL = R.per_layer;
  if (PL && PL.layers && PL.layers.length) {
    root.append($("h2", {}, "Per-layer spectra"));
    const t = $("table", {}, $("tr", {}, ...["layer", "parameters", "λ1", "trace", "re", "Kh", "Ct", "HESD type"].map(h => $("th", {}, h))));
    for (const L of PL.layers) {
      const a = L.analysis, c = a.criteria || {};
      t.append($("tr", {}, $("td", {}, L.name), $("td", {}, L.dimension.toLocaleString()), $("td", {}, a.top_eigenvalues && a.top_eigenvalues.length ? fmt(a.top_eigenvalues[0], 5) : "n/a"),
        $("td", {}, `${fmt(a.trace, 5)} ± ${fmt(a.trace_stderr, 2)}`), $("td", {}, fmt(c.re)), $("td", {}, c.kh === null ? "∞" : fmt(c.kh)), $("td", {}, fmt(c.ct)), $("td", {}, c.hesd_type || "n/a")));
    }
    root.append(t, $("p", {}, `Sum of the layers' trace estimates: ${fmt(PL.trace_sum, 5)} ± ${fmt(PL.trace_sum_stderr, 2)}; the independent full-trace estimate: ${PL.full_trace === null ? "n/a" : fmt(PL.full_trace, 5) + " ± " + fmt(PL.full_trace_stderr, 2)}. Exactly they are equal (the blocks partition the diagonal); the estimates agree within their standard errors.`));
    const plots = $("div", { class: "plots" });
    for (const L of PL.layers) {
      const d = L.analysis.esd && L.analysis.esd.density;
      if (!d) continue;
      const peak = Math.max(...d.density);
      plots.append($("figure", {}, linePlot([{ x: d.lambda, y: d.density.map(y => Math.log10(Math.max(y, peak * 1e-8))) }], { width: 300, height: 220, xLabel: "λ", yLabel: "log10 density", logY: true, title: L.name })));
    }
    root.append(plots);
  }

  // ---- the diagonal by Hutchinson: per-layer summary (the entries are in the run folder's file)
  const D = R.diagonal;
  if (D && D.layers) {
    root.append($("h2", {}, `Diagonal of the ${D.operator === "hessian" ? "Hessian" : D.operator} (Hutchinson, ${D.probes} probes)`));
    const t = $("table", {}, $("tr", {}, ...["layer", "entries", "mean", "max", "sum ± standard error"].map(h => $("th", {}, h))));
    for (const L of D.layers)
      t.append($("tr", {}, $("td", {}, L.name), $("td", {}, L.entries.toLocaleString()), $("td", {}, fmt(L.mean)), $("td", {}, fmt(L.max)), $("td", {}, `${fmt(L.sum, 5)} ± ${fmt(L.sum_stderr, 2)}`)));
    t.append($("tr", {}, $("td", {}, "all"), $("td", {}, ""), $("td", {}, ""), $("td", {}, ""), $("td", {}, `${fmt(D.sum, 5)} ± ${fmt(D.sum_stderr, 2)}`)));
    root.append(t, $("p", { class: "muted" }, `Every entry and its standard error are in ${D.file} (per parameter: diagonal.NAME, stderr.NAME). The layers' sums add up to the trace's Hutchinson estimate with the same probes.`));
  }

  // ---- landscapes: rotatable 3-D surface, heat map, 1-D cuts
  function surfaceCanvas(L) {
    const canvas = $("canvas", { class: "surface", width: 460, height: 360 });
    const ctx = canvas.getContext("2d");
    const Z = L.loss, rows = Z.length, cols = Z[0].length, flat = Z.flat().filter(Number.isFinite);
    const zmin = Math.min(...flat), zmax = Math.max(...flat), zr = (zmax - zmin) || 1;
    let yaw = -0.8, pitch = 0.9;
    function draw() {
      ctx.clearRect(0, 0, canvas.width, canvas.height);
      const proj = (i, j, z) => {
        const x = i / (cols - 1) - 0.5, y = j / (rows - 1) - 0.5, h = Number.isFinite(z) ? (z - zmin) / zr - 0.5 : 0;
        const xr = x * Math.cos(yaw) - y * Math.sin(yaw), yr = x * Math.sin(yaw) + y * Math.cos(yaw);
        const sy = yr * Math.cos(pitch) - h * Math.sin(pitch), depth = yr * Math.sin(pitch) + h * Math.cos(pitch);
        return [canvas.width / 2 + xr * 250, canvas.height / 2 + 20 + sy * 200, depth];
      };
      const quads = [];
      for (let j = 0; j < rows - 1; j++) for (let i = 0; i < cols - 1; i++) {
        const zs = [Z[j][i], Z[j][i + 1], Z[j + 1][i + 1], Z[j + 1][i]];
        const p = [proj(i, j, zs[0]), proj(i + 1, j, zs[1]), proj(i + 1, j + 1, zs[2]), proj(i, j + 1, zs[3])];
        quads.push({ p, depth: p.reduce((s, q) => s + q[2], 0) / 4, z: zs.reduce((s, q) => s + q, 0) / 4 });
      }
      quads.sort((u, v) => v.depth - u.depth);
      for (const q of quads) {
        ctx.beginPath(); ctx.moveTo(q.p[0][0], q.p[0][1]); for (let k = 1; k < 4; k++) ctx.lineTo(q.p[k][0], q.p[k][1]); ctx.closePath();
        ctx.fillStyle = colour((q.z - zmin) / zr); ctx.fill(); ctx.strokeStyle = "rgba(0,0,0,0.15)"; ctx.stroke();
      }
      ctx.fillStyle = "#333"; ctx.font = "12px sans-serif";
      ctx.fillText(`loss ${fmt(zmin, 3)} … ${fmt(zmax, 3)} (drag to rotate)`, 8, 16);
    }
    let drag = null;
    canvas.addEventListener("mousedown", e => { drag = [e.clientX, e.clientY, yaw, pitch]; });
    window.addEventListener("mouseup", () => { drag = null; });
    window.addEventListener("mousemove", e => { if (!drag) return; yaw = drag[2] + (e.clientX - drag[0]) / 100; pitch = Math.min(1.5, Math.max(0.1, drag[3] + (e.clientY - drag[1]) / 100)); draw(); });
    draw();
    return canvas;
  }

  function heatmapCanvas(L) {
    const Z = L.loss, rows = Z.length, cols = Z[0].length, size = 340, m = 40;
    const bar = 70; // the colour bar on the right, in loss units
    const canvas = $("canvas", { width: size + m + 10 + bar, height: size + m + 10 });
    const ctx = canvas.getContext("2d"), flat = Z.flat().filter(Number.isFinite);
    const zmin = Math.min(...flat), zmax = Math.max(...flat), zr = (zmax - zmin) || 1, cw = size / cols, ch = size / rows;
    for (let j = 0; j < rows; j++) for (let i = 0; i < cols; i++) {
      ctx.fillStyle = colour((Z[j][i] - zmin) / zr); ctx.fillRect(m + i * cw, (rows - 1 - j) * ch, cw + 0.5, ch + 0.5);
    }
    // Contour lines (marching squares over cell centres), 10 levels.
    ctx.strokeStyle = "rgba(255,255,255,0.75)"; ctx.lineWidth = 1;
    const px = i => m + (i + 0.5) * cw, py = j => (rows - 1 - j + 0.5) * ch;
    for (let level = 1; level <= 10; level++) {
      const z = zmin + zr * level / 11;
      for (let j = 0; j < rows - 1; j++) for (let i = 0; i < cols - 1; i++) {
        const c = [[i, j, Z[j][i]], [i + 1, j, Z[j][i + 1]], [i + 1, j + 1, Z[j + 1][i + 1]], [i, j + 1, Z[j + 1][i]]];
        const cuts = [];
        for (let k = 0; k < 4; k++) {
          const [x0, y0, z0] = c[k], [x1, y1, z1] = c[(k + 1) % 4];
          if (!Number.isFinite(z0) || !Number.isFinite(z1) || (z0 < z) === (z1 < z)) continue;
          const f = (z - z0) / (z1 - z0);
          cuts.push([px(x0 + f * (x1 - x0)), py(y0 + f * (y1 - y0))]);
        }
        for (let k = 0; k + 1 < cuts.length; k += 2) { ctx.beginPath(); ctx.moveTo(...cuts[k]); ctx.lineTo(...cuts[k + 1]); ctx.stroke(); }
      }
    }
    const ci = L.alphas.reduce((b, v, i) => Math.abs(v) < Math.abs(L.alphas[b]) ? i : b, 0);
    const cj = L.betas.reduce((b, v, j) => Math.abs(v) < Math.abs(L.betas[b]) ? j : b, 0);
    ctx.beginPath(); ctx.arc(m + (ci + 0.5) * cw, (rows - 1 - cj + 0.5) * ch, 5, 0, 2 * Math.PI); ctx.fillStyle = "red"; ctx.fill();
    if (L.path) {
      ctx.beginPath(); ctx.strokeStyle = "orange"; ctx.lineWidth = 2;
      const a0 = L.alphas[0], a1 = L.alphas[cols - 1], b0 = L.betas[0], b1 = L.betas[rows - 1];
      L.path.alphas.forEach((a, k) => {
        const x = m + (a - a0) / (a1 - a0) * (size - cw) + cw / 2, y = (rows - 1) * ch - (L.path.betas[k] - b0) / (b1 - b0) * (size - ch) + ch / 2;
        k ? ctx.lineTo(x, y) : ctx.moveTo(x, y);
      });
      ctx.stroke();
    }
    ctx.fillStyle = "#333"; ctx.font = "11px sans-serif";
    ctx.fillText(fmt(L.alphas[0], 3), m, size + 14); ctx.fillText(fmt(L.alphas[cols - 1], 3), m + size - 30, size + 14);
    ctx.fillText(L.mode === "adameq" ? "a →" : "α →", m + size / 2, size + 14);
    ctx.fillText(fmt(L.betas[rows - 1], 3), 2, 12); ctx.fillText(fmt(L.betas[0], 3), 2, size); ctx.fillText(L.mode === "adameq" ? "b" : "β", 8, size / 2);
    // Colour bar: the loss from zmin (bottom) to zmax (top), five labelled ticks.
    const bx = m + size + 12, bw = 14;
    for (let y = 0; y < size; y++) { ctx.fillStyle = colour(1 - y / (size - 1)); ctx.fillRect(bx, y, bw, 1.5); }
    ctx.strokeStyle = "#889"; ctx.strokeRect(bx, 0, bw, size); ctx.fillStyle = "#333";
    for (let k = 0; k <= 4; k++) {
      const y = (1 - k / 4) * (size - 1);
      ctx.fillRect(bx + bw, y, 4, 1); ctx.fillText(fmt(zmin + zr * k / 4, 3), bx + bw + 6, Math.min(size, Math.max(10, y + 4)));
    }
    ctx.fillText("loss", bx, size + 14);
    return canvas;
  }

  const landscapes = R.landscapes || [];
  if (landscapes.length) {
    root.append($("h2", {}, "Loss landscapes"));
    root.append($("p", { class: "muted" }, "Each plane shows the loss at θ* + α·d1 + β·d2 around the analysed weights θ* (the red dot). With BatchNorm, random directions built from the weights can look flatter than the network is; planes along the top Hessian eigenvectors show the real curvature."));
  }
  for (const L of landscapes) {
    if (!L.loss || !L.loss.length || !L.loss[0] || !L.loss[0].length) continue; // nothing to draw (an empty grid)
    const facts = Object.entries(L.axes_facts || {}).map(([k, v]) => `${k} ${fmt(v, 5)}`).join(", ");
    root.append($("h3", {}, L.label), $("p", { class: "muted" }, `${L.loss.length}×${L.loss[0].length} points, distance ${L.distance}, ${facts}`));
    const plots = $("div", { class: "plots" });
    if (L.loss.length > 1) {
      plots.append($("figure", {}, surfaceCanvas(L), $("figcaption", {}, "3-D surface (drag to rotate)")));
      plots.append($("figure", {}, heatmapCanvas(L), $("figcaption", {}, "heat map with contour lines, centre marked" + (L.path ? (R.command === "connect" ? ", the curve in orange (A at 0, 0; B at 1, 0; the bend at 0, 1)" : ", training path in orange") : ""))));
      const ci = L.alphas.reduce((b, v, i) => Math.abs(v) < Math.abs(L.alphas[b]) ? i : b, 0);
      const cj = L.betas.reduce((b, v, j) => Math.abs(v) < Math.abs(L.betas[b]) ? j : b, 0);
      plots.append($("figure", {}, linePlot([{ x: L.alphas, y: L.loss[cj], name: "along d1" }, { x: L.betas, y: L.loss.map(r => r[ci]), name: "along d2" }], { xLabel: "coordinate", yLabel: "loss", title: "1-D cuts through the centre" })));
    } else {
      plots.append($("figure", {}, linePlot([{ x: L.alphas, y: L.loss[0], name: "loss" }], { xLabel: "α", yLabel: "loss", title: "1-D landscape" })));
    }
    root.append(plots);
  }

  // ---- mode connectivity (lla connect): the stored paths, and in plain words whether A and B are connected
  if (R.paths && R.paths.length) {
    root.append($("h2", {}, "Mode connectivity"));
    const label = p => p.aligned ? `${p.method}, aligned` : p.method;
    const maxOf = xs => Math.max(...xs.filter(Number.isFinite));
    // A path connects A and B when its training barrier is at most 10 % of the larger end loss (docs/results.md).
    const connects = p => p.train_barrier <= 0.1 * Math.max(p.train_loss[0], p.train_loss[p.train_loss.length - 1]);
    const linear = R.paths.find(p => p.method === "linear" && !p.aligned);
    const aligned = R.paths.find(p => p.method === "linear" && p.aligned);
    const curve = R.paths.find(p => p.method !== "linear");
    const words = [];
    if (linear) words.push(`The straight line from A to B has a training-loss barrier of ${fmt(linear.train_barrier, 3)}${aligned ? " before alignment" : ""}`);
    if (aligned) words.push(`${fmt(aligned.train_barrier, 3)} after B's hidden units were permuted to match A's (weight matching)`);
    let text = words.join(", ") + ".";
    if (curve) text += ` The trained ${curve.method} curve${curve.aligned ? " (to the aligned B)" : ""} reaches a highest training loss of ${fmt(maxOf(curve.train_loss), 3)} (barrier ${fmt(curve.train_barrier, 3)}; the ends: ${fmt(curve.train_loss[0], 3)} and ${fmt(curve.train_loss[curve.train_loss.length - 1], 3)}).`;
    const verdict = linear && connects(linear) ? "connected by a straight line: the two models sit in one basin."
      : aligned && connects(aligned) ? "connected by a straight line once B's units are permuted to match A's: the barrier was a relabelling of hidden units."
      : curve && connects(curve) ? `connected by a curve: no straight line${aligned ? ", even after alignment," : ""} avoids the barrier, but the trained ${curve.method} curve does.`
      : `not shown to be connected: every path drawn rises above its ends by more than 10 % of the larger end loss${curve ? "" : " (a trained curve, --method bezier or chain, may still join them)"}.`;
    root.append($("div", { class: "verdict" }, $("strong", {}, "Models A and B are " + verdict), $("p", {}, text),
      $("p", { class: "muted" }, "Barrier: the largest excess of the loss along the path over the straight line between the two end losses. A path connects the models here when its training barrier is at most 10 % of the larger end loss.")));
    const t = $("table", {}, $("tr", {}, $("th", {}, "path"), $("th", {}, "train barrier"), $("th", {}, "test barrier"), $("th", {}, "highest train loss"), $("th", {}, "lowest train accuracy"), $("th", {}, "BatchNorm")));
    for (const p of R.paths)
      t.append($("tr", {}, $("td", {}, label(p)), $("td", {}, fmt(p.train_barrier)), $("td", {}, fmt(p.test_barrier)), $("td", {}, fmt(maxOf(p.train_loss))),
        $("td", {}, pct(Math.min(...p.train_accuracy.filter(Number.isFinite)))), $("td", {}, p.bn)));
    root.append(t);
    const plots = $("div", { class: "plots" });
    const series = key => R.paths.flatMap(p => [{ x: p.t, y: p[`train_${key}`], name: `${label(p)} (train)` }]
      .concat(p[`test_${key}`].some(Number.isFinite) ? [{ x: p.t, y: p[`test_${key}`], name: `${label(p)} (test)` }] : []));
    plots.append($("figure", {}, linePlot(series("loss"), { xLabel: "t (0: A, 1: B)", yLabel: "loss", title: "loss along the paths" })));
    plots.append($("figure", {}, linePlot(series("accuracy"), { xLabel: "t (0: A, 1: B)", yLabel: "accuracy", title: "accuracy along the paths" })));
    root.append(plots);
    const C = R.connect;
    if (C) {
      const files = [C.aligned_checkpoint && `${C.aligned_checkpoint} (B aligned to A)`, C.bend_checkpoint && `${C.bend_checkpoint} (the trained bend)`].filter(Boolean);
      root.append($("p", { class: "muted" }, `Model B: ${C.to}.` + (files.length ? ` Checkpoints in this folder, loadable with --weights: ${files.join(", ")}.` : "")
        + (C.curve ? ` The bend trained ${C.curve.steps} steps (${C.curve.epochs} epochs, SGD lr ${C.curve.learning_rate}, momentum ${C.curve.momentum}, seed ${C.curve.seed}${C.curve.steps_resumed ? `, ${C.curve.steps_resumed} kept from an interrupted run` : ""}).` : "")));
    }
  }

  // ---- generalization measures: stored values, spreads, meanings (drawn, never computed here)
  if (R.measures && R.measures.length) {
    root.append($("h2", {}, "Generalization measures"));
    const t = $("table", {}, $("tr", {}, $("th", {}, "measure"), $("th", {}, "value"), $("th", {}, "better"), $("th", {}, "what it means"), $("th", {}, "seconds")));
    for (const m of R.measures)
      t.append($("tr", {}, $("td", {}, m.name), $("td", {}, m.value === null ? `n/a: ${m.reason}` : `${fmt(m.value, 5)}${m.spread !== null && m.spread !== undefined ? " ± " + fmt(m.spread, 2) : ""}`),
        $("td", {}, m.direction > 0 ? "lower" : "higher"), $("td", {}, m.meaning || ""), $("td", {}, fmt(m.seconds, 3))));
    root.append(t);
  }

  // ---- provenance
  root.append($("h2", {}, "Options, seed, versions, timings"));
  const prov = $("table", {});
  prov.append($("tr", {}, $("th", {}, "seed"), $("td", {}, R.seed)));
  for (const [k, v] of Object.entries(R.versions || {})) prov.append($("tr", {}, $("th", {}, k), $("td", {}, v)));
  for (const [k, v] of Object.entries(R.timings_s || {})) prov.append($("tr", {}, $("th", {}, `time: ${k}`), $("td", {}, `${fmt(v, 3)} s`)));
  if (R.numeric_guard) prov.append($("tr", {}, $("th", {}, "numeric guard"), $("td", {}, R.numeric_guard.summary || R.numeric_guard.reason)));
  root.append(prov);
  root.append($("details", {}, $("summary", {}, "all options"), $("pre", {}, JSON.stringify(R.options, null, 2))));
  document.body.setAttribute("data-rendered", "true");
})();
