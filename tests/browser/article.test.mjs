// End-to-end: the whosaid web app in real headless Chromium.
// Run by scripts/browser-test, which ingests the seed and starts `whosaid serve`.
// Env: WHOSAID_URL (http://127.0.0.1:PORT), SCREENSHOT_DIR, GOLD (the seed's gold
// JSON), EXPECT_STATEMENTS (15 required gold statements), EXPECT_SPEAKER
// (Marco Rubio), CHROMIUM (/usr/bin/chromium).
import { test, before } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { base, shots, session, api } from "./harness.mjs";

const expectStatements = Number(process.env.EXPECT_STATEMENTS || 15);
const expectSpeaker = process.env.EXPECT_SPEAKER || "Marco Rubio";
const goldPath = process.env.GOLD || "../../crates/whosaid/tests/fixtures/seed/000_a94861bdbd30db23.gold.json";

const browser = session();
const { problems, foreign, ready } = browser;
let page;
before(async () => { page = await browser.launched; });

test("search finds the seed's ceasefire statement", async () => {
  await page.goto(base + "/#/");
  await ready();
  await page.fill("#q", "ceasefire");
  await page.click("#search-form button[type=submit]");
  await page.waitForSelector("#hits li");
  const text = await page.textContent("#hits");
  assert.match(text, /ceasefire/i);
  await page.screenshot({ path: join(shots, "search.png"), fullPage: true });
});

test("article page highlights every statement and links one to its speaker", async () => {
  const docs = await api("/api/documents?limit=5");
  assert.equal(docs.total, 1, "the seed alone is stored");
  const id = docs.results[0].id;
  const doc = await api("/api/documents/" + id);
  // The seed's gold: its required (non-optional) statements must each be stored
  // (same content, same speaker) and highlighted; so must anything else found.
  const gold = JSON.parse(readFileSync(goldPath, "utf8")).statements.filter((g) => !g.optional);
  assert.equal(gold.length, expectStatements, "required statements in the seed gold");
  const norm = (t) => t.replace(/\s+/g, " ").trim();
  const goldIndex = gold.map((g) => {
    const i = doc.statements.findIndex((s) => norm(s.content.text) === norm(g.content) && s.speaker && s.speaker.name === g.speaker);
    assert.ok(i >= 0, "stored: " + g.speaker + ": " + g.content.slice(0, 50));
    return i;
  });

  await page.goto(base + "/#/doc/" + id);
  await ready();
  await page.waitForSelector("#article-text .st");
  const withContent = await page.$$eval("#article-text .st-content", (els) => [...new Set(els.map((e) => e.dataset.st))]);
  for (const i of goldIndex) assert.ok(withContent.includes(String(i)), "gold statement " + i + " is highlighted");
  assert.equal(new Set(goldIndex).size, expectStatements, "the " + expectStatements + " gold statements are highlighted");
  assert.equal(withContent.length, doc.statements.length, "every stored statement is highlighted");
  const counted = await page.textContent("#st-count");
  assert.equal(counted.trim(), doc.statements.length + " statements");
  for (const role of ["speaker", "cue", "content"]) {
    const n = await page.locator("#article-text .st-" + role).count();
    assert.ok(n > 0, role + " spans are highlighted");
  }
  // Speaker, cue and content are painted in different colours.
  const colours = await page.evaluate(() => ["speaker", "cue", "content"].map((r) =>
    getComputedStyle(document.querySelector("#article-text .st-" + r)).backgroundColor));
  assert.equal(new Set(colours).size, 3, "three colours: " + colours.join(", "));

  // Click the statement "We've done our best" (spoken by Rubio, written "Rubio ... told").
  const index = doc.statements.findIndex((s) => s.speaker && s.speaker.name === expectSpeaker && s.kind === "direct");
  assert.ok(index >= 0, "a direct statement by " + expectSpeaker);
  const target = page.locator(`#article-text .st-content[data-st="${index}"]`).first();
  await target.scrollIntoViewIfNeeded();
  await target.click();
  await page.waitForSelector("#selected-speaker");
  assert.equal((await page.textContent("#selected-speaker")).trim(), expectSpeaker);
  const selected = await page.$$eval("#article-text .st.selected", (els) => [...new Set(els.map((e) => e.dataset.st))]);
  assert.deepEqual(selected, [String(index)], "only the clicked statement is selected");
  // The speaker's mentions (Rubio, he, the US secretary of state, …) light up.
  const entity = doc.statements[index].speaker.entity;
  const linked = await page.$$eval("#article-text .m.linked", (els) => els.map((e) => e.dataset.ent));
  assert.ok(linked.length >= 3, "several mentions of the speaker are linked: " + linked.length);
  assert.ok(linked.every((e) => e === String(entity)), "only the speaker's mentions are linked");
  const active = await page.textContent("#speakers li.active");
  assert.match(active, new RegExp(expectSpeaker));
  await page.screenshot({ path: join(shots, "article.png"), fullPage: true });
});

test("actor page lists everything the speaker said", async () => {
  await page.click("#detail a[href^='#/actor/']");
  await ready();
  await page.waitForSelector("#actor-statements li");
  assert.equal((await page.textContent("h1")).trim(), expectSpeaker);
  const doc = await api("/api/documents/" + (await api("/api/documents")).results[0].id);
  const bySpeaker = doc.statements.filter((s) => s.speaker && s.speaker.name === expectSpeaker).length;
  assert.equal(await page.locator("#actor-statements li").count(), bySpeaker);
  assert.ok(await page.locator("#timeline .trow").count() >= 1);
  await page.screenshot({ path: join(shots, "actor.png"), fullPage: true });
});

test("no errors and nothing fetched from elsewhere", () => {
  assert.deepEqual(problems, []);
  assert.deepEqual(foreign, []);
});
