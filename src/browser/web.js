// The browser adapters' JavaScript half: the few Web API calls that would
// cost the .wasm a dozen imports and an async state machine each through
// web-sys (and the app's event listeners, which would cost a Rust closure
// per subscription). One module, so an unbundled app makes one request for
// all of them. Each function answers plain values and never rejects; the
// Rust side in src/browser/ and src/face/events.rs maps the answers to
// AuthErrors.

// ---- fetch (http.rs) ----
// One request. Resolves to [status, body, dateMs] (dateMs NaN without a
// readable Date header), to [0] when no response came (network or CORS
// failure), to [-1] when the timeout aborted it and to [-2] when the app's
// `signal` (optional) did.
export async function send(url, form, bearer, timeoutMs, signal) {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  const cancel = () => controller.abort();
  signal?.addEventListener("abort", cancel);
  if (signal?.aborted) cancel();
  const headers = { Accept: "application/json" };
  if (form != null) headers["Content-Type"] = "application/x-www-form-urlencoded";
  if (bearer != null) headers.Authorization = "Bearer " + bearer;
  try {
    const response = await fetch(url, {
      method: form == null ? "GET" : "POST",
      body: form ?? undefined,
      headers,
      // Never send cookies or a referrer to the provider from these calls.
      credentials: "omit",
      referrerPolicy: "no-referrer",
      signal: controller.signal,
    });
    const body = await response.text();
    return [response.status, body, Date.parse(response.headers.get("date") ?? "")];
  } catch {
    return [signal?.aborted ? -2 : controller.signal.aborted ? -1 : 0];
  } finally {
    clearTimeout(timer);
    signal?.removeEventListener("abort", cancel);
  }
}

// ---- RS256 through WebCrypto (crypto.rs) ----
// importKey + verify in one call. Resolves to 1 (valid), 0 (not valid),
// -1 (the JWK cannot be imported as an RS256 key) or -2 (no WebCrypto here).
const RSASSA = { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256" };

export async function verifyRs256(n, e, signature, data) {
  // The arrays are views into the .wasm memory, valid only during this call: copy them now.
  signature = signature.slice();
  data = data.slice();
  const subtle = globalThis.crypto?.subtle;
  if (!subtle) return -2;
  let key;
  try {
    key = await subtle.importKey("jwk", { kty: "RSA", n, e, alg: "RS256", ext: true }, RSASSA, false, ["verify"]);
  } catch {
    return -1;
  }
  try {
    return (await subtle.verify(RSASSA, key, signature, data)) ? 1 : 0;
  } catch {
    return -2;
  }
}

// ---- the cross-tab lock (tabs.rs) ----
// Asks the Web Locks API for `name` and resolves, once it is granted, to the
// function that releases it `delayMs` later; to null where there are no Web
// Locks (or the request fails): the caller then goes on unlocked.
export function lock(name, delayMs) {
  return new Promise((granted) => {
    const locks = globalThis.navigator?.locks;
    if (!locks) return granted(null);
    // The lock is held until the promise the callback returns settles.
    locks
      .request(name, () => new Promise((release) => granted(() => setTimeout(release, delayMs))))
      .catch(() => granted(null));
  });
}

// ---- the abortable wait of device polling (mod.rs, SignalAbort) ----
// Resolves after `ms`, or at once when `signal` aborts, and leaves no
// listener on the signal either way (an app may reuse one signal for long).
export function sleep(ms, signal) {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener("abort", done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener("abort", done);
    if (signal?.aborted) done();
  });
}

// ---- Web Storage (storage.rs) ----
// Some browsers throw on merely touching localStorage (private modes,
// blocked third-party storage), so none of these lets an exception out.
const PROBE = "wasm-oauth:probe";

// `globalThis[name]` ("localStorage" or "sessionStorage") when it takes a
// tiny write (Safari's old private mode does not); null when it is unusable.
export function openStore(name) {
  try {
    const store = globalThis[name];
    store.setItem(PROBE, "1");
    store.removeItem(PROBE);
    return store;
  } catch {
    return null;
  }
}

// One call for the four operations: `op` 0 reads `key` (a string, or null
// when absent or unreadable), 1 stores `value` (false when the store refuses:
// quota exceeded, blocked), 2 removes `key`, 3 lists the keys that start with
// `key`.
export function store(store, op, key, value) {
  try {
    if (op == 0) return store.getItem(key);
    if (op == 1) return store.setItem(key, value), true;
    if (op == 2) return store.removeItem(key);
    const keys = [];
    for (let i = 0; i < store.length; i++) {
      const k = store.key(i);
      if (k?.startsWith(key)) keys.push(k);
    }
    return keys;
  } catch {
    return op == 1 ? false : op == 3 ? [] : null;
  }
}

// ---- popup login (popup.rs) ----
// The popup's callback page hands the response back to the opener by
// postMessage, to our exact origin only. The flag below, set on the opener's
// window while it waits, is how the popup knows it is ours: unlike
// `window.name` it survives the popup's cross-site trip to the provider, and
// only a page of our origin can read it.
const WAITING = "__wasmOauthPopupWaiting";
const CALLBACK = "wasm-oauth:callback:";

// Opens a login popup at `url`: the window, or null when the browser blocks it.
export function popupOpen(url) {
  try {
    return window.open(url, "wasm-oauth-popup", "popup,width=520,height=680") ?? null;
  } catch {
    return null;
  }
}

// In the popup: the opener when it is a page of our origin waiting for this
// login; null otherwise (a cross-origin opener throws on property access).
export function popupOpener() {
  try {
    const opener = window.opener;
    return opener?.[WAITING] === true ? opener : null;
  } catch {
    return null;
  }
}

// In the popup: hands the callback URL to the opener (our origin only) and closes.
export function popupHandBack(opener, url) {
  try {
    opener.postMessage(CALLBACK + url, location.origin);
  } catch {}
  window.close();
}

// In the opener: sends `popup` to `url`, then resolves to the callback URL
// that the popup (and only it, from our origin) hands back; to 0 when the
// popup is closed first; to 1 when `timeoutMs` runs out, after closing the
// popup. Leaves no listener or timer behind.
export function popupWait(popup, url, timeoutMs) {
  return new Promise((resolve) => {
    const done = (outcome) => {
      window[WAITING] = false;
      removeEventListener("message", onMessage);
      clearInterval(watch);
      clearTimeout(timer);
      resolve(outcome);
    };
    const onMessage = (e) => {
      const ours = e.origin === location.origin && e.source === popup;
      if (ours && typeof e.data === "string" && e.data.startsWith(CALLBACK)) {
        done(e.data.slice(CALLBACK.length));
      }
    };
    window[WAITING] = true;
    addEventListener("message", onMessage);
    try {
      popup.location.href = url;
    } catch {}
    const watch = setInterval(() => popup.closed && done(0), 300);
    const timer = setTimeout(() => {
      popup.close();
      done(1);
    }, timeoutMs);
  });
}

// ---- the app's event listeners (src/face/events.rs) ----
export function listeners() {
  return { tokens: new Set(), logout: new Set(), error: new Set() };
}

// Adds `listener` for `event`; answers the function that removes it, or null
// for an unknown event. Each subscription is its own entry: a listener added
// twice is called twice, and each unsubscribe removes one.
export function listen(registry, event, listener) {
  const set = Object.hasOwn(registry, event) ? registry[event] : null;
  if (!set) return null;
  const entry = (payload) => listener(payload);
  set.add(entry);
  return () => void set.delete(entry);
}

// Calls the listeners of `event`, as they were when it happened (one may
// subscribe or unsubscribe others meanwhile); a throwing listener breaks
// neither the SDK nor the other listeners.
export function emit(registry, event, payload) {
  for (const listener of [...registry[event]]) {
    try {
      listener(payload);
    } catch {}
  }
}

// ---- the tabs of a shared session (tabs.rs) ----
// Joins the BroadcastChannel `name` (null where there is none). A token set
// or a logout another tab publishes is kept as the channel's latest news and
// told to the app's listeners (`events`, a registry of listeners() above).
export function channelOpen(name, events) {
  let channel;
  try {
    channel = new BroadcastChannel(name);
  } catch {
    return null;
  }
  channel.latest = [0, 0];
  channel.onmessage = ({ data }) => {
    if (typeof data?.stored === "string" && data.tokens) {
      channel.latest = [data.stored, Date.now()];
      emit(events, "tokens", data.tokens);
    } else if (data === "logout") {
      channel.latest = [1, Date.now()];
      emit(events, "logout");
    }
  };
  return channel;
}

// Publishes a token set (`stored`, the storage form, and `tokens`, the
// public object the listeners get) or, with `stored` null, a logout. This
// tab's own news counts as the latest too.
export function channelPost(channel, stored, tokens) {
  channel.latest = [stored ?? 1, Date.now()];
  try {
    channel.postMessage(stored == null ? "logout" : { stored, tokens });
  } catch {}
}

// The latest news if it is at most `windowMs` old: the stored token set, 1
// for a logout; else 0.
export function channelLatest(channel, windowMs) {
  const [news, at] = channel.latest;
  return Date.now() - at > windowMs ? 0 : news;
}

// ---- the runtime and the page (mod.rs) ----
// 1 in a page (a `window` with a `document`), 2 in a web worker
// (`importScripts`, and not Deno, which has it too), 0 elsewhere (Node,
// Deno, Bun, a server render): secrets are refused in the first two. Only
// `window` is looked at outside a page (a server render may guard the rest).
export function runtime() {
  const g = globalThis;
  if (g.window?.document) return 1;
  return g.importScripts !== undefined && g.Deno === undefined ? 2 : 0;
}

// The page's address (`op` 0: its href, or undefined without a page),
// 1: go to `url` (false when that fails or there is no page), 2: show `url`
// in the address bar without a navigation (history.replaceState).
export function page(op, url) {
  const w = globalThis.window;
  try {
    if (op == 0) return w?.location.href;
    if (op == 1) return w.location.assign(url), true;
    w.history.replaceState(null, "", url);
  } catch {
    return false;
  }
}

// Fills `bytes` from crypto.getRandomValues; false where there is none.
export function random(bytes) {
  try {
    globalThis.crypto.getRandomValues(bytes);
    return true;
  } catch {
    return false;
  }
}
