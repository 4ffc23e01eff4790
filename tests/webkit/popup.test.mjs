// Popup sign-in through the demo in WebKitGTK's MiniBrowser (Safari's engine) over W3C WebDriver:
// the login runs in a popup window opened inside the click, which hands the response back to the
// opener by postMessage and is closed by the SDK; the opener never navigates. And WebKit's popup
// blocker, which is stricter than Chromium's: it lets a page open a window only while the click's
// own gesture lasts (the handler, its microtasks, timers under 1 s), not after an awaited
// request, although navigator.userActivation still says the activation is active.

import assert from "node:assert/strict";
import { test } from "node:test";
import { startWebKit, webkitVersion } from "../webdriver/client.mjs";
import {
  addLoginButton, assertNoError, openDemo, signIn, tokensOf, useStackAndWebDriver, waitForStatus,
} from "../webdriver/demo.mjs";

const live = useStackAndWebDriver(startWebKit);
const engine = webkitVersion() ?? "WebKit";

test(`${engine}: popup login: the popup signs the opener in and is closed; the opener stays put`, async () => {
  const { stack, browser: { session } } = live;
  await openDemo(session, stack, { flow: "popup" });
  const opener = await session.windowHandle();
  const openedAt = await session.url();
  // A marker that a navigation of the opener would wipe.
  await session.execute("window.__stayed = true");
  await stack.resetStats();

  await session.click("#login");
  const popup = await session.waitForNewWindow([opener]);
  await session.switchToWindow(popup);
  await signIn(session, { login: "safari-pop", closes: true });
  await session.waitForWindowClosed(popup);

  await session.switchToWindow(opener);
  await waitForStatus(session, "signed-in");
  await assertNoError(session);
  assert.deepEqual(await session.windowHandles(), [opener], "only the opener is left");
  assert.equal(await session.url(), openedAt, "the opener's address did not change");
  assert.equal(await session.execute("return window.__stayed === true"), true, "the opener never navigated");
  const tokens = await tokensOf(session);
  assert.ok(tokens?.accessToken && tokens.refreshToken);
  assert.equal((await session.execute("return window.__auth.getIdTokenClaims()")).sub, "urn:xeonr:user:safari-pop");
  const stats = await stack.stats();
  assert.equal(stats.token.authorization_code, 1, "the opener exchanged the code once");
});

test(`${engine}: loginWithPopup() after an awaited request in the click: popup_blocked, nothing opened or sent`, async () => {
  const { stack, browser: { session } } = live;
  await openDemo(session, stack, { flow: "popup" });
  const opener = await session.windowHandle();
  await addLoginButton(session, "fetch(location.href, { cache: 'no-store' })");
  await stack.resetStats();

  await session.click("#late-login");
  const outcome = await session.waitFor("loginWithPopup() to settle", () => session.execute("return window.__outcome ?? null"));

  assert.equal(outcome, "popup_blocked", "WebKit blocks a window opened after an awaited request");
  assert.equal(await session.execute("return window.__active"), true,
    "although the page still counts as user-activated (Chromium opens the popup here)");
  assert.deepEqual(await session.windowHandles(), [opener], "no popup window, empty or not");
  assert.equal(await tokensOf(session), null);
  assert.equal((await stack.stats()).authorization ?? 0, 0, "the provider saw no authorization request");
  await assertNoError(session);
});

test(`${engine}: loginWithPopup() from a script, with no click: popup_blocked`, async () => {
  const { stack, browser: { session } } = live;
  await openDemo(session, stack, { flow: "popup" });
  await stack.resetStats();

  const outcome = await session.execute("return window.__auth.loginWithPopup().then(() => 'resolved', (error) => error.code)");

  assert.equal(outcome, "popup_blocked");
  assert.equal((await session.windowHandles()).length, 1, "no popup window");
  assert.equal((await stack.stats()).authorization ?? 0, 0, "the provider saw no authorization request");
});
