// whosaid web app: the outlet comparison pages (#/outlets, #/stories, #/story/N)
// and the links to them from article and actor pages. Loaded before app.js
// and uses its helpers (h, fill, api, setNav, showError, plural, kindBadge).
// Charts are SVG drawn here; every segment carries a fill pattern and a text
// label as well as a colour, so they read without colour. All API text goes
// through textContent.
"use strict";

const SVG_NS = "http://www.w3.org/2000/svg";
const SEG_COLOURS = ["#1f6feb", "#bf8700", "#1a7f37", "#8250df", "#cf222e", "#6e7781", "#0a7ea4", "#9a6700"];
let patternSerial = 0;

function svg(tag, attrs, ...children) {
  const el = document.createElementNS(SVG_NS, tag);
  for (const [k, v] of Object.entries(attrs || {})) if (v !== null && v !== undefined) el.setAttribute(k, String(v));
  for (const c of children.flat(Infinity)) if (c) el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  return el;
}

// Eight fill patterns (solid, stripes, dots, cross-hatch …) over the colours:
// the k-th segment of every chart looks different from its neighbours in grey too.
function patternDefs(prefix) {
  const marks = [
    () => [],
    () => [svg("path", { d: "M0,8 L8,0", stroke: "#fff", "stroke-width": 2 })],
    () => [svg("circle", { cx: 4, cy: 4, r: 1.6, fill: "#fff" })],
    () => [svg("path", { d: "M0,4 L8,4", stroke: "#fff", "stroke-width": 2 })],
    () => [svg("path", { d: "M0,0 L8,8 M0,8 L8,0", stroke: "#fff", "stroke-width": 1.3 })],
    () => [svg("path", { d: "M4,0 L4,8", stroke: "#fff", "stroke-width": 2 })],
    () => [svg("rect", { x: 2, y: 2, width: 4, height: 4, fill: "#fff" })],
    () => [svg("path", { d: "M0,0 L8,8", stroke: "#fff", "stroke-width": 2 })],
  ];
  return svg("defs", {}, SEG_COLOURS.map((c, k) =>
    svg("pattern", { id: prefix + k, width: 8, height: 8, patternUnits: "userSpaceOnUse" },
      svg("rect", { width: 8, height: 8, fill: c }), marks[k % marks.length]())));
}

function pct(x) {
  return Math.round(x * 100) + "%";
}

// One 100% stacked bar per row: rows = [{label, parts: [{name, count}]}],
// names = the segment order. Segments wide enough get their label inside;
// every segment has a <title> and the legend names each pattern.
function stackedBars(rows, names, opts) {
  const prefix = "pat" + (patternSerial++) + "-";
  const labelW = opts.labelWidth || 130, width = 760, barW = width - labelW - 60, rowH = 26;
  const chart = svg("svg", { viewBox: "0 0 " + width + " " + (rows.length * rowH + 4), class: "chart", role: "img",
    "aria-label": opts.title, width: "100%" }, patternDefs(prefix));
  rows.forEach((r, i) => {
    const y = i * rowH + 2;
    const total = r.parts.reduce((s, p) => s + p.count, 0);
    chart.append(svg("text", { x: labelW - 6, y: y + 16, "text-anchor": "end", class: "lbl" }, r.label));
    let x = labelW;
    for (const p of r.parts) {
      if (!p.count) continue;
      const k = names.indexOf(p.name), w = total ? barW * p.count / total : 0;
      const text = p.name + " " + (opts.counts ? p.count : pct(p.count / total));
      chart.append(svg("rect", { x, y, width: Math.max(w, 0.5), height: rowH - 6, fill: "url(#" + prefix + (k % SEG_COLOURS.length) + ")",
        stroke: "#fff", "stroke-width": 1, "data-row": r.label, "data-segment": p.name, "data-count": p.count }, svg("title", {}, r.label + ": " + text)));
      if (w > text.length * 6.4 + 8) chart.append(svg("text", { x: x + 4, y: y + 15, class: "seg" }, text));
      x += w;
    }
    chart.append(svg("text", { x: labelW + barW + 6, y: y + 16, class: "lbl num" }, String(total)));
  });
  const legend = h("div", { class: "keys" }, names.map((n, k) => {
    const sw = svg("svg", { width: 14, height: 14, class: "swatch" }, patternDefs(prefix + "l" + k + "-"),
      svg("rect", { width: 14, height: 14, fill: "url(#" + prefix + "l" + k + "-" + (k % SEG_COLOURS.length) + ")" }));
    return h("span", {}, sw, " " + n);
  }));
  return h("figure", { class: "figure" }, h("figcaption", { text: opts.title }), legend, chart);
}

// Horizontal bars with the value written beside each: [{label, value, text, href}].
function barList(items, max) {
  return h("ul", { class: "barlist" }, items.map((it) => {
    const bar = h("span", { class: "b" });
    bar.style.width = (100 * it.value / (max || 1)) + "%";
    return h("li", {}, it.href ? h("a", { href: it.href, text: it.label }) : h("span", { text: it.label }),
      h("span", { class: "track" }, bar), h("span", { class: "v", text: it.text }));
  }));
}

const SPEAKER_TYPES = ["person", "organization", "group", "government", "unnamed", "unresolved", "none"];

async function outletsPage(params) {
  setNav("outlets");
  fill(app, h("h1", { text: "Compare outlets" }), h("p", { class: "muted", text: "Computing the comparison…" }));
  let r;
  try { r = await api("/api/outlets"); } catch (e) { return showError(e); }
  if (!r.outlets.length) return fill(app, h("h1", { text: "Compare outlets" }), h("p", { class: "muted", text: "No articles." }));
  const overview = h("table", { id: "outlets-table" },
    h("thead", {}, h("tr", {}, ["outlet", "articles", "statements", "per article", "direct", "reported", "unnamed sources"].map((c) => h("th", { text: c })))),
    h("tbody", {}, r.outlets.map((o) => h("tr", { "data-outlet": o.outlet },
      h("td", {}, h("a", { href: "#/outlets?outlet=" + encodeURIComponent(o.outlet), text: o.outlet })),
      h("td", { class: "num", "data-figure": "articles", text: String(o.articles) }),
      h("td", { class: "num", "data-figure": "statements", text: String(o.statements) }),
      h("td", { class: "num", text: o.statements_per_article.toFixed(1) }),
      h("td", { class: "num", text: pct(o.direct_share) }), h("td", { class: "num", text: pct(o.reported_share) }),
      h("td", { class: "num", "data-figure": "unnamed", text: pct(o.unnamed_share) })))));
  const types = stackedBars(r.outlets.map((o) => ({ label: o.outlet, parts: o.speaker_types.map((s) => ({ name: s.name, count: s.count })) })),
    SPEAKER_TYPES, { title: "Who each outlet quotes: statements by kind of speaker" });
  types.id = "chart-speaker-types";

  // Terminology: one stacked bar per outlet for every contested referent.
  const groups = new Map();
  for (const o of r.outlets) for (const t of o.terminology) {
    const g = groups.get(t.group) || { kind: t.kind, names: new Set(), rows: [] };
    t.terms.forEach((s) => g.names.add(s.name));
    g.rows.push({ label: o.outlet, parts: t.terms.map((s) => ({ name: s.name, count: s.count })) });
    groups.set(t.group, g);
  }
  const termCharts = [...groups.entries()].sort((a, b) => b[1].rows.length - a[1].rows.length || a[0].localeCompare(b[0]))
    .map(([group, g]) => {
      const f = stackedBars(g.rows, [...g.names].sort(), { title: group + " (" + g.kind + "): uses per outlet", counts: true });
      f.dataset.group = group;
      return f;
    });

  const profiles = r.outlets.map((o) => {
    const maxShare = Math.max(0.0001, ...o.top_actors.map((a) => a.share));
    const words = (list) => barList(list.slice(0, 10).map((d) => ({ label: d.ngram, value: d.z, text: "z " + d.z.toFixed(1) + " · " + d.count + "×" })),
      Math.max(1, ...list.map((d) => d.z)));
    return h("section", { class: "profile", id: "outlet-" + o.outlet.replace(/[^A-Za-z0-9_-]/g, "_"), "data-outlet": o.outlet },
      h("h2", { text: o.outlet }),
      h("div", { class: "cards" },
        h("div", { class: "card" }, h("b", { text: String(o.articles) }), "articles" + (o.copies ? " (" + o.copies + " copies)" : "")),
        h("div", { class: "card" }, h("b", { text: String(o.statements) }), "statements"),
        h("div", { class: "card" }, h("b", { text: pct(o.direct_share) }), "direct quotations"),
        h("div", { class: "card" }, h("b", { text: pct(o.unnamed_share) }), "unnamed sources")),
      h("div", { class: "cols" },
        h("div", {}, h("h3", { text: "Most quoted (share of the outlet’s statements; corpus share in brackets)" }),
          barList(o.top_actors.map((a) => ({ label: a.name, href: "#/actor/" + a.actor_id, value: a.share,
            text: pct(a.share) + " (" + pct(a.corpus_share) + ")" })), maxShare)),
        h("div", { class: "words" }, h("h3", { text: "Distinctive words (Fightin’ Words z-score)" }), words(o.distinctive_words),
          h("h3", { text: "Distinctive phrases" }), words(o.distinctive_phrases))));
  });

  const reach = h("table", { id: "actor-reach" },
    h("thead", {}, h("tr", {}, ["speaker", "statements", "of all", "quoted most by (× corpus average)"].map((c) => h("th", { text: c })))),
    h("tbody", {}, r.actors.map((a) => h("tr", { id: "reach-" + a.actor_id },
      h("td", {}, h("a", { href: "#/actor/" + a.actor_id, text: a.name })), h("td", { class: "num", text: String(a.statements) }),
      h("td", { class: "num", text: pct(a.corpus_share) }),
      h("td", { text: a.outlets.slice(0, 4).map((x) => x.outlet + " ×" + x.ratio.toFixed(1) + " (" + x.statements + ")").join(", ") })))));

  fill(app, h("h1", { text: "Compare outlets" }),
    h("p", { class: "summary", id: "outlets-summary", text: plural(r.outlets.length, "outlet") + " · " + plural(r.articles, "article") + " · " +
      plural(r.statements, "statement") + " · wire copies count once per outlet" }),
    h("p", {}, h("a", { href: "#/stories", text: "Stories across outlets →" })),
    overview, types,
    h("h2", { text: "Terminology" }),
    termCharts.length ? h("div", { id: "terminology" }, termCharts) : h("p", { class: "muted", id: "terminology", text: "No contested terms in these articles." }),
    h("h2", { text: "Who quotes whom more than average" }), reach,
    h("h2", { text: "Outlet profiles" }), profiles);
  const focus = params.get("outlet") ? document.querySelector('section.profile[data-outlet="' + CSS.escape(params.get("outlet")) + '"]')
    : params.get("actor") ? document.getElementById("reach-" + params.get("actor")) : null;
  if (focus) { focus.classList.add("focus"); focus.scrollIntoView(); }
}

async function storiesPage(params) {
  setNav("stories");
  const p = new URLSearchParams({ limit: "200" });
  for (const k of ["doc", "actor"]) if (params.get(k)) p.set(k, params.get(k));
  let r;
  try { r = await api("/api/stories?" + p); } catch (e) { return showError(e); }
  const table = h("table", { id: "stories-table" },
    h("thead", {}, h("tr", {}, ["story", "dates", "outlets", "articles", "shared quotes", "title"].map((c) => h("th", { text: c })))),
    h("tbody", {}, r.results.map((s) => h("tr", { "data-story": s.id },
      h("td", { class: "num", text: String(s.id) }), h("td", { text: (s.first || "?") + (s.last && s.last !== s.first ? " → " + s.last : "") }),
      h("td", { text: s.outlets.map((o) => o.outlet).join(", ") }), h("td", { class: "num", text: String(s.articles.length) }),
      h("td", { class: "num", text: String(s.shared_quotes) }),
      h("td", {}, h("a", { href: "#/story/" + s.id, text: s.title }), h("div", { class: "muted", text: s.keywords.join(" · ") }))))));
  fill(app, h("h1", { text: "Stories across outlets" }),
    h("p", { class: "summary", text: plural(r.total, "story") + " told by more than one article (same event, within a few days)" }),
    r.results.length ? table : h("p", { class: "muted", text: "No stories." }));
}

async function storyPage(id) {
  setNav("stories");
  let s;
  try { s = await api("/api/stories/" + encodeURIComponent(id)); } catch (e) { return showError(e); }
  const outlets = s.outlets.map((o) => o.outlet);
  const columns = h("div", { class: "side", id: "story-outlets" }, s.outlets.map((o) => h("div", { class: "col", "data-outlet": o.outlet },
    h("h3", { text: o.outlet }), h("p", { class: "muted", text: plural(o.articles, "article") + " · " + plural(o.statements, "statement") }),
    h("ul", {}, s.articles.filter((a) => a.outlet === o.outlet).map((a) =>
      h("li", {}, h("a", { href: "#/doc/" + a.id, text: a.title }), " ", h("span", { class: "muted", text: (a.published || "") + (a.copy_of ? " · copy" : "") })))))));
  const rows = s.quotes.map((q) => h("tr", { "data-outlets": String(q.outlets.length), class: q.outlets.length > 1 ? "shared" : null },
    h("td", {}, q.actor_id ? h("a", { href: "#/actor/" + q.actor_id, text: q.speaker || "?" }) : h("span", { text: q.speaker || "no speaker" })),
    outlets.map((o) => {
      const c = q.carried.find((x) => x.outlet === o);
      return c ? h("td", { class: "carried" }, kindBadge(c.kind), " ", h("a", { href: "#/doc/" + c.article_id, text: c.content }))
        : h("td", { class: "omitted muted", text: "— not carried" });
    })));
  const shared = s.quotes.filter((q) => q.outlets.length > 1).length;
  fill(app, h("h1", { text: s.title }),
    h("p", { class: "muted", text: (s.first || "?") + (s.last !== s.first ? " → " + s.last : "") + " · " + s.keywords.join(" · ") }),
    h("div", { class: "cards" },
      h("div", { class: "card" }, h("b", { "data-figure": "outlets", text: String(outlets.length) }), "outlets"),
      h("div", { class: "card" }, h("b", { "data-figure": "articles", text: String(s.articles.length) }), "articles"),
      h("div", { class: "card" }, h("b", { "data-figure": "quotes", text: String(s.quotes.length) }), "statements"),
      h("div", { class: "card" }, h("b", { "data-figure": "shared", text: String(shared) }), "quoted by several outlets")),
    h("p", {}, "Speakers: ", s.actors.slice(0, 8).map((a, i) => [i ? ", " : "", h("a", { href: "#/actor/" + a.actor_id, text: a.name }), " (" + a.statements + ")"])),
    h("h2", { text: "Outlets side by side" }), columns,
    h("h2", { text: "Statements aligned (same quote in one row)" }),
    h("div", { class: "scroll" }, h("table", { id: "story-quotes", class: "aligned" },
      h("thead", {}, h("tr", {}, h("th", { text: "speaker" }), outlets.map((o) => h("th", { text: o })))), h("tbody", {}, rows))));
}

// Links from an article page to its story, and from an actor page to the comparison.
async function storyLinksFor(docId, container) {
  try {
    const r = await api("/api/stories?doc=" + encodeURIComponent(docId) + "&limit=5");
    if (r.results.length) container.append(h("p", { class: "story-link" }, r.results.map((s) =>
      h("a", { href: "#/story/" + s.id, text: "This story across " + plural(s.outlets.length, "outlet") + " →" }))));
  } catch (e) { /* the article page stands without it */ }
}

function actorComparisonLinks(actorId) {
  return h("p", { class: "story-link", id: "actor-comparison" },
    h("a", { href: "#/outlets?actor=" + encodeURIComponent(actorId), text: "Which outlets quote them most →" }), " · ",
    h("a", { href: "#/stories?actor=" + encodeURIComponent(actorId), text: "Stories quoting them →" }));
}
