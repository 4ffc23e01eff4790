// Issue 16, errors that explain: each mistake a newcomer makes gets an AuthError whose code is
// stable and whose message says what to do. Each case runs in a fresh Node process (the SDK's
// "initialised" state is per module instance), through the package's own entries.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { createServer } from "node:http";
import { join } from "node:path";
import { promisify } from "node:util";
import { PKG } from "./tarball.mjs";

const run = promisify(execFile);

/**
 * Runs `body` (the inside of an async function with `sdk` = the module at `entry`) in a new
 * Node process; resolves with what it returned, or with the AuthError it threw, described.
 */
async function inFreshProcess(body, entry = join(PKG, "index.js")) {
  const script = `
    const sdk = await import(${JSON.stringify(entry)});
    const describe = (e) => ({ thrown: true, isAuthError: e instanceof sdk.AuthError, isError: e instanceof Error,
      name: e?.name, code: e?.code, message: String(e?.message), status: e?.status, option: e?.option });
    let out;
    try { out = await (async () => { ${body} })(); } catch (e) { out = describe(e); }
    console.log(JSON.stringify(out ?? null));`;
  const { stdout } = await run(process.execPath, ["--input-type=module", "-e", script], { timeout: 20_000 });
  return JSON.parse(stdout.trim().split("\n").pop());
}

function assertAuthError(outcome, code, message) {
  assert.equal(outcome?.thrown, true, `an error was thrown: ${JSON.stringify(outcome)}`);
  assert.equal(outcome.isAuthError, true, `an AuthError: ${JSON.stringify(outcome)}`);
  assert.equal(outcome.isError, true);
  assert.equal(outcome.code, code, outcome.message);
  assert.match(outcome.message, message);
}

describe("a call before init() is AuthError not_initialized naming init()", () => {
  for (const [entry, label] of [[join(PKG, "index.js"), "browser entry"], [join(PKG, "node.js"), "node entry"]]) {
    for (const [call, body] of [
      ["new AuthClient()", `new sdk.AuthClient({ clientId: "c", redirectUri: "https://app.example/" });`],
      ["createPkcePair()", "sdk.createPkcePair();"],
      ["parseCallbackUrl()", `sdk.parseCallbackUrl("https://app.example/?code=c&state=s");`],
    ]) {
      test(`${label}: ${call}`, async () => {
        const outcome = await inFreshProcess(body, entry);
        assertAuthError(outcome, "not_initialized", /await init\(\)/);
        assert.ok(outcome.message.startsWith(call), outcome.message);
      });
    }
  }

  test("while init() is still loading (not awaited) too; after it, the same call works", async () => {
    const outcome = await inFreshProcess(
      `const loading = sdk.default();
       let early;
       try { sdk.createPkcePair(); } catch (e) { early = describe(e); }
       await loading;
       return { early, after: sdk.createPkcePair().codeChallengeMethod };`,
      join(PKG, "node.js"),
    );
    assertAuthError(outcome.early, "not_initialized", /await init\(\)/);
    assert.equal(outcome.after, "S256");
  });

  test("init() after initSync() loads nothing more", async () => {
    const outcome = await inFreshProcess(
      `sdk.initSync();
       const fetched = [];
       globalThis.fetch = async (input) => { fetched.push(String(input)); throw new Error("no fetch expected"); };
       await sdk.default({ module_or_path: "http://127.0.0.1:9/never.wasm" });
       return { fetched, pkce: sdk.createPkcePair().codeChallengeMethod };`,
      join(PKG, "node.js"),
    );
    assert.deepEqual(outcome, { fetched: [], pkce: "S256" });
  });

  test("init() called from several places at once loads once, and is safe to call again", async () => {
    const outcome = await inFreshProcess(
      `const [a, b] = [sdk.default(), sdk.default()];
       return { same: a === b, results: [await a, await b, await sdk.default()] };`,
      join(PKG, "node.js"),
    );
    assert.deepEqual(outcome, { same: true, results: [null, null, null] });
  });
});

describe("a .wasm that does not load is AuthError wasm_load_failed naming the bundler notes", () => {
  let server;
  let origin;
  before(async () => {
    // What a dev server without the file answers: 404, or its SPA's index.html with 200.
    server = createServer((req, res) => {
      if (req.url === "/missing.wasm") {
        res.writeHead(404, { "Content-Type": "text/plain" }).end("not found");
      } else {
        res.writeHead(200, { "Content-Type": "text/html" }).end("<!doctype html><div id=root></div>");
      }
    });
    await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
    origin = `http://127.0.0.1:${server.address().port}`;
  });
  after(() => server?.close());

  const bundlerNotes = /"Bundlers" in the wasm-oauth README.*esbuild.*optimizeDeps/;

  test("a 404 (esbuild without the copied .wasm): status 404", async () => {
    const outcome = await inFreshProcess(`await sdk.default({ module_or_path: "${origin}/missing.wasm" });`);
    assertAuthError(outcome, "wasm_load_failed", bundlerNotes);
    assert.match(outcome.message, /missing\.wasm answered HTTP 404/);
    assert.equal(outcome.status, 404);
  });

  test("an HTML page with 200 (Vite 7's dev server without optimizeDeps.exclude)", async () => {
    const outcome = await inFreshProcess(`await sdk.default({ module_or_path: new URL("${origin}/deps/wasm_oauth_bg.wasm") });`);
    assertAuthError(outcome, "wasm_load_failed", bundlerNotes);
    assert.match(outcome.message, /answered HTTP 200 text\/html/);
  });

  test("bytes that are not WebAssembly (the CompileError about a magic word)", async () => {
    const outcome = await inFreshProcess(`await sdk.default({ module_or_path: new TextEncoder().encode("<!doctype html>") });`);
    assertAuthError(outcome, "wasm_load_failed", bundlerNotes);
    assert.match(outcome.message, /not WebAssembly/);
  });

  test("a failed load leaves the SDK uninitialised, and init() may be tried again", async () => {
    const outcome = await inFreshProcess(
      `try { await sdk.default({ module_or_path: "${origin}/missing.wasm" }); } catch {}
       let before;
       try { sdk.createPkcePair(); } catch (e) { before = describe(e); }
       await sdk.default({ module_or_path: (await import("node:fs")).readFileSync(${JSON.stringify(join(PKG, "wasm_oauth_bg.wasm"))}) });
       return { before, after: sdk.createPkcePair().codeChallengeMethod };`,
    );
    assertAuthError(outcome.before, "not_initialized", /init\(\)/);
    assert.equal(outcome.after, "S256");
  });
});

describe("option errors name the option and come before the session is looked at", () => {
  // A client with no session: were options checked after the session, each call below would
  // answer login_required (or need a browser) instead of naming the wrong option.
  const client = `await sdk.default();
    const auth = new sdk.AuthClient({ clientId: "c", redirectUri: "https://app.example/cb", storage: "memory" });`;
  const cases = [
    ["getAccessToken({ forceRefersh: true })", `auth.getAccessToken({ forceRefersh: true })`, "forceRefersh", /did you mean "forceRefresh"/],
    ["getAccessToken({ forceRefresh: \"yes\" })", `auth.getAccessToken({ forceRefresh: "yes" })`, "forceRefresh", /boolean/],
    ["getAccessToken({ minValiditySeconds: \"30\" })", `auth.getAccessToken({ minValiditySeconds: "30" })`, "minValiditySeconds", /./],
    ["getAccessToken({ resource: \"api-a\" })", `auth.getAccessToken({ resource: "api-a" })`, "resource", /absolute URI without a fragment/],
    ["getAccessToken({ resource: with a fragment })", `auth.getAccessToken({ resource: "https://api.example/#x" })`, "resource", /RFC 8707/],
    ["getAccessToken({ resource: 5 })", `auth.getAccessToken({ resource: 5 })`, "resource", /string/],
    ["getAccessToken({ resource, scope: \"\" })", `auth.getAccessToken({ resource: "urn:a", scope: "" })`, "scope", /scope tokens/],
    ["loginWithRedirect({ resource: [good, bad] })", `auth.loginWithRedirect({ resource: ["urn:a", "/api"] })`, "resource", /absolute URI/],
    ["logout({ returnTO })", `auth.logout({ returnTO: "https://app.example/" })`, "returnTO", /did you mean "returnTo"/],
    ["logout({ revoke: 1 })", `auth.logout({ revoke: 1 })`, "revoke", /boolean/],
    ["loginWithRedirect({ loginHInt })", `auth.loginWithRedirect({ loginHInt: "ada" })`, "loginHInt", /did you mean "loginHint"/],
    ["loginWithRedirect({ maxAge: 1.5 })", `auth.loginWithRedirect({ maxAge: 1.5 })`, "maxAge", /whole number/],
    ["buildAuthorizeUrl({ extraParams: { a: 1 } })", `auth.buildAuthorizeUrl({ extraParams: { a: 1 } })`, "extraParams", /./],
    ["buildAuthorizeUrl({ extraParams: { state } })", `auth.buildAuthorizeUrl({ extraParams: { state: "mine" } })`, "extraParams.state", /the SDK sets itself/],
    ["loginWithRedirect({ appState: { returnTo: elsewhere } })", `auth.loginWithRedirect({ appState: { returnTo: "https://elsewhere.example/" } })`, "appState.returnTo", /path of this app/],
    ["loginWithPopup({ timeoutSecond })", `auth.loginWithPopup({ timeoutSecond: 5 })`, "timeoutSecond", /did you mean "timeoutSeconds"/],
    ["loginWithImplicit({ responseType: \"code\" })", `auth.loginWithImplicit({ responseType: "code" })`, "responseType", /token/],
    ["startDeviceAuthorization({ scopes })", `auth.startDeviceAuthorization({ scopes: "openid" })`, "scopes", /did you mean "scope"/],
    ["pollDeviceToken(dev, { signal: controller })", `auth.pollDeviceToken({ deviceCode: "d", expiresIn: 60, interval: 5 }, { signal: new AbortController() })`, "signal", /AbortSignal/],
    ["new AuthClient({ clientID })", `new sdk.AuthClient({ clientID: "c" })`, "clientID", /did you mean "clientId"/],
    ["new AuthClient({ endpoints: { tokn } })", `new sdk.AuthClient({ clientId: "c", endpoints: { tokn: "https://a.example/t" } })`, "endpoints.tokn", /did you mean "endpoints.token"/],
    ["new AuthClient({ endpoints: { userinfo: 7 } })", `new sdk.AuthClient({ clientId: "c", endpoints: { userinfo: 7 } })`, "endpoints.userinfo", /expected a string/],
    ["new AuthClient({ storage: \"cookie\" })", `new sdk.AuthClient({ clientId: "c", storage: "cookie" })`, "storage", /memory/],
    ["new AuthClient({ redirectUri: \"/cb\" })", `new sdk.AuthClient({ clientId: "c", redirectUri: "/cb" })`, "redirectUri", /absolute https URL/],
  ];
  for (const [label, call, option, problem] of cases) {
    test(label, async () => {
      const outcome = await inFreshProcess(`${client}\n await ${call};`, join(PKG, "node.js"));
      assertAuthError(outcome, "invalid_options", problem);
      assert.equal(outcome.option, option);
      assert.ok(outcome.message.includes(`"${option}"`), `the message names ${option}: ${outcome.message}`);
    });
  }

  test("a client without redirectUri is fine for server grants; its logins name redirectUri", async () => {
    const outcome = await inFreshProcess(
      `await sdk.default();
       const auth = new sdk.AuthClient({ clientId: "c", storage: "memory" });
       await auth.buildAuthorizeUrl();`,
      join(PKG, "node.js"),
    );
    assertAuthError(outcome, "invalid_options", /"redirectUri": is required to log in/);
    assert.equal(outcome.option, "redirectUri");
  });
});
