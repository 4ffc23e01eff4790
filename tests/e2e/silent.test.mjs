// Silent sign-in through the demo: prompt=none in a hidden iframe against the dev provider,
// answered to the demo's redirect URI with `?silent` (served by www/silent.html; the provider's
// session cookie reaches the frame: 127.0.0.1's ports are one site); no provider session
// (login_required); a silent page that never answers (timeout); a forged hand-back from another
// window of the page's origin; two tabs renewing at once; with `dpop: true` (the renewed tokens
// bound to the session's key) and with `usePar: true` (the frame's request pushed first).

import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { test } from "node:test";
import { browser, openDemo, openPage, signIn, stack, useStackAndBrowser } from "./harness.mjs";
import {
  ROUTES, assertNoError, demoAt, demoConsoleErrors, errorCodeOf, errorText, storedTokens, tokensOf,
  waitForStatus, withExpiry, writeStoredTokens,
} from "./demo.mjs";

useStackAndBrowser();

const framesIn = (page) => page.evaluate(() => document.querySelectorAll("iframe").length);
const pendingLogins = (page) => page.evaluate(() => Object.keys(sessionStorage).filter((k) => k.includes(":tx:")).length);

/** Signs in through the demo's page (with `params`) and the provider's real login form, without offline_access. */
async function signInWithoutRefreshToken(page, login, params = {}) {
  await openDemo(page, demoAt(stack, params));
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

/** Every request the pages (and frames) of `context` send to the provider's `route`, as URLs with their form bodies. */
function recordRequests(context, route) {
  const seen = [];
  context.on("request", (request) => {
    const url = new URL(request.url());
    if (url.origin !== stack.issuer || url.pathname !== route) return;
    seen.push({ url, method: request.method(), form: new URLSearchParams(request.postData() ?? ""), dpop: request.headers().dpop });
  });
  return seen;
}

/** The RFC 7638 thumbprint of a P-256 public JWK. */
const thumbprint = ({ x, y }) => createHash("sha256").update(JSON.stringify({ crv: "P-256", kty: "EC", x, y })).digest("base64url");

/** The thumbprint of the page's one DPoP key, read from the SDK's IndexedDB store. */
const sessionKeyThumbprint = async (page) => thumbprint(await page.evaluate(async () => {
  const pairs = await new Promise((resolve) => {
    const open = indexedDB.open("wasm-oauth-dpop", 1);
    open.onsuccess = () => {
      const all = open.result.transaction("keys").objectStore("keys").getAll();
      all.onsuccess = () => { open.result.close(); resolve(all.result); };
    };
  });
  if (pairs.length !== 1) throw new Error(`${pairs.length} DPoP keys`);
  return crypto.subtle.exportKey("jwk", pairs[0].publicKey);
}));

/** The header of a compact DPoP proof. */
const proofHeader = (proof) => JSON.parse(Buffer.from(proof.split(".")[0], "base64url"));

test("with dpop: the silent sign-in's code is bound to the session's key (dpop_jkt) and redeemed with its proof; the renewed tokens are DPoP-bound", async (t) => {
  const { context, page, pageErrors } = await openPage(browser, t);
  await signInWithoutRefreshToken(page, "silent-dpop", { dpop: "1" });
  const before = await tokensOf(page);
  assert.equal(before.tokenType, "DPoP");
  assert.equal(before.refreshToken, undefined);
  const jkt = await sessionKeyThumbprint(page);
  const authorizations = recordRequests(context, ROUTES.authorization);
  const tokenRequests = recordRequests(context, ROUTES.token);
  const tokenAnswers = [];
  context.on("response", (response) => {
    if (response.url() === `${stack.issuer}${ROUTES.token}`) tokenAnswers.push(response);
  });
  await stack.resetStats();

  const renewed = await page.evaluate(() => window.__auth.loginSilently().then((tokens) => tokens, (e) => ({ error: e.code })));
  assert.equal(renewed.error, undefined, `silent sign-in failed: ${renewed.error}`);
  assert.notEqual(renewed.accessToken, before.accessToken, "a new access token");
  assert.equal(renewed.tokenType, "DPoP", "the SDK holds DPoP tokens");
  assert.equal((await tokensOf(page)).accessToken, renewed.accessToken, "stored");

  assert.equal(authorizations.length, 1, "one authorization request (the frame's)");
  assert.equal(authorizations[0].url.searchParams.get("prompt"), "none");
  assert.equal(authorizations[0].url.searchParams.get("dpop_jkt"), jkt, "the frame's code is bound to the session's key");
  const posts = tokenRequests.filter((r) => r.method === "POST");
  assert.ok(posts.length >= 1);
  for (const { dpop } of posts) {
    assert.ok(dpop, "every token request carries a proof");
    assert.equal(thumbprint(proofHeader(dpop).jwk), jkt, "proved by the session's key");
  }
  const last = tokenAnswers.filter((r) => r.request().method() === "POST").at(-1);
  assert.equal(last.status(), 200);
  assert.equal((await last.json()).token_type, "DPoP", "the provider issued DPoP-bound tokens");
  assert.deepEqual((await stack.stats()).token, { authorization_code: posts.length });
  assert.equal(await sessionKeyThumbprint(page), jkt, "still the one key");

  // The provider holds the new token bound: refused as a bearer token, accepted with the key's proof.
  const userinfo = `${stack.issuer}${ROUTES.userinfo}`;
  const asBearer = await fetch(userinfo, { headers: { Authorization: `Bearer ${renewed.accessToken}` } });
  assert.equal(asBearer.status, 401, "a DPoP-bound token is no bearer token");
  const userinfoRequests = recordRequests(context, ROUTES.userinfo);
  const user = await page.evaluate(() => window.__auth.getUser().then((u) => u, (e) => ({ error: e.code })));
  assert.equal(user.sub, "urn:xeonr:user:silent-dpop", `userinfo: ${JSON.stringify(user)}`);
  const sent = userinfoRequests.filter((r) => r.method !== "OPTIONS").at(-1);
  assert.ok(sent, "getUser asked the userinfo endpoint");
  assert.equal(thumbprint(proofHeader(sent.dpop).jwk), jkt, "userinfo proved by the session's key");
  assert.equal(await framesIn(page), 0);
  assert.equal(await pendingLogins(page), 0);
  assert.deepEqual(pageErrors.map(String), []);
});

test("with usePar: the silent sign-in's request is pushed first (prompt=none, the silent redirect URI); the frame carries only client_id and request_uri", async (t) => {
  const { context, page, pageErrors } = await openPage(browser, t);
  await signInWithoutRefreshToken(page, "silent-par", { flow: "par" });
  const before = await tokensOf(page);
  assert.equal(before.refreshToken, undefined);
  const authorizations = recordRequests(context, ROUTES.authorization);
  const pushRequests = recordRequests(context, ROUTES.pushed_authorization_request);
  await stack.resetStats();

  const renewed = await page.evaluate(() => window.__auth.loginSilently().then((tokens) => tokens, (e) => ({ error: e.code })));
  assert.equal(renewed.error, undefined, `silent sign-in failed: ${renewed.error}`);
  assert.notEqual(renewed.accessToken, before.accessToken, "a new access token");
  assert.equal((await tokensOf(page)).accessToken, renewed.accessToken, "stored");

  const stats = await stack.stats();
  assert.equal(stats.par, 1, "one pushed authorization request");
  assert.equal(stats.authorization, 1, "one authorization request (the frame's)");
  assert.deepEqual(stats.token, { authorization_code: 1 });
  const pushed = pushRequests.filter((r) => r.method === "POST");
  assert.equal(pushed.length, 1);
  assert.equal(pushed[0].form.get("prompt"), "none", "the pushed request is the silent one");
  const silentUri = await page.evaluate(async () => (await (await fetch("/config.json")).json()).silentRedirectUri);
  assert.equal(pushed[0].form.get("redirect_uri"), silentUri);
  assert.equal(authorizations.length, 1);
  assert.deepEqual([...authorizations[0].url.searchParams.keys()].sort(), ["client_id", "request_uri"]);
  assert.match(authorizations[0].url.searchParams.get("request_uri"), /^urn:ietf:params:oauth:request_uri:/);
  assert.equal(await framesIn(page), 0);
  assert.equal(await pendingLogins(page), 0);
  assert.deepEqual(pageErrors.map(String), []);
});
