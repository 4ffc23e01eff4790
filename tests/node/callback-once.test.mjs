// Issue 16: handleRedirectCallback is idempotent for one URL within a page. A second call for the
// URL a client is handling (or handled) gets the first call's very promise, whichever AuthClient
// instance of that client makes it; another URL or another client starts its own. (The login
// itself, handled once under React StrictMode, is tests/react/.)
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { PKG } from "./tarball.mjs";

test("a second call for the same URL and client gets the first call's promise", async () => {
  const { default: init, AuthClient, AuthError } = await import(join(PKG, "index.js"));
  await init({ module_or_path: readFileSync(join(PKG, "wasm_oauth_bg.wasm")) });
  const options = { clientId: "c", redirectUri: "https://app.example/cb", storage: "memory" };
  const url = "https://app.example/cb?code=C&state=S";
  const first = new AuthClient(options);
  const second = new AuthClient(options);

  const a = first.handleRedirectCallback(url);
  const b = first.handleRedirectCallback(url);
  const c = second.handleRedirectCallback(url);
  assert.equal(a, b, "same client instance");
  assert.equal(a, c, "another instance of the same client");
  // No login is pending here, so the one handling fails, once, for every caller.
  const errors = await Promise.all([a, b, c].map((p) => p.catch((e) => e)));
  assert.ok(errors.every((e) => e === errors[0] && e instanceof AuthError), String(errors[0]));

  const other = first.handleRedirectCallback("https://app.example/cb?code=D&state=S");
  assert.notEqual(other, a, "another URL is handled on its own");
  await other.catch(() => {});
  const otherClient = new AuthClient({ ...options, clientId: "d" }).handleRedirectCallback(url);
  assert.notEqual(otherClient, a, "another client is handled on its own");
  await otherClient.catch(() => {});
});
