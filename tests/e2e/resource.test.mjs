// Tokens per API (RFC 8707) through the demo against the dev provider's two APIs
// (www/dev/resources.mjs): a login through the real forms that names both APIs, then
// getAccessToken({ resource, scope }) for each: audience-restricted JWTs, cached per
// (resource, scope), surviving a reload, sharing the one rotating refresh token with the session
// in one tab and across tabs, and gone after logout.

import assert from "node:assert/strict";
import { test } from "node:test";
import { API_A, API_B } from "../../www/dev/resources.mjs";
import { browser, openDemo, openPage, signIn, stack, useStackAndBrowser } from "./harness.mjs";
import { assertNoError, demoAt, demoConsoleErrors, tokensOf, waitForStatus } from "./demo.mjs";

useStackAndBrowser();

const LOGIN_SCOPE = "openid profile email offline_access a:read a:write b:read";

/** The payload of a JWT, decoded here in the test (no signature check: the API's job). */
function payloadOf(jwt) {
  const parts = jwt.split(".");
  assert.equal(parts.length, 3, "a JWT access token");
  return JSON.parse(Buffer.from(parts[1], "base64url").toString("utf8"));
}

/** The provider's log of token requests since the last reset, for failure messages. */
async function tokenLog() {
  const { log } = await stack.stats();
  return JSON.stringify(log.filter(({ endpoint }) => endpoint === "token"));
}

/** Opens the demo with `storage`, logs in naming both APIs, through the provider's real forms. */
async function logInForApis(page, { login, storage }) {
  await openDemo(page, demoAt(stack, { storage }));
  // Not awaited: the page navigates to the provider.
  await page.evaluate((options) => { window.__auth.loginWithRedirect(options); }, { resource: [API_A, API_B], scope: LOGIN_SCOPE });
  await signIn(page, { login });
  await page.waitForSelector("html[data-ready]");
  await assertNoError(page);
  await waitForStatus(page, "signed-in");
}

/** `getAccessToken(options)` in `page`: `{ token }`, or `{ code, message }` when it rejects. */
function accessToken(page, options) {
  return page.evaluate(async (options) => {
    try {
      return { token: await window.__auth.getAccessToken(options) };
    } catch (error) {
      return { code: error.code, message: error.message };
    }
  }, options);
}

/** The storage keys of the demo client's per-API tokens. */
function apiKeys(page, storage) {
  return page.evaluate((storage) => {
    const store = storage === "local" ? localStorage : sessionStorage;
    return Object.keys(store).filter((key) => key.startsWith("wasm-oauth:v2:") && key.includes(":api:"));
  }, storage);
}

for (const storage of ["session", "local"]) {
  test(`storage "${storage}": a token per API, audience-restricted, cached, surviving a reload, gone after logout`, async (t) => {
    const { page, consoleMessages, pageErrors } = await openPage(browser, t);
    await logInForApis(page, { login: `apis-${storage}`, storage });
    const session = await tokensOf(page);
    assert.ok(session.refreshToken, "offline_access brought a refresh token");
    assert.notEqual(session.accessToken.split(".").length, 3, "the session's own token is still the opaque one");
    await stack.resetStats();

    const a = await accessToken(page, { resource: API_A, scope: "a:read" });
    const b = await accessToken(page, { resource: API_B });
    assert.ok(a.token && b.token, `both tokens: ${JSON.stringify([a.code, a.message, b.code, b.message])}`);
    const [claimsA, claimsB] = [payloadOf(a.token), payloadOf(b.token)];
    assert.equal(claimsA.aud, API_A);
    assert.equal(claimsB.aud, API_B);
    assert.equal(claimsA.scope, "a:read", "the scope asked for");
    assert.equal(claimsB.scope, "b:read", "what the session was granted for API B");
    assert.equal(claimsA.exp - claimsA.iat, 600, "API A's own lifetime");
    assert.equal(claimsB.exp - claimsB.iat, 1200, "API B's own lifetime");
    assert.equal(claimsA.iss, stack.issuer);
    let stats = await stack.stats();
    assert.deepEqual(stats.token, { refresh_token: 2 }, `two refresh_token grants: ${await tokenLog()}`);
    assert.deepEqual(stats.tokenErrors, {});

    // The refresh token rotated twice; the session holds the newest, its access token unchanged.
    const rotated = await tokensOf(page);
    assert.equal(rotated.accessToken, session.accessToken);
    assert.notEqual(rotated.refreshToken, session.refreshToken, "the rotation went into the session's set");

    // Served from the cache: the same tokens, no request.
    assert.deepEqual(await accessToken(page, { resource: API_A, scope: "a:read" }), a);
    assert.deepEqual(await accessToken(page, { resource: API_B }), b);
    assert.deepEqual((await stack.stats()).token, { refresh_token: 2 }, `no new request: ${await tokenLog()}`);

    // Both survive a reload, from storage.
    await page.reload();
    await page.waitForSelector("html[data-ready]");
    await waitForStatus(page, "signed-in");
    assert.deepEqual(await accessToken(page, { resource: API_A, scope: "a:read" }), a);
    assert.deepEqual(await accessToken(page, { resource: API_B }), b);
    assert.deepEqual((await stack.stats()).token, { refresh_token: 2 }, `none after the reload: ${await tokenLog()}`);
    assert.equal((await apiKeys(page, storage)).length, 2);

    // The session's own refresh sends the newest refresh token: the provider takes it (a spent
    // one would be invalid_grant and end the grant), and userinfo still takes the default token.
    const refreshed = await accessToken(page, { forceRefresh: true });
    assert.ok(refreshed.token, JSON.stringify(refreshed));
    assert.notEqual(refreshed.token.split(".").length, 3);
    await page.evaluate(() => window.__auth.getUser());
    // Another scope of API A is another token.
    const write = await accessToken(page, { resource: API_A, scope: "a:write" });
    assert.equal(payloadOf(write.token).scope, "a:write");
    stats = await stack.stats();
    assert.deepEqual(stats.token, { refresh_token: 4 }, `${await tokenLog()}`);
    assert.deepEqual(stats.tokenErrors, {});

    // Three at once in this page: each request waits for the one before to rotate the refresh
    // token, so none sends a spent one.
    const together = await page.evaluate(() => Promise.all([
      { resource: "urn:wasm-oauth:api-a", forceRefresh: true },
      { resource: "urn:wasm-oauth:api-b", forceRefresh: true },
      { forceRefresh: true },
    ].map((options) => window.__auth.getAccessToken(options).catch((error) => error.code))));
    assert.equal(payloadOf(together[0]).aud, API_A, JSON.stringify(together));
    assert.equal(payloadOf(together[1]).aud, API_B);
    stats = await stack.stats();
    assert.deepEqual(stats.token, { refresh_token: 7 }, `${await tokenLog()}`);
    assert.deepEqual(stats.tokenErrors, {}, `no refresh token sent twice: ${await tokenLog()}`);

    const cached = (await apiKeys(page, storage)).length;
    assert.equal(cached, 4, "A for a:read, a:write and all it was granted; B");
    await stack.resetStats();
    await page.evaluate(() => window.__auth.logout());
    assert.deepEqual(await apiKeys(page, storage), [], "no per-API token survives logout");
    assert.equal((await accessToken(page, { resource: API_A })).code, "login_required");
    // The refresh token and the session's access token are revoked; the four per-API tokens
    // are asked to be, and oidc-provider cannot revoke a JWT (RFC 7009 §2.2.1
    // unsupported_token_type): they run out, and the SDK reports nothing for them.
    const revocations = (await stack.stats()).log.filter(({ endpoint }) => endpoint === "revocation");
    assert.deepEqual(revocations.map(({ status, error }) => [status, error ?? null]), [
      [200, null], [200, null],
      ...Array(cached).fill([400, "unsupported_token_type"]),
    ]);
    await assertNoError(page);
    assert.deepEqual(pageErrors.map(String), []);
    // The browser logs each 400 answer; nothing else may be logged.
    const unexpected = demoConsoleErrors(consoleMessages, stack)
      .filter((text) => text !== "Failed to load resource: the server responded with a status of 400 (Bad Request)");
    assert.deepEqual(unexpected, []);
  });
}

test("3 tabs on localStorage, at once: API A, API B and the session's own refresh share one rotating refresh token (5 rounds)", async (t) => {
  const { context, page, pageErrors } = await openPage(browser, t);
  await logInForApis(page, { login: "apis-tabs", storage: "local" });
  const tabs = [page];
  for (let i = 1; i < 3; i += 1) {
    const tab = await context.newPage();
    tab.on("pageerror", (error) => pageErrors.push(error));
    await openDemo(tab, demoAt(stack, { storage: "local" }));
    tabs.push(tab);
  }
  const asks = [{ resource: API_A, forceRefresh: true }, { resource: API_B, forceRefresh: true }, { forceRefresh: true }];
  for (let round = 1; round <= 5; round += 1) {
    await stack.resetStats();
    const at = Date.now() + 300;
    const results = await Promise.all(tabs.map((tab, i) => tab.evaluate(async ({ at, options }) => {
      await new Promise((resolve) => setTimeout(resolve, at - Date.now()));
      try {
        return { token: await window.__auth.getAccessToken(options) };
      } catch (error) {
        return { code: error.code, message: error.message };
      }
    }, { at, options: asks[i] })));
    assert.deepEqual(results.filter((r) => !r.token), [], `round ${round}: every tab got its token`);
    assert.equal(payloadOf(results[0].token).aud, API_A);
    assert.equal(payloadOf(results[1].token).aud, API_B);
    const stats = await stack.stats();
    assert.equal(stats.token.refresh_token, 3, `round ${round}: three refresh_token grants: ${await tokenLog()}`);
    assert.deepEqual(stats.tokenErrors, {}, `round ${round}: no refresh token sent twice: ${await tokenLog()}`);
  }
  // Every tab ends with the session's newest refresh token.
  const newest = (await tokensOf(page)).refreshToken;
  for (const tab of tabs) {
    await tab.waitForFunction((rt) => window.__auth.getTokens()?.refreshToken === rt, newest, { timeout: 5000 });
  }
  assert.deepEqual(pageErrors.map(String), []);
});
