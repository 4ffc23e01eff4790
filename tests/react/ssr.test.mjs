// Issue 16: wasm-oauth/react in a server render. Importing it and rendering <AuthProvider> with
// react-dom/server touches no window, document or Web Storage (each a throwing getter, as in
// tests/node/ssr.test.mjs), loads no .wasm, and renders the loading state; useAuth() outside a
// provider throws AuthError not_initialized, saying what to wrap the app in.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";
import { PKG, ROOT } from "../node/tarball.mjs";

const run = promisify(execFile);

test("server render: the loading state, nothing of the browser touched; useAuth() outside a provider explains", async () => {
  const script = `
    import { createElement as h } from "react";
    import { renderToString } from "react-dom/server";
    const { AuthProvider, useAuth } = await import(${JSON.stringify(join(PKG, "react.js"))});
    const { AuthError } = await import(${JSON.stringify(join(PKG, "index.js"))});
    function Status() {
      const { isLoading, isAuthenticated, user, error } = useAuth();
      return h("p", null, isLoading ? "loading" : isAuthenticated ? "in" : "out", user?.sub ?? "", error?.code ?? "");
    }
    const html = renderToString(h(AuthProvider, { options: { clientId: "c", redirectUri: "https://app.example/" } }, h(Status)));
    let outside;
    try { renderToString(h(Status)); } catch (e) { outside = { isAuthError: e instanceof AuthError, code: e.code, message: e.message }; }
    console.log(JSON.stringify({ html, outside, touches: globalThis.__ssrGuard.touches.map((t) => t.name) }));`;
  const { stdout } = await run(
    process.execPath,
    ["--import", join(ROOT, "tests", "node", "fixtures", "ssr-guard.mjs"), "--input-type=module", "-e", script],
    { cwd: ROOT, timeout: 20_000 },
  );
  const result = JSON.parse(stdout.trim().split("\n").pop());
  assert.equal(result.html, "<p>loading</p>");
  assert.deepEqual(result.touches, [], "no window, document or storage read");
  assert.equal(result.outside?.isAuthError, true, JSON.stringify(result.outside));
  assert.equal(result.outside.code, "not_initialized");
  assert.match(result.outside.message, /outside <AuthProvider>/);
});
