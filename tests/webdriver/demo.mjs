// Driving the demo app (www/app.js) over W3C WebDriver (client.mjs), for the browsers Playwright
// cannot drive here (Firefox, WebKit): the same steps as tests/e2e/harness.mjs and demo.mjs, with
// a WebDriver `session` in place of a Playwright page.

import assert from "node:assert/strict";
import { after, afterEach, before, beforeEach } from "node:test";
import { startStack } from "../e2e/harness.mjs";
import { TOKENS_KEY, demoAt } from "../e2e/demo.mjs";

export { TOKENS_KEY, demoAt };

/**
 * Starts the dev stack before this file's tests, and a fresh browser (`start()`: startFirefox or
 * startWebKit) before each test, so that no cookie or storage of one test reaches the next. Read
 * them from the returned object: `{ stack, browser }` (`browser` is `{ session, close, log }`).
 * On a failed test, the end of the driver's and browser's output goes to stderr.
 */
export function useStackAndWebDriver(start) {
  const live = { stack: undefined, browser: undefined };
  before(async () => {
    live.stack = await startStack();
  });
  after(async () => {
    await live.stack?.stop();
  });
  beforeEach(async () => {
    live.browser = await start();
  });
  afterEach(async (t) => {
    const browser = live.browser;
    live.browser = undefined;
    await browser?.close();
    if (browser && t.passed === false) {
      process.stderr.write(`browser and driver output (end):\n${browser.log().slice(-4000)}\n`);
      process.stderr.write(`dev stack output (end):\n${live.stack?.output().slice(-2000)}\n`);
    }
  });
  return live;
}

const onInteraction = (url) => url.pathname.startsWith("/interaction/");

/**
 * The provider's devInteractions pages, as harness.mjs's signIn does for Playwright: the login form
 * (any login and password), then the consent form, until the browser leaves the interaction pages.
 * Call it once something sent the current window to the authorization endpoint. With `closes`
 * (a popup the SDK closes once it is done), the window may vanish after the last form.
 */
export async function signIn(session, { login, password = "any-password", closes = false }) {
  let url = await session.waitForUrl("the provider's login page", onInteraction);
  const handle = closes ? await session.windowHandle() : undefined;
  for (let step = 0; step < 4 && onInteraction(url); step += 1) {
    const before = url.href;
    if (await session.find('input[name="login"]')) {
      await session.fill('input[name="login"]', login);
      await session.fill('input[name="password"]', password);
    } else if (!(await session.find('input[name="prompt"][value="consent"]'))) {
      throw new Error(`unexpected provider page at ${before}: ${await session.title()}`);
    }
    await session.click("form button[type=submit]");
    const next = await session.waitFor(`the page after ${before}`, async () => {
      if (closes && !(await session.windowHandles()).includes(handle)) return "closed";
      const now = new URL(await session.url());
      if (now.href === before) return false;
      // Passing through the provider's own redirects (/auth/...): the URL can
      // already name one while the old document still reports "complete", and
      // taking it as the next page would leave the consent page after it unfilled.
      if (now.origin === new URL(before).origin && !onInteraction(now)) return false;
      return (await session.execute("return document.readyState")) === "complete" && now;
    });
    if (next === "closed") return;
    url = next;
  }
  if (onInteraction(url)) throw new Error(`still on the provider after signing in: ${url.href}`);
}

/** Opens the demo (with `params`) and waits until app.js has finished booting. */
export async function openDemo(session, stack, params = {}) {
  await session.navigate(demoAt(stack, params));
  await session.waitForSelector("html[data-ready]");
}

/** #status's data-state: signed-in | signed-out | expired. */
export const statusOf = (session) => session.attribute("#status", "data-state");

/** Waits until #status shows `state`; on a timeout, says what #status and #error show. */
export async function waitForStatus(session, state, timeout = 10_000) {
  await session.waitFor(`#status ${state}`, async () => (await statusOf(session)) === state, { timeout })
    .catch(async (error) => {
      throw new Error(`${error.message}; #status is "${await statusOf(session)}", #error: ${(await errorText(session)) || "(none)"}`);
    });
}

/** The #error text, or "" when hidden. */
export async function errorText(session) {
  return (await session.isDisplayed("#error")) ? session.text("#error") : "";
}

export async function assertNoError(session) {
  assert.equal(await errorText(session), "", "the demo shows an error");
}

/**
 * Opens the demo with `params`, clicks Log in and completes the provider's pages as `login`
 * (redirect flows), then waits until the demo is back and signed in.
 */
export async function logInThroughDemo(session, stack, { login = "alice", params = {} } = {}) {
  await openDemo(session, stack, params);
  assert.equal(await statusOf(session), "signed-out");
  await session.click("#login");
  await signIn(session, { login });
  await session.waitForUrl("the demo after sign-in", (url) => url.origin === stack.demoOrigin);
  await session.waitForSelector("html[data-ready]");
  await waitForStatus(session, "signed-in");
  await assertNoError(session);
}

/** The token set the page's AuthClient holds (`getTokens()`), or null. */
export function tokensOf(session) {
  return session.execute("return window.__auth.getTokens() ?? null");
}

/** The stored token set's JSON text in the page's storage ("local" or "session"), or null. */
export function storedTokens(session, storage) {
  return session.execute(
    "return (arguments[1] === 'local' ? localStorage : sessionStorage).getItem(arguments[0])",
    TOKENS_KEY, storage,
  );
}

/** Writes `text` as the stored token set in the page's storage ("local" or "session"). */
export function writeStoredTokens(session, storage, text) {
  return session.execute(
    "(arguments[1] === 'local' ? localStorage : sessionStorage).setItem(arguments[0], arguments[2])",
    TOKENS_KEY, storage, text,
  );
}

/**
 * Adds a button to the demo whose click handler first awaits `before` (a script: an expression
 * whose promise the handler awaits) and then calls loginWithPopup(); the outcome ("resolved" or
 * the error code) lands in window.__outcome, and whether the page still counted as user-activated
 * in window.__active.
 */
export function addLoginButton(session, before, { timeoutSeconds = 5 } = {}) {
  return session.execute(`
    const timeoutSeconds = arguments[0];
    const button = document.createElement("button");
    button.id = "late-login";
    button.type = "button";
    button.textContent = "Log in (late)";
    document.body.prepend(button);
    window.__outcome = undefined;
    button.addEventListener("click", async () => {
      await (${before});
      window.__active = navigator.userActivation?.isActive;
      window.__auth.loginWithPopup({ timeoutSeconds }).then(
        () => { window.__outcome = "resolved"; },
        (error) => { window.__outcome = error.code; },
      );
    });`, timeoutSeconds);
}
