// The .wasm runs on a 64 KiB stack (scripts/build.sh, .cargo/config.toml) and starts with
// 128 KiB of linear memory. Its deepest paths run here on that stack in Chromium, against the
// dev provider: a code login whose ID token is signed and checked, a refresh (a new ID token,
// checked again), userinfo, and a device sign-in that polls until approved. A stack too small
// traps ("RuntimeError: memory access out of bounds" or "unreachable") and fails the flow;
// afterwards the linear memory must be at most 256 KiB.

import assert from "node:assert/strict";
import { test } from "node:test";
import { approveDeviceSignIn, browser, openPage, stack, useStackAndBrowser } from "./harness.mjs";
import { logInThroughDemo, tokensOf, waitForStatus } from "./demo.mjs";

useStackAndBrowser();

/**
 * Bytes of the SDK's linear memory in `page`. The package's init() hands back nothing; the
 * generated glue's own init, called again, hands back the module's exports (internal names).
 */
function linearMemory(page) {
  return page.evaluate(async () => {
    const { default: glueInit } = await import("/pkg/wasm_oauth.js");
    const exports = await glueInit();
    return Object.values(exports).find((v) => v instanceof WebAssembly.Memory).buffer.byteLength;
  });
}

test("the deepest paths run on the 64 KiB stack, in at most 256 KiB of linear memory", { timeout: 60_000 }, async (t) => {
  const { page, pageErrors } = await openPage(browser, t);
  await logInThroughDemo(page, stack, { login: "deep-paths" });
  const before = await linearMemory(page);
  assert.ok(before <= 256 * 1024, `after init and a login: ${before} B`);

  const first = (await tokensOf(page)).accessToken;
  await page.click("#refresh");
  await page.waitForFunction((old) => window.__auth.getTokens()?.accessToken !== old, first);
  await page.click("#userinfo");
  await page.waitForFunction(() => document.querySelector("#sub")?.textContent !== "—");

  const { page: phone } = await openPage(browser, t);
  await page.click("#device-start");
  await page.waitForSelector('#device-status[data-state="waiting"]');
  const verificationUriComplete = await page.getAttribute("#device-link", "href");
  await approveDeviceSignIn(phone, { verificationUriComplete, login: "deep-paths" });
  await page.waitForSelector('#device-status[data-state="approved"]', { timeout: 20_000 });
  await waitForStatus(page, "signed-in");

  const after = await linearMemory(page);
  t.diagnostic(`linear memory: ${before} B after a login, ${after} B after refresh, userinfo and device sign-in`);
  assert.ok(after <= 256 * 1024, `after every flow: ${after} B`);
  assert.deepEqual(pageErrors.map(String), []);
});
