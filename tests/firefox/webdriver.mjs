// A minimal W3C WebDriver client over `fetch`, for Debian's firefox-esr through geckodriver
// (`cargo install geckodriver`). Playwright cannot drive stock Firefox, so the Firefox e2e tests
// speak plain WebDriver. No npm dependency.
//
// startFirefox() spawns geckodriver on a free 127.0.0.1 port in its own process group, with a
// private temporary directory for HOME, TMPDIR and the Firefox profile, and opens one headless
// session. `close()` ends the session, then the whole process group (geckodriver and every
// Firefox process it started), then removes the directory.

import { execFileSync, spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { freePort } from "../e2e/harness.mjs";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";

const START_TIMEOUT_MS = 15_000;
const SESSION_TIMEOUT_MS = 30_000;
const POLL_MS = 50;
const ELEMENT = "element-6066-11e4-a52e-4f735466cecf"; // the W3C web element identifier key

/** Firefox prefs: nothing leaves the loopback interface (as the Chromium harness's route does). */
const PREFS = {
  // Every non-loopback request goes to a proxy that refuses at once; Firefox never proxies
  // localhost/127.0.0.1 (network.proxy.allow_hijacking_localhost stays false). The provider's
  // dev pages import a web font: it fails fast instead of hanging the page load.
  "network.proxy.type": 1,
  "network.proxy.http": "127.0.0.1",
  "network.proxy.http_port": 9,
  "network.proxy.ssl": "127.0.0.1",
  "network.proxy.ssl_port": 9,
  "network.proxy.share_proxy_settings": true,
  "network.proxy.no_proxies_on": "",
  "network.trr.mode": 5,
  "network.dns.disablePrefetch": true,
  "network.prefetch-next": false,
  "network.captive-portal-service.enabled": false,
  "network.connectivity-service.enabled": false,
  "browser.safebrowsing.malware.enabled": false,
  "browser.safebrowsing.phishing.enabled": false,
  "browser.safebrowsing.downloads.enabled": false,
  "datareporting.policy.dataSubmissionEnabled": false,
  "toolkit.telemetry.enabled": false,
  "app.update.enabled": false,
  "devtools.console.stdout.content": true,
  "extensions.update.enabled": false,
};

/** The first of `names` found on PATH (or as an absolute path), else undefined. */
export function findExecutable(...names) {
  for (const name of names) {
    if (!name) continue;
    if (name.includes("/")) {
      if (existsSync(name)) return name;
      continue;
    }
    for (const dir of (process.env.PATH ?? "").split(delimiter)) {
      const candidate = join(dir, name);
      if (dir && existsSync(candidate)) return candidate;
    }
  }
  return undefined;
}

const sleep = (ms) => new Promise((resolveSleep) => setTimeout(resolveSleep, ms));

/** Thrown for a WebDriver error response; `error` is the W3C error code ("no such element", ...). */
export class WebDriverError extends Error {
  constructor(method, path, status, value) {
    super(`${method} ${path}: HTTP ${status} ${value?.error ?? ""}: ${value?.message ?? JSON.stringify(value)}`);
    this.error = value?.error;
  }
}

async function call(base, method, path, body) {
  const response = await fetch(`${base}${path}`, {
    method,
    headers: body === undefined ? {} : { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(SESSION_TIMEOUT_MS),
  });
  const text = await response.text();
  let parsed;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new Error(`${method} ${path}: HTTP ${response.status}, not JSON: ${text.slice(0, 200)}`);
  }
  if (!response.ok) throw new WebDriverError(method, path, response.status, parsed.value);
  return parsed.value;
}

/** One WebDriver session: the handful of commands the tests need. */
export class Session {
  constructor(base, id, capabilities) {
    this.base = base;
    this.id = id;
    this.capabilities = capabilities;
  }

  cmd(method, path, body) {
    return call(this.base, method, `/session/${this.id}${path}`, body);
  }

  navigate(url) {
    return this.cmd("POST", "/url", { url });
  }

  url() {
    return this.cmd("GET", "/url");
  }

  title() {
    return this.cmd("GET", "/title");
  }

  /** Runs `script` (a function body; `arguments` holds `args`) in the page and returns its value. */
  execute(script, ...args) {
    return this.cmd("POST", "/execute/sync", { script, args });
  }

  /** The first element matching the CSS `selector`, or undefined. */
  async find(selector) {
    const found = await this.cmd("POST", "/elements", { using: "css selector", value: selector });
    return found.length ? found[0][ELEMENT] : undefined;
  }

  async mustFind(selector) {
    const element = await this.find(selector);
    if (!element) throw new Error(`no element matches ${selector} at ${await this.url()}`);
    return element;
  }

  async click(selector) {
    await this.cmd("POST", `/element/${await this.mustFind(selector)}/click`, {});
  }

  async fill(selector, text) {
    const element = await this.mustFind(selector);
    await this.cmd("POST", `/element/${element}/clear`, {});
    await this.cmd("POST", `/element/${element}/value`, { text });
  }

  async text(selector) {
    return this.cmd("GET", `/element/${await this.mustFind(selector)}/text`);
  }

  async isDisplayed(selector) {
    return this.cmd("GET", `/element/${await this.mustFind(selector)}/displayed`);
  }

  /**
   * Polls `probe` (async, returns a truthy value when done) until it returns truthy, and returns
   * that value; errors thrown while the page navigates count as "not yet". Throws after `timeout`
   * with `what` and the last error.
   */
  async waitFor(what, probe, { timeout = 15_000 } = {}) {
    const deadline = Date.now() + timeout;
    let lastError;
    for (;;) {
      try {
        const value = await probe();
        if (value) return value;
      } catch (error) {
        lastError = error;
      }
      if (Date.now() > deadline) {
        let where = "";
        try {
          where = ` (at ${await this.url()})`;
        } catch {}
        throw new Error(`timed out after ${timeout} ms waiting for ${what}${where}${lastError ? `: ${lastError.message}` : ""}`);
      }
      await sleep(POLL_MS);
    }
  }

  /** Waits until the page's URL satisfies `predicate(URL)` and its document has loaded. */
  waitForUrl(what, predicate, options) {
    return this.waitFor(what, async () => {
      const url = new URL(await this.url());
      if (!predicate(url)) return false;
      return (await this.execute("return document.readyState")) === "complete" && url;
    }, options);
  }

  /** Waits for an element matching `selector` to be present. */
  waitForSelector(selector, options) {
    return this.waitFor(selector, () => this.find(selector), options);
  }
}

/**
 * Spawns geckodriver and opens a headless Firefox session. Resolves with
 * `{ session, close, log }`; `close()` is safe to call twice and never throws.
 */
export async function startFirefox() {
  const geckodriver = findExecutable(process.env.GECKODRIVER, "geckodriver", join(process.env.HOME ?? "/root", ".cargo", "bin", "geckodriver"));
  const firefox = findExecutable(process.env.FIREFOX_BINARY, "firefox-esr", "firefox");
  if (!geckodriver) throw new Error("geckodriver not found (cargo install geckodriver; or set GECKODRIVER)");
  if (!firefox) throw new Error("firefox-esr not found (apt-get install firefox-esr; or set FIREFOX_BINARY)");

  const dir = mkdtempSync(join(tmpdir(), "wasm-oauth-firefox-"));
  const port = await freePort();
  const websocketPort = await freePort();
  const env = {
    ...process.env,
    HOME: dir,
    TMPDIR: dir,
    MOZ_HEADLESS: "1",
    MOZ_CRASHREPORTER_DISABLE: "1",
  };
  const child = spawn(geckodriver, [
    "--host", "127.0.0.1", "--port", String(port), "--websocket-port", String(websocketPort),
    "--binary", firefox, "--profile-root", dir,
  ], { env, detached: true, stdio: ["ignore", "pipe", "pipe"] });
  const output = [];
  child.stdout.setEncoding("utf8").on("data", (chunk) => output.push(chunk));
  child.stderr.setEncoding("utf8").on("data", (chunk) => output.push(chunk));
  const exited = new Promise((resolveExit) => child.once("exit", resolveExit));
  const log = () => output.join("");

  // geckodriver runs in its own process group (so that one signal reaches every Firefox process
  // too); if this process dies before close(), take the group down with it.
  const killNow = () => {
    try {
      process.kill(-child.pid, "SIGKILL");
    } catch {}
    rmSync(dir, { recursive: true, force: true });
  };
  const onSignal = (signal) => {
    killNow();
    forget();
    process.kill(process.pid, signal);
  };
  const forget = () => {
    process.off("exit", killNow);
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
  };
  process.once("exit", killNow);
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);

  let session;
  let closed = false;
  const close = async () => {
    if (closed) return;
    closed = true;
    if (session) {
      try {
        await call(session.base, "DELETE", `/session/${session.id}`);
      } catch {}
    }
    await killGroup(child, exited);
    rmSync(dir, { recursive: true, force: true });
    forget();
  };

  try {
    const base = `http://127.0.0.1:${port}`;
    const deadline = Date.now() + START_TIMEOUT_MS;
    for (;;) {
      if (child.exitCode !== null || child.signalCode !== null) throw new Error(`geckodriver exited:\n${log()}`);
      try {
        const status = await call(base, "GET", "/status");
        if (status?.ready !== undefined) break;
      } catch {}
      if (Date.now() > deadline) throw new Error(`geckodriver not ready after ${START_TIMEOUT_MS} ms:\n${log()}`);
      await sleep(POLL_MS);
    }
    const created = await call(base, "POST", "/session", {
      capabilities: {
        alwaysMatch: {
          browserName: "firefox",
          pageLoadStrategy: "normal",
          timeouts: { pageLoad: 20_000, script: 10_000, implicit: 0 },
          "moz:firefoxOptions": { binary: firefox, args: ["-headless"], prefs: PREFS },
        },
      },
    });
    session = new Session(base, created.sessionId, created.capabilities);
    return { session, close, log };
  } catch (error) {
    await close();
    error.message += `\ngeckodriver log:\n${log()}`;
    throw error;
  }
}

/** SIGTERM to geckodriver's process group (it and its Firefox), SIGKILL after 3 s. */
async function killGroup(child, exited) {
  const signalGroup = (signal) => {
    try {
      process.kill(-child.pid, signal);
    } catch {}
  };
  const groupAlive = () => {
    try {
      process.kill(-child.pid, 0);
      return true;
    } catch {
      return false;
    }
  };
  signalGroup("SIGTERM");
  await Promise.race([exited, sleep(3000)]);
  for (let i = 0; i < 60 && groupAlive(); i += 1) await sleep(50);
  if (groupAlive()) {
    signalGroup("SIGKILL");
    await Promise.race([exited, sleep(1000)]);
  }
}

/** `firefox-esr --version`, for test names and logs. */
export function firefoxVersion() {
  const firefox = findExecutable(process.env.FIREFOX_BINARY, "firefox-esr", "firefox");
  try {
    return firefox ? execFileSync(firefox, ["--version"], { encoding: "utf8" }).trim() : undefined;
  } catch {
    return undefined;
  }
}
