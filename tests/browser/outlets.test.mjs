// End-to-end: the outlet comparison pages in real headless Chromium.
// Run by scripts/browser-test, which ingests the multi-outlet fixture corpus
// (crates/store/tests/fixtures/stories) into its own database and serves it.
// Every figure checked on the page is also read from the JSON API, and the
// fixture's known facts (five outlets, two stories, who writes "Kiev") are
// asserted on top. Env: WHOSAID_URL, SCREENSHOT_DIR, CHROMIUM.
import { test, before } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { base, shots, session, api } from "./harness.mjs";

const browser = session();
const { problems, foreign, ready } = browser;
let page;
before(async () => { page = await browser.launched; });

async function go(hash) {
  await page.evaluate(() => { document.body.dataset.ready = ""; });
  await page.goto(base + "/" + hash);
  await ready();
}

test("the outlets page shows every outlet's profile, terminology and distinctive words", async () => {
  const r = await api("/api/outlets");
  const names = r.outlets.map((o) => o.outlet);
  assert.deepEqual(names, ["Kyiv Daily", "London Paper", "Metro Daily", "Moscow Wire", "Wire Service"]);
  await go("#/outlets");
  const rows = await page.$$eval("#outlets-table tbody tr", (trs) => trs.map((tr) => ({
    outlet: tr.dataset.outlet,
    articles: Number(tr.querySelector('[data-figure="articles"]').textContent),
    statements: Number(tr.querySelector('[data-figure="statements"]').textContent),
  })));
  assert.deepEqual(rows, r.outlets.map((o) => ({ outlet: o.outlet, articles: o.articles, statements: o.statements })));
  assert.equal(rows.find((x) => x.outlet === "Kyiv Daily").articles, 3);

  // The speaker-type chart: per outlet, its segments add up to its statements.
  const segs = await page.$$eval("#chart-speaker-types rect[data-row]", (rs) => rs.map((x) => [x.dataset.row, Number(x.dataset.count)]));
  for (const o of r.outlets) {
    const sum = segs.filter(([row]) => row === o.outlet).reduce((s, [, n]) => s + n, 0);
    assert.equal(sum, o.statements, o.outlet + " speaker-type segments");
  }
  // Terminology: Moscow Wire's Kyiv bar is all "Kiev"; Kyiv Daily's all "Kyiv".
  const kyiv = await page.$$eval('#terminology figure[data-group="Kyiv"] rect[data-row]',
    (rs) => rs.map((x) => [x.dataset.row, x.dataset.segment, Number(x.dataset.count)]));
  assert.deepEqual(kyiv.filter(([row]) => row === "Moscow Wire"), [["Moscow Wire", "Kiev", 3]]);
  assert.deepEqual(kyiv.filter(([row]) => row === "Kyiv Daily"), [["Kyiv Daily", "Kyiv", 4]]);
  // Every chart segment has a pattern fill and a text title (readable without colour).
  const fills = await page.$$eval("svg.chart rect[data-row]", (rs) => rs.map((x) => [x.getAttribute("fill"), x.querySelector("title")?.textContent || ""]));
  assert.ok(fills.length > 10 && fills.every(([f, t]) => /^url\(#pat/.test(f) && t.length > 0));
  // Distinctive words shown for Moscow Wire are the API's, "kiev" among them.
  const mw = r.outlets.find((o) => o.outlet === "Moscow Wire");
  const shown = await page.$$eval('section.profile[data-outlet="Moscow Wire"] .words ul.barlist:first-of-type > li > span:first-child',
    (s) => s.map((x) => x.textContent));
  assert.ok(shown.includes("kiev"), shown.join(", "));
  assert.deepEqual(shown.slice(0, Math.min(10, mw.distinctive_words.length)), mw.distinctive_words.slice(0, 10).map((d) => d.ngram));
  await page.screenshot({ path: join(shots, "outlets.png"), fullPage: true });
});

test("the story page puts outlets side by side and aligns their quotes", async () => {
  const list = await api("/api/stories");
  assert.equal(list.total, 2);
  await go("#/stories");
  assert.equal(await page.$$eval("#stories-table tbody tr", (t) => t.length), 2);
  await page.click('#stories-table tr[data-story="1"] a');
  await ready();
  assert.match(page.url(), /#\/story\/1$/);
  const s = await api("/api/stories/1");
  const fig = async (name) => Number(await page.textContent('[data-figure="' + name + '"]'));
  assert.equal(await fig("outlets"), 5);
  assert.equal(await fig("articles"), s.articles.length);
  assert.equal(await fig("quotes"), s.quotes.length);
  const cols = await page.$$eval("#story-outlets .col", (c) => c.map((x) => x.dataset.outlet));
  assert.deepEqual(cols, ["Kyiv Daily", "London Paper", "Metro Daily", "Moscow Wire", "Wire Service"]);
  // The air-defence quote: one row, carried by Kyiv Daily and London Paper only.
  const row = await page.$$eval("#story-quotes tbody tr", (trs) => trs.map((tr) => [...tr.children].map((td) => td.textContent))
    .find((cells) => cells.some((c) => c.includes("Every day without air defence"))));
  assert.ok(row, "the aligned row exists");
  const carried = cols.filter((_, i) => !row[i + 1].includes("not carried"));
  assert.deepEqual(carried, ["Kyiv Daily", "London Paper"]);
  await page.screenshot({ path: join(shots, "story.png"), fullPage: true });
});

test("articles and actors link to the comparison", async () => {
  const s = await api("/api/stories/1");
  const art = s.articles.find((a) => a.outlet === "Moscow Wire");
  await go("#/doc/" + art.id);
  await page.waitForSelector(".story-link a");
  assert.match(await page.textContent(".story-link a"), /across 5 outlets/);
  await page.click(".story-link a");
  await ready();
  assert.match(page.url(), /#\/story\/1$/);
  const actor = s.actors[0];
  await go("#/actor/" + actor.actor_id);
  await page.click('#actor-comparison a[href^="#/outlets"]');
  await ready();
  assert.ok(await page.$("#reach-" + actor.actor_id + ".focus"), "the actor's row is highlighted");
});

test("no errors and no request leaves the server", () => {
  assert.deepEqual(problems, []);
  assert.deepEqual(foreign, []);
});
