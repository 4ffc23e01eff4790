// Firefox's popup blocker (on, as in a user's Firefox: geckodriver turns it off by default) and
// popup login: a window opened from a click, even after an awaited request, opens; one opened
// from a script with no click is blocked. The counterpart of tests/webkit/popup.test.mjs, where
// WebKit blocks the first case too.

import assert from "node:assert/strict";
import { test } from "node:test";
import { firefoxVersion, startFirefox } from "../webdriver/client.mjs";
import { addLoginButton, openDemo, tokensOf, useStackAndWebDriver } from "../webdriver/demo.mjs";

const live = useStackAndWebDriver(startFirefox);
const engine = firefoxVersion() ?? "Firefox";

test(`${engine}: loginWithPopup() from a script with no click: popup_blocked; after an awaited request in a click: the popup opens`, { timeout: 60_000 }, async () => {
  const { stack, browser: { session } } = live;
  await openDemo(session, stack, { flow: "popup" });
  const opener = await session.windowHandle();
  await stack.resetStats();

  const blocked = await session.execute("return window.__auth.loginWithPopup().then(() => 'resolved', (error) => error.code)");
  assert.equal(blocked, "popup_blocked");
  assert.deepEqual(await session.windowHandles(), [opener], "no popup window");
  assert.equal((await stack.stats()).authorization ?? 0, 0, "the provider saw no authorization request");

  await addLoginButton(session, "fetch(location.href, { cache: 'no-store' })", { timeoutSeconds: 30 });
  await session.click("#late-login");
  const popup = await session.waitForNewWindow([opener]);
  await session.switchToWindow(popup);
  await session.waitForUrl("the provider's login page in the popup", (url) => url.pathname.startsWith("/interaction/"));
  await session.closeWindow();
  await session.switchToWindow(opener);
  const outcome = await session.waitFor("loginWithPopup() to settle", () => session.execute("return window.__outcome ?? null"));
  assert.equal(outcome, "popup_closed", "the popup was open until it was closed");
  assert.equal(await tokensOf(session), null);
});
