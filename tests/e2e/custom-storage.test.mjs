// The `storage` option given the app's own store: the demo with storage=custom keeps the session
// in an IndexedDB object store whose methods all return promises (www/idb-store.js). A login
// through the provider's real form lands there under the SDK's prefixed key as a versioned
// record, nothing of the session lands in Web Storage, and the session survives a reload (the
// store loads after the page starts; the demo learns of it from the `tokens` event) and is what a
// new tab loads. Logging out removes it from the store. With the demo's SDK log on, the late load
// is a debug line, and no line carries a token or the store's key.

import assert from "node:assert/strict";
import { test } from "node:test";
import { browser, openDemo, openPage, stack, useStackAndBrowser } from "./harness.mjs";
import {
  TOKENS_KEY, assertNoError, demoAt, demoConsoleErrors, logInThroughDemo, tokensOf, waitForStatus,
} from "./demo.mjs";

useStackAndBrowser();

const CUSTOM = { storage: "custom", log: "1" };

/** What the demo's IndexedDB store holds under `key`, read beside the SDK. */
function idbValue(page, key) {
  return page.evaluate((key) => new Promise((resolve, reject) => {
    const open = indexedDB.open("wasm-oauth-demo-store", 1);
    open.onupgradeneeded = () => open.result.createObjectStore("entries");
    open.onerror = () => reject(open.error);
    open.onsuccess = () => {
      const get = open.result.transaction("entries").objectStore("entries").get(key);
      get.onsuccess = () => { open.result.close(); resolve(get.result); };
      get.onerror = () => reject(get.error);
    };
  }), key);
}

/** Waits until the demo's IndexedDB store holds (`present`) or no longer holds `key`. */
function waitForIdb(page, key, present) {
  return page.waitForFunction(
    async ({ key, present }) => present === (await new Promise((resolve, reject) => {
      const open = indexedDB.open("wasm-oauth-demo-store", 1);
      open.onupgradeneeded = () => open.result.createObjectStore("entries");
      open.onerror = () => reject(open.error);
      open.onsuccess = () => {
        const get = open.result.transaction("entries").objectStore("entries").get(key);
        get.onsuccess = () => { open.result.close(); resolve(get.result !== undefined); };
        get.onerror = () => reject(get.error);
      };
    })),
    { key, present },
    { timeout: 10_000 },
  );
}

/** Every Web Storage value of the page, both stores. */
function webStorageValues(page) {
  return page.evaluate(() => [localStorage, sessionStorage].flatMap((s) => Object.keys(s).map((k) => s.getItem(k))));
}

test("a promise-returning store of the app's own keeps the session across a reload and for a new tab", { timeout: 60_000 }, async (t) => {
  const { context, page, consoleMessages, pageErrors } = await openPage(browser, t);
  await logInThroughDemo(page, stack, { login: "own-store", params: CUSTOM });
  const tokens = await tokensOf(page);
  assert.ok(tokens?.accessToken, "signed in");

  // The store's set() settles after the callback resolved: wait until it holds the session.
  await waitForIdb(page, TOKENS_KEY, true);
  const stored = JSON.parse(await idbValue(page, TOKENS_KEY));
  assert.equal(stored.v, 1, "a versioned record");
  assert.equal(stored.access_token, tokens.accessToken);
  const secrets = [tokens.accessToken, tokens.refreshToken, tokens.idToken].filter(Boolean);
  for (const value of await webStorageValues(page)) {
    for (const secret of secrets) assert.ok(!value?.includes(secret), "no token in Web Storage");
  }

  // A reload: the page starts signed out, the store loads, the `tokens` event brings it back.
  await page.reload();
  await page.waitForSelector("html[data-ready]");
  await waitForStatus(page, "signed-in");
  assert.equal((await tokensOf(page)).accessToken, tokens.accessToken);
  const logged = await page.evaluate(() => window.__logs);
  assert.ok(
    logged.some((l) => l.level === "debug" && l.message === "storage loaded late"),
    "the late load is logged",
  );
  const token = await page.evaluate(() => window.__auth.getAccessToken());
  assert.equal(token, tokens.accessToken);

  // A new tab of the same browser loads what the store holds.
  const tab = await context.newPage();
  await openDemo(tab, demoAt(stack, CUSTOM));
  await waitForStatus(tab, "signed-in");
  assert.equal((await tokensOf(tab)).accessToken, tokens.accessToken);
  await tab.close();

  // Log out: the entry leaves the store, and a reload stays signed out.
  await page.click("#logout");
  await waitForStatus(page, "signed-out");
  await page.waitForFunction(() => !window.__auth.getTokens());
  // The store's remove() settles after logout resolved: wait until the entry is gone.
  await waitForIdb(page, TOKENS_KEY, false);
  await page.goto(demoAt(stack, CUSTOM));
  await page.waitForSelector("html[data-ready]");
  assert.equal(await idbValue(page, TOKENS_KEY), undefined, "removed from the store");
  // getAccessToken waits for the load: it finds no session.
  const code = await page.evaluate(() => window.__auth.getAccessToken().then(() => "resolved", (e) => e.code));
  assert.equal(code, "login_required");
  // No line of the whole session names a token or the store's key.
  const lines = (await page.evaluate(() => window.__logs)).map((l) => JSON.stringify(l));
  assert.ok(lines.length > 10, "the session was logged");
  for (const line of lines) {
    for (const secret of [...secrets, TOKENS_KEY]) assert.ok(!line.includes(secret), line);
  }
  await assertNoError(page);
  assert.deepEqual(demoConsoleErrors(consoleMessages, stack), []);
  assert.deepEqual(pageErrors.map(String), []);
});
