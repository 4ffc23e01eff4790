// The npm package as a consumer gets it: `npm pack` in pkg/, `npm install` of
// the tarball into an empty project, then import it from Node the way a
// server render or a test runner would.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, writeFileSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const root = new URL("../..", import.meta.url).pathname;
const pkgDir = join(root, "pkg");

test("pkg/ packs, installs from the tarball and imports in Node", () => {
  const manifest = JSON.parse(readFileSync(join(pkgDir, "package.json"), "utf8"));
  const cargoVersion = readFileSync(join(root, "Cargo.toml"), "utf8").match(/^version = "(.*)"/m)[1];
  assert.equal(manifest.name, "wasm-oauth");
  assert.equal(manifest.version, cargoVersion);
  assert.equal(manifest.type, "module");
  assert.equal(manifest.sideEffects, false);
  assert.equal(manifest.types, "./index.d.ts");
  assert.ok(manifest.exports["."]);

  const work = mkdtempSync(join(tmpdir(), "wasm-oauth-consumer-"));
  try {
    const packed = JSON.parse(
      execFileSync("npm", ["pack", "--json", "--pack-destination", work], { cwd: pkgDir, encoding: "utf8" }),
    );
    const files = packed[0].files.map((f) => f.path);
    for (const f of ["index.js", "index.d.ts", "wasm_oauth.js", "wasm_oauth_bg.wasm", "package.json"]) {
      assert.ok(files.includes(f), `${f} is in the tarball`);
    }
    assert.ok(files.some((f) => f.startsWith("snippets/") && f.endsWith("auth-error.js")));
    // The `server` feature: only the server build carries the secret-only grants.
    const JWT_BEARER = "urn:ietf:params:oauth:grant-type:jwt-bearer";
    assert.ok(!readFileSync(join(pkgDir, "wasm_oauth_bg.wasm")).includes(JWT_BEARER), "the browser .wasm has no jwt-bearer grant");
    assert.ok(readFileSync(join(pkgDir, "wasm_oauth_server_bg.wasm")).includes(JWT_BEARER), "the server .wasm has it");
    writeFileSync(join(work, "package.json"), JSON.stringify({ name: "consumer", private: true, type: "module" }));
    execFileSync("npm", ["install", "--no-audit", "--no-fund", "--offline", join(work, packed[0].filename)], {
      cwd: work,
      stdio: "pipe",
    });
    writeFileSync(
      join(work, "check.mjs"),
      `
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import init, { AuthClient, AuthError, createPkcePair, parseCallbackUrl } from "wasm-oauth";
const require = createRequire(import.meta.url);
// Node takes the "node" export condition: the server build, and its .wasm.
const wasmPath = require.resolve("wasm-oauth/wasm_oauth_server_bg.wasm");
await init({ module_or_path: readFileSync(wasmPath) });
await init({ module_or_path: readFileSync(wasmPath) }); // safe twice
const pair = createPkcePair();
const parsed = parseCallbackUrl("https://app.example/cb?code=abc&state=xyz");
let error;
try { new AuthClient({ redirectUri: "https://app.example/cb" }); } catch (e) { error = e; }
const client = new AuthClient({ clientId: "c", redirectUri: "https://app.example/cb", storage: "memory" });
const url = await client.buildAuthorizeUrl({ appState: { to: "/x" } });
console.log(JSON.stringify({
  verifierLength: pair.codeVerifier.length, method: pair.codeChallengeMethod,
  kind: parsed.kind, code: parsed.code,
  errorIsAuthError: error instanceof AuthError, errorIsError: error instanceof Error, errorCode: error && error.code,
  url, authenticated: client.isAuthenticated(),
}));
`,
    );
    const result = JSON.parse(execFileSync("node", ["check.mjs"], { cwd: work, encoding: "utf8" }));
    assert.equal(result.verifierLength, 43);
    assert.equal(result.method, "S256");
    assert.equal(result.kind, "code");
    assert.equal(result.code, "abc");
    assert.equal(result.errorIsAuthError, true);
    assert.equal(result.errorIsError, true);
    assert.equal(result.errorCode, "invalid_options");
    assert.match(result.url, /^https:\/\/auth\.xeonr\.io\/auth\/authorize\?response_type=code&client_id=c&/);
    assert.match(result.url, /code_challenge_method=S256/);
    assert.equal(result.authenticated, false);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
});
