// Every bundler: the packed tarball installed into a tiny consumer app (tests/bundlers/app) that
// is built with Vite 8 and Vite 7, webpack 5 and esbuild (no plugins), served unbundled through an
// import map, run by Vite 8's dev server (nothing configured) and Vite 7's (optimizeDeps.exclude),
// plus the React example (www/examples/react) built by Vite 8. Each is served on its own 127.0.0.1
// port (builds under the demo's strict CSP), for which a public client is registered at the dev
// provider; loaded in headless Chromium, it signs in for real through the provider's login and
// consent pages. Then each bundler note of the README left out: init() must say which.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { freePort, launchBrowser, openPage, signIn, startStack } from "../e2e/harness.mjs";
import { extraDemoClientId, publicDemoClient } from "../../www/dev/clients.mjs";
import { ROOT, appDir, installTarball, packTarball } from "../node/tarball.mjs";
import { buildEsbuild, buildReact, buildVite, buildWebpack, filesUnder, preparePlain } from "./builds.mjs";
import { serveBuild } from "./serve.mjs";

const SCOPE = "openid profile email offline_access";

/** Builds `appDir` and serves the result on `port`: resolves with `{ url, close, buildMs }`. */
function built(build, { expectWasm = true } = {}) {
  return async (appDir, { port, issuer, config }) => {
    const outDir = join(appDir, "dist");
    const started = performance.now();
    const { root, scriptHashes } = await build(appDir, outDir, { config });
    const buildMs = Math.round(performance.now() - started);
    // The browser entry was bundled, never the Node one (it reads the .wasm from disk).
    if (root === outDir) {
      const files = filesUnder(outDir);
      assert.equal(files.some((f) => f.endsWith(".wasm")), expectWasm, `a .wasm in the output: ${files.join(", ")}`);
      for (const js of files.filter((f) => f.endsWith(".js"))) {
        assert.ok(!readFileSync(join(outDir, js), "utf8").includes("node:fs"), `${js} does not import node:fs`);
      }
    }
    const server = await serveBuild({ root, port, issuer, scriptHashes, config });
    return { ...server, buildMs };
  };
}

/**
 * The Vite dev server (what `vite` runs), /config.json from public/. Its dependency pre-bundling
 * moves the glue to node_modules/.vite/deps/, where `new URL("wasm_oauth_bg.wasm", import.meta.url)`
 * finds no .wasm, unless the package is excluded from it (`optimizeDeps.exclude`).
 */
function viteDev({ exclude, vite = "vite" }) {
  return async (appDir, { port, config }) => {
    mkdirSync(join(appDir, "public"), { recursive: true });
    writeFileSync(join(appDir, "public", "config.json"), JSON.stringify(config));
    const { createServer: createViteServer } = await import(vite);
    const started = performance.now();
    const server = await createViteServer({
      root: appDir,
      configFile: false,
      logLevel: "silent",
      server: { host: "127.0.0.1", port, strictPort: true },
      optimizeDeps: exclude ? { exclude: ["wasm-oauth"] } : {},
    });
    await server.listen();
    return { url: `http://127.0.0.1:${port}/`, close: () => server.close(), buildMs: Math.round(performance.now() - started) };
  };
}

const VARIANTS = [
  { name: "vite", serve: built(buildVite), note: "Vite 8 build" },
  { name: "vite7", serve: built((dir, out) => buildVite(dir, out, { vite: "vite7" })), note: "Vite 7 build" },
  { name: "webpack", serve: built(buildWebpack) },
  { name: "esbuild", serve: built(buildEsbuild), note: "esbuild, the .wasm copied beside the bundle" },
  { name: "plain", serve: built((dir) => preparePlain(dir)), note: "no bundler, an import map" },
  { name: "react", serve: built(buildReact), note: "www/examples/react, Vite 8 build" },
  { name: "vite-dev", serve: viteDev({ exclude: false }), note: "Vite 8 dev server, nothing configured" },
  { name: "vite7-dev", serve: viteDev({ exclude: true, vite: "vite7" }), note: "Vite 7 dev server, optimizeDeps.exclude: [\"wasm-oauth\"]" },
];

// The README's bundler notes, each left out: init() rejects with wasm_load_failed naming it.
const MISSED_NOTES = [
  {
    name: "vite7-dev-no-exclude",
    serve: viteDev({ exclude: false, vite: "vite7" }),
    note: "Vite 7 dev server without optimizeDeps.exclude",
    says: /^wasm_load_failed: init\(\): .*answered HTTP 200 text\/html.*optimizeDeps: \{ exclude: \["wasm-oauth"\] \}/,
  },
  {
    name: "esbuild-no-copy",
    serve: built((dir, out) => buildEsbuild(dir, out, { copyWasm: false }), { expectWasm: false }),
    note: "esbuild without the copied .wasm",
    says: /^wasm_load_failed: init\(\): .*wasm_oauth_bg\.wasm answered HTTP 404 .*esbuild: copy wasm_oauth_bg\.wasm beside the bundle/,
  },
];

let work;
let consumer;
let stack;
let browser;
const ports = new Map();

before(async () => {
  // Inside the repository: the React example takes react and @vitejs/plugin-react from its
  // pinned node_modules.
  work = appDir("bundlers-");
  consumer = join(work, "consumer");
  mkdirSync(consumer);
  cpSync(join(ROOT, "tests", "bundlers", "app"), consumer, { recursive: true });
  const { tarball } = packTarball(work);
  installTarball(consumer, tarball, { manifest: { name: "consumer-app", private: true, type: "module" } });

  // A public client per build, on its own port: redirect URI http://127.0.0.1:<port>/ (and CORS
  // for that origin). EXTRA_DEMO_PORTS would also start a demo server on those ports, so the
  // clients are registered through EXTRA_CLIENTS_JSON with the same metadata instead.
  const clients = [];
  for (const { name } of [...VARIANTS, ...MISSED_NOTES]) {
    let port = await freePort();
    while ([...ports.values()].includes(port)) port = await freePort();
    ports.set(name, port);
    clients.push(publicDemoClient(extraDemoClientId(port), `http://127.0.0.1:${port}`));
  }
  stack = await startStack({ env: { EXTRA_CLIENTS_JSON: JSON.stringify(clients) } });
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await stack?.stop();
  if (work) rmSync(work, { recursive: true, force: true });
});

describe("consumer app", () => {
  for (const { name, serve, note } of VARIANTS) {
    test(`${name}: ${note ?? "builds"}, loads the .wasm and completes a login`, async (t) => {
      const appDir = join(work, name);
      cpSync(consumer, appDir, { recursive: true });
      const port = ports.get(name);
      const origin = `http://127.0.0.1:${port}`;
      const config = { issuer: stack.issuer, clientId: extraDemoClientId(port), redirectUri: `${origin}/`, scope: SCOPE };
      const server = await serve(appDir, { port, issuer: stack.issuer, config });
      t.after(() => server.close());

      const { page, consoleMessages, pageErrors } = await openPage(browser, t);
      const wasmResponses = [];
      page.on("response", (response) => {
        if (new URL(response.url()).pathname.endsWith(".wasm")) {
          wasmResponses.push({ url: response.url(), status: response.status(), type: response.headers()["content-type"] });
        }
      });

      const login = `bundler-${name}`;
      await page.goto(server.url);
      await page.waitForFunction(
        () => document.documentElement.dataset.ready === "failed"
          || ["signed out", "signed in"].includes(document.querySelector("#status")?.textContent ?? ""),
        null,
        { timeout: 15_000 },
      );
      const booted = await page.evaluate(() => document.documentElement.dataset.ready !== "failed");
      assert.ok(booted, `${name}: the app did not boot: ${await page.textContent("body")}\n${pageErrors.join("\n")}`);
      assert.equal(await page.textContent("#status"), "signed out");
      assert.ok(
        wasmResponses.some((r) => r.status === 200 && r.type === "application/wasm"),
        `${name} fetched its .wasm as application/wasm: ${JSON.stringify(wasmResponses)}`,
      );

      await page.click("#login");
      await signIn(page, { login });
      await page.waitForFunction(() => document.querySelector("#status")?.textContent === "signed in", null, { timeout: 15_000 })
        .catch(async (error) => {
          const shown = await page.textContent("body");
          throw new Error(`${name}: not signed in after the provider (${page.url()}): ${shown}\n${error.message}`);
        });
      await page.waitForFunction(() => document.querySelector("#sub")?.textContent !== "—");
      assert.equal(await page.textContent("#sub"), `urn:xeonr:user:${login}`);
      const shownError = (await page.locator("#error").count()) ? await page.textContent("#error") : "";
      assert.equal(shownError, "", `${name}: the app shows no error`);

      const address = new URL(page.url());
      assert.equal(address.origin, origin);
      assert.equal(address.searchParams.has("code"), false, "the code was scrubbed from the address bar");
      assert.equal(address.searchParams.has("state"), false, "the state was scrubbed from the address bar");

      if (name === "react") {
        // useAuth()'s other actions: an access token, then log out.
        await page.click("#token");
        await page.waitForFunction(() => document.querySelector("#token-info")?.textContent?.startsWith("an access token"));
        await page.click("#logout");
        await page.waitForFunction(() => document.querySelector("#status")?.textContent === "signed out");
        assert.equal(await page.locator("#sub").count(), 0, "no user shown");
        await page.reload();
        await page.waitForFunction(() => document.querySelector("#status")?.textContent === "signed out");
      }

      const errors = consoleMessages.filter((m) => m.type === "error" && m.url.startsWith(origin)).map((m) => m.text);
      assert.deepEqual(errors, [], `${name}: console errors (CSP, 404s...)`);
      assert.deepEqual(pageErrors.map(String), [], `${name}: page errors`);
      t.diagnostic(`${name}: build or dev-server start ${server.buildMs} ms`);
    });
  }
});

describe("a bundler note left out", () => {
  for (const { name, serve, note, says } of MISSED_NOTES) {
    test(`${note}: init() rejects with wasm_load_failed naming the note`, async (t) => {
      const appDir = join(work, name);
      cpSync(consumer, appDir, { recursive: true });
      const port = ports.get(name);
      const config = { issuer: stack.issuer, clientId: extraDemoClientId(port), redirectUri: `http://127.0.0.1:${port}/`, scope: SCOPE };
      const server = await serve(appDir, { port, issuer: stack.issuer, config });
      t.after(() => server.close());
      const { page, pageErrors } = await openPage(browser, t);
      await page.goto(server.url);
      await page.waitForFunction(() => document.documentElement.dataset.ready, null, { timeout: 15_000 });
      assert.equal(await page.evaluate(() => document.documentElement.dataset.ready), "failed", "the app did not boot");
      assert.match(await page.textContent("#error"), says);
      assert.deepEqual(pageErrors.map(String), [], "the failure is the AuthError the app caught, nothing uncaught");
    });
  }
});
