// Run the explorer's app.js in Node against a live server, on a small stand-in for the
// DOM (enough of it for what app.js uses), and print what the page shows as JSON.
// Used by test_page_node.py where no browser is installed; it checks the script's
// logic (requests, shading, tips, language switch), not layout or real events.
"use strict";

const fs = require("fs");
const vm = require("vm");

const [base, treeFile, appFile, scenarioFile] = process.argv.slice(2);
const tree = JSON.parse(fs.readFileSync(treeFile, "utf8"));
const scenario = JSON.parse(fs.readFileSync(scenarioFile, "utf8"));

// ---------------------------------------------------------------- a minimal DOM

const camel = (s) => s.replace(/-([a-z])/g, (_, c) => c.toUpperCase());
const kebab = (s) => s.replace(/[A-Z]/g, (c) => "-" + c.toLowerCase());

class Node_ {
  constructor(tag) {
    this.tagName = tag ? tag.toUpperCase() : "";
    this.localName = tag || "";
    this.children_ = [];
    this.parentNode = null;
    this.attrs = new Map();
    this.handlers = {};
    this.text_ = "";
    this.style = {};
    this.value_ = undefined;
    this.hidden_ = false;
    const self = this;
    this.dataset = new Proxy({}, {
      get: (_, k) => self.attrs.get("data-" + kebab(String(k))),
      set: (_, k, v) => { self.attrs.set("data-" + kebab(String(k)), String(v)); return true; },
      deleteProperty: (_, k) => { self.attrs.delete("data-" + kebab(String(k))); return true; },
      has: (_, k) => self.attrs.has("data-" + kebab(String(k))),
    });
    this.classList = {
      add: (c) => { const s = self.classes(); s.add(c); self.className = [...s].join(" "); },
      remove: (c) => { const s = self.classes(); s.delete(c); self.className = [...s].join(" "); },
      contains: (c) => self.classes().has(c),
      toggle: (c, on) => {
        const s = self.classes();
        const want = on === undefined ? !s.has(c) : !!on;
        if (want) s.add(c); else s.delete(c);
        self.className = [...s].join(" ");
        return want;
      },
    };
  }
  classes() { return new Set((this.attrs.get("class") || "").split(/\s+/).filter(Boolean)); }
  get className() { return this.attrs.get("class") || ""; }
  set className(v) { this.attrs.set("class", String(v)); }
  get id() { return this.attrs.get("id") || ""; }
  set id(v) { this.attrs.set("id", String(v)); }
  get title() { return this.attrs.get("title") || ""; }
  set title(v) { this.attrs.set("title", String(v)); }
  get lang() { return this.attrs.get("lang") || ""; }
  set lang(v) { this.attrs.set("lang", String(v)); }
  get hidden() { return this.attrs.has("hidden"); }
  set hidden(v) { if (v) this.attrs.set("hidden", ""); else this.attrs.delete("hidden"); }
  get tabIndex() { return Number(this.attrs.get("tabindex") || -1); }
  set tabIndex(v) { this.attrs.set("tabindex", String(v)); }
  get placeholder() { return this.attrs.get("placeholder") || ""; }
  set placeholder(v) { this.attrs.set("placeholder", String(v)); }
  get value() {
    if (this.value_ !== undefined) return this.value_;
    if (this.localName === "select") {
      const o = this.querySelectorAll("option")[0];
      return o ? o.value : "";
    }
    if (this.localName === "option") return this.attrs.has("value") ? this.attrs.get("value") : this.textContent;
    return this.attrs.get("value") || "";
  }
  set value(v) { this.value_ = String(v); }
  getAttribute(k) { return this.attrs.has(k) ? this.attrs.get(k) : null; }
  setAttribute(k, v) { this.attrs.set(k, String(v)); }
  appendChild(c) {
    if (c.isFragment) { for (const x of [...c.children_]) this.appendChild(x); c.children_ = []; return c; }
    if (c.parentNode) c.parentNode.children_ = c.parentNode.children_.filter((x) => x !== c);
    c.parentNode = this;
    this.children_.push(c);
    return c;
  }
  append(...xs) { for (const x of xs) this.appendChild(typeof x === "string" ? new Text_(x) : x); }
  get textContent() {
    if (this.isText) return this.text_;
    return this.children_.map((c) => c.textContent).join("");
  }
  set textContent(v) { this.children_ = []; if (v !== "") this.appendChild(new Text_(String(v))); }
  set innerHTML(v) { this.children_ = []; this.appendChild(new Text_(String(v).replace(/<[^>]*>/g, ""))); this.html_ = v; }
  get innerHTML() { return this.html_ || this.textContent; }
  addEventListener(type, fn) { (this.handlers[type] = this.handlers[type] || []).push(fn); }
  dispatch(type, extra) {
    const ev = Object.assign({ type, target: this, defaultPrevented: false,
      preventDefault() { this.defaultPrevented = true; } }, extra || {});
    for (let n = this; n; n = n.parentNode) for (const fn of n.handlers[type] || []) fn(ev);
    return ev;
  }
  click() { this.dispatch("click"); }
  focus() { document.activeElement = this; this.dispatch("focusin"); }
  walk(out) { for (const c of this.children_) if (!c.isText) { out.push(c); c.walk(out); } return out; }
  matchesOne(sel) {
    const m = sel.match(/^([a-z0-9]*)((?:[#.][\w-]+|\[[^\]]+\])*)$/i);
    if (!m) throw new Error("selector not supported here: " + sel);
    if (m[1] && m[1].toLowerCase() !== this.localName) return false;
    for (const part of m[2].match(/[#.][\w-]+|\[[^\]]+\]/g) || []) {
      if (part[0] === "#" && this.id !== part.slice(1)) return false;
      if (part[0] === "." && !this.classes().has(part.slice(1))) return false;
      if (part[0] === "[") {
        const a = part.slice(1, -1).match(/^([\w-]+)(?:=["']?([^"']*)["']?)?$/);
        if (!this.attrs.has(a[1])) return false;
        if (a[2] !== undefined && this.attrs.get(a[1]) !== a[2]) return false;
      }
    }
    return true;
  }
  matches(sel) {
    const parts = sel.trim().split(/\s+/);
    if (!this.matchesOne(parts[parts.length - 1])) return false;
    let n = this.parentNode, i = parts.length - 2;
    while (i >= 0 && n) { if (n.matchesOne && n.matchesOne(parts[i])) i--; n = n.parentNode; }
    return i < 0;
  }
  querySelectorAll(sel) { return this.walk([]).filter((e) => e.matches(sel)); }
  querySelector(sel) { return this.querySelectorAll(sel)[0] || null; }
  // tables, as drawSample uses them
  insertRow() { const r = new Node_("tr"); (this.localName === "table" ? this.createTBody() : this).appendChild(r); return r; }
  insertCell() { return this.appendChild(new Node_("td")); }
  createTHead() { return this.appendChild(new Node_("thead")); }
  createTBody() { return this.appendChild(new Node_("tbody")); }
}

class Text_ extends Node_ {
  constructor(s) { super(""); this.isText = true; this.text_ = s; }
}

function build(t) {
  if (typeof t === "string") return new Text_(t);
  const el = new Node_(t.tag);
  for (const [k, v] of t.attrs) el.attrs.set(k, v === null ? "" : v);
  for (const c of t.children) el.appendChild(build(c));
  if (t.tag === "textarea") { el.value_ = el.textContent; }
  return el;
}

const root = build(tree);
const document = {
  documentElement: root,
  body: root.querySelector("body"),
  activeElement: null,
  getElementById: (id) => root.querySelector("#" + id),
  querySelectorAll: (s) => root.querySelectorAll(s),
  querySelector: (s) => root.querySelector(s),
  createElement: (tag) => new Node_(tag),
  createElementNS: (_, tag) => new Node_(tag),
  createTextNode: (s) => new Text_(s),
  createDocumentFragment: () => { const f = new Node_("#fragment"); f.isFragment = true; return f; },
};

const storage = new Map();
const location = { search: scenario.search || "", hash: "", pathname: "/" };
const context = {
  document, location, console, URLSearchParams, TextEncoder, AbortController,
  setTimeout, clearTimeout, Promise,
  navigator: { language: scenario.language || "en-US" },
  localStorage: {
    getItem: (k) => (storage.has(k) ? storage.get(k) : null),
    setItem: (k, v) => storage.set(k, String(v)),
  },
  history: { replaceState: (_, __, url) => { location.hash = url.includes("#") ? url.slice(url.indexOf("#")) : ""; } },
  requestAnimationFrame: (fn) => setTimeout(fn, 0),
  fetch: (path, opts) => fetch(base + path, opts),
};
context.window = context;

const errors = [];
process.on("unhandledRejection", (e) => errors.push(String(e && e.stack || e)));

// ---------------------------------------------------------------- the scenario

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const $ = (id) => document.getElementById(id);

async function until(what, test, ms = 20000) {
  const end = Date.now() + ms;
  while (!test()) {
    if (Date.now() > end) throw new Error("timed out waiting for " + what);
    await sleep(10);
  }
}

const textSeq = () => Number(document.body.dataset.textSeq || 0);
async function settleText(after) {
  await until("the text view", () => !document.body.dataset.textBusy && textSeq() > after);
}

function readText() {
  const spans = $("text-shaded").querySelectorAll("span.ch");
  return {
    spans: spans.map((s) => ({ char: s.dataset.char, bits: Number(s.dataset.bits),
      bytes: Number(s.dataset.bytes), colour: s.style.backgroundColor, dark: s.classList.contains("dark"),
      title: s.title, tabindex: s.getAttribute("tabindex") })),
    ideal: $("text-ideal").dataset.value, coded: $("text-coded").dataset.value,
    gap: $("text-gap").dataset.value, coded_text: $("text-coded").textContent,
    cross_hidden: $("text-cross").hidden,
    h_a: $("text-h-a").dataset.value, h_ab: $("text-h-ab").dataset.value,
    d_ab: $("text-d-ab").dataset.value,
    error: $("text-error").hidden ? null : $("text-error").textContent,
    count: $("text-count").textContent,
  };
}

async function main() {
  vm.createContext(context);
  vm.runInContext(fs.readFileSync(appFile, "utf8"), context, { filename: "app.js" });
  const seq = () => Number(document.body.dataset.seq || 0);
  await until("the diagram", () => !document.body.dataset.busy && seq() > 0);
  const out = { steps: [] };
  out.start = {
    entropy: $("entropy").dataset.value, lang: root.getAttribute("lang"),
    tab_text: $("tab-text").textContent, view_text_hidden: $("view-text").hidden,
    preset: $("preset").value, text_input: $("text-input").value,
  };
  for (const step of scenario.steps) {
    const before = textSeq();
    if (step.do === "tab") $(`tab-${step.view}`).click();
    if (step.do === "type") {
      $("text-model").value = step.model;
      $("text-model").dispatch("change");
      if (step.like !== undefined) { $("text-like").value = step.like; $("text-like").dispatch("input"); }
      $("text-input").value = step.text;
      $("text-input").dispatch("input");
    }
    if (step.do === "lang") { $("lang").value = step.lang; $("lang").dispatch("change"); continue; }
    if (step.do === "focus") {
      const spans = $("text-shaded").querySelectorAll("span.ch");
      spans[step.i].focus();
      for (const key of step.keys || []) document.activeElement.dispatch("keydown", { key });
      out.steps.push({ tip: $("text-tip").textContent, focused: document.activeElement.dataset.i });
      continue;
    }
    if (step.do === "hover") {
      $("text-shaded").querySelectorAll("span.ch")[step.i].dispatch("mouseover");
      out.steps.push({ tip: $("text-tip").textContent });
      continue;
    }
    if (step.do === "sample") {
      $("n").value = "500";
      $("seed").value = "7";
      $("sample").click();
      await until("the sample", () => $("sample-table") || $("sample-error"));
    }
    if (step.do === "sample" || step.do === "read-sample") {
      const table = $("sample-table");
      out.steps.push({
        heads: table.querySelectorAll("th").map((th) => th.textContent),
        rows: table.querySelectorAll("tr").filter((tr) => tr.dataset.code).map((tr) =>
          [tr.dataset.code, tr.querySelectorAll("td")[0].textContent, Number(tr.querySelector("td.bits").dataset.value)]),
        info: $("sample-info").textContent,
      });
      continue;
    }
    if (step.do === "read") {
      out.steps.push({
        lang: root.getAttribute("lang"),
        texts: Object.fromEntries(step.ids.map((id) => [id, $(id).textContent])),
        options: $("preset").querySelectorAll("option").map((o) => o.textContent),
        models: $("text-model").querySelectorAll("option").map((o) => o.textContent),
        text_input: $("text-input").value, entropy: $("entropy").dataset.value,
        hash: location.hash, view_text_hidden: $("view-text").hidden,
      });
      continue;
    }
    if (step.wait) await settleText(before);
    out.steps.push(readText());
  }
  out.errors = errors;
  process.stdout.write(JSON.stringify(out));
}

main().catch((e) => {
  process.stdout.write(JSON.stringify({ fatal: String(e && e.stack || e), errors }));
});
