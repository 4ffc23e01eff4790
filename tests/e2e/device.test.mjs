// "Sign in with a code" (device authorization, RFC 8628) through the demo: the code and QR code
// shown, approval and denial on the provider's real verification pages in another browser
// context (another device), and Cancel. Polls come every 5 s, so the tests run side by side.

import assert from "node:assert/strict";
import { describe, test } from "node:test";
import jsQR from "jsqr";
import {
  approveDeviceSignIn, browser, openDemo, openPage, stack, useStackAndBrowser,
} from "./harness.mjs";
import { ROUTES, demoConsoleErrors, errorCodeOf, statusOf, tokensOf, waitForStatus } from "./demo.mjs";

const DEVICE_GRANT = "urn:ietf:params:oauth:grant-type:device_code";

useStackAndBrowser();

/** Opens the demo, clicks "Get a code" and returns what the panel shows. */
async function startDeviceSignIn(page) {
  await openDemo(page, stack.demoUrl);
  await page.click("#device-start");
  await page.waitForSelector('#device-status[data-state="waiting"]');
  return {
    userCode: await page.textContent("#device-user-code"),
    verificationUriComplete: await page.getAttribute("#device-link", "href"),
    verificationUri: await page.textContent("#device-link"),
  };
}

/** Counts the device-code token requests the pages of `context` send. */
function countDevicePolls(context) {
  const polls = { count: 0 };
  context.on("request", (request) => {
    if (request.url() !== `${stack.issuer}${ROUTES.token}`) return;
    if (new URLSearchParams(request.postData() ?? "").get("grant_type") === DEVICE_GRANT) polls.count += 1;
  });
  return polls;
}

describe("Sign in with a code", { concurrency: true }, () => {
  test("approved on the provider's pages in another browser: this page ends signed in", async (t) => {
    const { page, consoleMessages, pageErrors } = await openPage(browser, t);
    const { page: phone } = await openPage(browser, t);
    const device = await startDeviceSignIn(page);
    assert.match(device.userCode, /^[A-Z0-9-]{6,}$/);

    await approveDeviceSignIn(phone, { verificationUriComplete: device.verificationUriComplete, login: "tv-viewer" });

    await page.waitForSelector('#device-status[data-state="approved"]', { timeout: 20_000 });
    await waitForStatus(page, "signed-in");
    assert.equal(await page.isHidden("#error"), true);
    const tokens = await tokensOf(page);
    assert.ok(tokens?.accessToken, "the device grant's tokens are stored");
    assert.equal((await page.evaluate(() => window.__auth.getIdTokenClaims()))?.sub, "urn:xeonr:user:tv-viewer");
    assert.equal(await page.isHidden("#device-info"), true, "the code is put away once used");
    assert.deepEqual(pageErrors.map(String), []);
    assert.deepEqual(demoConsoleErrors(consoleMessages, stack), []);
  });

  test("denied on the provider's confirmation page: access_denied", async (t) => {
    const { page, pageErrors } = await openPage(browser, t);
    const { page: phone } = await openPage(browser, t);
    const device = await startDeviceSignIn(page);

    await phone.goto(device.verificationUriComplete);
    const abort = phone.locator('button[name="abort"][form="op.deviceConfirmForm"]');
    await Promise.all([phone.waitForEvent("load"), abort.click()]);

    assert.equal(await errorCodeOf(page, 20_000), "access_denied");
    assert.equal(await page.getAttribute("#device-status", "data-code"), "access_denied");
    assert.equal(await statusOf(page), "signed-out");
    assert.equal(await tokensOf(page), undefined);
    assert.deepEqual(pageErrors.map(String), []);
  });

  test("Cancel aborts at once (aborted) and no poll follows", async (t) => {
    const { context, page, pageErrors } = await openPage(browser, t);
    const polls = countDevicePolls(context);
    await startDeviceSignIn(page);

    // Measured inside the page, so a busy test machine does not blur it.
    const elapsed = await page.evaluate(() => new Promise((resolve) => {
      const status = document.querySelector("#device-status");
      const started = performance.now();
      new MutationObserver((_, observer) => {
        if (status.dataset.code) {
          observer.disconnect();
          resolve(performance.now() - started);
        }
      }).observe(status, { attributes: true });
      document.querySelector("#device-cancel").click();
    }));
    assert.ok(elapsed < 1000, `cancelled at once, not at the next poll (${Math.round(elapsed)} ms)`);
    assert.equal(await page.getAttribute("#device-status", "data-code"), "aborted");
    assert.equal(await page.getAttribute("#device-status", "data-state"), "cancelled");
    assert.equal(await page.isEnabled("#device-start"), true);
    assert.equal(await page.isEnabled("#device-cancel"), false);

    const afterCancel = polls.count;
    await page.waitForTimeout(6000); // longer than the 5 s interval
    assert.equal(polls.count, afterCancel, "no poll after Cancel");
    assert.equal(await statusOf(page), "signed-out");
    assert.deepEqual(pageErrors.map(String), []);
  });

  test("the panel shows the user code, the link, a QR code of verificationUriComplete and a countdown", async (t) => {
    const { page, pageErrors } = await openPage(browser, t);
    const device = await startDeviceSignIn(page);

    assert.equal(new URL(device.verificationUriComplete).origin, stack.issuer);
    assert.equal(new URL(device.verificationUriComplete).searchParams.get("code"), device.userCode,
      "the complete link carries the user code");
    assert.equal(new URL(device.verificationUri).origin, stack.issuer);

    // Decode the QR code drawn on the canvas with an independent decoder.
    const image = await page.evaluate(() => {
      const canvas = document.querySelector("#device-qr");
      const { data, width, height } = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height);
      return { data: Array.from(data), width, height };
    });
    const decoded = jsQR(Uint8ClampedArray.from(image.data), image.width, image.height);
    assert.ok(decoded, "the canvas holds a readable QR code");
    assert.equal(decoded.data, device.verificationUriComplete);

    const first = await page.textContent("#device-countdown");
    assert.match(first, /^in [45] min \d+ s$/, `a 5-minute countdown: ${first}`);
    await page.waitForFunction((first) => document.querySelector("#device-countdown").textContent !== first, first, { timeout: 3000 });

    await page.click("#device-cancel");
    await page.waitForSelector('#device-status[data-code="aborted"]');
    assert.deepEqual(pageErrors.map(String), []);
  });
});
