// infobits explorer: the page only draws. Every number it shows comes from the
// library through /api; this script keeps the weights and the text the user set, asks
// the API, and turns its answer into text and SVG, in English or Chinese
// (static/i18n.json holds every string the page shows in both).
"use strict";

const SVG_NS = "http://www.w3.org/2000/svg";
const MAX_SLIDER = 100;
const DENSE_K = 16;

const state = {
  p: [],
  q: [],
  base: "bits",
  maxK: 16,
  maxN: 200000,
  presets: [],
  seq: 0,          // number of the latest /api/diagram request
  shown: 0,        // number of the request whose answer is on screen
  last: null,      // the last good answer
  lastSample: null, // the last sample answer, redrawn when the language changes
};

// ---------------------------------------------------------------- languages

const LANGS = ["en", "zh"];
const i18n = { lang: "en", strings: { en: {}, zh: {} } };

// The string for `key` in the current language (English if it has none), with each
// {name} replaced by vars[name].
function t(key, vars) {
  const table = i18n.strings[i18n.lang] || {};
  let s = key in table ? table[key] : (key in i18n.strings.en ? i18n.strings.en[key] : key);
  if (vars) s = s.replace(/\{(\w+)\}/g, (m, name) => (name in vars ? String(vars[name]) : m));
  return s;
}

function chosenLanguage() {
  const asked = new URLSearchParams(location.search).get("lang");
  if (LANGS.includes(asked)) return asked;
  try {
    const kept = localStorage.getItem("infobits-lang");
    if (LANGS.includes(kept)) return kept;
  } catch (e) { /* storage may be off; the default is fine */ }
  return (navigator.language || "").toLowerCase().startsWith("zh") ? "zh" : "en";
}

// Put every static string of the page in `lang`, then redraw what the script wrote.
function applyLanguage(lang) {
  const previousSample = t("text.sample");
  i18n.lang = LANGS.includes(lang) ? lang : "en";
  document.documentElement.lang = i18n.lang === "zh" ? "zh-CN" : "en";
  $("lang").value = i18n.lang;
  try { localStorage.setItem("infobits-lang", i18n.lang); } catch (e) { /* ignore */ }
  for (const el of document.querySelectorAll("[data-i18n]")) el.textContent = t(el.dataset.i18n);
  // our own strings, with <sub> and <code> markup; nothing here comes from a user
  for (const el of document.querySelectorAll("[data-i18n-html]")) el.innerHTML = t(el.dataset.i18nHtml);
  for (const el of document.querySelectorAll("[data-i18n-aria]")) el.setAttribute("aria-label", t(el.dataset.i18nAria));
  for (const el of document.querySelectorAll("[data-i18n-placeholder]")) el.placeholder = t(el.dataset.i18nPlaceholder);
  if (!state.presets.length) return;  // still starting: start() draws the rest
  fillPresets();
  if (state.p.length) {
    buildRows();
    if (state.last) render(state.last);
  }
  if (state.lastSample) drawSample(state.lastSample);
  fillTextModels();
  const input = $("text-input");
  if (input.value === previousSample) {
    input.value = t("text.sample");
    scheduleText(0);
  } else if (textView.last) {
    drawText(textView.last.answer, textView.last.chars);
  } else {
    updateTextCount();
  }
}

const $ = (id) => document.getElementById(id);

// JSON has no infinity: the API sends "inf".
function num(x) {
  if (x === "inf") return Infinity;
  if (x === "-inf") return -Infinity;
  if (x === "nan") return NaN;
  return x;
}

function fmt(x, digits = 3) {
  x = num(x);
  if (x === null || Number.isNaN(x)) return "–";
  if (x === Infinity) return "∞";
  if (x === -Infinity) return "−∞";
  if (x !== 0 && Math.abs(x) < 1e-3) return x.toPrecision(3);
  return x.toFixed(digits);
}

function svg(tag, attrs, parent) {
  const el = document.createElementNS(SVG_NS, tag);
  for (const [k, v] of Object.entries(attrs || {})) el.setAttribute(k, String(v));
  if (parent) parent.appendChild(el);
  return el;
}

function text(tag, attrs, content, parent) {
  const el = svg(tag, attrs, parent);
  el.textContent = content;
  return el;
}

function setOutput(id, value, unit) {
  const el = $(id);
  el.textContent = `${fmt(value)} ${unit}`;
  el.dataset.value = String(value);
}

// ---------------------------------------------------------------- the API

async function postJSON(path, body, signal) {
  const r = await fetch(path, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
    signal,
  });
  let data = null;
  try {
    data = await r.json();
  } catch (e) {
    data = { detail: `the server answered ${r.status} without JSON` };
  }
  if (!r.ok) {
    const err = new Error(data && data.detail ? data.detail : `HTTP ${r.status}`);
    err.status = r.status;
    throw err;
  }
  return data;
}

function request() {
  return { p: state.p.slice(), q: state.q.slice(), kind: "counts", base: state.base };
}

function showError(message) {
  const box = $("error");
  if (message) {
    box.textContent = message;
    box.hidden = false;
  } else {
    box.textContent = "";
    box.hidden = true;
  }
  for (const id of ["picture", "readings"]) $(id).classList.toggle("stale", !!message);
}

let pending = null;
let controller = null;

function refresh() {
  // Coalesce bursts of slider events into one request per animation frame.
  if (pending) return;
  pending = requestAnimationFrame(async () => {
    pending = null;
    const seq = ++state.seq;
    if (controller) controller.abort();
    controller = new AbortController();
    document.body.dataset.busy = "1";
    try {
      const d = await postJSON("/api/diagram", request(), controller.signal);
      if (seq < state.shown) return;
      state.shown = seq;
      state.last = d;
      showError(null);
      render(d);
    } catch (e) {
      if (e.name === "AbortError") return;
      if (seq < state.shown) return;
      state.shown = seq;
      showError(e.message);
    } finally {
      if (seq === state.seq) {
        delete document.body.dataset.busy;
        document.body.dataset.seq = String(seq);
      }
    }
  });
}

// ---------------------------------------------------------------- controls

function buildRows() {
  const body = $("rows");
  body.textContent = "";
  const k = state.p.length;
  for (let i = 0; i < k; i++) {
    const tr = document.createElement("tr");
    tr.dataset.i = String(i);
    const cell = (cls) => {
      const td = document.createElement("td");
      if (cls) td.className = cls;
      tr.appendChild(td);
      return td;
    };
    cell().textContent = String(i);
    for (const which of ["p", "q"]) {
      const td = cell("weight");
      const range = document.createElement("input");
      range.type = "range";
      range.min = "0";
      range.step = "1";
      range.id = `${which}-range-${i}`;
      range.setAttribute("aria-label", t("weight-aria", { i, which }));
      const box = document.createElement("input");
      box.type = "number";
      box.min = "0";
      box.step = "1";
      box.id = `${which}-weight-${i}`;
      box.setAttribute("aria-label", t("weight-aria-exact", { i, which }));
      const setFrom = (el) => {
        if (el.value.trim() === "") return; // still typing
        const v = Number(el.value);
        if (!Number.isFinite(v)) {
          showError(t("not-a-number", { i, which, value: el.value }));
          return;
        }
        // Fractions and negatives go to the library, whose message says what is wrong.
        state[which][i] = v;
        syncRow(i);
        refresh();
      };
      range.addEventListener("input", () => setFrom(range));
      box.addEventListener("input", () => setFrom(box));
      td.append(range, " ", box);
      const prob = cell("prob");
      prob.id = `${which}-prob-${i}`;
    }
    for (const id of ["best-length", "code-length"]) cell("length").id = `${id}-${i}`;
    for (const which of ["p", "q"]) cell("codeword").id = `${which}-codeword-${i}`;
    body.appendChild(tr);
    syncRow(i);
  }
  $("k").value = String(k);
}

function syncRow(i) {
  for (const which of ["p", "q"]) {
    const w = state[which][i];
    const range = $(`${which}-range-${i}`);
    const box = $(`${which}-weight-${i}`);
    range.max = String(Math.max(MAX_SLIDER, w));
    if (Number(range.value) !== w) range.value = String(w);
    if (document.activeElement !== box && box.value !== String(w)) box.value = String(w);
  }
}

function setK(k) {
  k = Math.max(2, Math.min(state.maxK, Math.round(k)));
  if (!Number.isFinite(k)) return;
  while (state.p.length < k) {
    state.p.push(10);
    state.q.push(10);
  }
  state.p.length = k;
  state.q.length = k;
  $("preset").value = "";
  $("preset-description").textContent = "";
  buildRows();
  refresh();
}

function applyPreset(id) {
  const preset = state.presets.find((x) => x.id === id);
  if (!preset) return;
  state.p = preset.p.slice();
  state.q = preset.q.slice();
  $("preset").value = id;
  $("preset-description").textContent = presetText(preset, "description");
  buildRows();
  refresh();
}

// ---------------------------------------------------------------- drawing

function niceStep(top, ticks) {
  const raw = top / ticks;
  const mag = Math.pow(10, Math.floor(Math.log10(raw)));
  for (const m of [1, 2, 2.5, 5, 10]) if (m * mag >= raw) return m * mag;
  return 10 * mag;
}

function drawDiagram(d) {
  const root = $("diagram");
  root.textContent = "";
  const W = 760, H = 400, L = 58, R = 12, T = 14, B = 50;
  const pw = W - L - R, ph = H - T - B;
  const top = num(d.y_top), cap = num(d.y_cap);
  const X = (x) => L + x * pw;
  const Y = (y) => T + ph * (1 - Math.min(y, top) / top);
  const k = d.k, dense = k > DENSE_K;

  const defs = svg("defs", {}, root);
  for (const [id, color, angle] of [["hatch-waste", "#d62728", 45], ["hatch-saved", "#2ca02c", -45]]) {
    const pat = svg("pattern", { id, patternUnits: "userSpaceOnUse", width: 7, height: 7,
      patternTransform: `rotate(${angle})` }, defs);
    svg("line", { x1: 0, y1: 0, x2: 0, y2: 7, stroke: color, "stroke-width": 2.2 }, pat);
  }
  const clip = svg("clipPath", { id: "plot-area" }, defs);
  svg("rect", { x: L, y: T - 1, width: pw, height: ph + 1 }, clip);

  // grid and y axis
  const step = niceStep(top, 6);
  for (let v = 0; v <= top + 1e-9; v += step) {
    svg("line", { class: "grid", x1: L, x2: L + pw, y1: Y(v), y2: Y(v) }, root);
    text("text", { class: "tick-label", x: L - 6, y: Y(v) + 4, "text-anchor": "end" },
      Number(v.toPrecision(6)).toString(), root);
  }

  const plot = svg("g", { "clip-path": "url(#plot-area)" }, root);
  const bars = svg("g", { id: "bars" }, plot);
  const gaps = svg("g", { id: "gaps" }, plot);
  let outline = "";
  const centers = [], widths = [], names = [];
  for (let i = 0; i < k; i++) {
    const p = d.p[i];
    if (!(p > 0)) continue;
    const x0 = d.x0[i];
    const lq = num(d.code_length[i]), lp = num(d.best_length[i]);
    const shown = Math.min(lq, cap);
    svg("rect", {
      class: dense ? "bar dense" : "bar", "data-i": i, "data-p": p,
      "data-length": d.code_length[i],
      x: X(x0), width: Math.max(p * pw, 0), y: Y(shown), height: Y(0) - Y(shown),
    }, bars);
    if (shown > lp) {
      svg("rect", { class: "waste-area", fill: "url(#hatch-waste)", "data-i": i,
        x: X(x0), width: p * pw, y: Y(shown), height: Y(lp) - Y(shown) }, gaps);
    } else if (lq < lp) {
      svg("rect", { class: "saved-area", fill: "url(#hatch-saved)", "data-i": i,
        x: X(x0), width: p * pw, y: Y(lp), height: Y(lq) - Y(lp) }, gaps);
    }
    outline += `${outline ? "L" : "M"}${X(x0)},${Y(lp)} L${X(x0 + p)},${Y(lp)} `;
    if (lq > cap) {
      const cx = X(x0 + p / 2);
      svg("path", { class: "cut-marker", d: `M${cx - 5},${T + 9} L${cx + 5},${T + 9} L${cx},${T} Z` }, root)
        .appendChild(document.createElementNS(SVG_NS, "title")).textContent =
          t("cut.title", { i, length: fmt(lq), unit: d.unit });
    }
    centers.push(X(x0 + p / 2));
    widths.push(p * pw);
    names.push(String(i));
  }
  svg("path", { class: "best-outline", id: "best-outline", d: outline }, plot);
  drawCutLegend(d, cap);

  // axes
  svg("line", { class: "axis", x1: L, x2: L, y1: T, y2: T + ph }, root);
  svg("line", { class: "axis", x1: L, x2: L + pw, y1: T + ph, y2: T + ph }, root);

  // outcome labels: widest bars first, each kept only if it overlaps none kept before
  const order = centers.map((_, j) => j).sort((a, b) => widths[b] - widths[a]);
  const kept = [];
  for (const j of order) {
    const half = (names[j].length * 7 + 6) / 2;
    const lo = centers[j] - half, hi = centers[j] + half;
    if (kept.every(([a, b]) => hi <= a || lo >= b)) {
      kept.push([lo, hi]);
      text("text", { class: "tick-label outcome-label", x: centers[j], y: T + ph + 15,
        "text-anchor": "middle" }, names[j], root);
    }
  }
  text("text", { class: "axis-label", x: L + pw / 2, y: H - 10, "text-anchor": "middle" },
    t("axis.x"), root);
  text("text", { class: "axis-label", x: 14, y: T + ph / 2, "text-anchor": "middle",
    transform: `rotate(-90 14 ${T + ph / 2})` }, t("axis.y", { log: d.log, unit: d.unit }), root);
}

// The red ▲ marks a bar too tall to draw (or infinite, q = 0): the legend says where it
// is cut and gives the full lengths, as the figures' legend does.
function drawCutLegend(d, cap) {
  const cut = [];
  for (let i = 0; i < d.k; i++) {
    if (d.p[i] > 0 && num(d.code_length[i]) > cap) cut.push(i);
  }
  const item = $("legend-cut");
  item.hidden = cut.length === 0;
  if (!cut.length) return;
  const items = cut.slice(0, 4).map((i) => `${i}: ${fmt(d.code_length[i])}`);
  const more = cut.length > 4 ? t("cut.more", { n: cut.length - 4 }) : "";
  const infinite = cut.some((i) => num(d.code_length[i]) === Infinity) ? t("cut.infinite") : "";
  $("legend-cut-text").textContent =
    t("cut.legend", { cap: fmt(cap), unit: d.unit, infinite, items: items.join(", "), more });
}

function drawStack(d) {
  const root = $("stack");
  root.textContent = "";
  const h = num(d.entropy), hpq = num(d.cross_entropy), kl = num(d.kl_divergence);
  const W = 400, L = 2, R = 2, y = 4, bh = 20;
  const total = Number.isFinite(hpq) ? Math.max(hpq, 1e-12) : Math.max(h, 1) * 1.6;
  const sx = (W - L - R) / total;
  const defs = svg("defs", {}, root);
  const pat = svg("pattern", { id: "hatch-waste-stack", patternUnits: "userSpaceOnUse",
    width: 6, height: 6, patternTransform: "rotate(45)" }, defs);
  svg("rect", { width: 6, height: 6, fill: "#9ecae1" }, pat);
  svg("line", { x1: 0, y1: 0, x2: 0, y2: 6, stroke: "#d62728", "stroke-width": 2 }, pat);
  svg("rect", { class: "stack-best", id: "stack-entropy", x: L, y, width: h * sx, height: bh }, root);
  const klw = Number.isFinite(kl) ? kl * sx : W - L - R - h * sx;
  svg("rect", { class: "stack-waste", id: "stack-kl", fill: "url(#hatch-waste-stack)",
    x: L + h * sx, y, width: Math.max(klw, 0), height: bh }, root);
  text("text", { class: "stack-label", x: L, y: y + bh + 15 }, `H(p) ${fmt(h)}`, root);
  text("text", { class: "stack-label", x: W - R, y: y + bh + 15, "text-anchor": "end" },
    `+ D ${fmt(kl)} = H(p,q) ${fmt(hpq)} ${d.unit}`, root);
}

function render(d) {
  const u = d.unit;
  setOutput("entropy", d.entropy, u);
  setOutput("cross-entropy", d.cross_entropy, u);
  setOutput("kl-divergence", d.kl_divergence, u);
  $("entropy-text").textContent = d.readings.entropy;
  $("cross-entropy-text").textContent = d.readings.cross_entropy;
  $("kl-divergence-text").textContent = d.readings.kl_divergence;
  setOutput("huffman-p-length", d.huffman.p.expected_length, "bits");
  setOutput("huffman-q-length", d.huffman.q.expected_length, "bits");
  for (let i = 0; i < d.k; i++) {
    if (!$(`p-prob-${i}`)) continue;
    $(`p-prob-${i}`).textContent = fmt(d.p[i], 4);
    $(`q-prob-${i}`).textContent = fmt(d.q[i], 4);
    $(`best-length-${i}`).textContent = d.p[i] > 0 ? fmt(d.best_length[i]) : "–";
    $(`code-length-${i}`).textContent = fmt(d.code_length[i]);
    for (const which of ["p", "q"]) {
      const cw = d.huffman[which].codewords[i];
      const td = $(`${which}-codeword-${i}`);
      td.textContent = cw === "" ? (d.huffman[which].lengths[i] === 0 && d[which][i] > 0 ? t("codeword.zero") : t("codeword.none")) : cw;
      td.className = cw === "" && !(d[which][i] > 0) ? "none" : "codeword";
    }
    const row = document.querySelector(`tr[data-i="${i}"]`);
    if (row) row.classList.toggle("impossible", !(d.p[i] > 0));
  }
  drawDiagram(d);
  drawStack(d);
}

// ---------------------------------------------------------------- sampling

async function runSample() {
  const button = $("sample");
  const n = Number($("n").value);
  const seedText = $("seed").value.trim();
  const body = Object.assign(request(), { n });
  if (seedText !== "") body.seed = Number(seedText);
  button.disabled = true;
  const out = $("sample-result");
  try {
    const s = await postJSON("/api/sample", body);
    state.lastSample = s;
    drawSample(s);
  } catch (e) {
    state.lastSample = null;
    out.textContent = "";
    const p = document.createElement("p");
    p.id = "sample-error";
    p.textContent = e.message;
    out.appendChild(p);
  } finally {
    button.disabled = false;
  }
}

function drawSample(s) {
    const out = $("sample-result");
    out.textContent = "";
    const info = document.createElement("p");
    info.id = "sample-info";
    info.textContent = t("sample.info", { n: s.n, seed: s.seed, m: s.head.length });
    const sym = document.createElement("span");
    sym.className = "symbols";
    sym.textContent = s.head.join(" ");
    info.appendChild(sym);
    out.appendChild(info);
    const table = document.createElement("table");
    table.id = "sample-table";
    const head = table.createTHead().insertRow();
    for (const h of ["code", "bytes", "bits", "ideal", "rounding", "overhead", "per-symbol", ""]) {
      const th = document.createElement("th");
      th.textContent = h ? t(`sample.col.${h}`) : "";
      head.appendChild(th);
    }
    const cellNum = (tr, x, digits, cls) => {
      const td = tr.insertCell();
      td.textContent = fmt(x, digits);
      if (cls) {
        td.className = cls;
        td.dataset.value = String(x);
      }
      return td;
    };
    const tb = table.createTBody();
    for (const row of s.codes) {
      const tr = tb.insertRow();
      tr.dataset.code = row.code;
      tr.insertCell().textContent = t(`code.${row.code}`);
      tr.insertCell().textContent = row.bytes === null ? "–" : String(row.bytes);
      const bits = tr.insertCell();
      bits.textContent = num(row.bits) === Infinity ? "∞" : (row.bytes === null ? "–" : String(row.bits));
      bits.className = "bits";
      bits.dataset.value = String(row.bits);
      cellNum(tr, row.ideal, 1, "ideal");
      cellNum(tr, row.rounding, 1, "rounding");
      cellNum(tr, row.overhead, 1, "overhead");
      cellNum(tr, row.bits_per_symbol, 3);
      const note = tr.insertCell();
      note.className = "note";
      note.textContent = row.note || "";
    }
    for (const [label, value] of [[t("sample.expected-h"), s.expected.entropy],
      [t("sample.expected-hpq"), s.expected.cross_entropy]]) {
      const tr = tb.insertRow();
      tr.className = "ideal";
      tr.insertCell().textContent = label;
      tr.insertCell().textContent = "";
      tr.insertCell().textContent = "";
      cellNum(tr, value, 1);
      for (let j = 0; j < 4; j++) tr.insertCell().textContent = "";
    }
    out.appendChild(table);
    const reading = document.createElement("p");
    reading.id = "sample-reading";
    reading.textContent = s.reading;
    reading.lang = "en";  // the library's own words
    out.appendChild(reading);
    out.dataset.seed = String(s.seed);
}

// ---------------------------------------------------------------- the text view

// A character is shaded from white (0 bits) to the waste red (SHADE_MAX bits or more).
const SHADE_MAX = 16;
const SHADE_TO = [214, 39, 40];

function shade(bits) {
  const f = Math.min(Math.max(bits, 0) / SHADE_MAX, 1);
  return SHADE_TO.map((c) => Math.round(255 + (c - 255) * f));
}

const textView = {
  seq: 0,          // number of the latest /api/text request
  shown: 0,        // number of the request whose answer is on screen
  last: null,      // { answer, chars } on screen
  timer: null,
  controller: null,
  models: [],
  maxChars: 5000,
};

function codePoint(ch) {
  return "U+" + ch.codePointAt(0).toString(16).toUpperCase().padStart(4, "0");
}

// How a character is written in the tip: control characters and marks by name.
function visible(ch) {
  if (ch === "\n") return "↵";
  if (ch === "\t") return "⇥";
  if (ch === " ") return "␣";
  if (/\p{M}/u.test(ch)) return "◌" + ch;
  if (/\p{C}/u.test(ch)) return "";
  return ch;
}

function textRequest() {
  const body = { text: $("text-input").value, model: $("text-model").value };
  if (body.model === "crosscode") body.like = $("text-like").value;
  return body;
}

function updateTextCount() {
  const value = $("text-input").value;
  const chars = Array.from(value).length;
  const bytes = new TextEncoder().encode(value).length;
  const count = $("text-count");
  count.textContent = t("text.count", { chars, bytes, max: textView.maxChars });
  count.classList.toggle("over", chars > textView.maxChars);
  $("text-scale-top").textContent = t("text.scale-top", { max: SHADE_MAX });
}

function showTextError(message) {
  const box = $("text-error");
  box.textContent = message || "";
  box.hidden = !message;
  for (const id of ["text-shaded-box", "text-readings"]) $(id).classList.toggle("stale", !!message);
}

function scheduleText(delay = 250) {
  updateTextCount();
  $("text-like-box").hidden = $("text-model").value !== "crosscode";
  $("text-model-description").textContent = t(`text.about.${$("text-model").value}`);
  clearTimeout(textView.timer);
  textView.timer = setTimeout(refreshText, delay);
}

async function refreshText() {
  const seq = ++textView.seq;
  if (textView.controller) textView.controller.abort();
  textView.controller = new AbortController();
  const body = textRequest();
  document.body.dataset.textBusy = "1";
  try {
    if (body.text === "") {
      textView.last = null;
      textView.shown = seq;
      showTextError(null);
      clearText();
      return;
    }
    const d = await postJSON("/api/text", body, textView.controller.signal);
    if (seq < textView.shown) return;
    textView.shown = seq;
    textView.last = { answer: d, chars: Array.from(body.text) };
    showTextError(null);
    drawText(d, textView.last.chars);
  } catch (e) {
    if (e.name === "AbortError") return;
    if (seq < textView.shown) return;
    textView.shown = seq;
    showTextError(e.message);
  } finally {
    if (seq === textView.seq) {
      delete document.body.dataset.textBusy;
      document.body.dataset.textSeq = String(seq);
    }
  }
}

function clearText() {
  $("text-shaded").textContent = "";
  $("text-tip").textContent = t("text.empty");
  for (const id of ["text-ideal", "text-coded", "text-gap"]) {
    $(id).textContent = "–";
    delete $(id).dataset.value;
  }
  for (const id of ["text-ideal-text", "text-coded-text"]) $(id).textContent = "";
  $("text-cross").hidden = true;
  updateTextCount();
}

function tipFor(span) {
  const ch = span.dataset.char;
  const bits = Number(span.dataset.bits);
  const key = span.dataset.bytes === "1" ? "text.tip-one" : "text.tip";
  return t(key, { char: visible(ch), cp: codePoint(ch), bits: bits.toFixed(4),
    bytes: span.dataset.bytes });
}

function showTip(span) {
  $("text-tip").textContent = tipFor(span);
  $("text-tip").dataset.i = span.dataset.i;
}

function drawText(d, chars) {
  const box = $("text-shaded");
  box.textContent = "";
  const frag = document.createDocumentFragment();
  for (let i = 0; i < chars.length; i++) {
    const ch = chars[i];
    const bits = num(d.bits[i]);
    const span = document.createElement("span");
    span.className = "ch";
    span.dataset.i = String(i);
    span.dataset.char = ch;
    span.dataset.bits = String(d.bits[i]);
    span.dataset.bytes = String(d.char_bytes[i]);
    span.tabIndex = i === 0 ? 0 : -1;  // one tab stop; arrow keys move within the text
    span.textContent = ch === "\n" ? "↵" : ch;
    const [r, g, b] = shade(bits);
    span.style.backgroundColor = `rgb(${r}, ${g}, ${b})`;
    if (bits / SHADE_MAX > 0.55) span.classList.add("dark");
    span.title = tipFor(span);  // on focus, #text-tip (a live region) says the same
    frag.appendChild(span);
    if (ch === "\n") frag.appendChild(document.createTextNode("\n"));
  }
  box.appendChild(frag);
  $("text-tip").textContent = t("text.tip-hint");
  delete $("text-tip").dataset.i;
  const u = t("unit.bits");
  setOutput("text-ideal", d.ideal_bits, u);
  setOutput("text-coded", d.coded_bits, u);
  $("text-coded").textContent = `${d.coded_bits} ${u}`;
  setOutput("text-gap", d.gap_bits, u);
  $("text-ideal-text").textContent = t("text.ideal-text", { per: fmt(d.bits_per_char), n: d.n_chars });
  $("text-coded-text").textContent = t("text.coded-text",
    { bytes: d.coded_bits / 8, per: fmt(d.coded_bits_per_char) });
  const c = d.crosscode;
  $("text-cross").hidden = !c;
  if (c) {
    const ub = t("text.bits-per-byte");
    setOutput("text-h-a", c.entropy, ub);
    setOutput("text-h-ab", c.cross_entropy, ub);
    setOutput("text-d-ab", c.kl_divergence, ub);
  }
  updateTextCount();
}

function moveFocus(from, to) {
  const spans = $("text-shaded").querySelectorAll("span.ch");
  if (!spans.length) return;
  to = Math.max(0, Math.min(spans.length - 1, to));
  if (from) from.tabIndex = -1;
  spans[to].tabIndex = 0;
  spans[to].focus();
}

function wireText() {
  const box = $("text-shaded");
  box.addEventListener("mouseover", (e) => {
    if (e.target.classList && e.target.classList.contains("ch")) showTip(e.target);
  });
  box.addEventListener("focusin", (e) => {
    if (e.target.classList && e.target.classList.contains("ch")) showTip(e.target);
  });
  box.addEventListener("keydown", (e) => {
    const span = e.target;
    if (!span.classList || !span.classList.contains("ch")) return;
    const i = Number(span.dataset.i);
    const n = box.querySelectorAll("span.ch").length;
    const step = { ArrowRight: 1, ArrowDown: 1, ArrowLeft: -1, ArrowUp: -1 }[e.key];
    if (step) moveFocus(span, i + step);
    else if (e.key === "Home") moveFocus(span, 0);
    else if (e.key === "End") moveFocus(span, n - 1);
    else return;
    e.preventDefault();
  });
  $("text-input").addEventListener("input", () => scheduleText());
  $("text-like").addEventListener("input", () => scheduleText());
  $("text-model").addEventListener("change", () => scheduleText(0));
}

function fillTextModels() {
  const select = $("text-model");
  const chosen = select.value || "order0";
  select.textContent = "";
  for (const m of textView.models) {
    const o = document.createElement("option");
    o.value = m.id;
    o.textContent = t(`text.model.${m.id}`);
    select.appendChild(o);
  }
  select.value = chosen;
  $("text-model-description").textContent = t(`text.about.${select.value}`);
}

// ---------------------------------------------------------------- views

function showView(name) {
  for (const v of ["diagram", "text"]) {
    const on = v === name;
    $(`view-${v}`).hidden = !on;
    const tab = $(`tab-${v}`);
    tab.setAttribute("aria-selected", on ? "true" : "false");
    tab.tabIndex = on ? 0 : -1;
  }
  if (location.hash !== `#${name}`) history.replaceState(null, "", name === "diagram" ? location.pathname + location.search : `#${name}`);
  if (name === "text" && !textView.seq) scheduleText(0);
}

function wireTabs() {
  const tabs = ["diagram", "text"];
  for (const v of tabs) {
    const tab = $(`tab-${v}`);
    tab.addEventListener("click", () => showView(v));
    tab.addEventListener("keydown", (e) => {
      const step = { ArrowRight: 1, ArrowLeft: -1 }[e.key];
      if (!step) return;
      const next = tabs[(tabs.indexOf(v) + step + tabs.length) % tabs.length];
      showView(next);
      $(`tab-${next}`).focus();
      e.preventDefault();
    });
  }
}

// ---------------------------------------------------------------- start

function presetText(preset, field) {
  const key = `preset.${preset.id}.${field}`;
  return key in i18n.strings.en ? t(key) : preset[field];
}

function fillPresets() {
  const select = $("preset");
  const chosen = select.value;
  select.textContent = "";
  const custom = document.createElement("option");
  custom.value = "";
  custom.textContent = t("custom-preset");
  select.appendChild(custom);
  for (const p of state.presets) {
    const o = document.createElement("option");
    o.value = p.id;
    o.textContent = presetText(p, "name");
    select.appendChild(o);
  }
  select.value = chosen;
  const preset = state.presets.find((x) => x.id === chosen);
  $("preset-description").textContent = preset ? presetText(preset, "description") : "";
}

async function start() {
  const [info, strings] = await Promise.all([
    fetch("/api/presets").then((r) => r.json()),
    fetch("/static/i18n.json").then((r) => r.json()),
  ]);
  i18n.strings = strings;
  state.presets = info.presets;
  state.maxK = info.max_k;
  state.maxN = info.max_n;
  textView.models = info.text_models;
  textView.maxChars = info.max_chars;
  $("k").max = String(state.maxK);
  $("n").max = String(state.maxN);
  applyLanguage(chosenLanguage());
  fillPresets();
  fillTextModels();
  $("text-input").value = t("text.sample");
  updateTextCount();
  const select = $("preset");
  select.addEventListener("change", () => applyPreset(select.value));
  $("k-minus").addEventListener("click", () => setK(state.p.length - 1));
  $("k-plus").addEventListener("click", () => setK(state.p.length + 1));
  $("k").addEventListener("change", () => setK(Number($("k").value)));
  $("base").addEventListener("change", () => { state.base = $("base").value; refresh(); });
  $("sample").addEventListener("click", runSample);
  $("lang").addEventListener("change", () => applyLanguage($("lang").value));
  wireTabs();
  wireText();
  applyPreset(state.presets[0].id);
  showView(location.hash === "#text" ? "text" : "diagram");
}

start().catch((e) => showError(t("could-not-start", { message: e.message })));
