// The in-page side of bench/run.mjs. Loaded by /app/<sdk>/ (the SDK's redirect URI); exposes
// window.bench = { ready, cpuSetup, cpuBlock, cpuSummary, flowStart, flowCallback, worstCase,
// dpopProof } for run.mjs.
// The SDK's bundle is never imported before one of those calls, so a page is cold until then.

import { ADAPTERS } from "./adapters.js";
import {
  callbackFor, discoveryDocument, endpointKind, importSigningKey, tokenResponseBody,
} from "./tokens.js";

const cfg = await (await fetch("/bench/config.json")).json();
const id = decodeURIComponent(location.pathname.split("/")[2] ?? "");
const S = cfg.sdks[id];
const A = ADAPTERS[S?.adapter ?? id];
if (!S || !A) throw new Error(`unknown SDK in path: ${location.pathname}`);

const now = () => performance.now();
// Yields to the event loop through a message task, not a timer: continuing from a timer task
// would raise the timer nesting level, and after 5 levels Chromium clamps every setTimeout the
// SDK makes to 4 ms. From a message task the SDK's timers run as on a fresh page.
const channel = new MessageChannel();
const tick = () => new Promise((resolve) => {
  channel.port1.onmessage = () => resolve();
  channel.port2.postMessage(0);
});

/** Counts the timers an SDK sets inside the timed sections (they make its time wall time). */
const timers = { timed: false, zero: 0, positive: 0, maxDelay: 0 };
const realSetTimeout = window.setTimeout;
window.setTimeout = function benchSetTimeout(fn, delay, ...rest) {
  if (timers.timed) {
    const d = Number(delay) || 0;
    if (d > 0) timers.positive++; else timers.zero++;
    // Timeouts that guard a request (auth0: 10 s) are set but never fire: only count short ones.
    if (d < 1000) timers.maxDelay = Math.max(timers.maxDelay, d);
  }
  return realSetTimeout.call(this, fn, delay, ...rest);
};

/**
 * Phase "ready": from import() to a client object ready to use. Where the adapter reports its
 * own steps (wasm-oauth: init() and the constructor), `trace` splits the create time, and the
 * .wasm's download is read from Resource Timing.
 */
async function ready() {
  performance.mark("ready:import"); // for bench/ready-trace.mjs (a few µs, every SDK alike)
  const t0 = now();
  const mod = await import(S.bundle);
  const t1 = now();
  const ctx = await A.create(mod, S, "memory");
  const t2 = now();
  if (!ctx) throw new Error("no client");
  let trace;
  if (ctx.trace) {
    const wasm = performance.getEntriesByType("resource").find((e) => e.name.endsWith(".wasm"));
    trace = { ...ctx.trace, wasmFetchMs: wasm ? wasm.responseEnd - wasm.startTime : NaN };
  }
  return { importMs: t1 - t0, createMs: t2 - t1, totalMs: t2 - t0, trace };
}

/** The page's memory now: JS heap (after a GC where the page may ask for one) and the SDK's linear memory. */
function memoryNow(ctx) {
  globalThis.gc?.();
  return {
    jsHeapBytes: performance.memory?.usedJSHeapSize ?? NaN,
    linearBytes: ctx.linearMemory ? ctx.linearMemory() : NaN,
  };
}

/**
 * Replaces fetch with an instant in-page issuer: discovery, JWKS and token answers are built
 * before the timed section, so what is timed is the SDK's own work. Requests to anywhere else
 * (the page's own files) go to the network as usual.
 */
function installInstantNetwork(key) {
  const realFetch = window.fetch.bind(window);
  const JSON_HEADERS = { "content-type": "application/json; charset=utf-8", "cache-control": "no-store" };
  const discovery = new Map();
  const jwks = JSON.stringify({ keys: [cfg.publicJwk] });
  const net = { tokenBody: null, counts: { discovery: 0, jwks: 0, token: 0, userinfo: 0, other: 0 }, key };
  window.fetch = async function benchFetch(input, init) {
    const url = typeof input === "string" ? input : input instanceof URL ? input.href : input.url;
    if (!url.startsWith(cfg.issuerOrigin + "/")) return realFetch(input, init);
    const { pathname } = new URL(url);
    const kind = endpointKind(pathname);
    net.counts[kind]++;
    if (kind === "discovery") {
      const issuer = cfg.issuerOrigin + pathname.slice(0, pathname.indexOf("/.well-known/"));
      if (!discovery.has(issuer)) discovery.set(issuer, JSON.stringify(discoveryDocument(issuer)));
      return new Response(discovery.get(issuer), { status: 200, headers: JSON_HEADERS });
    }
    if (kind === "jwks") return new Response(jwks, { status: 200, headers: JSON_HEADERS });
    if (kind === "token" && net.tokenBody) return new Response(net.tokenBody, { status: 200, headers: JSON_HEADERS });
    if (kind === "userinfo") {
      return new Response(JSON.stringify({ sub: "bench-user-1", name: "Bench User" }), { status: 200, headers: JSON_HEADERS });
    }
    return new Response(JSON.stringify({ error: "not_found" }), { status: 404, headers: JSON_HEADERS });
  };
  return net;
}

/**
 * Phase "cpu": logins in one page, each = build the authorization URL (PKCE included), then handle
 * the callback through the token request and its checks, with the network answered instantly
 * in-page. cpuSetup() once, then cpuBlock() as often as run.mjs likes (it interleaves the SDKs'
 * blocks so that background load hits them alike), then cpuSummary().
 */
let cpuState;
async function cpuSetup({ storage = "memory" } = {}) {
  const key = await importSigningKey(cfg.privateJwk);
  const net = installInstantNetwork(key);
  const mod = await import(S.bundle);
  const ctx = await A.create(mod, S, storage);
  cpuState = { key, net, ctx, logins: 0, first: undefined, memoryAfterInit: memoryNow(ctx) };
  return { isolated: globalThis.crossOriginIsolated === true, visibility: document.visibilityState };
}

/** `n` logins; returns their times (ms) unless `discard` (warm-up). */
async function cpuBlock({ n, discard = false }) {
  const { key, net, ctx } = cpuState;
  const authorizeMs = [];
  const callbackMs = [];
  for (let i = 0; i < n; i++) {
    await tick();
    timers.timed = true;
    const t0 = now();
    const authorizeUrl = await A.authorize(ctx);
    const t1 = now();
    timers.timed = false;
    // Untimed: the authorization server's part (a code for this request, a signed token response).
    const cb = callbackFor(authorizeUrl);
    net.tokenBody = await tokenResponseBody(key, {
      iss: S.tokenIss, aud: S.clientId, nonce: cb.nonce, scope: cb.scope, idToken: S.idToken,
    });
    history.replaceState(null, "", cb.url);
    const before = { ...net.counts };
    await tick();
    timers.timed = true;
    const t2 = now();
    await A.callback(ctx, cb.url);
    const t3 = now();
    timers.timed = false;
    cpuState.logins++;
    // Untimed: this callback really signed in, with the token this login's response carried.
    const token = await A.signedIn(ctx);
    if (token !== JSON.parse(net.tokenBody).access_token) {
      throw new Error(`login ${cpuState.logins}: not signed in with this login's access token after the callback`);
    }
    if (!cpuState.first) {
      const during = Object.fromEntries(Object.entries(net.counts).map(([k, v]) => [k, v - before[k]]));
      cpuState.first = { authorizeUrl, callbackUrl: cb.url, pkce: cb.pkce, responseMode: cb.mode, stubbedRequests: during };
    }
    history.replaceState(null, "", S.redirectUri);
    if (!discard) {
      authorizeMs.push(t1 - t0);
      callbackMs.push(t3 - t2);
    }
  }
  return { authorizeMs, callbackMs };
}

function cpuSummary() {
  const perLogin = (x) => Math.round((x / cpuState.logins) * 100) / 100;
  return {
    memory: { afterInit: cpuState.memoryAfterInit, afterLogins: memoryNow(cpuState.ctx) },
    first: cpuState.first,
    logins: cpuState.logins,
    isolated: globalThis.crossOriginIsolated === true,
    visibility: document.visibilityState,
    timers: { zeroPerLogin: perLogin(timers.zero), positivePerLogin: perLogin(timers.positive), maxShortDelay: timers.maxDelay },
  };
}

/** Phase "requests", first page: a client with storage that survives the redirect, and its URL. */
async function flowStart() {
  const mod = await import(S.bundle);
  const ctx = await A.create(mod, S, "session");
  return A.authorize(ctx);
}

/** Phase "requests", the callback page load: a new client handles location.href, up to signed in. */
async function flowCallback() {
  const mod = await import(S.bundle);
  const ctx = await A.create(mod, S, "session");
  if (!A.handledByCreate) await A.callback(ctx, location.href);
  const token = await A.signedIn(ctx);
  if (!token) throw new Error("not signed in after the callback");
  return { signedIn: true, location: location.href };
}

/**
 * Phase "worst case" (wasm-oauth only): the worst input each parser of outside input takes under
 * its caps, and just over them, each timed end to end through the public API (median of `n`).
 * Every case states the outcome it must have; a different one throws (the bench is broken).
 */
async function worstCase({ n = 5 } = {}) {
  if (!S.adapter && id !== "wasm-oauth") throw new Error("worst-case inputs are wasm-oauth's");
  const key = await importSigningKey(cfg.privateJwk);
  const net = installInstantNetwork(key);
  const mod = await import(S.bundle);
  const { auth } = await A.create(mod, S, "memory");
  const redirect = S.redirectUri;
  const codeOf = async (promise) => {
    try {
      await promise;
      return "ok";
    } catch (e) {
      return e.code;
    }
  };
  const login = async (body) => {
    const state = new URL(await auth.buildAuthorizeUrl()).searchParams.get("state");
    net.tokenBody = body;
    return auth.handleRedirectCallback(`${redirect}?code=c&state=${state}`);
  };
  let distinct = '{"access_token":"AT","token_type":"Bearer","expires_in":3600';
  for (let i = 0; distinct.length < 256 * 1024 - 32; i++) distinct += `,"k${i}":0`;
  distinct += "}";
  const big = "x".repeat(8 * 1024);
  const cases = [
    ["isCallback, 2 MB URL", "false", async () => String(auth.isCallback(`${redirect}#${"&".repeat(2 << 20)}code=x&state=y`))],
    ["handleRedirectCallback, 2 MB URL", "invalid_response", () => codeOf(auth.handleRedirectCallback(`${redirect}#${"&".repeat(2 << 20)}code=x&state=y`))],
    ["handleRedirectCallback, 64 KiB of empty parameters", "missing_transaction", () => codeOf(auth.handleRedirectCallback(`${redirect}?code=x&state=y${"&".repeat(64 * 1024 - 64)}`))],
    ["handleRedirectCallback, 8,000 parameters", "invalid_response", () => codeOf(auth.handleRedirectCallback(`${redirect}?code=x&state=y&${"a=&".repeat(8000)}`))],
    ["parseCallbackUrl, 7 values of 8 KiB", "ok", () => codeOf(Promise.resolve().then(() => mod.parseCallbackUrl(`${redirect}?code=${big}&state=s&a=${big}&b=${big}&c=${big}&d=${big}&e=${big}`)))],
    ["a login whose token answer has 256 KiB of distinct members", "ok", () => codeOf(login(distinct))],
    ["a login whose token answer holds a 1 MiB ID token", "invalid_response", () => codeOf(login(`{"access_token":"AT","token_type":"Bearer","id_token":"e30.${"a".repeat(1 << 20)}.c2ln"}`))],
    ["new AuthClient with a mistyped option", "invalid_options", async () => {
      try {
        new mod.AuthClient({ clientId: "c", redirectUri: redirect, clientID: "typo" });
        return "ok";
      } catch (e) {
        return e.code;
      }
    }],
  ];
  const rows = [];
  for (const [name, expected, run] of cases) {
    const times = [];
    for (let i = 0; i < n; i++) {
      await tick();
      const t0 = now();
      const outcome = await run();
      times.push(now() - t0);
      if (outcome !== expected) throw new Error(`${name}: ${outcome}, expected ${expected}`);
    }
    times.sort((a, b) => a - b);
    rows.push({ name, outcome: expected, medianMs: times[Math.floor(times.length / 2)], maxMs: times[times.length - 1] });
  }
  return rows;
}

/**
 * Phase "DPoP proof" (wasm-oauth only): what a DPoP proof adds to a request, through the public
 * API: `auth.fetch` to an in-page API answered at once (404, so nothing is retried), by a client
 * with `dpop: true` and by one without (median of `n` each, after 20 warm-up calls). The
 * difference is the proof: claims and header as JSON, base64url, `ath`, and WebCrypto's ECDSA
 * P-256 signature with the non-extractable key.
 */
async function dpopProof({ n = 200 } = {}) {
  if (id !== "wasm-oauth") throw new Error("the DPoP proof phase is wasm-oauth's");
  const net = installInstantNetwork(await importSigningKey(cfg.privateJwk));
  const api = `${cfg.issuerOrigin}/bench-api/me`;
  const mod = await import(S.bundle);
  await mod.default();
  const medianOf = async (dpop) => {
    const auth = new mod.AuthClient({
      clientId: S.clientId, redirectUri: S.redirectUri, issuer: S.issuer, scope: S.scope ?? "api",
      storage: "memory", dpop, apiOrigins: [cfg.issuerOrigin],
    });
    const state = new URL(await auth.buildAuthorizeUrl()).searchParams.get("state");
    net.tokenBody = JSON.stringify({ access_token: "AT-bench", token_type: dpop ? "DPoP" : "Bearer", expires_in: 3600 });
    await auth.handleRedirectCallback(`${S.redirectUri}?code=c&state=${state}`);
    for (let i = 0; i < 20; i++) await auth.fetch(api);
    const times = [];
    for (let i = 0; i < n; i++) {
      await tick();
      const t0 = now();
      const response = await auth.fetch(api);
      times.push(now() - t0);
      if (response.status !== 404) throw new Error(`auth.fetch: ${response.status}, expected the stub's 404`);
    }
    times.sort((a, b) => a - b);
    return times[Math.floor(times.length / 2)];
  };
  const bearerMs = await medianOf(false);
  const dpopMs = await medianOf(true);
  return { n, bearerMs, dpopMs, proofMs: dpopMs - bearerMs };
}

window.bench = { id, ready, cpuSetup, cpuBlock, cpuSummary, flowStart, flowCallback, worstCase, dpopProof };
dispatchEvent(new Event("bench-ready"));
