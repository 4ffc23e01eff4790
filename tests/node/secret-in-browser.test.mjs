// Issue 4, secret_in_browser: in a page (a window with a document) the SDK refuses a client
// secret at construction, and refuses the secret-only grants (client credentials, service
// tokens) of a client without one, before anything is sent: no request leaves the page and the
// provider counts none.
import { test } from "node:test";
import assert from "node:assert/strict";
import { browser, openDemo, openPage, stack, useStackAndBrowser } from "../e2e/harness.mjs";

const CLIENT_ID = "0b7a4c1e-2d3f-4a5b-8c9d-0e1f2a3b4c5d";
const CLIENT_SECRET = "dev-secret-not-for-browsers";

useStackAndBrowser();

/** Total of every counter the provider keeps (token grants of any type and each endpoint). */
function providerRequests(stats) {
  const tokens = Object.values(stats.token).reduce((a, b) => a + b, 0);
  return tokens + stats.authorization + stats.par + stats.deviceAuthorization + stats.revocation
    + stats.userinfo + stats.endSession;
}

/**
 * A same-origin page with the SDK imported from /pkg/index.js and initialised, and a record of
 * every request the page sends from then on.
 */
async function sdkPage(t) {
  const { page, pageErrors } = await openPage(browser, t);
  await openDemo(page, stack.demoUrl);
  await page.evaluate(async () => {
    const sdk = await import("/pkg/index.js");
    await sdk.default();
    window.__sdk = sdk;
  });
  const requests = [];
  page.on("request", (request) => requests.push(`${request.method()} ${request.url()}`));
  await stack.resetStats();
  return { page, requests, pageErrors };
}

/** What the page saw: `how` ("threw" | "rejected" | "resolved"), and the error's fields. */
function outcomeIn(page, { call, options, assertion }) {
  return page.evaluate(
    async ({ call, options, assertion }) => {
      const { AuthClient, AuthError } = window.__sdk;
      const describe = (how, e) => ({
        how,
        isAuthError: e instanceof AuthError,
        isError: e instanceof Error,
        name: e?.name,
        code: e?.code,
        text: JSON.stringify({ ...e, message: e?.message, stack: e?.stack }),
      });
      let auth;
      try {
        auth = new AuthClient(options);
      } catch (e) {
        return describe("threw", e);
      }
      if (call === "construct") return { how: "constructed" };
      try {
        const result = call === "clientCredentials"
          ? await auth.clientCredentials({ scope: "api:read" })
          : await auth.exchangeServiceToken(assertion, { scope: "api:read" });
        return { how: "resolved", tokenType: result?.tokenType };
      } catch (e) {
        return describe("rejected", e);
      }
    },
    { call, options, assertion },
  );
}

async function assertNothingSent(requests) {
  // Give a stray request a moment to show up before counting.
  await new Promise((r) => setTimeout(r, 200));
  assert.deepEqual(requests, [], "the page sent no request");
  const stats = await stack.stats();
  assert.equal(providerRequests(stats), 0, `the provider saw no request: ${JSON.stringify(stats.log)}`);
}

function baseOptions() {
  return { clientId: CLIENT_ID, redirectUri: stack.demoUrl, issuer: stack.issuer, storage: "memory" };
}

test("new AuthClient({ clientSecret }) throws secret_in_browser in a page", async (t) => {
  const { page, requests, pageErrors } = await sdkPage(t);
  for (const storage of ["memory", "session", "local"]) {
    const outcome = await outcomeIn(page, { call: "construct", options: { ...baseOptions(), storage, clientSecret: CLIENT_SECRET } });
    assert.equal(outcome.how, "threw", `storage ${storage}: the constructor throws`);
    assert.equal(outcome.isAuthError, true);
    assert.equal(outcome.isError, true);
    assert.equal(outcome.name, "AuthError");
    assert.equal(outcome.code, "secret_in_browser");
    assert.ok(!outcome.text.includes(CLIENT_SECRET), "the error does not repeat the secret");
  }
  // An empty secret counts as none (config.rs filters it): constructing works, the grant is refused.
  const empty = await outcomeIn(page, { call: "clientCredentials", options: { ...baseOptions(), clientSecret: "" } });
  assert.equal(empty.code, "secret_in_browser", `empty clientSecret: ${JSON.stringify(empty)}`);
  await assertNothingSent(requests);
  assert.deepEqual(pageErrors, []);
});

test("clientCredentials() without a secret rejects with secret_in_browser, nothing sent", async (t) => {
  const { page, requests } = await sdkPage(t);
  const outcome = await outcomeIn(page, { call: "clientCredentials", options: baseOptions() });
  assert.equal(outcome.how, "rejected");
  assert.equal(outcome.isAuthError, true);
  assert.equal(outcome.code, "secret_in_browser");
  await assertNothingSent(requests);
});

test("exchangeServiceToken() rejects with secret_in_browser, nothing sent (assertion not echoed)", async (t) => {
  const assertion = await stack.serviceAssertion();
  const { page, requests } = await sdkPage(t);
  const outcome = await outcomeIn(page, { call: "exchangeServiceToken", options: baseOptions(), assertion });
  assert.equal(outcome.how, "rejected");
  assert.equal(outcome.isAuthError, true);
  assert.equal(outcome.code, "secret_in_browser");
  assert.ok(!outcome.text.includes(assertion), "the error does not carry the assertion");
  await assertNothingSent(requests);
});

test("the refusal also holds for discovery: no discovery document is fetched first", async (t) => {
  const { page, requests } = await sdkPage(t);
  const options = { ...baseOptions(), discovery: true };
  const cc = await outcomeIn(page, { call: "clientCredentials", options });
  assert.equal(cc.code, "secret_in_browser");
  const jwt = await outcomeIn(page, { call: "exchangeServiceToken", options, assertion: "a.b.c" });
  assert.equal(jwt.code, "secret_in_browser");
  await assertNothingSent(requests);
});

// A Web Worker is a browser too, though it has no `document`: the SDK refuses secrets there as well.
test("a Web Worker is refused too (secret_in_browser, nothing sent)", async (t) => {
  const { page } = await openPage(browser, t);
  // /config.json is same-origin and served without the demo's CSP, so a blob: module worker may start.
  await page.goto(`${stack.demoOrigin}/config.json`);
  await stack.resetStats();
  const outcome = await page.evaluate(async ({ origin, issuer, clientId, secret }) => {
    const source = `
      const sdk = await import(${JSON.stringify(`${origin}/pkg/index.js`)});
      await sdk.default();
      try {
        const auth = new sdk.AuthClient({ clientId: ${JSON.stringify(clientId)}, clientSecret: ${JSON.stringify(secret)},
          redirectUri: ${JSON.stringify(`${origin}/`)}, issuer: ${JSON.stringify(issuer)}, storage: "memory" });
        const tokens = await auth.clientCredentials({ scope: "api:read" });
        postMessage({ how: "resolved", tokenType: tokens.tokenType });
      } catch (e) {
        postMessage({ how: "failed", code: e.code });
      }`;
    const worker = new Worker(URL.createObjectURL(new Blob([source], { type: "text/javascript" })), { type: "module" });
    return new Promise((resolve) => {
      worker.onmessage = (m) => resolve(m.data);
      worker.onerror = (e) => resolve({ how: "worker error", message: e.message });
    });
  }, { origin: stack.demoOrigin, issuer: stack.issuer, clientId: CLIENT_ID, secret: CLIENT_SECRET });
  const stats = await stack.stats();
  assert.equal(providerRequests(stats), 0, `the provider saw the worker's request: ${JSON.stringify(stats.token)}`);
  assert.deepEqual(outcome, { how: "failed", code: "secret_in_browser" });
});
