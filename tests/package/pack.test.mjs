// The npm package as a consumer gets it: `npm pack` in pkg/, then the tarball's exact file list,
// its package.json fields, one version (Cargo.toml's), the licenses and README of the repository,
// a browser bundle that never pulls in the server build, and an install that imports in Node.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ROOT, PKG, installTarball, packTarball, tempDir } from "../node/tarball.mjs";

let work;
let files;
let tarball;
before(() => {
  work = tempDir("wasm-oauth-pack-");
  ({ tarball, files } = packTarball(work));
});
after(() => work && rmSync(work, { recursive: true, force: true }));

const manifest = () => JSON.parse(readFileSync(join(PKG, "package.json"), "utf8"));

function cargoPackage() {
  const metadata = execFileSync("cargo", ["metadata", "--no-deps", "--format-version", "1", "--offline"], {
    cwd: ROOT,
    encoding: "utf8",
    env: { ...process.env, PATH: `${process.env.HOME}/.cargo/bin:${process.env.PATH}` },
  });
  return JSON.parse(metadata).packages.find((p) => p.name === "wasm-oauth");
}

test("the tarball holds exactly the package's files", () => {
  const snippets = files.filter((f) => f.startsWith("snippets/"));
  assert.deepEqual(
    files.filter((f) => !f.startsWith("snippets/")).sort(),
    [
      "LICENSE-APACHE", "LICENSE-MIT", "README.md", "api.js", "auth-error.d.ts", "auth-error.js",
      "index.d.ts", "index.js", "node.d.ts", "node.js", "package.json", "react.d.ts", "react.js",
      "wasm_oauth.d.ts", "wasm_oauth.js", "wasm_oauth_bg.wasm", "wasm_oauth_server.js", "wasm_oauth_server_bg.wasm",
    ],
  );
  assert.deepEqual(
    snippets.map((f) => f.replace(/^snippets\/wasm-oauth-[0-9a-f]+\//, "")).sort(),
    ["src/browser/web.js", "src/face/auth-error.js"],
  );
  // The raw export list of the .wasm (minified names) is not something apps may import.
  assert.ok(!files.includes("wasm_oauth_bg.wasm.d.ts"));
});

test("package.json: where it comes from, what it needs, one version", () => {
  const m = manifest();
  const cargo = cargoPackage();
  assert.equal(m.name, "wasm-oauth");
  assert.equal(m.version, cargo.version, "the version is Cargo.toml's (set it there and here)");
  assert.equal(m.license, "MIT OR Apache-2.0");
  assert.equal(m.license, cargo.license);
  assert.equal(m.repository.type, "git");
  assert.equal(m.repository.url, `git+${cargo.repository}.git`);
  assert.equal(m.homepage, `${cargo.repository}#readme`);
  assert.equal(m.bugs.url, `${cargo.repository}/issues`);
  assert.deepEqual(m.engines, { node: ">=20.19" });
  assert.equal(m.type, "module");
  assert.equal(m.sideEffects, false);
  assert.equal(m.types, "./index.d.ts");
  assert.deepEqual(m.peerDependencies, { react: ">=18" });
  assert.deepEqual(m.peerDependenciesMeta, { react: { optional: true } });
  assert.equal(m.dependencies, undefined, "no runtime dependencies");
  assert.deepEqual(m.exports["./react"], { types: "./react.d.ts", default: "./react.js" });
  // Every file the exports name is in the tarball.
  const targets = JSON.stringify(m.exports).match(/"\.\/[^"]+"/g).map((s) => s.slice(3, -1)).filter((t) => t.includes("."));
  for (const target of targets) assert.ok(files.includes(target), `${target} (named in exports) is packed`);
});

test("the licenses and the README are the repository's own", () => {
  for (const file of ["LICENSE-MIT", "LICENSE-APACHE", "README.md"]) {
    assert.equal(readFileSync(join(PKG, file), "utf8"), readFileSync(join(ROOT, file), "utf8"), file);
  }
  assert.match(readFileSync(join(ROOT, "LICENSE-APACHE"), "utf8"), /Apache License\s+Version 2\.0/);
  assert.match(readFileSync(join(ROOT, "LICENSE-MIT"), "utf8"), /^Copyright .*\n\nPermission is hereby granted/);
});

test("a browser bundle of every browser entry never pulls in the server build", async () => {
  const esbuild = await import("esbuild");
  const app = join(work, "browser-app");
  installTarball(made(app), tarball);
  writeFileSync(join(app, "main.js"), 'import init from "wasm-oauth";\nimport { AuthProvider } from "wasm-oauth/react";\nconsole.log(init, AuthProvider);\n');
  const result = await esbuild.build({
    entryPoints: [join(app, "main.js")],
    bundle: true,
    format: "esm",
    platform: "browser",
    write: false,
    metafile: true,
    external: ["react"],
    logLevel: "silent",
  });
  const inputs = Object.keys(result.metafile.inputs);
  assert.ok(inputs.some((i) => i.endsWith("wasm-oauth/index.js")), inputs.join(", "));
  assert.ok(!inputs.some((i) => /wasm_oauth_server|node\.js$/.test(i)), `no server build: ${inputs.join(", ")}`);
  const text = Buffer.from(result.outputFiles[0].contents).toString();
  assert.ok(!text.includes("node:fs") && !text.includes("wasm_oauth_server"), "nothing of the server entry");

  // Asking a browser build for the server entry fails at build time instead of bundling it.
  writeFileSync(join(app, "server.js"), 'import init from "wasm-oauth/node";\nconsole.log(init);\n');
  await assert.rejects(
    esbuild.build({ entryPoints: [join(app, "server.js")], bundle: true, platform: "browser", write: false, logLevel: "silent" }),
    /wasm-oauth\/node/,
  );
});

/** `dir`, made if missing. */
function made(dir) {
  mkdirSync(dir, { recursive: true });
  return dir;
}

test("installed from the tarball, it imports and works in Node", () => {
  const app = join(work, "node-app");
  installTarball(made(app), tarball);
  writeFileSync(
    join(app, "check.mjs"),
    `
import init, { AuthClient, AuthError, createPkcePair, parseCallbackUrl } from "wasm-oauth";
await init();
await init(); // safe twice
const pair = createPkcePair();
const parsed = parseCallbackUrl("https://app.example/cb?code=abc&state=xyz");
let error;
try { new AuthClient({ redirectUri: "https://app.example/cb" }); } catch (e) { error = e; }
const client = new AuthClient({ clientId: "c", redirectUri: "https://app.example/cb", storage: "memory" });
const url = await client.buildAuthorizeUrl({ appState: { to: "/x" } });
console.log(JSON.stringify({
  verifierLength: pair.codeVerifier.length, method: pair.codeChallengeMethod,
  kind: parsed.kind, code: parsed.code,
  errorIsAuthError: error instanceof AuthError, errorIsError: error instanceof Error, errorCode: error?.code, option: error?.option,
  url, authenticated: client.isAuthenticated(),
}));
`,
  );
  const result = JSON.parse(execFileSync("node", ["check.mjs"], { cwd: app, encoding: "utf8" }));
  assert.equal(result.verifierLength, 43);
  assert.equal(result.method, "S256");
  assert.equal(result.kind, "code");
  assert.equal(result.code, "abc");
  assert.equal(result.errorIsAuthError, true);
  assert.equal(result.errorIsError, true);
  assert.equal(result.errorCode, "invalid_options");
  assert.equal(result.option, "clientId");
  assert.match(result.url, /^https:\/\/auth\.xeonr\.io\/auth\/authorize\?response_type=code&client_id=c&/);
  assert.match(result.url, /code_challenge_method=S256/);
  assert.equal(result.authenticated, false);
});
