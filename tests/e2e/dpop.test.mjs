// DPoP (RFC 9449) against the real dev provider, which demands a nonce in every proof: a DPoP
// login (the first proof is refused with use_dpop_nonce and retried), a bound refresh, userinfo
// with a proof, a stolen access token refused without its proof, and a private key no script
// can export.

import assert from "node:assert/strict";
import { test } from "node:test";
import { browser, openDemo, openPage, stack, useStackAndBrowser } from "./harness.mjs";
import {
  DEMO_CLIENT_ID, ROUTES, assertNoError, demoAt, logInThroughDemo, storedTokens, tokensOf, withExpiry, writeStoredTokens,
} from "./demo.mjs";

useStackAndBrowser();

/** Counts the page's token-endpoint answers by status, and the proofs sent. */
function watchTokenEndpoint(page) {
  const tokenUrl = `${stack.issuer}${ROUTES.token}`;
  const seen = { proofs: [], statuses: [], nonces: [] };
  page.on("request", (request) => {
    if (request.url() === tokenUrl && request.method() === "POST") seen.proofs.push(request.headers().dpop);
  });
  page.on("response", (response) => {
    if (response.url() !== tokenUrl || response.request().method() !== "POST") return;
    seen.statuses.push(response.status());
    seen.nonces.push(response.headers()["dpop-nonce"]);
  });
  return seen;
}

/** The header and claims of a compact proof. */
function decodeProof(proof) {
  const [header, claims] = proof.split(".").slice(0, 2).map((p) => JSON.parse(Buffer.from(p, "base64url")));
  return { header, claims };
}

test("a DPoP login: use_dpop_nonce retried once, DPoP-bound tokens, a bound refresh, userinfo with a proof", async (t) => {
  const { page, pageErrors } = await openPage(browser, t);
  const seen = watchTokenEndpoint(page);
  await logInThroughDemo(page, stack, { login: "dpop-user", params: { dpop: "1" } });
  const tokens = await tokensOf(page);
  assert.equal(tokens.tokenType, "DPoP");

  // The first proof had no nonce: 400 use_dpop_nonce with one; the retry carried it.
  assert.deepEqual(seen.statuses, [400, 200], `token endpoint answers: ${seen.statuses}`);
  assert.equal(seen.proofs.length, 2);
  const first = decodeProof(seen.proofs[0]);
  const second = decodeProof(seen.proofs[1]);
  assert.equal(first.header.typ, "dpop+jwt");
  assert.equal(first.header.alg, "ES256");
  assert.equal(first.header.jwk.d, undefined, "no private key material in the proof");
  assert.equal(first.claims.nonce, undefined);
  assert.equal(second.claims.nonce, seen.nonces[0]);
  assert.equal(second.claims.htu, `${stack.issuer}${ROUTES.token}`);
  assert.notEqual(first.claims.jti, second.claims.jti);

  // A bound refresh, proved by the same key, with the newest nonce (no second retry needed).
  await page.click("#refresh");
  await page.waitForFunction((old) => window.__auth.getTokens()?.accessToken !== old, tokens.accessToken);
  await page.waitForSelector("#refresh:enabled");
  await assertNoError(page);
  const refreshed = await tokensOf(page);
  assert.equal(refreshed.tokenType, "DPoP");
  const refreshProof = decodeProof(seen.proofs.at(-1));
  assert.deepEqual(refreshProof.header.jwk, first.header.jwk, "the refresh is proved by the same key");
  assert.equal(seen.statuses.at(-1), 200);

  // userinfo with `Authorization: DPoP` and a proof carrying `ath`.
  await page.click("#userinfo");
  await page.waitForFunction(() => document.querySelector("#userinfo-output")?.textContent.includes("sub"));
  await assertNoError(page);

  // The access token alone, as a thief would replay it: refused as Bearer and as DPoP without a proof.
  const userinfo = `${stack.issuer}${ROUTES.userinfo}`;
  const asBearer = await fetch(userinfo, { headers: { Authorization: `Bearer ${refreshed.accessToken}` } });
  assert.equal(asBearer.status, 401, "a DPoP-bound token is no bearer token");
  const noProof = await fetch(userinfo, { headers: { Authorization: `DPoP ${refreshed.accessToken}` } });
  assert.ok([400, 401].includes(noProof.status), `without its proof: ${noProof.status}`);
  assert.deepEqual(pageErrors.map(String), []);
});

/**
 * Keeps the page's DPoP key pair (read from IndexedDB, as any script on the page could) in the
 * page as `window.__heldKey`, so that proofs by the session's key can still be made after logout
 * deleted it from IndexedDB; `window.__prove(htu, nonce)` makes one for a POST to `htu`.
 */
async function holdSessionKey(page) {
  return page.evaluate(async () => {
    const pairs = await new Promise((resolve) => {
      const open = indexedDB.open("wasm-oauth-dpop", 1);
      open.onsuccess = () => {
        const all = open.result.transaction("keys").objectStore("keys").getAll();
        all.onsuccess = () => { open.result.close(); resolve(all.result); };
      };
    });
    window.__heldKey = pairs[0];
    const jwk = await crypto.subtle.exportKey("jwk", pairs[0].publicKey);
    const b64 = (bytes) => btoa(String.fromCharCode(...new Uint8Array(bytes)))
      .replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
    const part = (value) => b64(new TextEncoder().encode(JSON.stringify(value)));
    window.__prove = async (htu, nonce) => {
      const header = { typ: "dpop+jwt", alg: "ES256", jwk: { kty: "EC", crv: "P-256", x: jwk.x, y: jwk.y } };
      const claims = {
        htm: "POST", htu, iat: Math.floor(Date.now() / 1000), jti: crypto.randomUUID(), ...(nonce ? { nonce } : {}),
      };
      const input = `${part(header)}.${part(claims)}`;
      const signature = await crypto.subtle.sign(
        { name: "ECDSA", hash: "SHA-256" }, window.__heldKey.privateKey, new TextEncoder().encode(input));
      return `${input}.${b64(signature)}`;
    };
    return { x: jwk.x, y: jwk.y };
  });
}

/**
 * A refresh at the dev provider with `refreshToken` and proofs by the page's held key (the
 * provider's nonce fetched by a first proof without one): the final answer's status and error.
 */
async function refreshWithHeldKey(page, refreshToken) {
  const tokenUrl = `${stack.issuer}${ROUTES.token}`;
  const attempt = async (nonce) => {
    const proof = await page.evaluate(([htu, n]) => window.__prove(htu, n), [tokenUrl, nonce]);
    const r = await fetch(tokenUrl, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded", DPoP: proof },
      body: new URLSearchParams({ grant_type: "refresh_token", refresh_token: refreshToken, client_id: DEMO_CLIENT_ID }),
    });
    return { status: r.status, body: await r.json(), nonce: r.headers.get("dpop-nonce") };
  };
  const first = await attempt(undefined);
  assert.equal(first.body.error, "use_dpop_nonce", "the dev provider demands a nonce");
  const second = await attempt(first.nonce);
  return { status: second.status, error: second.body.error, tokenType: second.body.token_type };
}

test("logout revokes a DPoP session with proofs by its key: the bound refresh token is dead at the provider", async (t) => {
  const { page, pageErrors } = await openPage(browser, t);
  const revocationUrl = `${stack.issuer}${ROUTES.revocation}`;
  const revocations = [];
  page.on("request", (request) => {
    if (request.url() === revocationUrl && request.method() === "POST") {
      revocations.push({ hint: new URLSearchParams(request.postData()).get("token_type_hint"), dpop: request.headers().dpop });
    }
  });
  await logInThroughDemo(page, stack, { login: "dpop-leaver", params: { dpop: "1" } });
  const tokens = await tokensOf(page);
  const key = await holdSessionKey(page);
  await stack.resetStats();

  await page.click("#logout");
  await page.waitForSelector("html[data-ready]");
  await page.waitForFunction(() => !window.__auth?.getTokens());
  // The session is cleared first; the revocation and the key's deletion follow: wait for the end.
  await page.waitForSelector("#logout:enabled");
  await assertNoError(page);
  assert.equal((await stack.stats()).revocation, 2);
  assert.deepEqual(revocations.map((r) => r.hint), ["refresh_token", "access_token"]);
  for (const { dpop } of revocations) {
    assert.ok(dpop, "a DPoP proof on every revocation request");
    const { header, claims } = decodeProof(dpop);
    assert.deepEqual([header.jwk.x, header.jwk.y], [key.x, key.y], "proved by the session's key");
    assert.equal(claims.htm, "POST");
    assert.equal(claims.htu, revocationUrl);
  }

  // The provider agrees: the refresh token is refused even with a valid proof by its key.
  const refused = await refreshWithHeldKey(page, tokens.refreshToken);
  assert.deepEqual([refused.status, refused.error], [400, "invalid_grant"]);
  assert.deepEqual(pageErrors.map(String), []);
});

test("the control: logout without revoke leaves the bound refresh token working with its key", async (t) => {
  const { page } = await openPage(browser, t);
  await logInThroughDemo(page, stack, { login: "dpop-stayer", params: { dpop: "1" } });
  const tokens = await tokensOf(page);
  await holdSessionKey(page);
  await page.evaluate(() => window.__auth.logout({ revoke: false }));
  const kept = await refreshWithHeldKey(page, tokens.refreshToken);
  assert.deepEqual([kept.status, kept.tokenType], [200, "DPoP"]);
});

test("a Bearer session stored before dpop was switched on is dropped, never sent as DPoP", async (t) => {
  const { page } = await openPage(browser, t);
  const sent = [];
  page.on("request", (request) => {
    const authorization = request.headers().authorization;
    if (authorization) sent.push(authorization);
  });
  await logInThroughDemo(page, stack, { login: "bearer-before", params: { storage: "local" } });
  const bearer = await tokensOf(page);
  assert.equal(bearer.tokenType, "Bearer");
  await openDemo(page, demoAt(stack, { dpop: "1", storage: "local" }));
  const code = await page.evaluate(() => window.__auth.getAccessToken().then(() => "token", (e) => e.code));
  assert.equal(code, "login_required");
  assert.equal(await tokensOf(page), undefined, "the session is cleared");
  assert.equal(await storedTokens(page, "local"), null);
  assert.ok(sent.every((a) => !a.includes(bearer.accessToken)), "the Bearer token went nowhere");
});

test("the DPoP private key is non-extractable and survives a reload in IndexedDB", async (t) => {
  const { page } = await openPage(browser, t);
  await logInThroughDemo(page, stack, { login: "dpop-keeper", params: { dpop: "1" } });
  const readKey = () => page.evaluate(async () => {
    const db = await new Promise((resolve, reject) => {
      const open = indexedDB.open("wasm-oauth-dpop", 1);
      open.onsuccess = () => resolve(open.result);
      open.onerror = () => reject(open.error);
    });
    const pairs = await new Promise((resolve) => {
      const all = db.transaction("keys").objectStore("keys").getAll();
      all.onsuccess = () => resolve(all.result);
    });
    db.close();
    const [pair] = pairs;
    const exported = await crypto.subtle.exportKey("jwk", pair.privateKey).then(() => "exported", (e) => e.name);
    const publicJwk = await crypto.subtle.exportKey("jwk", pair.publicKey);
    return { count: pairs.length, extractable: pair.privateKey.extractable, exported, x: publicJwk.x };
  });
  const before = await readKey();
  assert.equal(before.count, 1);
  assert.equal(before.extractable, false);
  assert.equal(before.exported, "InvalidAccessError");
  await page.reload();
  await page.waitForSelector("html[data-ready]");
  const after = await readKey();
  assert.equal(after.x, before.x, "the same key after a reload");
  assert.equal((await tokensOf(page)).tokenType, "DPoP");

  await page.click("#logout");
  await page.waitForSelector("html[data-ready]");
  await page.waitForFunction(() => !window.__auth?.getTokens());
  // The session is cleared first; the revocation and the key's deletion follow: wait for the end.
  await page.waitForSelector("#logout:enabled");
  const left = await page.evaluate(() => new Promise((resolve) => {
    const open = indexedDB.open("wasm-oauth-dpop", 1);
    open.onsuccess = () => {
      const count = open.result.transaction("keys").objectStore("keys").count();
      count.onsuccess = () => { open.result.close(); resolve(count.result); };
    };
  }));
  assert.equal(left, 0, "logout deleted the key");
});

test("auth.fetch to the protected API: DPoP with the API's nonce; a replayed proof and a token without its proof refused", async (t) => {
  const { page, pageErrors } = await openPage(browser, t);
  const api = `${stack.demoUrl.replace(/\/$/, "")}/api/v1/me`;
  const calls = [];
  page.on("request", (request) => {
    if (request.url() === api) calls.push({ authorization: request.headers().authorization, dpop: request.headers().dpop });
  });
  const statuses = [];
  page.on("response", (response) => { if (response.url() === api) statuses.push(response.status()); });
  await logInThroughDemo(page, stack, { login: "api-caller", params: { dpop: "1" } });

  await page.click("#api");
  await page.waitForFunction(() => document.querySelector("#api-output")?.textContent.startsWith("200"));
  await assertNoError(page);
  // The first proof had no nonce of the API's: 401 use_dpop_nonce, then the retry with it.
  assert.deepEqual(statuses, [401, 200]);
  const answer = JSON.parse((await page.textContent("#api-output")).slice(4));
  assert.equal(answer.tokenType, "DPoP");
  assert.match(calls[1].authorization, /^DPoP /);
  const { claims } = decodeProof(calls[1].dpop);
  assert.equal(claims.htm, "GET");
  assert.equal(claims.htu, api);
  assert.ok(claims.ath && claims.nonce);

  // A replayed proof (same jti) is refused, as is the token with no proof or as Bearer.
  const replay = await fetch(api, { headers: { Authorization: calls[1].authorization, DPoP: calls[1].dpop } });
  assert.equal(replay.status, 401);
  assert.match(replay.headers.get("www-authenticate"), /invalid_dpop_proof/);
  const token = calls[1].authorization.slice("DPoP ".length);
  const noProof = await fetch(api, { headers: { Authorization: `DPoP ${token}` } });
  assert.equal(noProof.status, 401);
  const asBearer = await fetch(api, { headers: { Authorization: `Bearer ${token}` } });
  assert.equal(asBearer.status, 401);

  // Another origin is refused before anything is sent.
  const refused = await page.evaluate(() => window.__auth.fetch("https://elsewhere.example/").then(() => "sent", (e) => e.code));
  assert.equal(refused, "invalid_options");
  assert.deepEqual(pageErrors.map(String), []);
});

test("auth.fetch without DPoP sends a Bearer token", async (t) => {
  const { page } = await openPage(browser, t);
  await logInThroughDemo(page, stack, { login: "bearer-caller" });
  await page.click("#api");
  await page.waitForFunction(() => document.querySelector("#api-output")?.textContent.startsWith("200"));
  const answer = JSON.parse((await page.textContent("#api-output")).slice(4));
  assert.equal(answer.tokenType, "Bearer");
  assert.equal(answer.sub, "urn:xeonr:user:bearer-caller");
});

test("a DPoP session whose key was lost ends with login_required on the next call", async (t) => {
  const { page } = await openPage(browser, t);
  await logInThroughDemo(page, stack, { login: "dpop-lost", params: { dpop: "1", storage: "local" } });
  // The site's IndexedDB is cleared (the user, or the browser under storage pressure).
  await page.evaluate(() => new Promise((resolve) => {
    const open = indexedDB.open("wasm-oauth-dpop", 1);
    open.onsuccess = () => {
      const tx = open.result.transaction("keys", "readwrite");
      tx.objectStore("keys").clear();
      tx.oncomplete = () => { open.result.close(); resolve(); };
    };
  }));
  await page.reload();
  await page.waitForSelector("html[data-ready]");
  const code = await page.evaluate(() => window.__auth.getAccessToken().then(() => "token", (e) => e.code));
  assert.equal(code, "login_required");
  assert.equal(await tokensOf(page), undefined, "the session is cleared");
});

test("a DPoP refresh across two tabs on localStorage: one key, one successful refresh, the same token", async (t) => {
  const { context, page, pageErrors } = await openPage(browser, t);
  await logInThroughDemo(page, stack, { login: "dpop-tabs", params: { dpop: "1", storage: "local" } });
  const other = await context.newPage();
  other.on("pageerror", (error) => pageErrors.push(error));
  await openDemo(other, demoAt(stack, { dpop: "1", storage: "local" }));
  const tabs = [page, other];
  const current = (await tokensOf(page)).accessToken;
  assert.equal((await tokensOf(other))?.accessToken, current, "both tabs share the session");

  await stack.resetStats();
  const expired = withExpiry(await storedTokens(page, "local"), Date.now() - 1000);
  await Promise.all(tabs.map((tab) => writeStoredTokens(tab, "local", expired)));
  await Promise.all(tabs.map((tab) => tab.waitForFunction(() => window.__auth.getTokens() && !window.__auth.isAuthenticated())));
  const at = Date.now() + 300;
  const results = await Promise.all(tabs.map((tab) => tab.evaluate(async (at) => {
    await new Promise((resolve) => setTimeout(resolve, at - Date.now()));
    return window.__auth.getAccessToken().then((token) => ({ token }), (e) => ({ code: e.code }));
  }, at)));
  assert.ok(results.every((r) => r.token), JSON.stringify(results.map((r) => r.code)));
  assert.equal(new Set(results.map((r) => r.token)).size, 1, "the same new token in both tabs");
  assert.notEqual(results[0].token, current);
  const stats = await stack.stats();
  const errors = Object.values(stats.tokenErrors).reduce((a, b) => a + b, 0);
  assert.equal(stats.token.refresh_token - errors, 1, `one successful refresh: ${JSON.stringify(stats)}`);
  for (const tab of tabs) assert.equal((await tokensOf(tab)).tokenType, "DPoP");
  const keys = await page.evaluate(() => new Promise((resolve) => {
    const open = indexedDB.open("wasm-oauth-dpop", 1);
    open.onsuccess = () => {
      const count = open.result.transaction("keys").objectStore("keys").count();
      count.onsuccess = () => { open.result.close(); resolve(count.result); };
    };
  }));
  assert.equal(keys, 1, "one key shared by the tabs");
  assert.deepEqual(pageErrors.map(String), []);
});
