// Redirect sign-in through the demo app against the dev provider, in Debian's Chromium.

import assert from "node:assert/strict";
import { test } from "node:test";
import {
  browser, openDemo, openPage, sessionStorageValues, signIn, stack, tokensOf, useStackAndBrowser,
} from "./harness.mjs";

useStackAndBrowser();

const statusOf = (page) => page.textContent("#status");

/** Clicks Log in on the demo and completes the provider's login and consent pages as `login`. */
async function logInThroughDemo(page, login) {
  await openDemo(page, stack.demoUrl);
  assert.equal(await statusOf(page), "signed out");
  await page.click("#login");
  await signIn(page, { login });
  await page.waitForSelector("html[data-ready]");
}

/** Console errors logged while the demo (not the provider's pages) was shown: CSP violations, 404s... */
function demoConsoleErrors(consoleMessages) {
  return consoleMessages
    .filter(({ type, url }) => type === "error" && url.startsWith(stack.demoOrigin))
    .map(({ text }) => text);
}

/** No console line of the page may contain any token the page holds. */
function assertNoTokenInConsole(consoleMessages, tokens) {
  for (const [name, secret] of Object.entries(tokens)) {
    if (!secret) continue;
    const leaks = consoleMessages.filter(({ text }) => text.includes(secret));
    assert.deepEqual(leaks, [], `the ${name} appeared in the console`);
  }
}

test("redirect login: signs in, scrubs code and state, calls userinfo", async (t) => {
  const { page, consoleMessages, pageErrors } = await openPage(browser, t);
  await stack.resetStats();

  await logInThroughDemo(page, "alice");

  const errorBox = page.locator("#error");
  assert.equal(await errorBox.isHidden(), true, `unexpected error: ${await errorBox.textContent()}`);
  assert.equal(await statusOf(page), "signed in");

  const address = new URL(page.url());
  assert.equal(address.origin, stack.demoOrigin);
  assert.equal(address.searchParams.has("code"), false, `code left in the address bar: ${address.pathname}${address.search}`);
  assert.equal(address.searchParams.has("state"), false, "state left in the address bar");

  const tokens = await tokensOf(page);
  assert.ok(tokens?.accessToken, "getTokens() has an access token");
  assert.equal(tokens.tokenType, "Bearer");
  assert.ok(tokens.expiresAt > Date.now() + 3000 * 1000, "the access token lives about an hour");
  assert.ok(tokens.refreshToken, "offline_access brought a refresh token");

  await page.click("#userinfo");
  await page.waitForFunction(() => document.querySelector("#sub")?.textContent !== "—");
  assert.equal(await page.textContent("#sub"), "urn:xeonr:user:alice");

  const stats = await stack.stats();
  assert.equal(stats.token.authorization_code, 1, "exactly one code exchange");
  assert.equal(stats.userinfo, 1, "exactly one userinfo call");

  assertNoTokenInConsole(consoleMessages, {
    "access token": tokens.accessToken,
    "refresh token": tokens.refreshToken,
    "ID token": tokens.idToken,
  });
  assert.deepEqual(pageErrors.map(String), []);
  assert.deepEqual(demoConsoleErrors(consoleMessages), []);
});

test("a callback whose state is not ours is refused with state_mismatch", async (t) => {
  const { page, consoleMessages, pageErrors } = await openPage(browser, t);
  await stack.resetStats();

  await openDemo(page, stack.demoUrl);
  await page.click("#login");
  await page.waitForURL((url) => url.origin === stack.issuer, { waitUntil: "load" });

  // An attacker's callback: a code and a state this tab never sent.
  await openDemo(page, `${stack.demoUrl}?code=fake&state=not-the-state-we-sent`);
  await page.waitForSelector("#error[data-code]");

  assert.equal(await page.getAttribute("#error", "data-code"), "state_mismatch");
  assert.match(await page.textContent("#error"), /^state_mismatch: /);
  assert.equal(await statusOf(page), "signed out");
  assert.equal(await tokensOf(page), undefined);
  const stored = await sessionStorageValues(page);
  assert.deepEqual(stored.filter((value) => value?.includes("access_token")), [], "no token in sessionStorage");

  const stats = await stack.stats();
  assert.equal(stats.token.authorization_code ?? 0, 0, "the fake code was never sent to the token endpoint");
  assert.deepEqual(pageErrors.map(String), []);
  assert.deepEqual(demoConsoleErrors(consoleMessages), []);
  assert.deepEqual(consoleMessages.filter(({ text }) => text.includes("fake")), [], "the code is not logged");
});

test("log out clears the session", async (t) => {
  const { page, consoleMessages, pageErrors } = await openPage(browser, t);

  await logInThroughDemo(page, "bob");
  assert.equal(await statusOf(page), "signed in");
  const tokens = await tokensOf(page);
  assert.ok(tokens?.accessToken);
  await stack.resetStats();

  await page.click("#logout");
  await page.waitForFunction(() => document.querySelector("#status")?.textContent === "signed out");

  assert.equal(await page.isHidden("#error"), true, `unexpected error: ${await page.textContent("#error")}`);
  assert.equal(await tokensOf(page), undefined);
  assert.equal(await page.evaluate(() => window.__auth.isAuthenticated()), false);
  const stored = await sessionStorageValues(page);
  assert.deepEqual(stored.filter((value) => value?.includes(tokens.accessToken)), [], "the access token is gone from storage");
  assert.deepEqual(stored.filter((value) => value?.includes("access_token")), [], "no token set left in storage");

  const stats = await stack.stats();
  assert.ok(stats.revocation >= 1, "logout revoked at the provider (revoke defaults to true)");

  // A reload stays signed out.
  await openDemo(page, stack.demoUrl);
  assert.equal(await statusOf(page), "signed out");

  assertNoTokenInConsole(consoleMessages, {
    "access token": tokens.accessToken,
    "refresh token": tokens.refreshToken,
    "ID token": tokens.idToken,
  });
  assert.deepEqual(pageErrors.map(String), []);
  assert.deepEqual(demoConsoleErrors(consoleMessages), []);
});
