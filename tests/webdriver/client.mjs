// A minimal W3C WebDriver client over `fetch`, for the browsers Playwright cannot drive here:
// Debian's firefox-esr through geckodriver (`cargo install geckodriver`) and WebKitGTK's MiniBrowser
// through WebKitWebDriver (Debian's webkit2gtk-driver). No npm dependency.
//
// startFirefox() and startWebKit() spawn the driver on a free 127.0.0.1 port in its own process
// group, with a private temporary directory for HOME, TMPDIR and the browser's profile, and open
// one session. WebKitGTK has no headless mode: startWebKit() first starts a private Xvfb (which
// picks a free display itself, so parallel runs never collide). `close()` ends the session, then
// every process group it started (the driver and each browser process, then Xvfb), then removes
// the directory.

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
const FIREFOX_PREFS = {
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
  // geckodriver turns Firefox's popup blocker off; a user's Firefox has it on.
  "dom.disable_open_during_load": true,
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

  /**
   * Runs `script` (a function body; `arguments` holds `args`) in the page and returns its value;
   * a returned promise is awaited (W3C Execute Script).
   */
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

  /**
   * Types `text` into the field `selector` (cleared first) as keystrokes, once the page's own
   * autofocus has run (see waitForAutofocus), and checks that the field holds exactly `text`.
   */
  async fill(selector, text) {
    await this.waitForAutofocus();
    const element = await this.mustFind(selector);
    await this.cmd("POST", `/element/${element}/clear`, {});
    await this.cmd("POST", `/element/${element}/value`, { text });
    const value = await this.cmd("GET", `/element/${element}/property/value`);
    if (value !== text) throw new Error(`${selector} holds ${JSON.stringify(value)} after typing ${JSON.stringify(text)}`);
  }

  /**
   * Waits until the page's `autofocus` element (if it has one) has taken the focus. Keystrokes go
   * to the focused element; WebKit runs autofocus at a rendering update, which in a window that is
   * not the active one (a popup under Xvfb, which has no window manager) can come after the load
   * event, and would move the caret into another field in the middle of typing.
   */
  waitForAutofocus(options) {
    return this.waitFor("the page's autofocus", () => this.execute(
      // Once seen, the page is marked, so that later fields of the same page need not wait.
      `if (window.__autofocusSeen) return true;
       const wanted = document.querySelector("[autofocus]");
       return (window.__autofocusSeen = !wanted || wanted.disabled || document.activeElement === wanted);`,
    ), options);
  }

  async text(selector) {
    return this.cmd("GET", `/element/${await this.mustFind(selector)}/text`);
  }

  /** The attribute `name` of the first element matching `selector` (null when absent). */
  async attribute(selector, name) {
    return this.cmd("GET", `/element/${await this.mustFind(selector)}/attribute/${encodeURIComponent(name)}`);
  }

  async isDisplayed(selector) {
    return this.cmd("GET", `/element/${await this.mustFind(selector)}/displayed`);
  }

  /** The handle of the current top-level browsing context (window or tab). */
  windowHandle() {
    return this.cmd("GET", "/window");
  }

  /** The handles of every open top-level browsing context. */
  windowHandles() {
    return this.cmd("GET", "/window/handles");
  }

  /** Makes `handle` the window that later commands act on. */
  switchToWindow(handle) {
    return this.cmd("POST", "/window", { handle });
  }

  /** Opens a new top-level window (about:blank), switches to it and returns its handle. */
  async newWindow(type = "window") {
    const { handle } = await this.cmd("POST", "/window/new", { type });
    await this.switchToWindow(handle);
    return handle;
  }

  /** Closes the current window; later commands need a switchToWindow() first. */
  closeWindow() {
    return this.cmd("DELETE", "/window");
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

  /** Waits until a new window (a handle not in `known`) opens, and returns its handle. */
  waitForNewWindow(known, options) {
    return this.waitFor("a new window", async () => (await this.windowHandles()).find((h) => !known.includes(h)), options);
  }

  /** Waits until the window `handle` is gone (closed by its page or by the browser). */
  waitForWindowClosed(handle, options) {
    return this.waitFor(`window ${handle} to close`, async () => !(await this.windowHandles()).includes(handle), options);
  }
}

/**
 * Spawns `command args` in its own process group (so that one signal reaches every process it
 * starts) with its output collected. `log()` answers that output so far.
 */
function spawnGroup(command, args, { env, stdio = ["ignore", "pipe", "pipe"] }) {
  const child = spawn(command, args, { env, detached: true, stdio });
  const output = [];
  child.stdout?.setEncoding("utf8").on("data", (chunk) => output.push(chunk));
  child.stderr?.setEncoding("utf8").on("data", (chunk) => output.push(chunk));
  const exited = new Promise((resolveExit) => child.once("exit", resolveExit));
  return { child, exited, log: () => output.join(""), running: () => child.exitCode === null && child.signalCode === null };
}

/**
 * Starts Xvfb on a display it picks itself (`-displayfd`: no race with other X servers started
 * at the same moment) and resolves with `{ group, display }` once it accepts clients.
 */
async function startXvfb(env) {
  const xvfb = findExecutable(process.env.XVFB, "Xvfb");
  if (!xvfb) throw new Error("Xvfb not found (apt-get install xvfb; or set XVFB)");
  // fd 3: Xvfb writes the display number there once it is ready for clients.
  const group = spawnGroup(xvfb, ["-displayfd", "3", "-screen", "0", "1280x1024x24", "-nolisten", "tcp"], {
    env,
    stdio: ["ignore", "pipe", "pipe", "pipe"],
  });
  try {
    const display = await new Promise((resolveDisplay, reject) => {
      let written = "";
      const timer = setTimeout(() => reject(new Error(`Xvfb gave no display after ${START_TIMEOUT_MS} ms:\n${group.log()}`)), START_TIMEOUT_MS);
      group.child.stdio[3].setEncoding("utf8").on("data", (chunk) => {
        written += chunk;
        if (written.includes("\n")) {
          clearTimeout(timer);
          resolveDisplay(`:${written.trim()}`);
        }
      });
      group.child.once("exit", (code, signal) => {
        clearTimeout(timer);
        reject(new Error(`Xvfb exited (${code ?? signal}):\n${group.log()}`));
      });
    });
    return { group, display };
  } catch (error) {
    await killGroup(group);
    throw error;
  }
}

/**
 * Starts a WebDriver server and opens one session: `launch(dir)` prepares the run in the private
 * directory `dir` and resolves with `{ groups, driver, driverArgs(port), env, capabilities }`
 * (`groups`: helper process groups it already started, such as Xvfb). Resolves with
 * `{ session, close, log }`; `close()` is safe to call twice and never throws.
 */
async function startDriver(name, launch) {
  const dir = mkdtempSync(join(tmpdir(), `wasm-oauth-${name}-`));
  const groups = [];

  // If this process dies before close(), take every process group down with it.
  const killNow = () => {
    for (const { child } of groups) {
      try {
        process.kill(-child.pid, "SIGKILL");
      } catch {}
    }
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
  const log = () => groups.map((group) => group.log()).join("");
  const close = async () => {
    if (closed) return;
    closed = true;
    if (session) {
      try {
        await call(session.base, "DELETE", `/session/${session.id}`);
      } catch {}
    }
    // The driver (and its browser) first, then what it needed (Xvfb).
    for (const group of [...groups].reverse()) await killGroup(group);
    rmSync(dir, { recursive: true, force: true });
    forget();
  };

  try {
    const { driver, driverArgs, env, capabilities } = await launch(dir, groups);
    const port = await freePort();
    const driverGroup = spawnGroup(driver, driverArgs(port), { env });
    groups.push(driverGroup);
    const base = `http://127.0.0.1:${port}`;
    const deadline = Date.now() + START_TIMEOUT_MS;
    for (;;) {
      if (!driverGroup.running()) throw new Error(`${name} driver exited`);
      try {
        const status = await call(base, "GET", "/status");
        if (status?.ready !== undefined) break;
      } catch {}
      if (Date.now() > deadline) throw new Error(`${name} driver not ready after ${START_TIMEOUT_MS} ms`);
      await sleep(POLL_MS);
    }
    const created = await call(base, "POST", "/session", { capabilities: { alwaysMatch: capabilities } });
    session = new Session(base, created.sessionId, created.capabilities);
    return { session, close, log };
  } catch (error) {
    const output = log();
    await close();
    error.message += `\n${name} driver log:\n${output}`;
    throw error;
  }
}

/** The session capabilities both browsers get: W3C timeouts and the default page load strategy. */
const COMMON_CAPABILITIES = {
  pageLoadStrategy: "normal",
  timeouts: { pageLoad: 20_000, script: 10_000, implicit: 0 },
};

/**
 * Spawns geckodriver and opens a headless Firefox session. Resolves with
 * `{ session, close, log }`; `close()` is safe to call twice and never throws.
 */
export function startFirefox() {
  const geckodriver = findExecutable(process.env.GECKODRIVER, "geckodriver", join(process.env.HOME ?? "/root", ".cargo", "bin", "geckodriver"));
  const firefox = findExecutable(process.env.FIREFOX_BINARY, "firefox-esr", "firefox");
  if (!geckodriver) throw new Error("geckodriver not found (cargo install geckodriver; or set GECKODRIVER)");
  if (!firefox) throw new Error("firefox-esr not found (apt-get install firefox-esr; or set FIREFOX_BINARY)");
  return startDriver("firefox", async (dir) => {
    const websocketPort = await freePort();
    return {
      driver: geckodriver,
      driverArgs: (port) => [
        "--host", "127.0.0.1", "--port", String(port), "--websocket-port", String(websocketPort),
        "--binary", firefox, "--profile-root", dir,
      ],
      env: { ...process.env, HOME: dir, TMPDIR: dir, MOZ_HEADLESS: "1", MOZ_CRASHREPORTER_DISABLE: "1" },
      capabilities: {
        ...COMMON_CAPABILITIES,
        browserName: "firefox",
        "moz:firefoxOptions": { binary: firefox, args: ["-headless"], prefs: FIREFOX_PREFS },
      },
    };
  });
}

/** WebKitGTK's MiniBrowser, which WebKitWebDriver starts by default (webkit2gtk 4.1, then 4.0). */
export function findMiniBrowser() {
  return findExecutable(
    process.env.WEBKIT_BROWSER,
    "/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser",
    "/usr/lib/aarch64-linux-gnu/webkit2gtk-4.1/MiniBrowser",
    "/usr/lib/x86_64-linux-gnu/webkit2gtk-4.0/MiniBrowser",
    "/usr/lib/aarch64-linux-gnu/webkit2gtk-4.0/MiniBrowser",
  );
}

/**
 * The MiniBrowser arguments: automation mode, Intelligent Tracking Prevention on (Safari's default;
 * MiniBrowser's is off) with third-party cookies refused (MiniBrowser's default, and Safari's), and
 * every non-loopback request sent to a proxy that refuses at once (the provider's dev pages import
 * a web font: it fails fast, and nothing here may dial out).
 */
export const WEBKIT_ARGS = [
  "--automation", "--enable-itp", "--cookies-policy=no-third-party",
  "--proxy=http://127.0.0.1:9", "--ignore-host=127.0.0.1", "--ignore-host=localhost", "--ignore-host=::1",
];

/**
 * Spawns Xvfb and WebKitWebDriver and opens a MiniBrowser session (WebKitGTK, Safari's engine).
 * Resolves with `{ session, close, log }`; `close()` is safe to call twice and never throws.
 */
export function startWebKit() {
  const driver = findExecutable(process.env.WEBKIT_WEBDRIVER, "WebKitWebDriver");
  const browser = findMiniBrowser();
  if (!driver) throw new Error("WebKitWebDriver not found (apt-get install webkit2gtk-driver; or set WEBKIT_WEBDRIVER)");
  if (!browser) throw new Error("MiniBrowser not found (apt-get install webkit2gtk-driver; or set WEBKIT_BROWSER)");
  return startDriver("webkit", async (dir, groups) => {
    const env = {
      ...process.env,
      HOME: dir,
      TMPDIR: dir,
      XDG_CACHE_HOME: join(dir, "cache"),
      XDG_CONFIG_HOME: join(dir, "config"),
      XDG_DATA_HOME: join(dir, "data"),
      XDG_RUNTIME_DIR: dir,
      NO_AT_BRIDGE: "1", // no accessibility bus to look for
    };
    delete env.DBUS_SESSION_BUS_ADDRESS;
    const xvfb = await startXvfb(env);
    groups.push(xvfb.group);
    return {
      driver,
      driverArgs: (port) => ["--host=127.0.0.1", `--port=${port}`],
      env: { ...env, DISPLAY: xvfb.display },
      capabilities: {
        ...COMMON_CAPABILITIES,
        "webkitgtk:browserOptions": { binary: browser, args: WEBKIT_ARGS },
      },
    };
  });
}

/** SIGTERM to a process group, SIGKILL after 3 s. */
async function killGroup({ child, exited }) {
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

function versionOf(binary, args) {
  try {
    return binary ? execFileSync(binary, args, { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim() : undefined;
  } catch {
    return undefined;
  }
}

/** `firefox-esr --version`, for test names and logs. */
export function firefoxVersion() {
  return versionOf(findExecutable(process.env.FIREFOX_BINARY, "firefox-esr", "firefox"), ["--version"]);
}

/**
 * "WebKitGTK 2.50.6", for test names and logs: the Debian package of MiniBrowser's library
 * (MiniBrowser itself needs a display even for --version).
 */
export function webkitVersion() {
  const browser = findMiniBrowser();
  const api = /webkit2gtk-(4\.[01])/.exec(browser ?? "")?.[1];
  const version = api && versionOf(findExecutable("dpkg-query"), ["-W", "-f", "${Version}", `libwebkit2gtk-${api}-0`]);
  return version ? `WebKitGTK ${version.replace(/-.*$/, "")}` : undefined;
}
