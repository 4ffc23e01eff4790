// The operations that are callbacks at heart, where plain JavaScript is
// clearly simpler than Rust closures handed to JavaScript: a Web Lock held
// across an await (and `navigator.locks` is not in web-sys's stable API), the
// popup's, the silent frame's and the BroadcastChannel's message listeners,
// the app's listener registry (each unsubscribe function would be a closure),
// the app's logger (a rejection handler would be a closure),
// and the wait that an AbortSignal cuts short; and the parts of a `URL`, read
// in one call (web-sys makes an import per getter). Everything else (fetch, storage, WebCrypto,
// randomness, location, history) is Rust through gloo-net, web-sys and
// getrandom. One module, so an unbundled app makes one request for all of
// them. Each function answers plain values and never rejects.

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

// ---- popup login (popup.rs) ----
// The popup's callback page hands the response back to the opener by
// postMessage, to our exact origin only. The flag below, set on the opener's
// window while it waits, is how the popup knows it is ours: unlike
// `window.name` it survives the popup's cross-site trip to the provider, and
// only a page of our origin can read it.
const WAITING = "__wasmOauthPopupWaiting";
const CALLBACK = "wasm-oauth:callback:";

// In a page of our origin: posts the callback URL to `target` (a waiting
// opener or parent), to our exact origin only.
function postCallback(target, url) {
  try {
    target.postMessage(CALLBACK + url, location.origin);
  } catch {}
}

// In the waiting page: the callback URL `e` carries when `source` (the popup's
// or the frame's window) posted it from our origin; otherwise undefined.
function handedBack(e, source) {
  const ours = source != null && e.source === source && e.origin === location.origin;
  if (ours && typeof e.data === "string" && e.data.startsWith(CALLBACK)) {
    return e.data.slice(CALLBACK.length);
  }
}

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

// In the popup: hands the callback URL to the opener (our origin only). The
// opener closes the popup once it has the message: were the popup to close
// itself here, the opener's closed-watch could see it closed before the
// message event ran and report popup_closed for a login that succeeded. It
// closes itself only when no opener did so within HAND_BACK_CLOSE_MS (the
// opener went away meanwhile).
export function popupHandBack(opener, url) {
  postCallback(opener, url);
  setTimeout(() => window.close(), HAND_BACK_CLOSE_MS);
}
const HAND_BACK_CLOSE_MS = 10_000;

// In the opener: sends `popup` to `url`, then resolves to `{ url }`, the
// callback URL that the popup (and only it, from our origin) hands back; to
// `{ closed: true }` when the popup is closed first; to `{ timedOut: true }`
// when `timeoutMs` runs out, after closing the popup. Leaves no listener or
// timer behind.
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
      const url = handedBack(e, popup);
      if (url !== undefined) {
        popup.close();
        done({ url });
      }
    };
    window[WAITING] = true;
    addEventListener("message", onMessage);
    try {
      popup.location.href = url;
    } catch {}
    const watch = setInterval(() => popup.closed && done({ closed: true }), 300);
    const timer = setTimeout(() => {
      popup.close();
      done({ timedOut: true });
    }, timeoutMs);
  });
}

// ---- silent sign-in's hidden iframe (frame.rs) ----
// The silent callback page hands the response back to its parent by
// postMessage, to our exact origin only. The count below, kept on the
// parent's window while frames wait, is how the callback page knows its
// parent is ours and waiting: only a page of our origin can read it.
const FRAMES_WAITING = "__wasmOauthFramesWaiting";

// Loads `url` in a hidden iframe, then resolves to `{ url }`, the callback
// URL that this frame (and only it, from our origin) hands back, or to
// `{ timedOut: true }` when `timeoutMs` runs out. Removes the frame, its
// listener and its timer either way.
export function frameLoad(url, timeoutMs) {
  return new Promise((resolve) => {
    const frame = document.createElement("iframe");
    const done = (outcome) => {
      window[FRAMES_WAITING] -= 1;
      removeEventListener("message", onMessage);
      clearTimeout(timer);
      frame.remove();
      resolve(outcome);
    };
    const onMessage = (e) => {
      const url = handedBack(e, frame.contentWindow);
      if (url !== undefined) done({ url });
    };
    window[FRAMES_WAITING] = (window[FRAMES_WAITING] ?? 0) + 1;
    addEventListener("message", onMessage);
    const timer = setTimeout(() => done({ timedOut: true }), timeoutMs);
    frame.hidden = true;
    frame.setAttribute("aria-hidden", "true");
    frame.tabIndex = -1;
    frame.src = url;
    (document.body ?? document.documentElement).append(frame);
  });
}

// In the frame: the parent when it is a page of our origin waiting for a
// silent sign-in; null otherwise (a cross-origin parent throws on access).
export function frameParent() {
  try {
    const parent = window.parent;
    return parent !== window && parent[FRAMES_WAITING] > 0 ? parent : null;
  } catch {
    return null;
  }
}

// In the frame: hands the callback URL to the parent (our origin only).
export function frameHandBack(parent, url) {
  postCallback(parent, url);
}

// ---- the app's logger (log.rs) ----
// Calls `logger(level, message, fields)`. A logger that throws, or answers a
// promise that rejects (an async logger that failed), is the app's problem:
// it breaks no flow and leaves no unhandled rejection in the page.
export function logLine(logger, level, message, fields) {
  try {
    const answer = logger(level, message, fields);
    if (typeof answer?.then === "function") answer.then(undefined, () => {});
  } catch {}
}

// ---- the app's event listeners (src/face/events.rs) ----
// While the constructor runs no listener can exist yet: the `error` events
// raised meanwhile (the app's store refusing to remove a corrupt entry as
// it loaded) are kept here for the first `error` listener.
const EARLY = Symbol("early");
export function listeners() {
  return {
    tokens: new Set(), logout: new Set(), error: new Set(), tokenExpiring: new Set(), tokenExpired: new Set(),
    [EARLY]: { opening: true, errors: [] },
  };
}

// The constructor returned: events reach the listeners from now on.
export function opened(registry) {
  registry[EARLY].opening = false;
}

// Adds `listener` for `event`; answers the function that removes it, or null
// for an unknown event. Each subscription is its own entry: a listener added
// twice is called twice, and each unsubscribe removes one.
export function listen(registry, event, listener) {
  const set = Object.hasOwn(registry, event) ? registry[event] : null;
  if (!set) return null;
  const entry = (payload) => listener(payload);
  set.add(entry);
  // The first `error` listener hears the errors kept from the constructor,
  // a microtask after `on()` returns (so do the ones added in the same run
  // of the app's code).
  const early = registry[EARLY].errors;
  if (event === "error" && early.length) {
    const errors = early.splice(0);
    queueMicrotask(() => errors.forEach((e) => emit(registry, event, e)));
  }
  return () => void set.delete(entry);
}

// Calls the listeners of `event`, as they were when it happened (one may
// subscribe or unsubscribe others meanwhile); a throwing listener breaks
// neither the SDK nor the other listeners.
export function emit(registry, event, payload) {
  const early = registry[EARLY];
  if (early.opening && event === "error") return void early.errors.push(payload);
  for (const listener of [...registry[event]]) {
    try {
      listener(payload);
    } catch {}
  }
}

// ---- the expiry clock (src/face/clock.rs) ----
// Calls `tick(visible)` every `everyMs`, and at once when the page wakes up (shown again,
// focused, back online): timers stop while a laptop sleeps and slow down in background tabs, so
// the Rust side reads the wall clock at each call rather than counting calls. Answers the
// function that stops it; the listeners stay on the page's own window and document only.
export function watchClock(tick, everyMs) {
  const visible = () => document.visibilityState !== "hidden";
  const run = () => {
    try {
      tick(visible());
    } catch {}
  };
  const timer = setInterval(run, everyMs);
  document.addEventListener("visibilitychange", run);
  addEventListener("focus", run);
  addEventListener("online", run);
  return () => {
    clearInterval(timer);
    document.removeEventListener("visibilitychange", run);
    removeEventListener("focus", run);
    removeEventListener("online", run);
  };
}

// ---- the tabs of a shared session (tabs.rs) ----
// Joins the BroadcastChannel `name` (null where there is none). A token set
// or a logout another tab publishes is kept as the channel's latest news and
// handed to the client's `deliver` function (channelDeliver), once it has one.
export function channelOpen(name) {
  let channel;
  try {
    channel = new BroadcastChannel(name);
  } catch {
    return null;
  }
  channel.latest = null;
  channel.deliver = null;
  channel.onmessage = ({ data }) => {
    let stored;
    if (typeof data?.stored === "string") stored = data.stored;
    else if (data === "logout") stored = null;
    else return;
    channel.latest = { stored, at: Date.now() };
    try {
      channel.deliver?.(stored);
    } catch {}
  };
  return channel;
}

// Hands what the other tabs publish from now on to `deliver(stored)`: the
// stored token set, or null for a logout.
export function channelDeliver(channel, deliver) {
  channel.deliver = deliver;
}

// Leaves the channel (the client was freed): nothing is delivered any more.
export function channelClose(channel) {
  channel.deliver = null;
  channel.close();
}

// Publishes a token set (`stored`, its storage form) or, with `stored` null,
// a logout. This tab's own news counts as the latest too.
export function channelPost(channel, stored) {
  channel.latest = { stored: stored ?? null, at: Date.now() };
  try {
    channel.postMessage(stored == null ? "logout" : { stored });
  } catch {}
}

// The latest news if it is at most `windowMs` old: `{ stored }`, the stored
// token set or null for a logout; else null.
export function channelLatest(channel, windowMs) {
  const news = channel.latest;
  return news && Date.now() - news.at <= windowMs ? { stored: news.stored } : null;
}

// ---- the DPoP key pair in IndexedDB (dpop.rs) ----
// IndexedDB answers in events, so a promise per operation is simpler here
// than Rust closures. A CryptoKey is structured-cloneable: the
// non-extractable private key is stored as the object itself, never as
// bytes, and stays unreadable to any script. Every tab of the origin sees
// the same database; the caller picks the `id` (per client, per tab or not).
const KEY_DB = "wasm-oauth-dpop";
const KEY_STORE = "keys";

// Runs `step(store, resolve)` in a readwrite transaction; resolves to
// `{ unavailable: true }` where IndexedDB cannot be opened and to
// `{ unreadable: true }` when the transaction fails.
function withKeyStore(step) {
  return new Promise((resolve) => {
    let open;
    try {
      open = globalThis.indexedDB.open(KEY_DB, 1);
    } catch {
      return resolve({ unavailable: true });
    }
    open.onupgradeneeded = () => open.result.createObjectStore(KEY_STORE);
    open.onerror = () => resolve({ unavailable: true });
    open.onsuccess = () => {
      const db = open.result;
      try {
        const tx = db.transaction(KEY_STORE, "readwrite");
        tx.oncomplete = () => db.close();
        tx.onabort = tx.onerror = () => {
          db.close();
          resolve({ unreadable: true });
        };
        step(tx.objectStore(KEY_STORE), resolve);
      } catch {
        db.close();
        resolve({ unreadable: true });
      }
    };
  });
}

// Runs `step(found, store, resolve)` with what is stored under `id` (undefined
// when nothing is), in the same transaction as what `step` does next.
function withKey(id, step) {
  return withKeyStore((store, resolve) => {
    const get = store.get(id);
    get.onsuccess = () => step(get.result, store, resolve);
  });
}

const isKeyPair = (pair) =>
  pair?.privateKey instanceof CryptoKey && pair?.publicKey instanceof CryptoKey;

// What is stored under an id: the pair's two keys and when a page last
// used them (`usedAt`, ms since the epoch), by which dpopKeySweep finds the
// keys of tabs long closed.
const entryOf = (pair) => ({ privateKey: pair.privateKey, publicKey: pair.publicKey, usedAt: Date.now() });

// The key pair under `id`, marked used now: `{ pair }` (null when there is
// none), `{ unreadable: true }` when what is there is no key pair or cannot
// be read, `{ unavailable: true }` without IndexedDB.
export function dpopKeyLoad(id) {
  return withKey(id, (found, store, resolve) => {
    if (found === undefined) return resolve({ pair: null });
    if (!isKeyPair(found)) return resolve({ unreadable: true });
    store.put(entryOf(found), id).onsuccess = () => resolve({ pair: found });
  });
}

// Deletes the entries whose id starts with `prefix` (other than `keep`)
// unused for more than `maxAgeMs`, at most `maxDeleted` of them after
// looking at at most `maxVisited`: `{ deleted }`. A key pair stored before
// `usedAt` existed is marked used now (so it goes `maxAgeMs` from now);
// what is no key pair is deleted.
export function dpopKeySweep(prefix, keep, maxAgeMs, maxDeleted, maxVisited) {
  return withKeyStore((store, resolve) => {
    const now = Date.now();
    let deleted = 0;
    let visited = 0;
    const cursor = store.openCursor(IDBKeyRange.bound(prefix, `${prefix}\uffff`));
    cursor.onsuccess = () => {
      const at = cursor.result;
      if (!at || deleted >= maxDeleted || visited >= maxVisited) return resolve({ deleted });
      visited += 1;
      const entry = at.value;
      if (at.key !== keep) {
        if (!isKeyPair(entry)) {
          at.delete();
          deleted += 1;
        } else if (typeof entry.usedAt !== "number") {
          at.update(entryOf(entry));
        } else if (now - entry.usedAt > maxAgeMs) {
          at.delete();
          deleted += 1;
        }
      }
      at.continue();
    };
  });
}

// Stores `pair` under `id` unless a key pair is there already (another tab
// was first): resolves to `{ pair }`, the pair now under `id`, in one
// transaction so that two tabs never end up with two keys. What is there
// and is no key pair is replaced.
export function dpopKeyAdd(id, pair) {
  return withKey(id, (found, store, resolve) => {
    if (isKeyPair(found)) return resolve({ pair: found });
    store.put(entryOf(pair), id).onsuccess = () => resolve({ pair });
  });
}

// Deletes the key pair under `id`, in one transaction with reading it:
// resolves to `{ pair }`, the pair it deleted (null when there was none).
export function dpopKeyDelete(id) {
  return withKey(id, (found, store, resolve) => {
    store.delete(id).onsuccess = () => resolve({ pair: isKeyPair(found) ? found : null });
  });
}

// ---- auth.fetch (api.rs) ----
// The app's `fetch(input, init)` arguments as the Request fetch would send:
// `{ request, replayable }`, where a body given as a ReadableStream cannot
// be sent twice; `{ error }` when fetch would refuse them.
export function apiRequest(input, init) {
  try {
    const request = new Request(input, init ?? undefined);
    return { request, replayable: !(init?.body instanceof ReadableStream) };
  } catch (e) {
    return { error: String(e?.message ?? e) };
  }
}

// Sends a copy of `request` with `authorization` and, when given, the DPoP
// `proof`; resolves to `{ response, status, challenge, nonce }`, or to
// `{ failed: name }` when no response came (`AbortError` when aborted).
export async function apiSend(request, authorization, proof) {
  const attempt = request.clone();
  attempt.headers.set("Authorization", authorization);
  if (proof) attempt.headers.set("DPoP", proof);
  try {
    const response = await fetch(attempt);
    const header = (name) => response.headers.get(name) ?? undefined;
    return { response, status: response.status, challenge: header("www-authenticate"), nonce: header("dpop-nonce") };
  } catch (e) {
    return { failed: String(e?.name ?? "Error") };
  }
}

// ---- URLs (url.rs) ----
// The parts of `new URL(text)` the SDK's URL checks read, as one array of
// strings (one call instead of one per part); null when `text` is not an
// absolute URL.
export function urlParts(text) {
  let url;
  try {
    url = new URL(text);
  } catch {
    return null;
  }
  return [url.protocol, url.hostname, url.origin, url.pathname, url.username, url.password, url.search, url.hash];
}
