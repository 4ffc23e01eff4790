// A browser whose clock is wrong by 10 minutes either way (Playwright's page clock): the login
// works (no "issued in the future" refusal of the ID token), and a token counts as expired exactly
// when the page's own clock passes its expiry, after which getAccessToken() refreshes.
// The SDK learns the offset from the token response's `Date` header, which the dev provider
// exposes to the page (www/dev/expose-date.mjs), never from the ID token's own `iat`: a token
// cannot set the clock it is checked against (tests/flows.rs ::
// an_id_token_never_sets_the_clock_it_is_checked_against).

import assert from "node:assert/strict";
import { test } from "node:test";
import { browser, openDemo, openPage, signIn, stack, useStackAndBrowser } from "./harness.mjs";
import {
  demoConsoleErrors, errorCodeOf, logInThroughDemo, statusOf, tokensOf, waitForStatus,
} from "./demo.mjs";

const MINUTE = 60_000;

useStackAndBrowser();

for (const [label, offset] of [["10 minutes fast", 10 * MINUTE], ["10 minutes slow", -10 * MINUTE]]) {
  test(`browser clock ${label}: login succeeds, and the token expires by the page's clock`, async (t) => {
    const { page, consoleMessages, pageErrors } = await openPage(browser, t);
    await page.clock.install({ time: Date.now() + offset });

    await logInThroughDemo(page, stack, { login: `clock-${offset > 0 ? "fast" : "slow"}` });
    const pageNow = await page.evaluate(() => Date.now());
    assert.ok(Math.abs(pageNow - (Date.now() + offset)) < MINUTE, "the page's clock is off by the offset");

    const date = await page.evaluate(async (issuer) =>
      (await fetch(`${issuer}/.well-known/openid-configuration`)).headers.get("date"), stack.issuer);
    assert.ok(date, "the provider lets the page read its Date header");

    const tokens = await tokensOf(page);
    assert.ok(tokens?.accessToken && tokens.idToken);
    const claims = await page.evaluate(() => window.__auth.getIdTokenClaims());
    assert.ok(Math.abs(claims.iat * 1000 - Date.now()) < MINUTE, "the ID token was issued by the provider's (true) clock");
    // The expiry is kept on the page's clock, whatever the provider's clock says.
    assert.ok(Math.abs(tokens.expiresAt - (pageNow + 3600 * 1000)) < 2 * MINUTE,
      `expiresAt ${new Date(tokens.expiresAt).toISOString()} is an hour from the page's now ${new Date(pageNow).toISOString()}`);
    assert.equal(await page.evaluate(() => window.__auth.isAuthenticated()), true);

    await page.clock.setSystemTime(tokens.expiresAt - MINUTE);
    assert.equal(await page.evaluate(() => window.__auth.isAuthenticated()), true, "a minute before expiry: still good");

    await page.clock.setSystemTime(tokens.expiresAt + 1000);
    assert.equal(await page.evaluate(() => window.__auth.isAuthenticated()), false, "past expiry: not authenticated");
    await waitForStatus(page, "expired", 3000); // the demo notices on its next tick
    assert.equal(await statusOf(page), "expired");

    // Never handed out after expiry: getAccessToken() refreshes first.
    await stack.resetStats();
    const fresh = await page.evaluate(() => window.__auth.getAccessToken());
    assert.notEqual(fresh, tokens.accessToken, "a new access token, not the expired one");
    assert.equal((await stack.stats()).token.refresh_token, 1);
    assert.equal(await page.evaluate(() => window.__auth.isAuthenticated()), true);
    await waitForStatus(page, "signed-in", 3000);

    assert.deepEqual(pageErrors.map(String), []);
    assert.deepEqual(demoConsoleErrors(consoleMessages, stack), []);
  });
}

test("a login finished more than 10 minutes (page clock) after it started: transaction_expired", async (t) => {
  const { page, pageErrors } = await openPage(browser, t);
  await page.clock.install({ time: Date.now() });
  await openDemo(page, stack.demoUrl);
  await stack.resetStats();
  await page.click("#login");
  await page.waitForURL((url) => url.pathname.startsWith("/interaction/"), { waitUntil: "load" });

  // The user leaves the provider's login page open for 11 minutes.
  await page.clock.setSystemTime(Date.now() + 11 * MINUTE);
  await signIn(page, { login: "slowpoke" });
  await page.waitForSelector("html[data-ready]");

  assert.equal(await errorCodeOf(page), "transaction_expired");
  assert.equal(await statusOf(page), "signed-out");
  assert.equal(new URL(page.url()).searchParams.has("code"), false, "the code left the address bar");
  assert.equal((await stack.stats()).token.authorization_code ?? 0, 0, "the stale code was never exchanged");
  assert.deepEqual(pageErrors.map(String), []);
});
