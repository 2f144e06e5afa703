// The shared harness of the browser tests: one headless Chromium per test
// file (flags that keep it off the network), a record of console errors,
// page errors and any request that leaves the server under test, and the
// JSON API read directly so pages can be checked against it.
// Env: WHOSAID_URL, SCREENSHOT_DIR, CHROMIUM.
import assert from "node:assert/strict";
import { mkdtempSync, mkdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { before, after } from "node:test";
import { chromium } from "playwright-core";

export const base = process.env.WHOSAID_URL;
export const shots = process.env.SCREENSHOT_DIR || "target/browser-test";
assert.ok(base, "WHOSAID_URL is set");

/**
 * Starts Chromium; console errors and page errors go to `problems`, any
 * request that leaves the server under test to `foreign`. Returns the page
 * and a `close()` that removes the throwaway profile.
 */
export async function launch(problems, foreign) {
  mkdirSync(shots, { recursive: true });
  const profile = mkdtempSync(join(tmpdir(), "whosaid-chromium-"));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
    headless: true,
    viewport: { width: 1280, height: 900 },
    args: [
      "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
      "--disable-background-networking", "--disable-component-update", "--disable-sync",
    ],
  });
  const page = context.pages()[0] || (await context.newPage());
  page.setDefaultTimeout(20000);
  page.on("console", (m) => { if (m.type() === "error") problems.push("console: " + m.text()); });
  page.on("pageerror", (e) => problems.push("page error: " + e.message));
  page.on("request", (r) => { if (!r.url().startsWith(base)) foreign.push(r.url()); });
  const close = async () => {
    await context.close();
    rmSync(profile, { recursive: true, force: true });
  };
  return { page, close };
}

/**
 * One Chromium for the calling test file (every file wants the same):
 * launched before its first test and closed after its last. Returns the
 * `problems` and `foreign` lists `launch` fills, `ready()` on its page, and
 * `launched`, a promise of the page: node runs a file's top-level `before`
 * hooks without waiting for one another, so a hook that wants the page
 * awaits it.
 */
export function session() {
  const s = { page: undefined, problems: [], foreign: [], ready: () => ready(s.page) };
  let browser;
  s.launched = new Promise((resolve, reject) => {
    before(async () => {
      try {
        browser = await launch(s.problems, s.foreign);
      } catch (e) {
        reject(e);
        throw e;
      }
      s.page = browser.page;
      resolve(s.page);
    });
  });
  after(async () => { await browser?.close(); });
  return s;
}

/** Waits until the single-page app says it has rendered. */
export async function ready(page) {
  await page.waitForSelector("body[data-ready='1']");
}

/** GET a JSON API path; asserts 200. */
export async function api(path) {
  const res = await fetch(base + path);
  assert.equal(res.status, 200, path);
  return res.json();
}
