// Redirect sign-in through the demo app against the dev provider, in Debian's firefox-esr driven
// over plain W3C WebDriver (geckodriver): Playwright cannot drive stock Firefox.
//
//   node --test tests/firefox/
//
// Needs pkg/ built (bash scripts/build.sh), firefox-esr and geckodriver (scripts/firefox.sh
// installs both).

import assert from "node:assert/strict";
import { test } from "node:test";
import { browser as firefox, stack, useStackAndBrowser } from "../e2e/harness.mjs";
import { firefoxVersion, startFirefox } from "./webdriver.mjs";

// The dev stack and, in place of Playwright's Chromium, Firefox over WebDriver.
useStackAndBrowser(startFirefox);

const onInteraction = (url) => url.pathname.startsWith("/interaction/");

/**
 * The provider's devInteractions pages, as harness.mjs's signIn does for Playwright: the login form
 * (any login and password), then the consent form, until the browser leaves the interaction pages.
 */
async function signIn(session, { login, password = "any-password" }) {
  let url = await session.waitForUrl("the provider's login page", onInteraction);
  for (let step = 0; step < 4 && onInteraction(url); step += 1) {
    const before = url.href;
    if (await session.find('input[name="login"]')) {
      await session.fill('input[name="login"]', login);
      await session.fill('input[name="password"]', password);
    } else if (!(await session.find('input[name="prompt"][value="consent"]'))) {
      throw new Error(`unexpected provider page at ${before}: ${await session.title()}`);
    }
    await session.click("form button[type=submit]");
    url = await session.waitForUrl(`the page after ${before}`, (next) => next.href !== before);
  }
  if (onInteraction(url)) throw new Error(`still on the provider after signing in: ${url.href}`);
}

test(`redirect login in ${firefoxVersion() ?? "Firefox"}: signs in, scrubs code and state, calls userinfo`, { timeout: 60_000 }, async (t) => {
  const { session } = firefox;
  // On failure, show the end of geckodriver's log (Firefox prints page console messages there).
  let failed = true;
  t.after(() => {
    if (failed) process.stderr.write(`geckodriver/Firefox log (end):\n${firefox.log().slice(-4000)}\n`);
  });
  const login = "alice";

  await session.navigate(stack.demoUrl);
  await session.waitForSelector("html[data-ready]");
  assert.equal(await session.execute("return document.documentElement.dataset.ready"), "true", "the demo booted");
  assert.equal(await session.text("#status"), "signed out");

  await session.click("#login");
  await signIn(session, { login });

  const back = await session.waitForUrl("the demo after sign-in", (url) => url.origin === stack.demoOrigin);
  await session.waitForSelector("html[data-ready]");
  await session.waitFor('#status "signed in"', async () => (await session.text("#status")) === "signed in", { timeout: 10_000 })
    .catch(async (error) => {
      const shown = (await session.isDisplayed("#error")) ? await session.text("#error") : "(no #error shown)";
      throw new Error(`${error.message}; #status is "${await session.text("#status")}", #error: ${shown}`);
    });
  assert.equal(await session.isDisplayed("#error"), false, `unexpected error: ${await session.text("#error")}`);

  const address = new URL(await session.url());
  assert.equal(address.origin, stack.demoOrigin, `landed on ${back.href}`);
  assert.equal(address.searchParams.has("code"), false, "code left in the address bar");
  assert.equal(address.searchParams.has("state"), false, "state left in the address bar");

  const tokens = await session.execute("return window.__auth.getTokens() ?? null");
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
  failed = false;
});
