// Refresh tokens through the demo: Refresh, a refresh token the provider no longer honours, and
// single-flight refresh across 4 tabs sharing a localStorage session.

import assert from "node:assert/strict";
import { test } from "node:test";
import { browser, openDemo, openPage, stack, useStackAndBrowser } from "./harness.mjs";
import {
  DEMO_CLIENT_ID, ROUTES, TOKENS_KEY, assertNoError, demoAt, demoConsoleErrors, errorCodeOf,
  logInThroughDemo, statusOf, storedTokens, tokensOf, withExpiry, writeStoredTokens,
} from "./demo.mjs";

useStackAndBrowser();

/** The provider's log of token requests since the last reset, for failure messages. */
async function tokenLog() {
  const { log } = await stack.stats();
  return JSON.stringify(log.filter(({ endpoint }) => endpoint === "token"));
}

test("Refresh: a new access token from exactly one refresh_token grant", async (t) => {
  const { page, consoleMessages, pageErrors } = await openPage(browser, t);
  await logInThroughDemo(page, stack, { login: "refresher" });
  const before = await tokensOf(page);
  assert.ok(before.refreshToken, "offline_access brought a refresh token");
  await stack.resetStats();

  await page.click("#refresh");
  await page.waitForFunction((old) => window.__auth.getTokens()?.accessToken !== old, before.accessToken);
  await page.waitForSelector("#refresh:enabled");
  await assertNoError(page);

  const after = await tokensOf(page);
  assert.notEqual(after.accessToken, before.accessToken, "a new access token");
  assert.notEqual(after.refreshToken, before.refreshToken, "the provider rotated the refresh token");
  assert.ok(after.expiresAt > Date.now() + 3000 * 1000);
  assert.equal(await page.textContent("#access-token"), `${after.accessToken.slice(0, 8)}…`);
  assert.equal(await statusOf(page), "signed-in");

  const stats = await stack.stats();
  assert.deepEqual(stats.token, { refresh_token: 1 }, `token requests: ${await tokenLog()}`);
  assert.deepEqual(stats.tokenErrors, {});
  assert.deepEqual(pageErrors.map(String), []);
  assert.deepEqual(demoConsoleErrors(consoleMessages, stack), []);
});

test("a refresh token revoked at the provider: Refresh fails with login_required and the session is cleared", async (t) => {
  const { page, pageErrors } = await openPage(browser, t);
  await logInThroughDemo(page, stack, { login: "revoked" });
  const tokens = await tokensOf(page);

  // The user (or an admin) ends the grant at the provider: RFC 7009 revocation from outside the page.
  const revoked = await fetch(`${stack.issuer}${ROUTES.revocation}`, {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ token: tokens.refreshToken, token_type_hint: "refresh_token", client_id: DEMO_CLIENT_ID }),
  });
  assert.equal(revoked.status, 200);
  await stack.resetStats();

  await page.click("#refresh");
  assert.equal(await errorCodeOf(page), "login_required");

  assert.equal(await statusOf(page), "signed-out");
  assert.equal(await tokensOf(page), undefined, "the session is cleared");
  assert.equal(await storedTokens(page, "session"), null, "nothing left in sessionStorage");
  const stats = await stack.stats();
  assert.equal(stats.token.refresh_token, 1, `one refresh attempt: ${await tokenLog()}`);
  assert.equal(stats.tokenErrors.refresh_token, 1, "which the provider refused");
  assert.deepEqual(pageErrors.map(String), []);
});

test("4 tabs on localStorage, token expired, getAccessToken() in all at once: one refresh, one new token (5 rounds)", async (t) => {
  const { context, page, pageErrors } = await openPage(browser, t);
  await logInThroughDemo(page, stack, { login: "four-tabs", params: { storage: "local" } });
  assert.equal(new URL(page.url()).searchParams.get("storage"), "local", "the storage choice survived the redirect");
  assert.ok(await storedTokens(page, "local"), "the session is in localStorage");
  assert.equal(await storedTokens(page, "session"), null, "and not in sessionStorage");

  const tabs = [page];
  for (let i = 1; i < 4; i += 1) {
    const tab = await context.newPage();
    tab.on("pageerror", (error) => pageErrors.push(error));
    await openDemo(tab, demoAt(stack, { storage: "local" }));
    tabs.push(tab);
  }
  let current = (await tokensOf(page)).accessToken;
  for (const tab of tabs) assert.equal((await tokensOf(tab))?.accessToken, current, "every tab shares the session");

  for (let round = 1; round <= 5; round += 1) {
    await stack.resetStats();
    // Expire the shared token set: the same text written through every tab, so that no tab's view
    // of localStorage (Chromium syncs it between tabs late) keeps the fresh one.
    const stored = await storedTokens(page, "local");
    assert.equal(JSON.parse(stored).access_token, current, `round ${round}: storage holds the current token`);
    const expired = withExpiry(stored, Date.now() - 1000);
    await Promise.all(tabs.map((tab) => writeStoredTokens(tab, "local", expired)));
    await Promise.all(tabs.map((tab) => tab.waitForFunction(() => window.__auth.getTokens() && !window.__auth.isAuthenticated())));

    // The same instant in all 4 tabs.
    const at = Date.now() + 300;
    const results = await Promise.all(tabs.map((tab) => tab.evaluate(async (at) => {
      await new Promise((resolve) => setTimeout(resolve, at - Date.now()));
      try {
        return { token: await window.__auth.getAccessToken() };
      } catch (error) {
        return { code: error.code, message: error.message };
      }
    }, at)));

    const failures = results.filter((r) => !r.token);
    assert.deepEqual(failures, [], `round ${round}: every tab got a token`);
    const stats = await stack.stats();
    assert.equal(stats.token.refresh_token, 1, `round ${round}: exactly one refresh_token grant: ${await tokenLog()}`);
    assert.deepEqual(stats.tokenErrors, {}, `round ${round}: no token errors: ${await tokenLog()}`);
    const fresh = new Set(results.map((r) => r.token));
    assert.equal(fresh.size, 1, `round ${round}: all 4 tabs got the same access token`);
    const [token] = fresh;
    assert.notEqual(token, current, `round ${round}: a new access token`);
    await Promise.all(tabs.map((tab) => tab.waitForFunction(
      (token) => window.__auth.getTokens()?.accessToken === token && window.__auth.isAuthenticated(),
      token,
      { timeout: 5000 },
    )));
    current = token;
  }
  assert.deepEqual(pageErrors.map(String), []);
});

test("the demo's Refresh in 4 tabs link: 3 more tabs, one refresh request, the same token in all 4", async (t) => {
  const { context, page, pageErrors } = await openPage(browser, t);
  await logInThroughDemo(page, stack, { login: "link", params: { storage: "local" } });
  const before = await tokensOf(page);
  await stack.resetStats();

  const opened = [];
  context.on("page", (tab) => {
    opened.push(tab);
    tab.on("pageerror", (error) => pageErrors.push(error));
  });
  await page.click("#four-tabs");
  await page.waitForFunction(() => /all 4 tabs hold the same new access token/.test(document.querySelector("#tabs-output")?.textContent ?? ""),
    undefined, { timeout: 15_000 });

  assert.equal(opened.length, 3, "three more tabs");
  const stats = await stack.stats();
  assert.equal(stats.token.refresh_token, 1, `one refresh_token grant: ${await tokenLog()}`);
  assert.deepEqual(stats.tokenErrors, {});
  const after = await tokensOf(page);
  assert.notEqual(after.accessToken, before.accessToken);
  for (const tab of opened) {
    await tab.waitForFunction((token) => window.__auth.getTokens()?.accessToken === token, after.accessToken, { timeout: 5000 });
    assert.doesNotMatch(tab.url(), /refreshAt|round=/, "the one-shot parameters left the address bar");
  }
  assert.equal(await page.evaluate((key) => localStorage.getItem(key) !== null, TOKENS_KEY), true);
  assert.deepEqual(pageErrors.map(String), []);
});
