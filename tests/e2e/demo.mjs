// Helpers for driving the demo app (www/app.js) in the end-to-end tests, on top of harness.mjs.

import assert from "node:assert/strict";
import { DEMO_CLIENT_ID } from "../../www/dev/clients.mjs";
import { ROUTES } from "../../www/dev/provider.mjs";
import { openDemo, signIn } from "./harness.mjs";

export { DEMO_CLIENT_ID, ROUTES };

/** The localStorage / sessionStorage key of the demo client's token set. */
// The SDK percent-encodes the client id into its keys (src/core/keys.rs); a UUID reads as it is.
export const TOKENS_KEY = `wasm-oauth:v2:${DEMO_CLIENT_ID}:tokens`;

/** The demo's URL with `params` (flow, storage, endSession, returnTo...) in the query. */
export function demoAt(stack, params = {}) {
  const query = new URLSearchParams(params).toString();
  return query ? `${stack.demoUrl}?${query}` : stack.demoUrl;
}

export const statusOf = (page) => page.getAttribute("#status", "data-state");

/** Waits until #status shows `state` (signed-in | signed-out | expired). */
export function waitForStatus(page, state, timeout = 10_000) {
  return page.waitForSelector(`#status[data-state="${state}"]`, { timeout });
}

/** Waits for #error to show a code and returns it. */
export async function errorCodeOf(page, timeout = 10_000) {
  await page.waitForSelector("#error[data-code]", { timeout });
  return page.getAttribute("#error", "data-code");
}

/** The #error text, or "" when hidden. */
export async function errorText(page) {
  return (await page.isHidden("#error")) ? "" : (await page.textContent("#error")) ?? "";
}

/**
 * Opens the demo with `params`, clicks Log in and completes the provider's pages as `login`
 * (redirect flows: code, par, implicit), then waits until the demo is back and signed in.
 */
export async function logInThroughDemo(page, stack, { login = "alice", params = {} } = {}) {
  await openDemo(page, demoAt(stack, params));
  await page.click("#login");
  await signIn(page, { login });
  await page.waitForSelector("html[data-ready]");
  await assertNoError(page);
  await waitForStatus(page, "signed-in");
}

export async function assertNoError(page) {
  assert.equal(await page.isHidden("#error"), true, `unexpected error: ${await errorText(page)}`);
}

/** The token set the page's AuthClient holds, or undefined. */
export function tokensOf(page) {
  return page.evaluate(() => window.__auth.getTokens() ?? undefined);
}

/**
 * Records, for every page of `context` (popups too), what went to and came from the provider's
 * token endpoint: the request forms (code, code_verifier, refresh_token...) and the JSON answers
 * (access_token, refresh_token, id_token). `secrets()` lists every such value seen so far.
 */
export function sniffTokenEndpoint(context, stack) {
  const tokenUrl = `${stack.issuer}${ROUTES.token}`;
  const requests = [];
  const answers = [];
  const pending = [];
  context.on("request", (request) => {
    if (request.url() !== tokenUrl || request.method() !== "POST") return;
    requests.push(Object.fromEntries(new URLSearchParams(request.postData() ?? "")));
  });
  context.on("response", (response) => {
    if (response.url() !== tokenUrl || response.request().method() !== "POST") return;
    pending.push(response.json().then((body) => answers.push(body), () => {}));
  });
  return {
    requests,
    answers,
    /** Every code, verifier and token sent or received so far, by name. */
    async secrets() {
      await Promise.all(pending);
      const found = [];
      for (const form of requests) {
        for (const name of ["code", "code_verifier", "refresh_token", "device_code"]) {
          if (form[name]) found.push({ name: `${name} (sent)`, value: form[name] });
        }
      }
      for (const body of answers) {
        for (const name of ["access_token", "refresh_token", "id_token"]) {
          if (typeof body?.[name] === "string") found.push({ name: `${name} (received)`, value: body[name] });
        }
      }
      return found;
    },
  };
}

/** Asserts that no `secrets` ({ name, value }) value occurs in any of `texts` ({ where, text }). */
export function assertNoSecretIn(texts, secrets) {
  const leaks = [];
  for (const { name, value } of secrets) {
    for (const { where, text } of texts) {
      if (typeof text === "string" && value && text.includes(value)) leaks.push(`${name} in ${where}`);
    }
  }
  assert.deepEqual(leaks, [], `secrets leaked: ${leaks.join("; ")}`);
}

/** Console errors logged while a demo page (not the provider's pages) was shown. */
export function demoConsoleErrors(consoleMessages, stack) {
  return consoleMessages
    .filter(({ type, url }) => type === "error" && url.startsWith(stack.demoOrigin))
    .map(({ text }) => text);
}

/** The stored token set's JSON text in `page`'s storage ("local" or "session"). */
export function storedTokens(page, storage) {
  return page.evaluate(({ key, storage }) => (storage === "local" ? localStorage : sessionStorage).getItem(key), { key: TOKENS_KEY, storage });
}

/** Writes `text` as the stored token set in `page`'s storage ("local" or "session"). */
export function writeStoredTokens(page, storage, text) {
  return page.evaluate(({ key, storage, text }) => (storage === "local" ? localStorage : sessionStorage).setItem(key, text), { key: TOKENS_KEY, storage, text });
}

/** `text` (a stored token set) with `expires_at` moved to `expiresAt` (ms since the epoch). */
export function withExpiry(text, expiresAt) {
  const json = JSON.parse(text);
  assert.ok(Number.isFinite(json.expires_at), `the stored token set has an expires_at: ${Object.keys(json)}`);
  return JSON.stringify({ ...json, expires_at: expiresAt });
}
