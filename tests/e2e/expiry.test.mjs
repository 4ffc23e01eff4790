// tokenExpiring and tokenExpired in Chromium, through the demo against the dev provider: the
// SDK's clock reads the wall clock every few seconds and when the page wakes up, so a token close
// to expiry is announced once, and a page that "slept" past expiry (its stored token set moved
// into the past, then a focus event, as when a laptop is opened) hears tokenExpired once and no
// stale tokenExpiring.

import assert from "node:assert/strict";
import { test } from "node:test";
import { browser, openPage, stack, useStackAndBrowser } from "./harness.mjs";
import { logInThroughDemo, storedTokens, withExpiry, writeStoredTokens } from "./demo.mjs";

useStackAndBrowser();

const events = (page) => page.evaluate(() => window.__expiryEvents.map((e) => e[0]));

test("tokenExpiring once near expiry, tokenExpired once after a sleep, never a stale expiring", { timeout: 60_000 }, async (t) => {
  const { page, pageErrors } = await openPage(browser, t);
  await logInThroughDemo(page, stack, { login: "expiry-watcher" });
  await page.evaluate(() => {
    window.__expiryEvents = [];
    window.__auth.on("tokenExpiring", (at) => window.__expiryEvents.push(["expiring", at]));
    window.__auth.on("tokenExpired", () => window.__expiryEvents.push(["expired"]));
  });
  const stored = await storedTokens(page, "session");
  assert.ok(stored, "a stored token set");

  // 30 s left, under the default 60 s lead: told at the next look at the clock (at most 5 s).
  const soon = Date.now() + 30_000;
  await writeStoredTokens(page, "session", withExpiry(stored, soon));
  await page.waitForFunction(() => window.__expiryEvents.length > 0, null, { timeout: 10_000 });
  const [[name, at]] = await page.evaluate(() => window.__expiryEvents);
  assert.equal(name, "expiring");
  assert.equal(at, soon);
  await page.evaluate(() => dispatchEvent(new Event("focus")));
  assert.deepEqual(await events(page), ["expiring"], "told once");

  // Another token, already hours past expiry when the page wakes up.
  await writeStoredTokens(page, "session", withExpiry(stored, Date.now() - 3 * 3_600_000));
  await page.evaluate(() => dispatchEvent(new Event("focus")));
  await page.waitForFunction(() => window.__expiryEvents.length > 1, null, { timeout: 10_000 });
  await page.evaluate(() => dispatchEvent(new Event("focus")));
  assert.deepEqual(await events(page), ["expiring", "expired"], "expired once, and no stale expiring");
  assert.deepEqual(pageErrors.map(String), []);
});
