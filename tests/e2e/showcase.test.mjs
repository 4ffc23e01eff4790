// The demo as a showcase: what a signed-in page shows (decoded claims, a live countdown, the
// events log), the flow/storage selectors, and the screenshot the README embeds (docs/demo.png).

import assert from "node:assert/strict";
import { mkdir } from "node:fs/promises";
import { dirname, join } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { browser, openDemo, openPage, signIn, stack, useStackAndBrowser } from "./harness.mjs";
import {
  assertNoError, demoConsoleErrors, logInThroughDemo, storedTokens, tokensOf, waitForStatus,
} from "./demo.mjs";

// The picture goes to tests/e2e/artifacts/ (ignored by git) so a test run leaves the checkout
// clean; UPDATE_DEMO_SCREENSHOT=1 writes the README's docs/demo.png instead.
const HERE = dirname(fileURLToPath(import.meta.url));
const SCREENSHOT = process.env.UPDATE_DEMO_SCREENSHOT === "1"
  ? join(HERE, "..", "..", "docs", "demo.png")
  : join(HERE, "artifacts", "demo.png");

useStackAndBrowser();

test("signed in, the demo shows decoded claims, a live countdown and the events log (screenshot: artifacts/demo.png)", async (t) => {
  const { page, consoleMessages, pageErrors } = await openPage(browser, t);
  await page.setViewportSize({ width: 1280, height: 900 });
  await logInThroughDemo(page, stack, { login: "alice" });

  const claims = JSON.parse(await page.textContent("#claims"));
  assert.equal(claims.sub, "urn:xeonr:user:alice");
  assert.equal(claims.iss, stack.issuer);
  assert.equal(await page.textContent("#claim-sub"), "urn:xeonr:user:alice");
  assert.equal(await page.textContent("#claim-iss"), stack.issuer);

  const tokens = await tokensOf(page);
  assert.equal(await page.textContent("#access-token"), `${tokens.accessToken.slice(0, 8)}…`, "only a prefix of the token");
  const html = await page.content();
  assert.equal(html.includes(tokens.accessToken), false, "the access token is never shown in full");
  assert.equal(html.includes(tokens.refreshToken), false, "nor the refresh token");

  const expiry = await page.textContent("#expiry");
  assert.match(expiry, /\(in (59|60) min \d+ s\)$/, `countdown: ${expiry}`);
  await page.waitForFunction((first) => document.querySelector("#expiry").textContent !== first, expiry, { timeout: 3000 });

  const events = await page.locator("#events li").allTextContents();
  assert.ok(events.some((line) => /tokens new token set: access token \S+…, expires in/.test(line)), `a tokens event: ${events}`);
  assert.ok(events.some((line) => /signed in by redirect/.test(line)));

  await page.click("#userinfo");
  await page.waitForFunction(() => document.querySelector("#sub")?.textContent === "urn:xeonr:user:alice");
  assert.equal(JSON.parse(await page.textContent("#userinfo-output")).email, "alice@example.test");

  // A code for the device panel, so the picture shows every section.
  await page.click("#device-start");
  await page.waitForSelector('#device-status[data-state="waiting"]');
  await assertNoError(page);
  await mkdir(dirname(SCREENSHOT), { recursive: true });
  await page.screenshot({ path: SCREENSHOT, fullPage: true });
  await page.click("#device-cancel");
  await page.waitForSelector('#device-status[data-code="aborted"]');

  assert.deepEqual(pageErrors.map(String), []);
  assert.deepEqual(demoConsoleErrors(consoleMessages, stack), []);
});

test("the storage selector rebuilds the client, and the choice survives the provider's redirect", async (t) => {
  const { page, pageErrors } = await openPage(browser, t);
  await openDemo(page, stack.demoUrl);
  assert.equal(await page.inputValue("#storage"), "session", "sessionStorage by default");

  await Promise.all([page.waitForEvent("load"), page.selectOption("#storage", "local")]);
  await page.waitForSelector("html[data-ready]");
  assert.equal(new URL(page.url()).searchParams.get("storage"), "local");
  await Promise.all([page.waitForEvent("load"), page.selectOption("#flow", "par")]);
  await page.waitForSelector("html[data-ready]");

  // The registered redirect URI has no query: the choice must come back from sessionStorage.
  await page.click("#login");
  await signIn(page, { login: "chooser" });
  await page.waitForSelector("html[data-ready]");
  await waitForStatus(page, "signed-in");
  await assertNoError(page);
  const address = new URL(page.url());
  assert.equal(address.searchParams.get("storage"), "local");
  assert.equal(address.searchParams.get("flow"), "par");
  assert.equal(await page.inputValue("#storage"), "local");
  assert.equal(await page.inputValue("#flow"), "par");
  assert.ok(await storedTokens(page, "local"), "the tokens went to localStorage");
  assert.equal(await storedTokens(page, "session"), null);
  assert.deepEqual(pageErrors.map(String), []);
});
