// whosaid web app: plain DOM, no framework, no network beyond this server.
// Routes (location.hash): #/ search, #/doc/ID[?st=N], #/actor/ID, #/actors, #/docs;
// #/outlets, #/stories, #/story/N are in outlets.js.
// All text from the API goes through textContent, never innerHTML.
"use strict";

const app = document.getElementById("app");
const OUTLET_COLOURS = ["#1f6feb", "#bf8700", "#1a7f37", "#8250df", "#cf222e", "#0a7ea4", "#9a6700", "#6e7781"];

function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k === "class") el.className = v;
    else if (k === "text") el.textContent = v;
    else if (k.startsWith("on")) el.addEventListener(k.slice(2), v);
    else el.setAttribute(k, v);
  }
  for (const c of children.flat(Infinity)) {
    if (c === null || c === undefined || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

// Replaces an element's children, skipping null/false and flattening arrays.
function fill(el, ...children) {
  el.replaceChildren(...children.flat(Infinity).filter((c) => c !== null && c !== undefined && c !== false));
}

async function api(path) {
  const res = await fetch(path, { headers: { Accept: "application/json" } });
  const body = await res.json().catch(() => ({}));
  if (!res.ok) throw new Error((body.error && body.error.message) || res.status + " " + res.statusText);
  return body;
}

function showError(e) {
  fill(app, h("p", { class: "error", role: "alert", text: String(e.message || e) }));
}

function plural(n, word) {
  return n + " " + word + (n === 1 ? "" : "s");
}

function safeUrl(u) {
  return typeof u === "string" && /^https?:\/\//i.test(u) ? u : null;
}

function kindBadge(kind) {
  return h("span", { class: "kind " + kind, text: kind });
}

// Words of a query, for highlighting matches in results.
function queryTerms(q) {
  if (!q) return [];
  const terms = [];
  q.replace(/"([^"]*)"|(\S+)/g, (_, phrase, word) => {
    const t = (phrase || word || "").replace(/\*$/, "");
    if (t && !/^(OR|AND|NOT)$/.test(t) && /[\p{L}\p{N}]/u.test(t)) terms.push(t);
  });
  return terms;
}

function highlighted(text, terms) {
  if (!terms.length) return [text];
  const esc = terms.map((t) => t.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"));
  const re = new RegExp("(" + esc.join("|") + ")", "giu");
  const out = [];
  let last = 0;
  for (const m of text.matchAll(re)) {
    if (m.index > last) out.push(text.slice(last, m.index));
    out.push(h("mark", { text: m[0] }));
    last = m.index + m[0].length;
  }
  out.push(text.slice(last));
  return out;
}

function parseHash() {
  const raw = location.hash.replace(/^#/, "") || "/";
  const [path, query] = raw.split("?");
  return { path, params: new URLSearchParams(query || "") };
}

function setNav(name) {
  for (const a of document.querySelectorAll("nav a")) a.classList.toggle("active", a.dataset.nav === name);
}

let stats = null;
async function loadStats() {
  try {
    stats = await api("/api/stats");
    document.getElementById("stats").textContent =
      plural(stats.documents, "article") + " · " + plural(stats.statements, "statement") + " · " + plural(stats.actors, "actor");
  } catch (e) {
    document.getElementById("stats").textContent = "";
  }
}

// ---------------------------------------------------------------- search

const FILTERS = ["q", "speaker", "outlet", "since", "until", "kind", "in"];

async function searchPage(params) {
  setNav("search");
  const val = (k) => params.get(k) || "";
  const input = (name, label, attrs) =>
    h("label", {}, label, h("input", Object.assign({ name, value: val(name), autocomplete: "off" }, attrs || {})));
  const kindSelect = h("select", { name: "kind" }, h("option", { value: "", text: "any" }),
    ["direct", "indirect", "mixed", "belief"].map((k) => h("option", { value: k, selected: val("kind") === k ? "" : null, text: k })));
  const outlets = h("datalist", { id: "outlets" },
    ((stats && stats.outlets) || []).map((o) => h("option", { value: o.outlet })));
  const form = h("form", { class: "filters", role: "search", id: "search-form" },
    input("q", "Words in the statement", { type: "search", placeholder: "ceasefire, \"root causes\", sanction*", id: "q" }),
    input("speaker", "Speaker", { placeholder: "Putin", id: "speaker" }),
    input("outlet", "Outlet", { placeholder: "rt.com", list: "outlets", id: "outlet" }),
    input("since", "From", { type: "date", id: "since" }),
    input("until", "To", { type: "date", id: "until" }),
    h("label", {}, "Kind", kindSelect),
    h("button", { type: "submit", text: "Search" }), outlets);
  form.addEventListener("submit", (ev) => {
    ev.preventDefault();
    const p = new URLSearchParams();
    for (const [k, v] of new FormData(form)) if (String(v).trim()) p.set(k, String(v).trim());
    location.hash = "#/?" + p.toString();
  });
  const results = h("div", { id: "results" });
  fill(app, h("h1", { text: "Who said what" }), form, results);
  const query = new URLSearchParams();
  for (const k of FILTERS) if (params.get(k)) query.set(k, params.get(k));
  await runSearch(results, query, 0, queryTerms(params.get("q")));
}

async function runSearch(container, query, offset, terms) {
  query.set("limit", "50");
  query.set("offset", String(offset));
  let data;
  try {
    data = await api("/api/search?" + query.toString());
  } catch (e) {
    fill(container, h("p", { class: "error", role: "alert", text: e.message }));
    return;
  }
  if (offset === 0) {
    fill(container, h("p", { class: "summary", id: "summary",
      text: data.total === 0 ? "No statements match."
        : (data.total_capped ? "More than " : "") + plural(data.total, "statement") }));
    container.append(h("ol", { class: "hits", id: "hits" }));
  }
  const list = container.querySelector("#hits");
  for (const hit of data.results) list.append(hitItem(hit, terms));
  container.querySelector(".more")?.remove();
  if (offset + data.results.length < data.total) {
    container.append(h("button", { class: "secondary more", type: "button", text: "More",
      onclick: () => runSearch(container, query, offset + data.results.length, terms) }));
  }
}

function hitItem(hit, terms) {
  const who = hit.actor_id
    ? h("a", { class: "who", href: "#/actor/" + hit.actor_id, text: hit.speaker })
    : h("span", { class: "who", text: hit.speaker || "unknown speaker" });
  return h("li", { class: "hit" },
    h("div", { class: "meta" }, who,
      hit.cue ? h("span", { text: hit.cue }) : null, kindBadge(hit.kind),
      h("span", { text: hit.date || "undated" }), h("span", { text: hit.outlet || "" }),
      h("a", { href: "#/doc/" + hit.doc_id + "?st=" + hit.idx, title: hit.title || hit.doc,
        text: hit.title ? (hit.title.length > 70 ? hit.title.slice(0, 69) + "…" : hit.title) : "article →" })),
    h("p", { class: "content" }, highlighted(hit.content, terms)));
}

// ---------------------------------------------------------------- article

// Splits the text (in code points, as the API counts) at every span edge and
// wraps each piece with what covers it: statement roles and entity mentions.
function renderText(doc) {
  const chars = Array.from(doc.text);
  const spans = []; // {start, end, role, st, ent}
  doc.statements.forEach((s, i) => {
    const parts = s.parts && s.parts.length ? s.parts : [s.content];
    for (const p of parts) spans.push({ start: p.start, end: p.end, role: "content", st: i });
    if (s.cue) spans.push({ start: s.cue.start, end: s.cue.end, role: "cue", st: i });
    if (s.speaker) spans.push({ start: s.speaker.start, end: s.speaker.end, role: "speaker", st: i });
  });
  const mentions = [];
  for (const e of doc.entities) for (const m of e.mentions) mentions.push({ start: m.start, end: m.end, ent: e.id });
  const cuts = new Set([0, chars.length]);
  for (const s of spans.concat(mentions)) { cuts.add(s.start); cuts.add(s.end); }
  const edges = [...cuts].filter((c) => c >= 0 && c <= chars.length).sort((a, b) => a - b);
  const rank = { speaker: 3, cue: 2, content: 1 };
  const root = h("div", { class: "text", id: "article-text" });
  for (let k = 0; k + 1 < edges.length; k++) {
    const a = edges[k], b = edges[k + 1];
    const piece = chars.slice(a, b).join("").replace(/\n/g, "\n\n");
    let best = null;
    for (const s of spans) if (s.start <= a && b <= s.end && (!best || rank[s.role] > rank[best.role])) best = s;
    const mention = mentions.find((m) => m.start <= a && b <= m.end);
    if (!best && !mention) { root.append(piece); continue; }
    const el = h("span", { text: piece });
    if (best) {
      el.classList.add("st", "st-" + best.role);
      el.dataset.st = String(best.st);
      el.dataset.role = best.role;
    }
    if (mention) { el.classList.add("m"); el.dataset.ent = String(mention.ent); }
    root.append(el);
  }
  return root;
}

function entityName(doc, ent) {
  return ent !== null && ent !== undefined && doc.entities[ent] ? doc.entities[ent].name : null;
}

async function articlePage(id, params) {
  setNav("docs");
  let doc;
  try {
    doc = await api("/api/documents/" + encodeURIComponent(id));
  } catch (e) { return showError(e); }
  const text = renderText(doc);
  const detail = h("div", { class: "box", id: "detail" }, h("h2", { text: "Statement" }),
    h("p", { class: "muted", text: "Click a highlighted statement to see who said it." }));

  // Speakers: entities that speak, by number of statements.
  const speaking = new Map();
  doc.statements.forEach((s) => {
    const key = s.speaker ? (s.speaker.entity ?? "t:" + s.speaker.text) : "none";
    const cur = speaking.get(key) || { n: 0, ent: s.speaker ? s.speaker.entity : null,
      name: s.speaker ? (s.speaker.name || s.speaker.text) : "no speaker" };
    cur.n++;
    speaking.set(key, cur);
  });
  const speakerList = h("ul", { class: "speakers", id: "speakers" },
    [...speaking.values()].sort((x, y) => y.n - x.n).map((sp) => {
      const ent = sp.ent !== null && sp.ent !== undefined ? doc.entities[sp.ent] : null;
      const li = h("li", { "data-ent": sp.ent ?? "", tabindex: "0" },
        h("span", {}, sp.name, ent && ent.actor_id ? h("a", { href: "#/actor/" + ent.actor_id, title: "all statements", text: " ↗" }) : null),
        h("span", { class: "count", text: String(sp.n) }));
      li.addEventListener("click", (ev) => {
        if (ev.target.tagName === "A") return;
        selectEntity(sp.ent, li);
      });
      return li;
    }));
  const stList = h("ol", { class: "st-list", id: "statement-list" },
    doc.statements.map((s, i) => h("li", { "data-st": String(i), onclick: () => selectStatement(i, true) },
      h("b", { text: s.speaker ? (s.speaker.name || s.speaker.text) : "?" }), " ",
      s.cue ? s.cue.text + ": " : "", s.content.text.length > 90 ? s.content.text.slice(0, 90) + "…" : s.content.text)));

  const url = safeUrl(doc.url);
  const head = h("div", {},
    h("h1", { text: doc.title || (doc.headline && doc.headline.text) || doc.doc }),
    h("p", { class: "muted" }, [doc.outlet, doc.published, doc.byline].filter(Boolean).join(" · "),
      url ? [" · ", h("a", { href: url, rel: "noopener noreferrer", target: "_blank", text: "original" })] : null,
      " · ", h("span", { text: doc.doc })),
    h("div", { class: "legend" }, h("span", { class: "l-speaker", text: "speaker" }), h("span", { class: "l-cue", text: "cue" }),
      h("span", { class: "l-content", text: "what was said" }), h("span", { class: "l-mention", text: "mentions of the speaker" }),
      h("span", { class: "muted", id: "st-count", text: doc.statements.length + " statements" })));
  storyLinksFor(id, head);
  fill(app, head, h("div", { class: "article" }, h("article", {}, text),
    h("aside", {}, detail, h("div", { class: "box" }, h("h2", { text: "Speakers" }), speakerList),
      h("div", { class: "box" }, h("h2", { text: "Statements" }), stList))));

  function clearLinks() {
    for (const el of text.querySelectorAll(".linked")) el.classList.remove("linked");
    for (const el of speakerList.querySelectorAll(".active")) el.classList.remove("active");
  }
  function linkMentions(ent) {
    if (ent === null || ent === undefined) return 0;
    const els = text.querySelectorAll('.m[data-ent="' + ent + '"]');
    for (const el of els) el.classList.add("linked");
    return els.length;
  }
  function selectEntity(ent, li) {
    clearLinks();
    for (const el of text.querySelectorAll(".selected")) el.classList.remove("selected");
    li.classList.add("active");
    linkMentions(ent);
    const n = ent !== null && ent !== undefined && doc.entities[ent] ? doc.entities[ent].mentions.length : 0;
    const first = text.querySelector(".linked");
    if (first) first.scrollIntoView({ block: "center", behavior: "smooth" });
    fill(detail, h("h2", { text: "Speaker" }),
      h("div", { class: "speaker-name", text: entityName(doc, ent) || li.firstChild.textContent }),
      h("p", { class: "muted", text: n + " mention" + (n === 1 ? "" : "s") + " highlighted" }));
  }
  function selectStatement(i, scroll) {
    const s = doc.statements[i];
    clearLinks();
    for (const el of text.querySelectorAll(".selected")) el.classList.remove("selected");
    for (const el of text.querySelectorAll('.st[data-st="' + i + '"]')) el.classList.add("selected");
    for (const el of stList.querySelectorAll(".selected")) el.classList.remove("selected");
    stList.querySelector('li[data-st="' + i + '"]')?.classList.add("selected");
    const ent = s.speaker ? s.speaker.entity : null;
    linkMentions(ent);
    const e = ent !== null && ent !== undefined ? doc.entities[ent] : null;
    const n = e ? e.mentions.length : 0;
    if (e) speakerList.querySelector('li[data-ent="' + ent + '"]')?.classList.add("active");
    const name = s.speaker ? (s.speaker.name || s.speaker.text) : "no speaker found";
    const rows = [
      ["as written", s.speaker ? s.speaker.text : "—"],
      ["cue", s.cue ? s.cue.text + (s.cue.lemma ? " (" + s.cue.lemma + ")" : "") : "—"],
      ["kind", s.kind],
      ["to", s.addressee ? (s.addressee.name || s.addressee.text) : "—"],
      ["when", s.time ? s.time.text + (s.time.date ? " → " + s.time.date : "") : "—"],
      ["mentions", String(n)],
      ["confidence", String(s.confidence)],
      ["rule", s.rule],
    ];
    fill(detail, h("h2", { text: "Statement " + (i + 1) + " of " + doc.statements.length }),
      h("div", { class: "speaker-name", id: "selected-speaker", text: name }),
      e && e.actor_id ? h("a", { href: "#/actor/" + e.actor_id, text: "everything " + name + " said →" }) : null,
      h("dl", {}, rows.map(([k, v]) => [h("dt", { text: k }), h("dd", { text: v })])),
      h("p", { class: "content", text: "“" + s.content.text + "”" }));
    if (scroll) text.querySelector('.st[data-st="' + i + '"]')?.scrollIntoView({ block: "center", behavior: "smooth" });
  }

  text.addEventListener("click", (ev) => {
    const el = ev.target.closest(".st");
    if (el) selectStatement(Number(el.dataset.st), false);
  });
  text.addEventListener("mouseover", (ev) => {
    const el = ev.target.closest(".st");
    for (const x of text.querySelectorAll(".hover")) x.classList.remove("hover");
    if (!el) return;
    for (const x of text.querySelectorAll('.st[data-st="' + el.dataset.st + '"]')) x.classList.add("hover");
    if (!text.querySelector(".selected")) {
      for (const x of text.querySelectorAll(".linked")) x.classList.remove("linked");
      const s = doc.statements[Number(el.dataset.st)];
      if (s.speaker) linkMentions(s.speaker.entity);
    }
  });
  text.addEventListener("mouseleave", () => {
    for (const x of text.querySelectorAll(".hover")) x.classList.remove("hover");
    if (!text.querySelector(".selected") && !speakerList.querySelector(".active")) clearLinks();
  });
  const st = params.get("st");
  if (st !== null && doc.statements[Number(st)]) selectStatement(Number(st), true);
}

// ---------------------------------------------------------------- actors

async function actorsPage(params) {
  setNav("actors");
  const q = params.get("q") || "";
  const type = params.get("type") || "";
  const form = h("form", { class: "filters" },
    h("label", {}, "Name", h("input", { name: "q", value: q, placeholder: "Rubio" })),
    h("label", {}, "Type", h("select", { name: "type" }, h("option", { value: "", text: "any" }),
      ["person", "organization", "media", "place", "group"].map((t) => h("option", { value: t, selected: t === type ? "" : null, text: t })))),
    h("button", { type: "submit", text: "Filter" }));
  form.addEventListener("submit", (ev) => {
    ev.preventDefault();
    const p = new URLSearchParams();
    for (const [k, v] of new FormData(form)) if (String(v).trim()) p.set(k, String(v).trim());
    location.hash = "#/actors?" + p.toString();
  });
  fill(app, h("h1", { text: "Speakers" }), form, h("p", { class: "muted", text: "Loading…" }));
  const p = new URLSearchParams({ limit: "100" });
  if (q) p.set("q", q);
  if (type) p.set("type", type);
  let data;
  try { data = await api("/api/actors?" + p); } catch (e) { return showError(e); }
  const table = h("table", {}, h("thead", {}, h("tr", {}, ["speaker", "type", "statements", "articles", "first", "last"].map((c) => h("th", { text: c })))),
    h("tbody", {}, data.results.map((a) => h("tr", {},
      h("td", {}, h("a", { href: "#/actor/" + a.id, text: a.name })), h("td", { text: a.type }),
      h("td", { class: "num", text: String(a.statements) }), h("td", { class: "num", text: String(a.documents) }),
      h("td", { text: a.first || "" }), h("td", { text: a.last || "" })))));
  fill(app, h("h1", { text: "Speakers" }), form, data.results.length ? table : h("p", { class: "muted", text: "No speakers." }));
}

async function actorPage(id) {
  setNav("actors");
  let a;
  try { a = await api("/api/actors/" + encodeURIComponent(id) + "?limit=500"); } catch (e) { return showError(e); }
  const outlets = a.by_outlet.slice(0, OUTLET_COLOURS.length - 1).map((o) => o.outlet);
  const colour = (o) => OUTLET_COLOURS[outlets.indexOf(o) >= 0 ? outlets.indexOf(o) : OUTLET_COLOURS.length - 1];
  const months = new Map();
  for (const r of a.by_month) {
    const m = months.get(r.month) || { total: 0, parts: [] };
    m.total += r.statements; m.parts.push(r); months.set(r.month, m);
  }
  const max = Math.max(1, ...[...months.values()].map((m) => m.total));
  const timeline = h("div", { class: "timeline", id: "timeline" }, [...months.entries()].map(([month, m]) => {
    const bar = h("div", { class: "bar", title: m.parts.map((p) => (p.outlet || "unknown") + ": " + p.statements).join("\n") });
    for (const p of m.parts) {
      const seg = h("span");
      seg.style.width = (100 * p.statements / max) + "%";
      seg.style.background = colour(p.outlet);
      bar.append(seg);
    }
    return h("div", { class: "trow" }, h("span", { text: month || "undated" }), bar, h("span", { class: "count", text: String(m.total) }));
  }));
  const keys = h("div", { class: "keys" }, a.by_outlet.slice(0, OUTLET_COLOURS.length).map((o, i) => {
    const sw = h("i");
    sw.style.background = i < OUTLET_COLOURS.length - 1 ? colour(o.outlet) : OUTLET_COLOURS[OUTLET_COLOURS.length - 1];
    return h("span", {}, sw, (o.outlet || "unknown") + " (" + o.statements + ")");
  }));
  const byDate = h("ol", { class: "hits", id: "actor-statements" }, a.page.results.map((hit) => hitItem(hit, [])));
  fill(app, h("div", { class: "actor" },
    h("h1", { text: a.name }),
    h("p", { class: "muted aliases", text: a.type + (a.aliases.length ? " · also written " + a.aliases.filter((x) => x !== a.name).join(", ") : "") }),
    (a.variants || []).length > 1 ? h("ul", { class: "muted variants", id: "actor-variants" }, a.variants.map((v) =>
      h("li", {}, h("b", { text: v.name }), " — " + v.documents.map((d) => (d.outlet ? d.outlet + ": " : "") + d.title).join("; ")))) : h("span", {}),
    h("div", { class: "cards" },
      h("div", { class: "card" }, h("b", { text: String(a.statements) }), "statements"),
      h("div", { class: "card" }, h("b", { text: String(a.documents) }), "articles quoting"),
      h("div", { class: "card" }, h("b", { text: String(a.mentioned_in) }), "articles mentioning"),
      h("div", { class: "card" }, h("b", { text: (a.first || "?") + " → " + (a.last || "?") }), "reported")),
    h("p", {}, h("a", { href: "#/?speaker=" + encodeURIComponent(a.name), text: "Search within " + a.name + "’s statements →" })),
    actorComparisonLinks(id),
    h("h2", { text: "Over time, by outlet" }), keys, timeline,
    a.addressees.length ? [h("h2", { text: "Said to" }), h("p", { text: a.addressees.map((x) => x.name + " (" + x.statements + ")").join(", ") })] : null,
    h("h2", { text: "Everything " + a.name + " was reported to say" + (a.page.total > a.page.results.length ? " (first " + a.page.results.length + " of " + a.page.total + ")" : "") }),
    byDate));
}

// ---------------------------------------------------------------- articles

async function docsPage(params) {
  setNav("docs");
  const q = params.get("q") || "";
  const form = h("form", { class: "filters" },
    h("label", {}, "Words in the article", h("input", { name: "q", value: q, type: "search" })),
    h("button", { type: "submit", text: "Search" }));
  form.addEventListener("submit", (ev) => {
    ev.preventDefault();
    const v = new FormData(form).get("q");
    location.hash = "#/docs" + (v ? "?q=" + encodeURIComponent(v) : "");
  });
  fill(app, h("h1", { text: "Articles" }), form, h("p", { class: "muted", text: "Loading…" }));
  let data;
  try { data = await api("/api/documents?limit=100" + (q ? "&q=" + encodeURIComponent(q) : "")); } catch (e) { return showError(e); }
  const table = h("table", {}, h("thead", {}, h("tr", {}, ["article", "outlet", "published", "statements"].map((c) => h("th", { text: c })))),
    h("tbody", {}, data.results.map((d) => h("tr", {},
      h("td", {}, h("a", { href: "#/doc/" + d.id, text: d.title || d.headline || d.doc })),
      h("td", { text: d.outlet || "" }), h("td", { text: d.published || "" }),
      h("td", { class: "num", text: String(d.statements) })))));
  fill(app, h("h1", { text: "Articles" }), form, h("p", { class: "summary", text: plural(data.total, "article") }), table);
}

// ---------------------------------------------------------------- router

async function route() {
  const { path, params } = parseHash();
  let m;
  try {
    if ((m = path.match(/^\/doc\/(\d+)$/))) await articlePage(m[1], params);
    else if ((m = path.match(/^\/actor\/(\d+)$/))) await actorPage(m[1]);
    else if (path === "/actors") await actorsPage(params);
    else if (path === "/docs") await docsPage(params);
    else if (path === "/outlets") await outletsPage(params);
    else if (path === "/stories") await storiesPage(params);
    else if ((m = path.match(/^\/story\/(\d+)$/))) await storyPage(m[1]);
    else await searchPage(params);
  } catch (e) {
    showError(e);
  }
  document.body.dataset.ready = "1";
}

window.addEventListener("hashchange", () => { document.body.dataset.ready = ""; route(); });
loadStats().then(route);
