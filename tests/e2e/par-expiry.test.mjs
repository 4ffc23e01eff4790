// A pushed authorization request that expired before the browser used it (RFC 9126 §4): the
// provider can only answer with its error and its issuer, no state. The SDK must turn that into a
// clean error on the page, not leave the app waiting. The dev provider keeps pushed requests for
// 60 s (oidc-provider's cap; the real provider's 600 s would make this test ten minutes long).

import assert from "node:assert/strict";
import { test } from "node:test";
import { browser, openDemo, openPage, stack, useStackAndBrowser } from "./harness.mjs";
import { demoAt, errorCodeOf, statusOf, tokensOf } from "./demo.mjs";

const PAR_LIFETIME_MS = 60_000;

useStackAndBrowser();

test("coming back after the pushed request expired: invalid_request_uri on the page, nothing stored", { timeout: 120_000 }, async (t) => {
  const { page, pageErrors } = await openPage(browser, t);
  await openDemo(page, demoAt(stack, { flow: "par" }));
  await stack.resetStats();
  const url = await page.evaluate(() => window.__auth.buildAuthorizeUrl());
  assert.match(url, /[?&]request_uri=/, "a pushed request");
  assert.equal((await stack.stats()).par, 1);

  await new Promise((resolve) => setTimeout(resolve, PAR_LIFETIME_MS + 2_000));
  await page.goto(url);

  assert.equal(await errorCodeOf(page, 10_000), "invalid_request_uri");
  assert.equal(await statusOf(page), "signed-out");
  assert.equal(await tokensOf(page), undefined);
  const landed = new URL(page.url());
  for (const key of ["error", "error_description", "iss", "code", "state"]) {
    assert.equal(landed.searchParams.has(key), false, `${key} scrubbed from the address bar`);
  }
  assert.equal((await stack.stats()).token.authorization_code ?? 0, 0);
  assert.deepEqual(pageErrors.map(String), []);
});
