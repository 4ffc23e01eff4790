// The demo's sign-in flows other than plain code + PKCE: PAR, implicit, popup; and a login that
// would end on another origin. Each test picks its flow with the demo's ?flow= selector.

import assert from "node:assert/strict";
import { test } from "node:test";
import { browser, openDemo, openPage, signIn, stack, useStackAndBrowser } from "./harness.mjs";
import {
  DEMO_CLIENT_ID, ROUTES, assertNoError, demoAt, demoConsoleErrors, errorCodeOf, logInThroughDemo,
  statusOf, tokensOf, waitForStatus,
} from "./demo.mjs";

useStackAndBrowser();

/** Every request the pages of `context` send to the provider's authorization endpoint (exact path). */
function recordAuthorizationRequests(context) {
  const seen = [];
  context.on("request", (request) => {
    const url = new URL(request.url());
    if (url.origin === stack.issuer && url.pathname === ROUTES.authorization) seen.push(url);
  });
  return seen;
}

test("code + PAR: the request is pushed first; the browser carries only client_id and request_uri", async (t) => {
  const { context, page, consoleMessages, pageErrors } = await openPage(browser, t);
  const authorizations = recordAuthorizationRequests(context);
  const pushed = [];
  context.on("request", (request) => {
    if (request.url() === `${stack.issuer}${ROUTES.pushed_authorization_request}`) {
      pushed.push(new URLSearchParams(request.postData() ?? ""));
    }
  });
  await stack.resetStats();

  await logInThroughDemo(page, stack, { login: "par-user", params: { flow: "par" } });

  const stats = await stack.stats();
  assert.equal(stats.par, 1, "one pushed authorization request");
  assert.equal(stats.token.authorization_code, 1, "one code exchange");
  assert.equal(pushed.length, 1);
  assert.equal(pushed[0].get("code_challenge_method"), "S256", "the pushed request carries PKCE");
  assert.ok(pushed[0].get("state") && pushed[0].get("nonce"), "the pushed request carries state and nonce");

  assert.equal(authorizations.length, 1, `one authorization request: ${authorizations.map(String)}`);
  const params = [...authorizations[0].searchParams.keys()].sort();
  assert.deepEqual(params, ["client_id", "request_uri"], `the browser's authorization request: ${params}`);
  assert.equal(authorizations[0].searchParams.get("client_id"), DEMO_CLIENT_ID);
  assert.match(authorizations[0].searchParams.get("request_uri"), /^urn:ietf:params:oauth:request_uri:/);

  const tokens = await tokensOf(page);
  assert.ok(tokens?.accessToken && tokens.refreshToken, "signed in with a refresh token");
  assert.equal(new URL(page.url()).searchParams.get("flow"), "par", "the flow survived the redirect");
  assert.deepEqual(pageErrors.map(String), []);
  assert.deepEqual(demoConsoleErrors(consoleMessages, stack), []);
});

test("implicit (id_token token): signed in, no refresh token, the fragment scrubbed", async (t) => {
  const { context, page, consoleMessages, pageErrors } = await openPage(browser, t);
  const authorizations = recordAuthorizationRequests(context);
  await stack.resetStats();

  await logInThroughDemo(page, stack, { login: "legacy", params: { flow: "implicit" } });

  assert.equal(authorizations[0]?.searchParams.get("response_type"), "id_token token");
  const tokens = await tokensOf(page);
  assert.ok(tokens?.accessToken, "an access token from the fragment");
  assert.ok(tokens.idToken, "an ID token from the fragment");
  assert.equal(tokens.refreshToken, undefined, "no refresh token is ever held from the implicit flow");
  assert.equal(await page.textContent("#has-refresh-token"), "no");
  const claims = await page.evaluate(() => window.__auth.getIdTokenClaims());
  assert.equal(claims.sub, "urn:xeonr:user:legacy");

  const address = new URL(page.url());
  assert.equal(address.hash, "", `the fragment is gone from the address bar: ${address.hash.slice(0, 20)}`);
  assert.doesNotMatch(page.url(), /access_token|id_token/);
  assert.equal(address.searchParams.get("flow"), "implicit");

  const stats = await stack.stats();
  assert.deepEqual(stats.token, {}, "the implicit flow calls no token endpoint");
  assert.deepEqual(pageErrors.map(String), []);
  assert.deepEqual(demoConsoleErrors(consoleMessages, stack), []);
});

test("popup: the login in the popup signs the opener in, which never navigates", async (t) => {
  const { page, consoleMessages, pageErrors } = await openPage(browser, t);
  await openDemo(page, demoAt(stack, { flow: "popup" }));
  const opened = page.url();
  let navigations = 0;
  page.on("framenavigated", (frame) => { if (frame === page.mainFrame()) navigations += 1; });
  await stack.resetStats();

  const [popup] = await Promise.all([page.waitForEvent("popup"), page.click("#login")]);
  const closed = popup.waitForEvent("close", { timeout: 15_000 });
  await signIn(popup, { login: "pop" });
  await closed; // the SDK closes the popup once it handed the response to the opener

  await waitForStatus(page, "signed-in");
  await assertNoError(page);
  assert.equal(page.url(), opened, "the opener stayed where it was");
  assert.equal(navigations, 0, "the opener never navigated");
  const tokens = await tokensOf(page);
  assert.ok(tokens?.accessToken && tokens.refreshToken);
  assert.equal((await page.evaluate(() => window.__auth.getIdTokenClaims())).sub, "urn:xeonr:user:pop");
  const stats = await stack.stats();
  assert.equal(stats.token.authorization_code, 1, "the opener exchanged the code once");
  assert.deepEqual(pageErrors.map(String), []);
  assert.deepEqual(demoConsoleErrors(consoleMessages, stack), []);
});

test("popup closed before the login finished: popup_closed; forged hand-backs are ignored", async (t) => {
  const { page, pageErrors } = await openPage(browser, t);
  await openDemo(page, demoAt(stack, { flow: "popup" }));
  await stack.resetStats();

  const [popup] = await Promise.all([page.waitForEvent("popup"), page.click("#login")]);
  await popup.waitForURL((url) => url.pathname.startsWith("/interaction/"), { waitUntil: "load" });
  // Callback-shaped messages that are not the popup's hand-back: one from the
  // provider's origin (the popup, while it is there), one from the opener itself.
  const forged = "wasm-oauth:callback:" + page.url().split("?")[0] + "?code=forged&state=forged";
  await popup.evaluate((m) => window.opener.postMessage(m, "*"), forged);
  await page.evaluate((m) => window.postMessage(m, location.origin), forged);
  await page.waitForTimeout(300);
  // Had either been taken, the login would have failed with state_mismatch instead.
  await popup.close();

  assert.equal(await errorCodeOf(page, 5000), "popup_closed");
  assert.equal(await statusOf(page), "signed-out");
  assert.equal(await tokensOf(page), undefined);
  assert.equal(await page.isEnabled("#login"), true, "Log in can be clicked again");
  assert.equal((await stack.stats()).token.authorization_code ?? 0, 0);
  assert.deepEqual(pageErrors.map(String), []);
});

test("popup login with a bad option: invalid_options, and no popup is opened or left open", async (t) => {
  const { page, pageErrors } = await openPage(browser, t);
  await openDemo(page, demoAt(stack, { flow: "popup" }));
  const popups = [];
  page.on("popup", (popup) => popups.push(popup));
  const code = await page.evaluate(() =>
    window.__auth.loginWithPopup({ loginhint: "typo of loginHint" }).then(() => "resolved", (error) => error.code));
  await page.waitForTimeout(300); // a popup, had one opened, would show by now
  assert.equal(code, "invalid_options");
  assert.deepEqual(popups.map((popup) => popup.url()), [], "no popup window");
  assert.deepEqual(pageErrors.map(String), []);
});

test("popup left open past timeoutSeconds: timeout, and the SDK closes the popup", async (t) => {
  const { page, pageErrors } = await openPage(browser, t);
  await openDemo(page, demoAt(stack, { flow: "popup" }));
  const opened = page.waitForEvent("popup");
  const outcome = page.evaluate(() => window.__auth.loginWithPopup({ timeoutSeconds: 2 })
    .then(() => "resolved", (error) => error.code));
  const popup = await opened;
  await popup.waitForEvent("close", { timeout: 6000 });
  assert.equal(await outcome, "timeout");
  assert.equal(await tokensOf(page), undefined);
  assert.deepEqual(pageErrors.map(String), []);
});

test("appState.returnTo on another origin: invalid_options, and the page does not move", async (t) => {
  const { context, page, pageErrors } = await openPage(browser, t);
  const elsewhere = [];
  context.on("request", (request) => {
    if (new URL(request.url()).hostname !== "127.0.0.1") elsewhere.push(request.url());
  });
  await openDemo(page, demoAt(stack, { returnTo: "https://evil.example/" }));
  const before = page.url();
  let navigations = 0;
  page.on("framenavigated", (frame) => { if (frame === page.mainFrame()) navigations += 1; });
  await stack.resetStats();

  await page.click("#login");
  assert.equal(await errorCodeOf(page), "invalid_options");
  await page.waitForTimeout(300); // a navigation, had one started, would show by now

  assert.equal(page.url(), before);
  assert.equal(navigations, 0, "no navigation");
  assert.deepEqual(elsewhere, [], "nothing was requested from another host");
  const stats = await stack.stats();
  assert.equal(stats.authorization + stats.par, 0, "nothing reached the provider");
  const pending = await page.evaluate(() => Object.keys(sessionStorage).filter((key) => key.includes(":tx:")));
  assert.deepEqual(pending, [], "no pending login was stored");

  // The same for the other shapes of "somewhere else", straight through the SDK.
  const codes = await page.evaluate(async (targets) => Promise.all(targets.map((returnTo) =>
    window.__auth.buildAuthorizeUrl({ appState: { returnTo } }).then(() => `accepted ${returnTo}`, (error) => error.code))),
  ["//evil.example/", "/\\evil.example/", "https://evil.example/", "javascript:alert(1)", `${stack.issuer}/`]);
  assert.deepEqual(codes, Array(5).fill("invalid_options"));
  assert.deepEqual(pageErrors.map(String), []);
});

test("storage memory, popup flow: signed in, and nothing of the session in web storage", async (t) => {
  const { page, pageErrors } = await openPage(browser, t);
  await openDemo(page, demoAt(stack, { flow: "popup", storage: "memory" }));
  const [popup] = await Promise.all([page.waitForEvent("popup"), page.click("#login")]);
  const closed = popup.waitForEvent("close", { timeout: 15_000 });
  await signIn(popup, { login: "forgetful" });
  await closed;

  await waitForStatus(page, "signed-in");
  await assertNoError(page);
  const tokens = await tokensOf(page);
  assert.ok(tokens?.accessToken);
  const stored = await page.evaluate(() => [...Object.keys(localStorage), ...Object.keys(sessionStorage)]
    .filter((key) => key.startsWith("wasm-oauth:")));
  assert.deepEqual(stored, [], "memory storage writes nothing to localStorage or sessionStorage");

  await openDemo(page, demoAt(stack, { flow: "popup", storage: "memory" }));
  assert.equal(await statusOf(page), "signed-out", "a reload forgets a memory session");
  assert.deepEqual(pageErrors.map(String), []);
});

// Tokens may live in memory; the pending login must survive the round trip to the provider
// (the SDK keeps pending logins in sessionStorage whatever the token storage).
test("storage memory, redirect flow: the login completes", async (t) => {
  const { page } = await openPage(browser, t);
  await openDemo(page, demoAt(stack, { storage: "memory" }));
  await page.click("#login");
  await signIn(page, { login: "redirected-forgetful" });
  await page.waitForSelector("html[data-ready]");
  await assertNoError(page);
  await waitForStatus(page, "signed-in");
});
