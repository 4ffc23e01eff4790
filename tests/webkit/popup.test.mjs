// Popup sign-in through the demo in WebKitGTK's MiniBrowser (Safari's engine) over W3C WebDriver:
// the login runs in a popup window opened inside the click, which hands the response back to the
// opener by postMessage and is closed by the SDK; the opener never navigates.

import assert from "node:assert/strict";
import { test } from "node:test";
import { startWebKit, webkitVersion } from "../webdriver/client.mjs";
import {
  assertNoError, openDemo, signIn, tokensOf, useStackAndWebDriver, waitForStatus,
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
