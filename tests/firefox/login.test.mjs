// Redirect sign-in through the demo app against the dev provider, in Debian's firefox-esr driven
// over plain W3C WebDriver (geckodriver, through tests/webdriver/client.mjs): Playwright cannot
// drive stock Firefox.
//
//   node --test tests/firefox/
//
// Needs pkg/ built (bash scripts/build.sh), firefox-esr and geckodriver (scripts/firefox.sh
// installs both).

import assert from "node:assert/strict";
import { test } from "node:test";
import { firefoxVersion, startFirefox } from "../webdriver/client.mjs";
import { assertNoError, logInThroughDemo, tokensOf, useStackAndWebDriver } from "../webdriver/demo.mjs";

// The dev stack and, in place of Playwright's Chromium, Firefox over WebDriver.
const live = useStackAndWebDriver(startFirefox);

test(`redirect login in ${firefoxVersion() ?? "Firefox"}: signs in, scrubs code and state, calls userinfo`, { timeout: 60_000 }, async () => {
  const { stack, browser: firefox } = live;
  const { session } = firefox;
  const login = "alice";

  await logInThroughDemo(session, stack, { login });
  await assertNoError(session);

  const address = new URL(await session.url());
  assert.equal(address.origin, stack.demoOrigin);
  assert.equal(address.searchParams.has("code"), false, "code left in the address bar");
  assert.equal(address.searchParams.has("state"), false, "state left in the address bar");

  const tokens = await tokensOf(session);
  assert.ok(tokens?.accessToken, "getTokens() has an access token");
  assert.ok(tokens.refreshToken, "offline_access brought a refresh token");

  await session.click("#userinfo");
  const sub = await session.waitFor("#sub to be filled", async () => {
    const text = await session.text("#sub");
    return text !== "—" && text;
  }, { timeout: 10_000 });
  assert.equal(sub, `urn:xeonr:user:${login}`);

  // Firefox prints the pages' console to geckodriver's output (devtools.console.stdout.content).
  const log = firefox.log();
  assert.ok(!log.includes(tokens.accessToken), "the access token appeared in the console");
  assert.ok(!log.includes(tokens.refreshToken), "the refresh token appeared in the console");
});
