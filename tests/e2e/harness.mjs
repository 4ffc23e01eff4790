// End-to-end harness: a private instance of www/server.mjs (dev provider + demo), Debian's Chromium
// through playwright-core, and helpers to drive the provider's real login and consent pages.

import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { createServer } from "node:net";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { after, before } from "node:test";
import { chromium } from "playwright-core";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const READY = /^demo: (\S+)\s+provider: (\S+)$/;
const START_TIMEOUT_MS = 20_000;

export const CHROMIUM_ARGS = [
  "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic",
  "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
];

/** A TCP port that was free a moment ago on 127.0.0.1. */
export function freePort() {
  return new Promise((resolvePort, reject) => {
    const probe = createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const { port } = probe.address();
      probe.close(() => resolvePort(port));
    });
  });
}

/**
 * Starts `node www/server.mjs` on private ports (E2E_PROVIDER_PORT / E2E_DEMO_PORT, else free ones)
 * and resolves once it prints its ready line. Extra environment (EXTRA_DEMO_PORTS, ...) via `env`.
 */
export async function startStack({ env = {} } = {}) {
  if (!existsSync(join(ROOT, "pkg", "index.js"))) {
    throw new Error("pkg/index.js is missing: build the package first (bash scripts/build.sh)");
  }
  const providerPort = process.env.E2E_PROVIDER_PORT ?? String(await freePort());
  let demoPort = process.env.E2E_DEMO_PORT ?? String(await freePort());
  while (demoPort === providerPort) demoPort = String(await freePort());

  const child = spawn(process.execPath, [join(ROOT, "www", "server.mjs")], {
    cwd: ROOT,
    // EXIT_WITH_STDIN: the server ends when this process does, even when it is killed and
    // never runs `stop()` (the pipe to the server's stdin closes).
    env: { ...process.env, PROVIDER_PORT: providerPort, DEMO_PORT: demoPort, EXIT_WITH_STDIN: "1", ...env },
    stdio: ["pipe", "pipe", "pipe"],
  });
  const output = [];
  child.stderr.setEncoding("utf8").on("data", (chunk) => output.push(chunk));

  const { demoUrl, issuer } = await new Promise((resolveReady, reject) => {
    const timer = setTimeout(() => reject(new Error(`server not ready after ${START_TIMEOUT_MS} ms:\n${output.join("")}`)), START_TIMEOUT_MS);
    let buffered = "";
    child.stdout.setEncoding("utf8").on("data", (chunk) => {
      output.push(chunk);
      buffered += chunk;
      for (const line of buffered.split("\n")) {
        const ready = READY.exec(line.trim());
        if (ready) {
          clearTimeout(timer);
          resolveReady({ demoUrl: ready[1], issuer: ready[2] });
        }
      }
    });
    child.once("exit", (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`server exited (${code ?? signal}) before it was ready:\n${output.join("")}`));
    });
  });

  const devGet = async (path, init) => {
    const response = await fetch(`${issuer}${path}`, init);
    if (!response.ok) throw new Error(`${path}: HTTP ${response.status}`);
    return response.status === 204 ? undefined : response.json();
  };

  return {
    demoUrl,
    demoOrigin: new URL(demoUrl).origin,
    issuer,
    providerPort: Number(providerPort),
    demoPort: Number(demoPort),
    /** Everything the server printed so far (for failure messages). */
    output: () => output.join(""),
    /** The provider's request counters (www/dev/stats.mjs). */
    stats: () => devGet("/__dev/stats"),
    resetStats: () => devGet("/__dev/stats/reset", { method: "POST" }),
    /** A fresh service-account assertion; options: expires_in, aud, iss, sub. */
    serviceAssertion: async (options = {}) =>
      (await devGet(`/__dev/service-assertion?${new URLSearchParams(options)}`)).assertion,
    stop: () => stopChild(child),
  };
}

function stopChild(child) {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolveStopped) => {
    const force = setTimeout(() => child.kill("SIGKILL"), 3000);
    child.once("exit", () => {
      clearTimeout(force);
      resolveStopped();
    });
    child.kill("SIGTERM");
  });
}

/** Debian's Chromium, headless, with the flags this machine needs (TOOLCHAIN.md). */
export function launchBrowser() {
  return chromium.launch({ executablePath: "/usr/bin/chromium", args: CHROMIUM_ARGS });
}

/** This test file's dev stack and browser, set by `useStackAndBrowser()` (live bindings). */
export let stack;
export let browser;

/**
 * Starts the dev stack and a browser (`launch()`, default `launchBrowser`) before this file's
 * tests and stops both after them; read them as the imported `stack` and `browser`.
 */
export function useStackAndBrowser(launch = launchBrowser) {
  before(async () => {
    stack = await startStack();
    browser = await launch();
  });
  after(async () => {
    await browser?.close();
    await stack?.stop();
  });
}

/**
 * A page in a fresh browser context (closed after the test `t`), which records its console
 * messages and page errors. Requests that leave the loopback interface are aborted (the
 * provider's dev pages import a web font; nothing here may dial out); `hosts` are the host
 * names allowed (add "localhost" for an app served as Vite serves it by default).
 */
export async function openPage(browser, t, { hosts = ["127.0.0.1"] } = {}) {
  const context = await browser.newContext();
  t.after(() => context.close());
  await context.route("**/*", (route) => {
    const { hostname } = new URL(route.request().url());
    return hosts.includes(hostname) ? route.continue() : route.abort("blockedbyclient");
  });
  const page = await context.newPage();
  const consoleMessages = [];
  const pageErrors = [];
  page.on("console", (message) => consoleMessages.push({ type: message.type(), text: message.text(), url: page.url() }));
  page.on("pageerror", (error) => pageErrors.push(error));
  return { context, page, consoleMessages, pageErrors };
}

/** Opens the demo and waits until app.js has finished booting (or failed to). */
export async function openDemo(page, demoUrl) {
  await page.goto(demoUrl);
  await page.waitForSelector("html[data-ready]");
}

const onInteraction = (page) => new URL(page.url()).pathname.startsWith("/interaction/");

/**
 * Completes the provider's devInteractions pages: the login form (any login and password), then
 * the consent form, until the browser leaves the provider's interaction pages. Call it right after
 * something sent the page to the authorization endpoint.
 */
export async function signIn(page, { login, password = "any-password" } = {}) {
  if (!login) throw new Error("signIn needs a login");
  await page.waitForURL((url) => url.pathname.startsWith("/interaction/"), { waitUntil: "load" });
  for (let step = 0; step < 4 && onInteraction(page); step += 1) {
    const before = page.url();
    const submit = page.locator("form button[type=submit]").first();
    if (await page.locator('input[name="login"]').count()) {
      await page.fill('input[name="login"]', login);
      await page.fill('input[name="password"]', password);
    } else if (!(await page.locator('input[name="prompt"][value="consent"]').count())) {
      throw new Error(`unexpected provider page at ${before}: ${await page.title()}`);
    }
    await Promise.all([page.waitForURL((url) => url.href !== before, { waitUntil: "load" }), submit.click()]);
  }
  if (onInteraction(page)) throw new Error(`still on the provider after signing in: ${page.url()}`);
}

/** The `window.__auth.getTokens()` set of the page, or undefined. */
export function tokensOf(page) {
  return page.evaluate(() => window.__auth.getTokens() ?? undefined);
}

/** Every sessionStorage value of the page's current origin. */
export function sessionStorageValues(page) {
  return page.evaluate(() => Object.keys(sessionStorage).map((key) => sessionStorage.getItem(key)));
}

/**
 * The user's side of device sign-in: opens `verificationUriComplete` (the code pre-filled),
 * confirms the code, signs in and consents as `login` when asked, and waits for the provider's
 * success page.
 */
export async function approveDeviceSignIn(page, { verificationUriComplete, login }) {
  await page.goto(verificationUriComplete);
  const confirm = page.locator('button[autofocus][form="op.deviceConfirmForm"]');
  await confirm.waitFor();
  await Promise.all([page.waitForEvent("load"), confirm.click()]);
  if (onInteraction(page)) await signIn(page, { login });
  const title = await page.title();
  if (title !== "Sign-in Success") throw new Error(`device sign-in did not succeed: "${title}" at ${page.url()}`);
}

/**
 * The provider's end-session page asks "Do you want to sign-out?": answers yes and waits until
 * the browser has left the provider (for the post-logout redirect).
 */
export async function confirmProviderLogout(page, { issuer }) {
  await page.waitForURL((url) => url.origin === issuer && url.pathname.endsWith("/logout"), { waitUntil: "load" });
  await Promise.all([
    page.waitForURL((url) => url.origin !== issuer, { waitUntil: "load" }),
    page.click('button[name="logout"]'),
  ]);
}
