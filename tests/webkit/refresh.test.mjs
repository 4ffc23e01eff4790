// Refresh tokens through the demo in WebKitGTK's MiniBrowser (Safari's engine) over W3C WebDriver:
// the Refresh button, and the single-flight refresh of a localStorage session shared by two windows
// (Web Locks serialize the refresh, a BroadcastChannel hands the new tokens over).

import assert from "node:assert/strict";
import { test } from "node:test";
import { withExpiry } from "../e2e/demo.mjs";
import { startWebKit, webkitVersion } from "../webdriver/client.mjs";
import {
  assertNoError, logInThroughDemo, openDemo, statusOf, storedTokens, tokensOf, useStackAndWebDriver,
  waitForStatus, writeStoredTokens,
} from "../webdriver/demo.mjs";

const live = useStackAndWebDriver(startWebKit);
const engine = webkitVersion() ?? "WebKit";

/** The provider's log of token requests since the last reset, for failure messages. */
async function tokenLog(stack) {
  const { log } = await stack.stats();
  return JSON.stringify(log.filter(({ endpoint }) => endpoint === "token"));
}

test(`${engine}: Refresh gets a new access token from exactly one refresh_token grant`, async () => {
  const { stack, browser: { session } } = live;
  await logInThroughDemo(session, stack, { login: "safari-refresher" });
  const before = await tokensOf(session);
  await stack.resetStats();

  await session.click("#refresh");
  const after = await session.waitFor("a new access token", async () => {
    const now = await tokensOf(session);
    return now?.accessToken !== before.accessToken && now;
  });
  await assertNoError(session);
  assert.notEqual(after.refreshToken, before.refreshToken, "the provider rotated the refresh token");
  assert.ok(after.expiresAt > Date.now() + 3000 * 1000);
  assert.equal(await statusOf(session), "signed-in");
  const stats = await stack.stats();
  assert.deepEqual(stats.token, { refresh_token: 1 }, `token requests: ${await tokenLog(stack)}`);
  assert.deepEqual(stats.tokenErrors, {});
});

test(`${engine}: two windows on localStorage, token expired, getAccessToken() in both at once: one refresh (2 rounds); a logout reaches both`, async () => {
  const { stack, browser: { session } } = live;
  await logInThroughDemo(session, stack, { login: "safari-two-windows", params: { storage: "local" } });
  assert.ok(await storedTokens(session, "local"), "the session is in localStorage");
  assert.equal(await storedTokens(session, "session"), null, "and not in sessionStorage");
  const first = await session.windowHandle();
  const second = await session.newWindow();
  await openDemo(session, stack, { storage: "local" });
  const windows = [first, second];

  let current = (await tokensOf(session))?.accessToken;
  assert.ok(current, "the second window shares the session");
  assert.equal(await session.execute("return typeof navigator.locks?.request"), "function", "WebKit has Web Locks");
  assert.equal(await session.execute("return typeof BroadcastChannel"), "function", "WebKit has BroadcastChannel");

  for (let round = 1; round <= 2; round += 1) {
    await stack.resetStats();
    // Expire the shared token set, written through each window.
    await session.switchToWindow(first);
    const stored = await storedTokens(session, "local");
    assert.equal(JSON.parse(stored).access_token, current, `round ${round}: storage holds the current token`);
    const expired = withExpiry(stored, Date.now() - 1000);
    for (const handle of windows) {
      await session.switchToWindow(handle);
      await writeStoredTokens(session, "local", expired);
      await session.waitFor(`round ${round}: the window sees the expired token`, () =>
        session.execute("return Boolean(window.__auth.getTokens()) && !window.__auth.isAuthenticated()"));
    }

    // WebDriver talks to one window at a time: each window schedules its getAccessToken() for the
    // same instant, and the results are collected afterwards.
    const at = Date.now() + 500;
    for (const handle of windows) {
      await session.switchToWindow(handle);
      await session.execute(`
        window.__result = undefined;
        setTimeout(() => window.__auth.getAccessToken().then(
          (token) => { window.__result = { token }; },
          (error) => { window.__result = { code: error.code, message: error.message }; },
        ), arguments[0] - Date.now());`, at);
    }
    const results = [];
    for (const handle of windows) {
      await session.switchToWindow(handle);
      results.push(await session.waitFor(`round ${round}: getAccessToken() settles`, () => session.execute("return window.__result ?? null")));
    }

    assert.deepEqual(results.filter((r) => !r.token), [], `round ${round}: every window got a token`);
    const stats = await stack.stats();
    assert.equal(stats.token.refresh_token, 1, `round ${round}: exactly one refresh_token grant: ${await tokenLog(stack)}`);
    assert.deepEqual(stats.tokenErrors, {}, `round ${round}: no token errors: ${await tokenLog(stack)}`);
    const fresh = new Set(results.map((r) => r.token));
    assert.equal(fresh.size, 1, `round ${round}: both windows got the same access token`);
    const [token] = fresh;
    assert.notEqual(token, current, `round ${round}: a new access token`);
    for (const handle of windows) {
      await session.switchToWindow(handle);
      await session.waitFor(`round ${round}: the window holds the new token`, () => session.execute(
        "return window.__auth.getTokens()?.accessToken === arguments[0] && window.__auth.isAuthenticated()", token), { timeout: 5000 });
    }
    current = token;
  }

  // A logout in one window reaches the other as a logout event (the BroadcastChannel).
  await session.switchToWindow(second);
  await session.execute("window.__heard = []; window.__auth.on('logout', () => window.__heard.push('logout'))");
  await session.switchToWindow(first);
  await session.click("#logout");
  await waitForStatus(session, "signed-out");
  assert.equal(await storedTokens(session, "local"), null, "nothing left in localStorage");
  await session.switchToWindow(second);
  await waitForStatus(session, "signed-out", 5000);
  assert.deepEqual(await session.execute("return window.__heard"), ["logout"], "the other window heard of the logout");
  assert.equal(await tokensOf(session), null);
});
