// Issue 16: wasm-oauth/react in React 19 StrictMode (a development build: every effect runs
// twice), on Vite 8's dev server, in Chromium, against the dev provider. Two <AuthProvider>s with
// the same options and a remount: the SDK loads once, the callback is handled once (one code
// exchange at the provider, one onRedirectCallback), and both show the same signed-in user. Then
// the README's Quick start pasted into a useEffect: both effect runs get the same login, none fails
// with "the URL holds no authorization response".
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { freePort, launchBrowser, openPage, signIn, startStack } from "../e2e/harness.mjs";
import { APP_CLIENT_ID } from "../../www/dev/clients.mjs";
import { ROOT, packTarball, tempDir } from "../node/tarball.mjs";
import { readmeFiles } from "../package/readme.mjs";
import { prepareApp, startViteDev, writeEnv } from "./vite.mjs";

const README_CLIENT_ID = "550e8400-e29b-41d4-a716-446655440000";

let work;
let app;
let stack;
let browser;
let vite;

/**
 * The README's Quick start as a component whose effect runs it, as a newcomer pastes it, its one
 * client id swapped for the dev provider's client (and that provider named as the issuer).
 */
function quickStartComponent() {
  const quickStart = readmeFiles().get("main.ts");
  assert.ok(quickStart.includes(`clientId: "${README_CLIENT_ID}",`), "the Quick start's client id");
  const [imports, ...body] = quickStart.split("\n\n");
  const code = body.join("\n\n").replace(
    `clientId: "${README_CLIENT_ID}",`,
    `clientId: "${APP_CLIENT_ID}", issuer: "${stack.issuer}",`,
  );
  return `${imports}
import { useEffect } from "react";

declare global {
  interface Window { __runs: string[] }
}
window.__runs = [];

export function QuickStart() {
  useEffect(() => {
    window.__runs.push("started");
    (async () => {
${code}
    })().then(
      () => window.__runs.push("done"),
      (e) => window.__runs.push(\`failed: \${e?.code ?? ""} \${e?.message ?? e}\`),
    );
  }, []);
  return <button id="login">Log in</button>;
}
`;
}

before(async () => {
  work = tempDir("wasm-oauth-react-");
  const { tarball } = packTarball(work);
  app = prepareApp(join(ROOT, "tests", "react", "app"), tarball, "strict-mode-");
  const port = await freePort();
  const origin = `http://127.0.0.1:${port}`;
  stack = await startStack({ env: { APP_REDIRECT_URIS: `${origin}/` } });
  writeEnv(app, { VITE_OAUTH_ISSUER: stack.issuer, VITE_OAUTH_CLIENT_ID: APP_CLIENT_ID });
  writeFileSync(join(app, "src", "quickstart.tsx"), quickStartComponent());
  vite = await startViteDev(app, { host: "127.0.0.1", port, useConfigFile: false });
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await vite?.close();
  await stack?.stop();
  for (const dir of [work, app]) if (dir) rmSync(dir, { recursive: true, force: true });
});

const codeExchanges = async () => (await stack.stats()).token.authorization_code ?? 0;
const text = (page, selector) => page.locator(selector).textContent();

async function both(page, status) {
  await page.waitForFunction(
    (s) => [...document.querySelectorAll(".status")].map((e) => e.textContent).join() === `${s},${s}`,
    status,
    { timeout: 15_000 },
  ).catch(async (error) => {
    throw new Error(`expected both "${status}": ${await page.textContent("body")}\n${error.message}`);
  });
}

describe("two providers, StrictMode, a remount", () => {
  test("one SDK load, one code exchange, one onRedirectCallback; both signed in; then out", async (t) => {
    const { page, consoleMessages, pageErrors } = await openPage(browser, t);
    const wasmLoads = [];
    page.on("response", (r) => r.url().endsWith(".wasm") && wasmLoads.push(r.status()));
    await page.goto(vite.url);
    await both(page, "signed out");
    await stack.resetStats();

    await page.click("#a .login");
    await signIn(page, { login: "strict-mode" });
    await both(page, "signed in");
    assert.equal(await text(page, "#a .sub"), "urn:xeonr:user:strict-mode");
    assert.equal(await text(page, "#b .sub"), "urn:xeonr:user:strict-mode");
    assert.equal(await text(page, "#a .error"), "");
    assert.equal(await text(page, "#b .error"), "");
    assert.equal(await codeExchanges(), 1, "the code was exchanged once");
    assert.deepEqual(await page.evaluate(() => window.__redirects), ["a"], "one onRedirectCallback, the first provider's");
    assert.equal(new URL(page.url()).search, "", "the callback's code and state were scrubbed");
    assert.deepEqual(wasmLoads.filter((s) => s === 200).length, 2, "the .wasm loaded once per page (sign-out page, callback page)");

    await page.click("#remount");
    await both(page, "signed in");
    assert.equal(await codeExchanges(), 1, "a remount exchanges nothing");
    assert.deepEqual(await page.evaluate(() => window.__redirects), ["a"]);
    assert.equal((await stack.stats()).userinfo, 1, "userinfo fetched once for the session, not per provider or mount");

    await page.click("#b .logout");
    await both(page, "signed out");
    assert.equal(await text(page, "#a .error"), "");

    // (The provider's own pages log the web font this test blocks: only the app's count.)
    const errors = consoleMessages.filter((m) => m.type === "error" && m.url.startsWith(vite.url)).map((m) => m.text);
    assert.deepEqual(errors, [], "no console errors");
    assert.deepEqual(pageErrors.map(String), [], "no page errors");
  });
});

describe("the README's Quick start in a StrictMode effect", () => {
  test("both effect runs finish the one login; the second does not fail on the scrubbed URL", async (t) => {
    const { page, consoleMessages, pageErrors } = await openPage(browser, t);
    await page.goto(vite.url);
    await page.evaluate(() => {
      localStorage.setItem("fixture", "quickstart");
      sessionStorage.clear();
    });
    await page.reload();
    await page.waitForFunction(() => window.__runs?.filter((r) => r === "done").length === 2);
    await stack.resetStats();

    await page.click("#login");
    await signIn(page, { login: "quick-start" });
    await page.waitForFunction(() => window.__runs?.filter((r) => r !== "started").length === 2, null, { timeout: 15_000 });
    const runs = await page.evaluate(() => window.__runs);
    assert.deepEqual(runs.filter((r) => r !== "started"), ["done", "done"], JSON.stringify(runs));
    assert.equal(await codeExchanges(), 1, "one code exchange for both runs");
    const signedIn = consoleMessages.filter((m) => m.text === "signed in as Quick-start");
    assert.equal(signedIn.length, 2, "each run reached the signed-in part of the Quick start");
    const failures = consoleMessages.filter((m) => /login failed/.test(m.text));
    assert.deepEqual(failures.map((m) => m.text), []);
    assert.equal(new URL(page.url()).search, "", "the callback was scrubbed");
    assert.deepEqual(pageErrors.map(String), []);
  });
});
