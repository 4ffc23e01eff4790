// Issue 4, server runtimes: the packed package installed into a Node project resolves to its
// "node" entry (pkg/node.js, written by scripts/package.mjs), where a plain `await init()` reads
// the .wasm from disk, and the server grants work through it against the dev provider.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { startStack } from "../e2e/harness.mjs";
import { PKG, installTarball, packTarball, tempDir } from "./tarball.mjs";

const run = promisify(execFile);
const CLIENT_ID = "0b7a4c1e-2d3f-4a5b-8c9d-0e1f2a3b4c5d";
const CLIENT_SECRET = "dev-secret-not-for-browsers";

let work;
let files;
let stack;

before(async () => {
  work = tempDir("wasm-oauth-node-entry-");
  const packed = packTarball(work);
  files = packed.files;
  installTarball(work, packed.tarball);
  stack = await startStack();
});
after(async () => {
  await stack?.stop();
  if (work) rmSync(work, { recursive: true, force: true });
});

/** Runs an ES module in the consumer project and parses the JSON line it prints. */
async function runInConsumer(name, source, env = {}) {
  writeFileSync(join(work, name), source);
  const { stdout } = await run(process.execPath, [name], { cwd: work, env: { ...process.env, ...env }, timeout: 20_000 });
  return JSON.parse(stdout.trim().split("\n").pop());
}

test("the manifest sends Node to node.js and everything else to index.js", () => {
  const manifest = JSON.parse(readFileSync(join(PKG, "package.json"), "utf8"));
  const root = manifest.exports["."];
  assert.deepEqual(Object.keys(root), ["node", "types", "default"], "node first, default last");
  assert.deepEqual(root.node, { types: "./node.d.ts", default: "./node.js" });
  assert.equal(root.default, "./index.js");
  assert.equal(root.types, "./index.d.ts");
  for (const f of ["node.js", "node.d.ts", "index.js", "wasm_oauth_bg.wasm", "wasm_oauth_server.js", "wasm_oauth_server_bg.wasm"]) {
    assert.ok(files.includes(f), `${f} is packed`);
  }
  // The server build is behind the "node" condition only: a browser bundle cannot pull it in.
  assert.deepEqual(manifest.exports["./wasm_oauth_server_bg.wasm"], { node: "./wasm_oauth_server_bg.wasm" });
  assert.deepEqual(manifest.exports["./node"], { node: { types: "./node.d.ts", default: "./node.js" } });
});

test("in Node a plain `await init()` loads the .wasm from disk and the server grants work", async () => {
  const result = await runInConsumer(
    "grant.mjs",
    `
import init, { AuthClient, AuthError, createPkcePair } from "wasm-oauth";
const entry = import.meta.resolve("wasm-oauth");
await init();
await init(); // safe twice
const options = { clientId: process.env.CLIENT_ID, clientSecret: process.env.CLIENT_SECRET,
  redirectUri: "https://server.invalid/cb", issuer: process.env.ISSUER, storage: "memory" };
const tokens = await new AuthClient(options).clientCredentials({ scope: "api:read" });
let error;
try { await new AuthClient({ ...options, clientSecret: "wrong" }).clientCredentials({ scope: "api:read" }); }
catch (e) { error = e; }
console.log(JSON.stringify({ entry, tokenType: tokens.tokenType, hasRefresh: "refreshToken" in tokens,
  pkce: createPkcePair().codeChallengeMethod, errorIsAuthError: error instanceof AuthError, code: error?.code }));
`,
    { CLIENT_ID, CLIENT_SECRET, ISSUER: stack.issuer },
  );
  assert.match(result.entry, /\/node_modules\/wasm-oauth\/node\.js$/);
  assert.equal(result.tokenType, "Bearer");
  assert.equal(result.hasRefresh, false);
  assert.equal(result.pkce, "S256");
  assert.equal(result.errorIsAuthError, true);
  assert.equal(result.code, "invalid_client");
});

test("initSync() without an argument works in Node; wasm-oauth/node is the same module", async () => {
  const result = await runInConsumer(
    "sync.mjs",
    `
import { initSync, parseCallbackUrl, AuthClient } from "wasm-oauth";
import * as node from "wasm-oauth/node";
const output = initSync();
const parsed = parseCallbackUrl("https://app.example/cb?code=c&state=s");
// initSync() hands back nothing: the module's raw exports are internal (minified names).
console.log(JSON.stringify({ output: output === undefined, kind: parsed.kind, same: node.AuthClient === AuthClient }));
`,
  );
  assert.deepEqual(result, { output: true, kind: "code", same: true });
});

test("the explicit bytes form still works through the node entry", async () => {
  const result = await runInConsumer(
    "bytes.mjs",
    `
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import init, { createPkcePair } from "wasm-oauth";
const bytes = readFileSync(createRequire(import.meta.url).resolve("wasm-oauth/wasm_oauth_server_bg.wasm"));
await init({ module_or_path: bytes });
console.log(JSON.stringify({ length: createPkcePair().codeVerifier.length }));
`,
  );
  assert.deepEqual(result, { length: 43 });
});
