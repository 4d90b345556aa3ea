// Lla.NET run report: lays out the sections the views wrote (tables, sentences, verdicts, all from stored results) and
// draws the interactive plots from the results embedded in this page. It computes and concludes nothing. No network access.
(function () {
  "use strict";
  const R = JSON.parse(document.getElementById("lla-results").textContent);
  const P = JSON.parse(document.getElementById("lla-page").textContent);
  const $ = (tag, attrs, ...children) => {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, v);
    for (const c of children) e.append(c instanceof Node ? c : document.createTextNode(String(c)));
    return e;
  };
  const fmt = (x, digits = 4) => (x === null || x === undefined || Number.isNaN(x)) ? "n/a"
    : Number.isInteger(x) && Math.abs(x) < 1e9 ? String(x) : Number(x).toPrecision(digits);
  const root = document.getElementById("report");

  // Viridis, 9 stops, interpolated.
  const VIRIDIS = [[68,1,84],[71,44,122],[59,81,139],[44,113,142],[33,144,141],[39,173,129],[92,200,99],[170,220,50],[253,231,37]];
  function colour(t) {
    if (!Number.isFinite(t)) return "rgb(200,200,200)";
    t = Math.min(1, Math.max(0, t)) * (VIRIDIS.length - 1);
    const i = Math.min(VIRIDIS.length - 2, Math.floor(t)), f = t - i, a = VIRIDIS[i], b = VIRIDIS[i + 1];
    return `rgb(${a.map((v, k) => Math.round(v + f * (b[k] - v))).join(",")})`;
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

  // ---- landscapes: rotatable 3-D surface, heat map with contours and colour bar
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

  // ---- the interactive plots, each drawn from the record a plot block names (a dotted path into the results)
  const logDensity = (ys, top) => ys.map(y => Math.log10(Math.max(y, top * 1e-8)));
  const PLOTS = {
    density(H, caption) {
      const d = H.esd && H.esd.density;
      if (!d || !d.density.length) return [];
      return [$("figure", {}, linePlot([{ x: d.lambda, y: logDensity(d.density, Math.max(...d.density)) }], { width: 760, height: 360, xLabel: "eigenvalue λ", yLabel: "density (log10)", logY: true }),
        $("figcaption", {}, caption || ""))];
    },
    "split-densities"(S, caption) {
      const parts = [["H (Hessian)", S.hessian], ["G (GGN / Fisher)", S.ggn], ["R = H − G (residual)", S.residual]].filter(p => p[1] && p[1].esd && p[1].esd.density && p[1].esd.density.density.length);
      if (!parts.length) return [];
      const top = Math.max(...parts.map(p => Math.max(...p[1].esd.density.density)));
      const series = parts.map(([name, x]) => ({ name, x: x.esd.density.lambda, y: logDensity(x.esd.density.density, top) }));
      return [$("figure", {}, linePlot(series, { width: 760, height: 360, xLabel: "eigenvalue λ", yLabel: "density (log10)", logY: true, title: "Spectral densities of H, G and R" }),
        $("figcaption", {}, caption || ""))];
    },
    "layer-densities"(PL) {
      const plots = $("div", { class: "plots" });
      for (const L of PL.layers || []) {
        const d = L.analysis.esd && L.analysis.esd.density;
        if (!d || !d.density.length) continue;
        plots.append($("figure", {}, linePlot([{ x: d.lambda, y: logDensity(d.density, Math.max(...d.density)) }], { width: 300, height: 220, xLabel: "λ", yLabel: "log10 density", logY: true, title: L.name })));
      }
      return [plots];
    },
    landscape(L, caption) {
      const plots = $("div", { class: "plots" });
      if (L.loss.length > 1) {
        plots.append($("figure", {}, surfaceCanvas(L), $("figcaption", {}, "3-D surface (drag to rotate)")));
        plots.append($("figure", {}, heatmapCanvas(L), $("figcaption", {}, caption || "")));
        const ci = L.alphas.reduce((b, v, i) => Math.abs(v) < Math.abs(L.alphas[b]) ? i : b, 0);
        const cj = L.betas.reduce((b, v, j) => Math.abs(v) < Math.abs(L.betas[b]) ? j : b, 0);
        plots.append($("figure", {}, linePlot([{ x: L.alphas, y: L.loss[cj], name: "along d1" }, { x: L.betas, y: L.loss.map(r => r[ci]), name: "along d2" }], { xLabel: "coordinate", yLabel: "loss", title: "1-D cuts through the centre" })));
      } else {
        plots.append($("figure", {}, linePlot([{ x: L.alphas, y: L.loss[0], name: "loss" }], { xLabel: "α", yLabel: "loss", title: "1-D landscape" })));
      }
      return [plots];
    },
    paths(paths) {
      const label = p => p.aligned ? `${p.method}, aligned` : p.method;
      const drawn = paths.filter(p => p.t.length && p.train_loss.length === p.t.length);
      const series = key => drawn.flatMap(p => [{ x: p.t, y: p[`train_${key}`], name: `${label(p)} (train)` }]
        .concat(p[`test_${key}`].some(Number.isFinite) ? [{ x: p.t, y: p[`test_${key}`], name: `${label(p)} (test)` }] : []));
      const plots = $("div", { class: "plots" });
      plots.append($("figure", {}, linePlot(series("loss"), { xLabel: "t (0: A, 1: B)", yLabel: "loss", title: "loss along the paths" })));
      plots.append($("figure", {}, linePlot(series("accuracy"), { xLabel: "t (0: A, 1: B)", yLabel: "accuracy", title: "accuracy along the paths" })));
      return [plots];
    },
  };

  // ---- the page: its head, then every section the views wrote, block by block
  const at = path => path.split(".").reduce((o, k) => (o === null || o === undefined) ? undefined : o[k], R);
  function block(b) {
    switch (b.type) {
      case "heading": return [$("h3", {}, b.text)];
      case "text": return [$("p", b.muted ? { class: "muted" } : {}, b.text)];
      case "verdict": {
        const box = $("div", { class: `verdict ${b.tone || ""}` });
        if (b.heading) box.append($("strong", {}, b.heading));
        for (const p of b.paragraphs || []) box.append($("p", {}, p));
        for (const n of b.notes || []) box.append($("p", { class: "muted" }, n));
        return [box];
      }
      case "table": {
        const t = $("table", {});
        if (b.header && b.header.length) t.append($("tr", {}, ...b.header.map(h => $("th", {}, h))));
        for (const row of b.rows || []) t.append($("tr", {}, ...row.map(c => $("td", {}, c))));
        return [t];
      }
      case "plot": {
        const source = at(b.source), draw = PLOTS[b.kind];
        return source && draw ? draw(source, b.caption) : [];
      }
      case "image": return b.data ? [$("figure", {}, $("img", { src: b.data, alt: b.file }), $("figcaption", {}, b.caption || b.file))] : [];
      case "details": return [$("details", {}, $("summary", {}, b.summary), $("pre", {}, b.text))];
      default: return [];
    }
  }

  root.append($("h1", {}, P.header.title), $("p", { class: "sub" }, P.header.subtitle));
  const cards = $("div", { class: "cards" });
  for (const c of P.header.cards) cards.append($("div", { class: "card" }, $("div", { class: "label" }, c.label), $("div", { class: "value" }, c.value)));
  root.append(cards);
  for (const s of P.sections) {
    if (s.title) root.append($("h2", {}, s.title));
    for (const b of s.blocks) root.append(...block(b));
  }
  document.body.setAttribute("data-rendered", "true");
})();
