// Secrets stay secret across the demo's flows, and the demo runs under its strict CSP.

import assert from "node:assert/strict";
import { test } from "node:test";
import {
  approveDeviceSignIn, browser, openDemo, openPage, signIn, stack, useStackAndBrowser,
} from "./harness.mjs";
import {
  DEMO_CLIENT_ID, ROUTES, assertNoSecretIn, demoAt, errorCodeOf, errorText, logInThroughDemo,
  sniffTokenEndpoint, tokensOf, waitForStatus,
} from "./demo.mjs";

useStackAndBrowser();

/**
 * A fresh browser context whose token-endpoint traffic and console (every page, popups too) are
 * recorded, with `snapshot(label)`: the address bar, the #error text and the whole demo page.
 */
async function observed(t, texts, sniffers) {
  const { context, page } = await openPage(browser, t);
  sniffers.push(sniffTokenEndpoint(context, stack));
  context.on("console", (message) => texts.push({ where: `console (${message.type()})`, text: message.text() }));
  context.on("weberror", (error) => texts.push({ where: "page error", text: String(error.error()) }));
  const callbacks = [];
  context.on("request", (request) => {
    const url = new URL(request.url());
    if (url.origin === stack.demoOrigin && request.isNavigationRequest() && (url.search || url.hash)) callbacks.push(request.url());
  });
  const snapshot = async (label, on = page) => {
    texts.push({ where: `${label}: address bar`, text: on.url() });
    texts.push({ where: `${label}: #error`, text: await errorText(on) });
    texts.push({ where: `${label}: page`, text: await on.content() });
  };
  return { context, page, snapshot, callbacks };
}

test("no access token, refresh token, code, code verifier or device code in the console, an error, the page or the address bar", async (t) => {
  const texts = [];
  const sniffers = [];
  const extraSecrets = [];

  // Code + PKCE, userinfo, Refresh, then the same callback replayed (an error that must not echo the code).
  {
    const { page, snapshot, callbacks } = await observed(t, texts, sniffers);
    await logInThroughDemo(page, stack, { login: "secret-keeper" });
    await snapshot("code login");
    await page.click("#userinfo");
    await page.waitForFunction(() => document.querySelector("#sub")?.textContent !== "—");
    await snapshot("userinfo");
    const before = (await tokensOf(page)).accessToken;
    await page.click("#refresh");
    await page.waitForFunction((old) => window.__auth.getTokens()?.accessToken !== old, before);
    await snapshot("refresh");
    const callback = callbacks.find((url) => new URL(url).searchParams.has("code"));
    assert.ok(callback, "saw the callback navigation");
    await openDemo(page, callback);
    assert.equal(await errorCodeOf(page), "missing_transaction", "a replayed callback is refused");
    await snapshot("replayed callback");
  }

  // PAR, then a refresh token the provider revoked (login_required).
  {
    const { page, snapshot } = await observed(t, texts, sniffers);
    await logInThroughDemo(page, stack, { login: "secret-par", params: { flow: "par" } });
    await snapshot("PAR login");
    const tokens = await tokensOf(page);
    await fetch(`${stack.issuer}${ROUTES.revocation}`, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ token: tokens.refreshToken, client_id: DEMO_CLIENT_ID }),
    });
    await page.click("#refresh");
    assert.equal(await errorCodeOf(page), "login_required");
    await snapshot("revoked refresh");
  }

  // Implicit: the tokens arrive in the fragment, not from the token endpoint.
  {
    const { page, snapshot } = await observed(t, texts, sniffers);
    await logInThroughDemo(page, stack, { login: "secret-implicit", params: { flow: "implicit" } });
    await snapshot("implicit login");
    extraSecrets.push({ name: "implicit access_token", value: (await tokensOf(page)).accessToken });
  }

  // Popup, then Log out.
  {
    const { page, snapshot } = await observed(t, texts, sniffers);
    await openDemo(page, demoAt(stack, { flow: "popup" }));
    const [popup] = await Promise.all([page.waitForEvent("popup"), page.click("#login")]);
    const closed = popup.waitForEvent("close");
    await signIn(popup, { login: "secret-popup" });
    await closed;
    await waitForStatus(page, "signed-in");
    await snapshot("popup login");
    await page.click("#logout");
    await waitForStatus(page, "signed-out");
    await snapshot("logout");
  }

  // Sign in with a code, approved from another browser context.
  {
    const { page, snapshot } = await observed(t, texts, sniffers);
    const { page: phone } = await openPage(browser, t);
    await openDemo(page, stack.demoUrl);
    await page.click("#device-start");
    await page.waitForSelector('#device-status[data-state="waiting"]');
    const verificationUriComplete = await page.getAttribute("#device-link", "href");
    await approveDeviceSignIn(phone, { verificationUriComplete, login: "secret-device" });
    await page.waitForSelector('#device-status[data-state="approved"]', { timeout: 20_000 });
    await snapshot("device sign-in");
  }

  const secrets = [...extraSecrets];
  for (const sniffer of sniffers) secrets.push(...(await sniffer.secrets()));
  const names = new Set(secrets.map(({ name }) => name));
  for (const name of ["code (sent)", "code_verifier (sent)", "refresh_token (sent)", "device_code (sent)", "access_token (received)", "refresh_token (received)"]) {
    assert.ok(names.has(name), `the sniffer saw a ${name}: the scan is not empty`);
  }
  // The ID token is not on the list: the end-session request carries it by design (id_token_hint).
  assertNoSecretIn(texts, secrets.filter(({ name }) => !name.startsWith("id_token")));
});

test("CSP: the demo is served with the strict policy, and sign-in, userinfo and the QR code work under it", async (t) => {
  const { context, page, consoleMessages, pageErrors } = await openPage(browser, t);
  const violations = [];
  await context.exposeBinding("__cspViolation", (_source, violation) => violations.push(violation));
  await context.addInitScript(() => {
    document.addEventListener("securitypolicyviolation", (event) => {
      window.__cspViolation({ page: location.href, directive: event.violatedDirective, blocked: event.blockedURI });
    });
  });

  const response = await page.goto(stack.demoUrl);
  const policy = response.headers()["content-security-policy"] ?? "";
  const directives = Object.fromEntries(policy.split(";").map((d) => d.trim().split(/\s+/)).map(([name, ...values]) => [name, values]));
  assert.deepEqual(directives["script-src"], ["'self'", "'wasm-unsafe-eval'"], `script-src: ${policy}`);
  assert.deepEqual(directives["style-src"], ["'self'"]);
  assert.deepEqual(directives["default-src"], ["'self'"]);
  assert.deepEqual(directives["connect-src"], ["'self'", stack.issuer]);
  assert.deepEqual(directives["frame-ancestors"], ["'none'"]);
  assert.deepEqual(directives["base-uri"], ["'none'"]);

  await logInThroughDemo(page, stack, { login: "csp" });
  await page.click("#userinfo");
  await page.waitForFunction(() => document.querySelector("#sub")?.textContent === "urn:xeonr:user:csp");
  await page.click("#device-start");
  await page.waitForSelector('#device-status[data-state="waiting"]');
  await page.click("#device-cancel");
  await page.waitForSelector('#device-status[data-code="aborted"]');

  const onDemo = ({ page: at }) => at.startsWith(stack.demoOrigin);
  assert.deepEqual(violations.filter(onDemo), [], "no CSP violation on the demo");
  const cspConsole = consoleMessages.filter(({ text, url }) => url.startsWith(stack.demoOrigin) && /Content Security Policy/i.test(text));
  assert.deepEqual(cspConsole, []);
  assert.deepEqual(pageErrors.map(String), []);

  // The policy is really enforced: an inline script is refused (and reported as above).
  const ran = await page.evaluate(() => {
    const script = document.createElement("script");
    script.textContent = "window.__inlineRan = true";
    document.head.append(script);
    return window.__inlineRan === true;
  });
  assert.equal(ran, false, "inline script blocked");
  await new Promise((resolve) => setTimeout(resolve, 200));
  assert.ok(violations.some((v) => onDemo(v) && v.directive.startsWith("script-src")), "the violation was seen");
});

test("a provider endpoint that redirects is refused, and nothing is re-posted where it points", async (t) => {
  const { page } = await openPage(browser, t);
  await openDemo(page, demoAt(stack));
  await stack.resetStats();
  const outcome = await page.evaluate(async ({ clientId, issuer }) => {
    const { AuthClient } = await import("/pkg/index.js");
    const client = new AuthClient({
      clientId,
      redirectUri: `${location.origin}/`,
      issuer,
      storage: "memory",
      scope: "openid",
      endpoints: { token: `${issuer}/__dev/redirect-to-token` },
    });
    const state = new URL(await client.buildAuthorizeUrl()).searchParams.get("state");
    try {
      await client.handleRedirectCallback(`${location.origin}/?code=a-code&state=${state}`);
      return "exchanged";
    } catch (e) {
      return `${e.code} (${e.message})`;
    }
  }, { clientId: DEMO_CLIENT_ID, issuer: stack.issuer });
  assert.match(outcome, /^invalid_response \(.*redirect/);
  const stats = await stack.stats();
  assert.deepEqual(stats.token, {}, "the redirect's target got no code_verifier");
});
