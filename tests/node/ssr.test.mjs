// Issue 7, SSR-safe import: importing the package in Node, as a framework's server render does,
// touches no `window`, `document` or Web Storage (tests/node/fixtures/ssr-guard.mjs makes each a
// recorded getter that throws, installed with --import before the SDK loads). Afterwards, with
// those globals absent as in plain Node, a client can be built, the pure calls work, and the calls
// that need a page reject with an AuthError (`invalid_options`) instead of crashing.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";
import { fileURLToPath } from "node:url";

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const FIXTURES = join(ROOT, "tests", "node", "fixtures");
const WASM = join(ROOT, "pkg", "wasm_oauth_bg.wasm");

async function serverRender(entry) {
  const { stdout, stderr } = await run(
    process.execPath,
    ["--import", join(FIXTURES, "ssr-guard.mjs"), join(FIXTURES, "ssr-render.mjs"), entry, WASM],
    { cwd: ROOT, timeout: 20_000 },
  );
  return { result: JSON.parse(stdout.trim().split("\n").pop()), stderr };
}

const BROWSER_ONLY = ["loginWithRedirect", "loginWithImplicit", "loginWithPopup", "handleRedirectCallback"];

for (const [label, entry] of [
  ["pkg/index.js (browser entry, .wasm bytes passed in)", join(ROOT, "pkg", "index.js")],
  ["pkg/node.js (the \"node\" export condition, plain init())", join(ROOT, "pkg", "node.js")],
]) {
  test(`SSR: ${label}`, async (t) => {
    const { result, stderr } = await serverRender(entry);

    await t.test("import and init touch no window, document or storage", () => {
      assert.deepEqual(result.phases.import, [], "import");
      assert.deepEqual(result.phases.init, [], "init");
    });

    await t.test("a client can be built on the server; only `window` is probed, never document or storage", () => {
      assert.equal(result.constructed, true, JSON.stringify(result.constructed));
      const touched = [...result.phases.construct, ...result.phases.calls];
      const beyondWindow = touched.filter((t) => !t.startsWith("window "));
      assert.deepEqual(beyondWindow, [], "no document / localStorage / sessionStorage reads");
      assert.equal(stderr, "", "no console warnings on the server");
    });

    await t.test("pure calls work on the server", () => {
      assert.deepEqual(result.calls.isCallback, { resolved: true, value: false });
      assert.deepEqual(result.calls.isAuthenticated, { resolved: true, value: false });
      assert.deepEqual(result.calls.getTokens, { resolved: true, value: "undefined" });
      assert.deepEqual(result.calls.getIdTokenClaims, { resolved: true, value: "undefined" });
      assert.deepEqual(result.calls.buildAuthorizeUrl, { resolved: true, value: "string" });
      assert.deepEqual(result.calls.on, { resolved: true, value: "function" });
      assert.equal(result.calls.getAccessToken.code, "login_required");
    });

    for (const call of BROWSER_ONLY) {
      await t.test(`${call}() rejects with AuthError invalid_options and says it needs a browser`, () => {
        const outcome = result.calls[call];
        assert.equal(outcome.isAuthError, true, JSON.stringify(outcome));
        assert.equal(outcome.code, "invalid_options", `${call}: ${JSON.stringify(outcome)}`);
        assert.match(outcome.message, /browser|page|url/i);
      });
    }
  });
}
