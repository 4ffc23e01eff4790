// Code + PKCE sign-in and logout through the demo against the dev provider, in WebKitGTK's
// MiniBrowser (Safari's engine) driven over W3C WebDriver (WebKitWebDriver) under a private Xvfb.
//
//   node --test tests/webkit/
//
// Needs pkg/ built (bash scripts/build.sh), webkit2gtk-driver and xvfb (scripts/webkit.sh
// installs both).

import assert from "node:assert/strict";
import { test } from "node:test";
import { ROUTES, DEMO_CLIENT_ID } from "../e2e/demo.mjs";
import { startWebKit, webkitVersion } from "../webdriver/client.mjs";
import {
  assertNoError, logInThroughDemo, openDemo, statusOf, storedTokens, tokensOf, useStackAndWebDriver,
  waitForStatus,
} from "../webdriver/demo.mjs";

const live = useStackAndWebDriver(startWebKit);
const engine = webkitVersion() ?? "WebKit";

test(`${engine}: code + PKCE login through the real login form; code and state scrubbed; userinfo`, async () => {
  const { stack, browser: { session } } = live;
  await stack.resetStats();

  await logInThroughDemo(session, stack, { login: "safari" });

  const address = new URL(await session.url());
  assert.equal(address.origin, stack.demoOrigin);
  assert.equal(address.searchParams.has("code"), false, "code left in the address bar");
  assert.equal(address.searchParams.has("state"), false, "state left in the address bar");

  const tokens = await tokensOf(session);
  assert.ok(tokens?.accessToken, "getTokens() has an access token");
  assert.equal(tokens.tokenType, "Bearer");
  assert.ok(tokens.expiresAt > Date.now() + 3000 * 1000, "the access token lives about an hour");
  assert.ok(tokens.refreshToken, "offline_access brought a refresh token");
  const claims = await session.execute("return window.__auth.getIdTokenClaims()");
  assert.equal(claims.sub, "urn:xeonr:user:safari", "the ID token's RS256 signature checked out in WebCrypto");
  assert.ok(await storedTokens(session, "session"), "the session is in sessionStorage");

  await session.click("#userinfo");
  const sub = await session.waitFor("#sub to be filled", async () => {
    const text = await session.text("#sub");
    return text !== "—" && text;
  }, { timeout: 10_000 });
  assert.equal(sub, "urn:xeonr:user:safari");

  const stats = await stack.stats();
  assert.equal(stats.token.authorization_code, 1, "exactly one code exchange");
  assert.equal(stats.userinfo, 1, "exactly one userinfo call");
  await assertNoError(session);
});

test(`${engine}: Log out revokes the refresh token and the access token, and a reload stays signed out`, async () => {
  const { stack, browser: { session } } = live;
  await logInThroughDemo(session, stack, { login: "safari-leaver" });
  const tokens = await tokensOf(session);
  await stack.resetStats();

  await session.click("#logout");
  await waitForStatus(session, "signed-out");
  // "signed-out" shows when the session is cleared, before the revocations are
  // answered; the demo enables the button again once logout() has resolved.
  await session.waitFor("logout() to finish", () => session.execute("return !document.getElementById('logout').disabled"));
  await assertNoError(session);
  assert.equal(await tokensOf(session), null);
  assert.equal(await storedTokens(session, "session"), null, "nothing left in sessionStorage");

  const stats = await stack.stats();
  assert.equal(stats.revocation, 2, "two revocation requests (refresh token, access token)");
  const refused = await fetch(`${stack.issuer}${ROUTES.token}`, {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ grant_type: "refresh_token", refresh_token: tokens.refreshToken, client_id: DEMO_CLIENT_ID }),
  });
  assert.equal(refused.status, 400, "the provider no longer honours the refresh token");
  assert.equal((await refused.json()).error, "invalid_grant");

  await openDemo(session, stack);
  assert.equal(await statusOf(session), "signed-out");
});
