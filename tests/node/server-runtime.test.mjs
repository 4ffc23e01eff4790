// Issue 4, server runtimes: the package loaded in Node (the .wasm read from disk) runs the
// client credentials and jwt-bearer (service token) grants against the real dev provider, caches
// the token sets until shortly before they expire, and reports the provider's refusals as
// AuthErrors with the OAuth error code.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { startStack } from "../e2e/harness.mjs";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const PKG = join(ROOT, "pkg");
// The server build, as the "node" export condition resolves it (pkg/node.js).
const { default: init, AuthClient, AuthError } = await import(join(PKG, "node.js"));

const CLIENT_ID = "0b7a4c1e-2d3f-4a5b-8c9d-0e1f2a3b4c5d";
const CLIENT_SECRET = "dev-secret-not-for-browsers";
const HOUR_MS = 3600 * 1000;
const TOLERANCE_MS = 60 * 1000;

let stack;

before(async () => {
  await init();
  stack = await startStack();
});
after(() => stack?.stop());

function serverClient(extra = {}) {
  return new AuthClient({
    clientId: CLIENT_ID,
    clientSecret: CLIENT_SECRET,
    redirectUri: "https://server.invalid/cb",
    issuer: stack.issuer,
    storage: "memory",
    ...extra,
  });
}

/** Token-endpoint requests the provider saw for `grantType` (and how many it refused). */
async function grants(grantType) {
  const stats = await stack.stats();
  return { sent: stats.token[grantType] ?? 0, refused: stats.tokenErrors[grantType] ?? 0 };
}

/** Runs `fn` with `Date.now()` moved `offsetMs` ahead (the SDK's clock is `Date.now`). */
async function withClockAhead(offsetMs, fn) {
  const realNow = Date.now;
  Date.now = () => realNow.call(Date) + offsetMs;
  try {
    return await fn();
  } finally {
    Date.now = realNow;
  }
}

async function rejection(promise) {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  assert.fail("expected the call to reject");
}

/** An AuthError with `code` that leaks none of `secrets`. */
function assertAuthError(error, code, secrets = []) {
  assert.ok(error instanceof AuthError, `an AuthError, got ${error?.constructor?.name}: ${error}`);
  assert.ok(error instanceof Error);
  assert.equal(error.code, code, `code (message: ${error.message}, description: ${error.description})`);
  const everything = JSON.stringify({ ...error, message: error.message, stack: error.stack });
  for (const secret of secrets) assert.ok(!everything.includes(secret), "the error does not carry a secret");
}

function assertServiceTokenSet(tokens, startedAt) {
  assert.equal(typeof tokens.accessToken, "string");
  assert.ok(tokens.accessToken.length > 10);
  assert.equal(tokens.tokenType, "Bearer");
  assert.equal(typeof tokens.expiresAt, "number");
  const expected = startedAt + HOUR_MS;
  assert.ok(
    Math.abs(tokens.expiresAt - expected) <= TOLERANCE_MS,
    `expiresAt ${new Date(tokens.expiresAt).toISOString()} is about now + 3600 s (${new Date(expected).toISOString()})`,
  );
  assert.equal(tokens.refreshToken, undefined, "no refresh token for a server grant");
  assert.equal(tokens.idToken, undefined, "no ID token for a server grant");
}

describe("client credentials", () => {
  test("returns a Bearer token set: ~1 h, no refresh token", async () => {
    await stack.resetStats();
    const startedAt = Date.now();
    const tokens = await serverClient().clientCredentials({ scope: "api:read" });
    assertServiceTokenSet(tokens, startedAt);
    assert.equal(tokens.scope, "api:read");
    assert.deepEqual(await grants("client_credentials"), { sent: 1, refused: 0 });
  });

  test("a second call is served from the cache; another scope is a new grant", async () => {
    await stack.resetStats();
    const auth = serverClient();
    const first = await auth.clientCredentials({ scope: "api:read" });
    const second = await auth.clientCredentials({ scope: "api:read" });
    assert.equal(second.accessToken, first.accessToken);
    assert.deepEqual(await grants("client_credentials"), { sent: 1, refused: 0 });

    const write = await auth.clientCredentials({ scope: "api:write" });
    assert.notEqual(write.accessToken, first.accessToken);
    assert.equal(write.scope, "api:write");
    assert.equal((await grants("client_credentials")).sent, 2);
  });

  test("the cached token is used until shortly before it expires, then requested again", async () => {
    await stack.resetStats();
    const auth = serverClient();
    const first = await auth.clientCredentials({ scope: "api:read" });
    // 50 minutes on: still valid for 10 minutes, so cached.
    const later = await withClockAhead(50 * 60 * 1000, () => auth.clientCredentials({ scope: "api:read" }));
    assert.equal(later.accessToken, first.accessToken);
    assert.equal((await grants("client_credentials")).sent, 1);
    // 59 min 50 s on: 10 s left, under the 30 s margin, so a new grant.
    const renewed = await withClockAhead(HOUR_MS - 10_000, () => auth.clientCredentials({ scope: "api:read" }));
    assert.notEqual(renewed.accessToken, first.accessToken);
    assert.equal((await grants("client_credentials")).sent, 2);
  });

  test("a wrong client secret rejects with invalid_client (and no secret in the error)", async () => {
    await stack.resetStats();
    const wrong = "not-the-dev-secret-0123456789";
    const error = await rejection(serverClient({ clientSecret: wrong }).clientCredentials({ scope: "api:read" }));
    assertAuthError(error, "invalid_client", [wrong, CLIENT_SECRET]);
    assert.equal(error.status, 401);
    assert.deepEqual(await grants("client_credentials"), { sent: 1, refused: 1 });
  });

  test("a failed grant is not cached: the right secret then works", async () => {
    const wrong = serverClient({ clientSecret: "wrong" });
    await rejection(wrong.clientCredentials({ scope: "api:read" }));
    await rejection(wrong.clientCredentials({ scope: "api:read" }));
    await stack.resetStats();
    await serverClient().clientCredentials({ scope: "api:read" });
    assert.deepEqual(await grants("client_credentials"), { sent: 1, refused: 0 });
  });

  test("without clientSecret it rejects with invalid_options before sending anything", async () => {
    await stack.resetStats();
    const error = await rejection(serverClient({ clientSecret: undefined }).clientCredentials({ scope: "api:read" }));
    assertAuthError(error, "invalid_options");
    assert.equal((await grants("client_credentials")).sent, 0);
  });

  test("the default storage works in Node (no Web Storage there)", async () => {
    const tokens = await serverClient({ storage: undefined }).clientCredentials({ scope: "api:read" });
    assert.equal(tokens.tokenType, "Bearer");
  });
});

describe("service tokens (jwt-bearer)", () => {
  const JWT_BEARER = "urn:ietf:params:oauth:grant-type:jwt-bearer";

  test("exchanges a service-account assertion for a ~1 h Bearer token, cached", async () => {
    await stack.resetStats();
    const assertion = await stack.serviceAssertion();
    const auth = serverClient();
    const startedAt = Date.now();
    const tokens = await auth.exchangeServiceToken(assertion, { scope: "api:read" });
    assertServiceTokenSet(tokens, startedAt);
    assert.equal(tokens.scope, "api:read");
    const again = await auth.exchangeServiceToken(assertion, { scope: "api:read" });
    assert.equal(again.accessToken, tokens.accessToken);
    assert.deepEqual(await grants(JWT_BEARER), { sent: 1, refused: 0 });
  });

  test("without its secret the confidential client is refused: invalid_client", async () => {
    await stack.resetStats();
    const assertion = await stack.serviceAssertion();
    // The confidential client authenticates with client_secret_post; without the secret the
    // provider must refuse the client, not the assertion.
    const error = await rejection(serverClient({ clientSecret: undefined }).exchangeServiceToken(assertion, { scope: "api:read" }));
    assertAuthError(error, "invalid_client", [assertion]);
  });

  test("an expired assertion rejects with invalid_grant (no assertion in the error)", async () => {
    await stack.resetStats();
    const expired = await stack.serviceAssertion({ expires_in: -120 });
    const error = await rejection(serverClient().exchangeServiceToken(expired, { scope: "api:read" }));
    assertAuthError(error, "invalid_grant", [expired, CLIENT_SECRET]);
    assert.equal(error.status, 400);
    assert.deepEqual(await grants(JWT_BEARER), { sent: 1, refused: 1 });
  });

  test("an assertion with a forged signature or for another audience rejects with invalid_grant", async () => {
    const good = await stack.serviceAssertion();
    const [header, payload, signature] = good.split(".");
    const forged = [header, payload, signature.slice(0, -4) + (signature.endsWith("AAAA") ? "BBBB" : "AAAA")].join(".");
    assertAuthError(await rejection(serverClient().exchangeServiceToken(forged, { scope: "api:read" })), "invalid_grant");
    const elsewhere = await stack.serviceAssertion({ aud: "https://other.invalid" });
    assertAuthError(await rejection(serverClient().exchangeServiceToken(elsewhere, { scope: "api:read" })), "invalid_grant");
  });

  test("a scope beyond the service account's rejects with invalid_scope", async () => {
    const assertion = await stack.serviceAssertion();
    const error = await rejection(serverClient().exchangeServiceToken(assertion, { scope: "api:admin" }));
    assertAuthError(error, "invalid_scope");
  });

  test("something that is not a JWT rejects with invalid_options before sending anything", async () => {
    await stack.resetStats();
    assertAuthError(await rejection(serverClient().exchangeServiceToken("not-a-jwt", { scope: "api:read" })), "invalid_options");
    assertAuthError(await rejection(serverClient().exchangeServiceToken(undefined, { scope: "api:read" })), "invalid_options");
    assert.equal((await grants(JWT_BEARER)).sent, 0);
  });
});

// The browser build (pkg/index.js, the `server` feature left out) has no secret-only grants:
// loaded in a server runtime by mistake, it says which entry to import and sends nothing.
describe("the browser build in a server runtime", () => {
  test("clientCredentials and exchangeServiceToken reject with invalid_options naming wasm-oauth/node", async () => {
    const { execFile } = await import("node:child_process");
    const { promisify } = await import("node:util");
    const script = `
      import { readFileSync } from "node:fs";
      const sdk = await import(${JSON.stringify(join(PKG, "index.js"))});
      await sdk.default({ module_or_path: readFileSync(${JSON.stringify(join(PKG, "wasm_oauth_bg.wasm"))}) });
      const auth = new sdk.AuthClient(${JSON.stringify({
        clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUri: "https://server.invalid/cb",
        issuer: stack.issuer, storage: "memory",
      })});
      const out = {};
      for (const [name, call] of [["cc", () => auth.clientCredentials({ scope: "api:read" })],
                                  ["st", () => auth.exchangeServiceToken("a.b.c", { scope: "api:read" })]]) {
        try { await call(); out[name] = "resolved"; }
        catch (e) { out[name] = { isAuthError: e instanceof sdk.AuthError, code: e.code, message: e.message }; }
      }
      console.log(JSON.stringify(out));`;
    await stack.resetStats();
    const { stdout } = await promisify(execFile)(process.execPath, ["--input-type=module", "-e", script], { timeout: 20_000 });
    const out = JSON.parse(stdout.trim());
    for (const name of ["cc", "st"]) {
      assert.equal(out[name].isAuthError, true, JSON.stringify(out[name]));
      assert.equal(out[name].code, "invalid_options");
      assert.match(out[name].message, /wasm-oauth\/node/);
    }
    const stats = await stack.stats();
    assert.equal(Object.values(stats.token).reduce((a, b) => a + b, 0), 0, "no grant was sent");
  });
});
