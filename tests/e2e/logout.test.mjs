// Log out through the demo: revocation of both tokens, and RP-initiated logout at the provider
// when the end-session endpoint is configured (the demo's "Log out at the provider too").

import assert from "node:assert/strict";
import { test } from "node:test";
import {
  browser, confirmProviderLogout, openDemo, openPage, stack, useStackAndBrowser,
} from "./harness.mjs";
import {
  DEMO_CLIENT_ID, ROUTES, assertNoError, demoAt, demoConsoleErrors, logInThroughDemo, statusOf,
  storedTokens, tokensOf, waitForStatus,
} from "./demo.mjs";

useStackAndBrowser();

/** The forms the pages of `context` POST to the revocation endpoint. */
function recordRevocations(context) {
  const forms = [];
  context.on("request", (request) => {
    if (request.url() === `${stack.issuer}${ROUTES.revocation}` && request.method() === "POST") {
      forms.push(new URLSearchParams(request.postData() ?? ""));
    }
  });
  return forms;
}

test("Log out revokes the refresh token and the access token: 2 revocations", async (t) => {
  const { context, page, consoleMessages, pageErrors } = await openPage(browser, t);
  const revocations = recordRevocations(context);
  await logInThroughDemo(page, stack, { login: "leaver" });
  const tokens = await tokensOf(page);
  await stack.resetStats();

  await page.click("#logout");
  await waitForStatus(page, "signed-out");
  await page.waitForSelector("#logout:enabled");
  await assertNoError(page);

  const stats = await stack.stats();
  assert.equal(stats.revocation, 2, "two revocation requests");
  assert.equal(stats.endSession, 0, "no end-session endpoint configured: the page stays");
  const revoked = revocations.map((form) => [form.get("token_type_hint"), form.get("token")]);
  assert.deepEqual(revoked, [["refresh_token", tokens.refreshToken], ["access_token", tokens.accessToken]]);
  assert.ok(revocations.every((form) => form.get("client_id") === DEMO_CLIENT_ID));
  assert.equal(new URL(page.url()).origin, stack.demoOrigin);
  assert.equal(await tokensOf(page), undefined);
  assert.equal(await storedTokens(page, "session"), null);
  assert.match(await page.textContent("#events"), /logout session cleared/);

  // The provider agrees: the refresh token no longer works.
  const refused = await fetch(`${stack.issuer}${ROUTES.token}`, {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ grant_type: "refresh_token", refresh_token: tokens.refreshToken, client_id: DEMO_CLIENT_ID }),
  });
  assert.equal(refused.status, 400);
  assert.equal((await refused.json()).error, "invalid_grant");
  assert.deepEqual(pageErrors.map(String), []);
  assert.deepEqual(demoConsoleErrors(consoleMessages, stack), []);
});

test("with endpoints.endSession configured, Log out goes to the provider's logout page and back", async (t) => {
  const { page, consoleMessages, pageErrors } = await openPage(browser, t);
  await logInThroughDemo(page, stack, { login: "roundtrip", params: { endSession: "1" } });
  const tokens = await tokensOf(page);
  await stack.resetStats();

  await Promise.all([
    page.waitForURL((url) => url.origin === stack.issuer, { waitUntil: "load" }),
    page.click("#logout"),
  ]);
  const endSession = new URL(page.url());
  assert.equal(endSession.pathname, ROUTES.end_session, "the provider's end-session endpoint");
  assert.equal(endSession.searchParams.get("client_id"), DEMO_CLIENT_ID);
  assert.equal(endSession.searchParams.get("id_token_hint"), tokens.idToken);
  assert.equal(endSession.searchParams.get("post_logout_redirect_uri"), stack.demoUrl);
  assert.ok(endSession.searchParams.get("state"), "a state for the way back");
  assert.equal(await page.title(), "Logout Request", "the provider asks to confirm");
  const stats = await stack.stats();
  assert.equal(stats.revocation, 2, "revoked before leaving");
  assert.equal(stats.endSession, 1);

  await confirmProviderLogout(page, { issuer: stack.issuer });
  await page.waitForSelector("html[data-ready]");
  assert.equal(new URL(page.url()).origin, stack.demoOrigin, "back on the demo");
  assert.equal(new URL(page.url()).searchParams.has("state"), false, "the post-logout state left the address bar");
  assert.equal(await statusOf(page), "signed-out");
  assert.equal(await tokensOf(page), undefined);
  await assertNoError(page);
  assert.deepEqual(pageErrors.map(String), []);
  assert.deepEqual(demoConsoleErrors(consoleMessages, stack), []);
});

test("with localStorage, another tab's refresh and logout reach this tab as tokens and logout events", async (t) => {
  const { context, page, pageErrors } = await openPage(browser, t);
  await logInThroughDemo(page, stack, { login: "two-tabs", params: { storage: "local" } });
  const other = await context.newPage();
  other.on("pageerror", (error) => pageErrors.push(error));
  await openDemo(other, demoAt(stack, { storage: "local" }));
  assert.equal(await statusOf(other), "signed-in", "the second tab shares the session");
  const eventsOf = async (tab) => (await tab.locator("#events li").allTextContents()).join("\n");

  await page.click("#refresh");
  const refreshed = await page.waitForFunction((old) => {
    const now = window.__auth.getTokens()?.accessToken;
    return now !== old && now;
  }, (await tokensOf(page)).accessToken).then((handle) => handle.jsonValue());
  await other.waitForFunction((prefix) => document.querySelector("#access-token").textContent === prefix,
    `${refreshed.slice(0, 8)}…`, { timeout: 5000 });
  assert.match(await eventsOf(other), /tokens new token set/, "the other tab heard of the new tokens");

  await page.click("#logout");
  await waitForStatus(other, "signed-out", 5000);
  assert.match(await eventsOf(other), /logout session cleared/, "and of the logout");
  assert.equal(await tokensOf(other), undefined);
  assert.deepEqual(pageErrors.map(String), []);
});

// Chromium delivers localStorage writes to other tabs late; the SDK prefers the token set the
// other tab handed over, so a listener that re-renders from getTokens() sees the new session.
test("a tab told of another tab's new tokens or logout reads the same back from getTokens()", async (t) => {
  const { context, page } = await openPage(browser, t);
  await logInThroughDemo(page, stack, { login: "listener", params: { storage: "local" } });
  const other = await context.newPage();
  await openDemo(other, demoAt(stack, { storage: "local" }));
  await other.evaluate(() => {
    window.__heard = [];
    window.__auth.on("tokens", (tokens) => {
      const read = window.__auth.getTokens()?.accessToken;
      window.__heard.push(read === tokens.accessToken ? "tokens: ok" : "tokens: getTokens() returned the previous access token");
    });
    window.__auth.on("logout", () => {
      window.__heard.push(window.__auth.getTokens() === undefined ? "logout: ok" : "logout: getTokens() still returned the session");
    });
  });

  for (let i = 0; i < 5; i += 1) {
    await page.evaluate(() => window.__auth.getAccessToken({ forceRefresh: true }));
    await page.waitForTimeout(100);
  }
  await page.evaluate(() => window.__auth.logout({ revoke: false }));
  await other.waitForFunction(() => window.__heard.some((line) => line.startsWith("logout")));

  const heard = await other.evaluate(() => window.__heard);
  assert.equal(heard.length, 6, `every event arrived: ${heard}`);
  assert.deepEqual(heard.filter((line) => !line.endsWith(": ok")), []);
});
