// Silent sign-in through the demo: prompt=none in a hidden iframe against the dev provider,
// answered to the demo's redirect URI with `?silent` (served by www/silent.html; the provider's
// session cookie reaches the frame: 127.0.0.1's ports are one site); no provider session
// (login_required); a silent page that never answers (timeout); a forged hand-back from another
// window of the page's origin; two tabs renewing at once.

import assert from "node:assert/strict";
import { test } from "node:test";
import { browser, openDemo, openPage, signIn, stack, useStackAndBrowser } from "./harness.mjs";
import {
  assertNoError, demoAt, demoConsoleErrors, errorCodeOf, errorText, storedTokens, tokensOf,
  waitForStatus, withExpiry, writeStoredTokens,
} from "./demo.mjs";

useStackAndBrowser();

const framesIn = (page) => page.evaluate(() => document.querySelectorAll("iframe").length);
const pendingLogins = (page) => page.evaluate(() => Object.keys(sessionStorage).filter((k) => k.includes(":tx:")).length);

/** Signs in through the demo's page and the provider's real login form, without offline_access. */
async function signInWithoutRefreshToken(page, login) {
  await openDemo(page, stack.demoUrl);
  // Not awaited: the page navigates to the provider.
  await page.evaluate(() => void window.__auth.loginWithRedirect({ scope: "openid profile email" }));
  await signIn(page, { login });
  await page.waitForSelector("html[data-ready]");
  await assertNoError(page);
  await waitForStatus(page, "signed-in");
}

test("without a refresh token: Sign in silently renews through the hidden iframe, and so does getAccessToken once the token expired", async (t) => {
  const { page, consoleMessages, pageErrors } = await openPage(browser, t);
  await signInWithoutRefreshToken(page, "silent-alice");
  const before = await tokensOf(page);
  assert.equal(before.refreshToken, undefined, "no offline_access: no refresh token");
  const sub = await page.evaluate(() => window.__auth.getIdTokenClaims().sub);
  await stack.resetStats();

  await page.click("#login-silently");
  await page.waitForFunction((old) => window.__auth.getTokens()?.accessToken !== old, before.accessToken);
  await page.waitForSelector("#login-silently:enabled");
  await assertNoError(page);
  const after = await tokensOf(page);
  assert.notEqual(after.accessToken, before.accessToken, "a new access token");
  assert.equal(after.refreshToken, undefined);
  assert.equal(await page.evaluate(() => window.__auth.getIdTokenClaims().sub), sub, "the same user");
  assert.equal(await framesIn(page), 0, "the iframe was removed");
  assert.equal(await pendingLogins(page), 0, "no pending login left behind");
  let stats = await stack.stats();
  assert.equal(stats.authorization, 1, "one authorization request (the frame's)");
  assert.deepEqual(stats.token, { authorization_code: 1 }, "its code redeemed once");
  assert.deepEqual(stats.tokenErrors, {});

  // The access token expires: getAccessToken() has no refresh token, so it signs in silently.
  await writeStoredTokens(page, "session", withExpiry(await storedTokens(page, "session"), Date.now() - 1000));
  await page.waitForFunction(() => !window.__auth.isAuthenticated());
  const renewed = await page.evaluate(() => window.__auth.getAccessToken());
  assert.notEqual(renewed, after.accessToken);
  assert.equal((await tokensOf(page)).accessToken, renewed, "stored");
  assert.equal(await framesIn(page), 0);
  stats = await stack.stats();
  assert.deepEqual(stats.token, { authorization_code: 2 });

  const address = new URL(page.url());
  assert.equal(address.searchParams.has("code"), false, "the page's address never held the frame's code");
  assert.deepEqual(pageErrors.map(String), []);
  assert.deepEqual(demoConsoleErrors(consoleMessages, stack), []);
});

test("no session at the provider: login_required, which names third-party cookies and refresh tokens; no iframe left", async (t) => {
  const { page, pageErrors } = await openPage(browser, t);
  await openDemo(page, stack.demoUrl);
  await stack.resetStats();
  await page.click("#login-silently");
  assert.equal(await errorCodeOf(page), "login_required");
  const text = await errorText(page);
  assert.match(text, /third-party cookies/);
  assert.match(text, /offline_access/);
  assert.equal(await framesIn(page), 0);
  assert.equal(await pendingLogins(page), 0);
  assert.equal(await tokensOf(page), undefined);
  const stats = await stack.stats();
  assert.equal(stats.authorization, 1);
  assert.deepEqual(stats.token, {}, "nothing to redeem");
  assert.deepEqual(pageErrors.map(String), []);
});

test("a forged hand-back from the page itself is ignored: only the frame's own answer counts", async (t) => {
  const { page, pageErrors } = await openPage(browser, t);
  await openDemo(page, stack.demoUrl);
  await stack.resetStats();
  // While the silent sign-in waits, this page (same origin, not the frame) posts a callback
  // URL in the hand-back's format, again and again, until the sign-in ends.
  const code = await page.evaluate(async () => {
    let done = false;
    const attempt = window.__auth.loginSilently().then(() => "signed in", (e) => e.code).finally(() => { done = true; });
    const forged = `wasm-oauth:callback:${location.origin}/?silent&code=FORGED&state=FORGED`;
    while (!done) {
      window.postMessage(forged, location.origin);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    return attempt;
  });
  assert.equal(code, "login_required", "the frame's real answer (no provider session), not the forged one");
  assert.deepEqual((await stack.stats()).token, {}, "the forged code never reached the token endpoint");
  assert.equal(await framesIn(page), 0);
  assert.deepEqual(pageErrors.map(String), []);
});

test("a silent page that never answers (another path than the registered one: the provider shows its error page in the frame): timeout after silentTimeoutSeconds, iframe removed", async (t) => {
  const { page, pageErrors } = await openPage(browser, t);
  await openDemo(page, stack.demoUrl);
  const outcome = await page.evaluate(async () => {
    const { AuthClient } = await import("/pkg/index.js");
    const config = await (await fetch("/config.json")).json();
    const auth = new AuthClient({
      clientId: config.clientId,
      redirectUri: config.redirectUri,
      issuer: config.issuer,
      storage: "memory",
      silentRedirectUri: `${location.origin}/not-registered.html?silent`,
      silentTimeoutSeconds: 1,
    });
    const started = performance.now();
    const during = new Promise((resolve) => setTimeout(() => resolve(document.querySelectorAll("iframe").length), 500));
    const code = await auth.loginSilently().then(() => "signed in", (e) => e.code);
    return {
      code, ms: performance.now() - started, during: await during,
      after: document.querySelectorAll("iframe").length,
      pending: Object.keys(sessionStorage).filter((k) => k.includes(":tx:")).length,
    };
  });
  assert.equal(outcome.code, "timeout");
  assert.ok(outcome.ms >= 1000 && outcome.ms < 5000, `took ${outcome.ms} ms`);
  assert.equal(outcome.during, 1, "the hidden iframe while waiting");
  assert.equal(outcome.after, 0, "removed after the timeout");
  assert.equal(outcome.pending, 0, "no pending login left behind");
  assert.deepEqual(pageErrors.map(String), []);
});

test("two tabs sharing a localStorage session without a refresh token renew at once: one silent sign-in, the same new token", async (t) => {
  const { context, page, pageErrors } = await openPage(browser, t);
  await openDemo(page, demoAt(stack, { storage: "local" }));
  await page.evaluate(() => void window.__auth.loginWithRedirect({ scope: "openid profile email" }));
  await signIn(page, { login: "silent-tabs" });
  await page.waitForSelector("html[data-ready]");
  await waitForStatus(page, "signed-in");
  const other = await context.newPage();
  other.on("pageerror", (error) => pageErrors.push(error));
  await openDemo(other, demoAt(stack, { storage: "local" }));
  const tabs = [page, other];
  const current = (await tokensOf(page)).accessToken;
  assert.equal((await tokensOf(other))?.accessToken, current, "both tabs share the session");
  assert.equal((await tokensOf(page)).refreshToken, undefined);

  await stack.resetStats();
  const expired = withExpiry(await storedTokens(page, "local"), Date.now() - 1000);
  await Promise.all(tabs.map((tab) => writeStoredTokens(tab, "local", expired)));
  await Promise.all(tabs.map((tab) => tab.waitForFunction(() => window.__auth.getTokens() && !window.__auth.isAuthenticated())));
  const at = Date.now() + 300;
  const results = await Promise.all(tabs.map((tab) => tab.evaluate(async (at) => {
    await new Promise((resolve) => setTimeout(resolve, at - Date.now()));
    return window.__auth.getAccessToken().then((token) => ({ token }), (e) => ({ code: e.code }));
  }, at)));
  assert.ok(results.every((r) => r.token), JSON.stringify(results.map((r) => r.code)));
  assert.equal(new Set(results.map((r) => r.token)).size, 1, "the same new token in both tabs");
  assert.notEqual(results[0].token, current);
  const stats = await stack.stats();
  assert.equal(stats.authorization, 1, "one silent sign-in for both tabs");
  assert.deepEqual(stats.token, { authorization_code: 1 });
  for (const tab of tabs) assert.equal(await framesIn(tab), 0);
  assert.deepEqual(pageErrors.map(String), []);
});
