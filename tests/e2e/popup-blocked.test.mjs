// popup_blocked with Chromium's real popup blocker. Playwright turns the blocker off by default
// (--disable-popup-blocking), so this file launches Chromium without that flag, and asks for a
// popup login with no user activation (more than 5 s after the last input), as a page does when
// it calls loginWithPopup() outside a click handler.

import assert from "node:assert/strict";
import { test } from "node:test";
import { chromium } from "playwright-core";
import {
  browser, CHROMIUM_ARGS, openDemo, openPage, stack, useStackAndBrowser,
} from "./harness.mjs";
import { demoAt, tokensOf } from "./demo.mjs";

useStackAndBrowser(() =>
  chromium.launch({
    executablePath: "/usr/bin/chromium",
    args: CHROMIUM_ARGS,
    ignoreDefaultArgs: ["--disable-popup-blocking"],
  }),
);

test("a popup login the browser blocks rejects with popup_blocked, and nothing is sent", async (t) => {
  const { context, page, pageErrors } = await openPage(browser, t);
  await openDemo(page, demoAt(stack, { flow: "popup" }));
  await stack.resetStats();
  const popups = [];
  context.on("page", (p) => popups.push(p));
  // Outlive the transient user activation Playwright's evaluate grants (5 s in Chromium).
  const outcome = await page.evaluate(() => new Promise((resolve) => {
    setTimeout(() => {
      window.__auth.loginWithPopup().then(() => resolve("resolved"), (error) => resolve(error.code));
    }, 5500);
  }));
  assert.equal(outcome, "popup_blocked");
  assert.equal(popups.length, 0, "no popup window was opened");
  assert.equal(await tokensOf(page), undefined);
  const stats = await stack.stats();
  assert.equal(stats.authorization ?? 0, 0, "the provider saw no authorization request");
  assert.deepEqual(pageErrors.map(String), []);
});

// The other side of tests/webkit/popup.test.mjs: Chromium lets a page open a window for as long as
// the click's transient activation lasts (5 s), across an awaited request; WebKit does not.
test("Chromium: loginWithPopup() after an awaited request in the click still opens the popup", async (t) => {
  const { context, page, pageErrors } = await openPage(browser, t);
  await openDemo(page, demoAt(stack, { flow: "popup" }));
  await page.evaluate(() => {
    const button = document.createElement("button");
    button.id = "late-login";
    button.textContent = "Log in (late)";
    document.body.prepend(button);
    button.addEventListener("click", async () => {
      await fetch(location.href, { cache: "no-store" });
      window.__outcome = window.__auth.loginWithPopup({ timeoutSeconds: 5 }).then(() => "resolved", (error) => error.code);
    });
  });
  const [popup] = await Promise.all([context.waitForEvent("page"), page.click("#late-login")]);
  await popup.waitForURL((url) => url.pathname.startsWith("/interaction/"));
  await popup.close();
  assert.equal(await page.evaluate(() => window.__outcome), "popup_closed", "the popup was open until closed");
  assert.deepEqual(pageErrors.map(String), []);
});
