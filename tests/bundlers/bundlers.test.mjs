// Issue 7, every bundler: the packed tarball installed into a tiny consumer app (tests/bundlers/app)
// that is built with Vite 7, webpack 5 and esbuild (no plugins), served unbundled through an
// import map, run by Vite's dev server, plus the React example (www/examples/react) bundled. Each
// is served on its own 127.0.0.1 port (builds under the demo's strict CSP), for which a public
// client is registered at the dev provider; loaded in headless Chromium, it signs in for real
// through the provider's login and consent pages.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { freePort, launchBrowser, openPage, signIn, startStack } from "../e2e/harness.mjs";
import { extraDemoClientId, publicDemoClient } from "../../www/dev/clients.mjs";
import { ROOT, installTarball, packTarball, tempDir } from "../node/tarball.mjs";
import { buildEsbuild, buildReact, buildVite, buildWebpack, filesUnder, preparePlain } from "./builds.mjs";
import { serveBuild } from "./serve.mjs";

const SCOPE = "openid profile email offline_access";

/** Builds `appDir` and serves the result on `port`: resolves with `{ url, close, buildMs }`. */
function built(build) {
  return async (appDir, { port, issuer, config }) => {
    const outDir = join(appDir, "dist");
    const started = performance.now();
    const { root, scriptHashes } = await build(appDir, outDir);
    const buildMs = Math.round(performance.now() - started);
    // The browser entry was bundled, never the Node one (it reads the .wasm from disk).
    if (root === outDir) {
      const files = filesUnder(outDir);
      assert.ok(files.some((f) => f.endsWith(".wasm")), `a .wasm in the output: ${files.join(", ")}`);
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
function viteDev({ exclude }) {
  return async (appDir, { port, config }) => {
    mkdirSync(join(appDir, "public"), { recursive: true });
    writeFileSync(join(appDir, "public", "config.json"), JSON.stringify(config));
    const { createServer: createViteServer } = await import("vite");
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
  { name: "vite", serve: built(buildVite) },
  { name: "webpack", serve: built(buildWebpack) },
  { name: "esbuild", serve: built(buildEsbuild) },
  { name: "plain", serve: built((appDir) => preparePlain(appDir)) },
  { name: "react", serve: built(buildReact) },
  { name: "vite-dev", serve: viteDev({ exclude: true }), note: "vite dev server, optimizeDeps.exclude: [\"wasm-oauth\"]" },
];

let work;
let consumer;
let stack;
let browser;
const ports = new Map();

before(async () => {
  work = tempDir("wasm-oauth-bundlers-");
  consumer = join(work, "consumer");
  mkdirSync(consumer);
  cpSync(join(ROOT, "tests", "bundlers", "app"), consumer, { recursive: true });
  const { tarball } = packTarball(work);
  installTarball(consumer, tarball, { manifest: { name: "consumer-app", private: true, type: "module" } });

  // A public client per build, on its own port: redirect URI http://127.0.0.1:<port>/ (and CORS
  // for that origin). EXTRA_DEMO_PORTS would also start a demo server on those ports, so the
  // clients are registered through EXTRA_CLIENTS_JSON with the same metadata instead.
  const clients = [];
  for (const { name } of VARIANTS) {
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
        // The hook's other actions: an access token, then log out.
        await page.click("#token");
        await page.waitForFunction(() => document.querySelector("#token-info")?.textContent?.startsWith("an access token"));
        await page.click("#logout");
        await page.waitForFunction(() => document.querySelector("#status")?.textContent === "signed out");
        assert.equal(await page.textContent("#sub"), "—");
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
