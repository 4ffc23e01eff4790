// Issue 16, "done when": a fresh Vite + React + TypeScript app (create-vite's react-ts template,
// tests/react/template) installs the packed tarball, takes the README's React section word for
// word (src/main.tsx, src/App.tsx, .env.development.local, and the dev provider started with the
// README's APP_REDIRECT_URIS), type-checks under strict as its build does (`tsc -b`), builds,
// and, on Vite 8's dev server at localhost as `npm run dev` serves it, signs in, gets an access
// token and signs out in Chromium against the dev provider, under StrictMode.
//
// Only the ports differ from the README: 5173 (Vite's) and 3000 (the provider's) become free
// ones, so that the test runs beside anything else on the machine.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { freePort, launchBrowser, openPage, signIn, startStack } from "../e2e/harness.mjs";
import { ROOT, packTarball, tempDir } from "../node/tarball.mjs";
import { readmeFiles } from "../package/readme.mjs";
import { prepareApp, startViteDev } from "./vite.mjs";

const run = promisify(execFile);

let work;
let app;
let stack;
let browser;
let vite;
let port;

before(async () => {
  work = tempDir("wasm-oauth-readme-app-");
  const { tarball } = packTarball(work);
  app = prepareApp(join(ROOT, "tests", "react", "template"), tarball, "readme-app-");
  port = await freePort();
  const readme = readFileSync(join(ROOT, "README.md"), "utf8");
  const redirectUris = readme.match(/^APP_REDIRECT_URIS=(\S+) node www\/server\.mjs$/m)?.[1];
  assert.equal(redirectUris, "http://localhost:5173/", "the README's dev provider command");
  stack = await startStack({ env: { APP_REDIRECT_URIS: redirectUris.replace(":5173", `:${port}`) } });

  const files = readmeFiles();
  for (const file of ["src/main.tsx", "src/App.tsx", ".env.development.local"]) {
    assert.ok(files.has(file), `the README shows ${file}`);
  }
  mkdirSync(join(app, "src"));
  writeFileSync(join(app, "src/main.tsx"), files.get("src/main.tsx"));
  writeFileSync(join(app, "src/App.tsx"), files.get("src/App.tsx"));
  const env = files.get(".env.development.local");
  assert.match(env, /^VITE_OAUTH_ISSUER=http:\/\/127\.0\.0\.1:3000$/m);
  writeFileSync(join(app, ".env.development.local"), env.replace("127.0.0.1:3000", `127.0.0.1:${stack.providerPort}`));
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await vite?.close();
  await stack?.stop();
  for (const dir of [work, app]) if (dir) rmSync(dir, { recursive: true, force: true });
});

test("it type-checks under strict: tsc -b, as the template's `npm run build` does", async () => {
  try {
    await run(process.execPath, [join(ROOT, "node_modules", "typescript", "bin", "tsc"), "-b", "--pretty", "false"], { cwd: app });
  } catch (error) {
    assert.fail(`tsc -b:\n${error.stdout}${error.stderr}`);
  }
});

test("it builds with Vite 8 (vite build), the .wasm emitted", async () => {
  const { build } = await import("vite");
  const output = await build({ root: app, logLevel: "silent", build: { outDir: join(app, "dist") } });
  const names = output.output.map((o) => o.fileName);
  assert.ok(names.some((n) => n.endsWith(".wasm")), names.join(", "));
});

test("npm run dev: at localhost, under StrictMode, sign in, get a token, sign out", async (t) => {
  vite = await startViteDev(app, { host: "localhost", port });
  const { page, consoleMessages, pageErrors } = await openPage(browser, t, { hosts: ["127.0.0.1", "localhost"] });
  await page.goto(vite.url);
  await page.waitForSelector("#status", { timeout: 20_000 });
  assert.equal(await page.textContent("#status"), "signed out");
  await stack.resetStats();

  await page.click("#login");
  await signIn(page, { login: "readme" });
  await page.waitForFunction(() => document.querySelector("#status")?.textContent === "signed in", null, { timeout: 15_000 })
    .catch(async (error) => {
      throw new Error(`not signed in at ${page.url()}: ${await page.textContent("body")}\n${error.message}`);
    });
  assert.equal(new URL(page.url()).origin, new URL(vite.url).origin);
  assert.equal(await page.textContent("#sub"), "urn:xeonr:user:readme");
  assert.equal(await page.textContent("#name"), "Readme");
  assert.equal(await page.locator("#error").count(), 0, "no error shown");
  assert.equal((await stack.stats()).token.authorization_code, 1, "one code exchange under StrictMode");

  await page.click("#token");
  await page.waitForFunction(() => document.querySelector("#token-info")?.textContent?.startsWith("an access token of"));
  await page.click("#logout");
  await page.waitForFunction(() => document.querySelector("#status")?.textContent === "signed out");
  // The session is cleared first, so the page shows "signed out" while the revocations are sent.
  let revocations = 0;
  for (let waited = 0; waited < 5000 && revocations < 2; waited += 100) {
    revocations = (await stack.stats()).revocation;
    if (revocations < 2) await new Promise((r) => setTimeout(r, 100));
  }
  assert.equal(revocations, 2, "logout revoked the refresh and the access token");
  await page.reload();
  await page.waitForFunction(() => document.querySelector("#status")?.textContent === "signed out");

  const errors = consoleMessages.filter((m) => m.type === "error" && m.url.startsWith(vite.url)).map((m) => m.text);
  assert.deepEqual(errors, [], "no console errors in the app");
  assert.deepEqual(pageErrors.map(String), [], "no page errors");
});
