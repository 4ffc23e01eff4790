// The `logger` option through the demo (?log=1: logLevel "debug", every line kept in
// window.__logs): a whole session against the dev provider is logged step by step, and no line
// carries a token, a code, a verifier, a state, a nonce or a DPoP proof seen in that session.

import assert from "node:assert/strict";
import { test } from "node:test";
import { browser, openPage, stack, useStackAndBrowser } from "./harness.mjs";
import {
  ROUTES, assertNoError, assertNoSecretIn, logInThroughDemo, sniffTokenEndpoint, tokensOf, waitForStatus,
} from "./demo.mjs";

useStackAndBrowser();

// Query parameters whose values are secrets (or bind one): the authorization request's and the callback's.
const SECRET_PARAMS = [
  "state", "nonce", "code", "code_challenge", "code_verifier", "access_token", "id_token",
  "refresh_token", "request_uri", "id_token_hint", "token", "dpop_jkt",
];

// The field names a line may have (LogFields in the package's types).
const FIELDS = ["method", "endpoint", "status", "durationMs", "count", "waitMs", "skewSeconds", "error"];

/**
 * Records every secret the browser context sends or receives: the values of SECRET_PARAMS in each
 * URL it requests, each Authorization credential and DPoP proof and DPoP-Nonce, and (through
 * sniffTokenEndpoint) every form value and token of the token endpoint.
 */
function recordSecrets(context) {
  const seen = [];
  const add = (name, value) => {
    if (typeof value === "string" && value.length >= 8) seen.push({ name, value });
  };
  context.on("request", (request) => {
    const url = new URL(request.url());
    for (const name of SECRET_PARAMS) add(`${name} in ${url.origin}${url.pathname}`, url.searchParams.get(name));
    const headers = request.headers();
    add("Authorization credential", headers.authorization?.split(" ")[1]);
    add("DPoP proof", headers.dpop);
    for (const [name, value] of new URLSearchParams(request.postData() ?? "")) {
      if (SECRET_PARAMS.includes(name)) add(`${name} (form)`, value);
    }
  });
  context.on("response", (response) => add("DPoP-Nonce", response.headers()["dpop-nonce"]));
  return seen;
}

/** The page's log lines, as the demo's logger recorded them. */
const logsOf = (page) => page.evaluate(() => window.__logs ?? []);

for (const settings of [{ log: "1" }, { log: "1", dpop: "1", storage: "local" }]) {
  const label = new URLSearchParams(settings).toString();
  test(`${label}: login, refresh, getUser and logout log their steps and never a secret`, async (t) => {
    const { context, page, pageErrors } = await openPage(browser, t);
    const secrets = recordSecrets(context);
    const tokenEndpoint = sniffTokenEndpoint(context, stack);

    await logInThroughDemo(page, stack, { login: `logger-${settings.dpop ? "dpop" : "bearer"}`, params: settings });
    const first = await tokensOf(page);
    assert.ok(first.refreshToken, "offline_access brought a refresh token");
    await page.click("#refresh");
    await page.waitForFunction((old) => window.__auth.getTokens()?.accessToken !== old, first.accessToken);
    await page.waitForSelector("#refresh:enabled");
    await page.click("#userinfo");
    await page.waitForFunction(() => document.querySelector("#sub")?.textContent !== "—");
    await assertNoError(page);
    const second = await tokensOf(page);
    await page.click("#logout");
    await waitForStatus(page, "signed-out");
    await page.waitForSelector("#logout:enabled");

    const lines = await logsOf(page);
    // The lines from before the provider's redirect were kept across it.
    const messages = lines.map(({ level, message }) => `${level} ${message}`);
    for (const expected of [
      "debug login started", "debug request sent", "debug answer received", "debug JWKS fetched",
      "debug callback handled", "debug refresh started", "debug logged out",
      ...(settings.dpop ? ["warn DPoP nonce retry", "debug tab hand-over published"] : []),
    ]) {
      assert.ok(messages.includes(expected), `"${expected}" in:\n${messages.join("\n")}`);
    }
    assert.ok(lines.filter(({ level }) => level === "debug").length >= 10, "debug lines were produced");
    const tokenUrl = `${stack.issuer}${ROUTES.token}`;
    const tokenRequests = lines.filter(({ message, fields }) => message === "request sent" && fields.endpoint === tokenUrl);
    assert.ok(tokenRequests.length >= 2, "the code exchange and the refresh were logged");
    assert.ok(tokenRequests.every(({ fields }) => fields.method === "POST"));
    const answers = lines.filter(({ message }) => message === "answer received");
    assert.ok(answers.every(({ fields }) => Number.isInteger(fields.status) && fields.durationMs >= 0));
    for (const { level, message, fields } of lines) {
      assert.ok(["debug", "info", "warn", "error"].includes(level), level);
      assert.equal(typeof message, "string");
      for (const name of Object.keys(fields)) assert.ok(FIELDS.includes(name), `field ${name} of "${message}"`);
      if (fields.endpoint) assert.doesNotMatch(fields.endpoint, /[?#]/, "no query or fragment");
    }

    // Every secret of the run, from the wire and from the page's own token sets.
    for (const tokens of [first, second]) {
      for (const name of ["accessToken", "refreshToken", "idToken"]) {
        if (tokens[name]) secrets.push({ name: `${name} (getTokens)`, value: tokens[name] });
      }
    }
    secrets.push(...(await tokenEndpoint.secrets()));
    const names = new Set(secrets.map(({ name }) => name.split(" ")[0]));
    for (const name of ["state", "nonce", "code", "code_verifier", "accessToken", "refreshToken", "idToken"]) {
      assert.ok(names.has(name), `the run's ${name} was recorded to scan for`);
    }
    if (settings.dpop) assert.ok(names.has("DPoP"), "the DPoP proofs were recorded");
    const texts = lines.map((line, i) => ({ where: `log line ${i}`, text: JSON.stringify(line) }));
    assertNoSecretIn(texts, secrets);
    // The scan finds a secret where there is one.
    const planted = [{ where: "planted", text: JSON.stringify({ message: "x", fields: { endpoint: first.refreshToken } }) }];
    assert.throws(() => assertNoSecretIn(planted, secrets), /secrets leaked/);
    assert.deepEqual(pageErrors.map(String), []);
  });
}

test("without ?log=1 the demo passes no logger: nothing is recorded", async (t) => {
  const { page } = await openPage(browser, t);
  await logInThroughDemo(page, stack, { login: "logger-off" });
  assert.equal(await page.evaluate(() => window.__logs), undefined);
});
