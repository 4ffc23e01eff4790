// JavaScript helpers of the browser tests (tests/browser.rs), in one module.
// With three inline_js snippets of their own beside the SDK's two, the page's
// parallel module requests to wasm-bindgen-test-runner's freshly started
// server (tiny_http) left one unanswered in about one load in three (seen
// pending in the browser), and the page never loaded. One file brings the
// parallel requests back to what loaded every time (10 of 10 runs).

// A store object over a Map, written as an app would: `sync` answers with
// values, `async` with promises settled after a timer (as IndexedDB
// does). `faults.get` (set, remove, keys) makes that method throw (sync)
// or reject (async), and leaves the Map as it was.
export function customStore(mode) {
  const entries = new Map();
  const faults = { get: false, set: false, remove: false, keys: false };
  const answer = (name, act) => {
    if (mode === 'sync') {
      if (faults[name]) throw new DOMException('refused', 'QuotaExceededError');
      return act();
    }
    return new Promise((resolve, reject) => setTimeout(() => {
      if (faults[name]) reject(new DOMException('refused', 'QuotaExceededError'));
      else resolve(act());
    }, 2));
  };
  const store = {
    get: (key) => answer('get', () => (entries.has(key) ? entries.get(key) : null)),
    set: (key, value) => answer('set', () => { entries.set(key, value); }),
    remove: (key) => answer('remove', () => { entries.delete(key); }),
    keys: () => answer('keys', () => [...entries.keys()]),
  };
  return { store, entries, faults };
}
// Makes the page's Web Storage refuse `method` (getItem, setItem) while `on`.
export function webStorageRefuses(method, on) {
  const proto = Storage.prototype;
  if (!proto.__real) proto.__real = {};
  if (on) {
    proto.__real[method] ??= proto[method];
    proto[method] = function () { throw new DOMException('refused', 'QuotaExceededError'); };
  } else if (proto.__real[method]) {
    proto[method] = proto.__real[method];
    delete proto.__real[method];
  }
}
export function wait(ms) { return new Promise((resolve) => setTimeout(resolve, ms)); }
export function answerTokenRequests(body) {
  window.__storeRealFetch ??= window.fetch;
  window.fetch = async () => new Response(body, { status: 200, headers: { 'content-type': 'application/json' } });
}
export function restoreFetch() {
  if (window.__storeRealFetch) window.fetch = window.__storeRealFetch;
}

export function privateKeyOf(id) {
  return new Promise((resolve) => {
    const open = indexedDB.open('wasm-oauth-dpop', 1);
    open.onsuccess = () => {
      const get = open.result.transaction('keys').objectStore('keys').get(id);
      get.onsuccess = () => { open.result.close(); resolve(get.result.privateKey); };
    };
  });
}
export function putJunk(id) {
  return new Promise((resolve) => {
    const open = indexedDB.open('wasm-oauth-dpop', 1);
    open.onupgradeneeded = () => open.result.createObjectStore('keys');
    open.onsuccess = () => {
      const tx = open.result.transaction('keys', 'readwrite');
      tx.objectStore('keys').put('not a key', id);
      tx.oncomplete = () => { open.result.close(); resolve(); };
    };
  });
}

function store(mode, step) {
  return new Promise((resolve) => {
    const open = indexedDB.open('wasm-oauth-dpop', 1);
    open.onupgradeneeded = () => open.result.createObjectStore('keys');
    open.onsuccess = () => {
      const tx = open.result.transaction('keys', mode);
      let answer;
      step(tx.objectStore('keys'), (a) => { answer = a; });
      tx.oncomplete = () => { open.result.close(); resolve(answer); };
    };
  });
}
// Stores one real key pair under each id, last used `agesMs[i]` ago
// (a negative age: stored before `usedAt` existed).
export async function putAged(ids, agesMs) {
  const pair = await crypto.subtle.generateKey(
    { name: 'ECDSA', namedCurve: 'P-256' }, false, ['sign']);
  const now = Date.now();
  await store('readwrite', (keys) => ids.forEach((id, i) => {
    const entry = { privateKey: pair.privateKey, publicKey: pair.publicKey };
    if (agesMs[i] >= 0) entry.usedAt = now - agesMs[i];
    keys.put(entry, id);
  }));
}
// The ids stored under `prefix`, in order.
export function idsUnder(prefix) {
  return store('readonly', (keys, answer) => {
    const all = keys.getAllKeys(IDBKeyRange.bound(prefix, prefix + '\uffff'));
    all.onsuccess = () => answer(all.result);
  });
}
// The `usedAt` of the entry under `id`.
export function usedAtOf(id) {
  return store('readonly', (keys, answer) => {
    const get = keys.get(id);
    get.onsuccess = () => answer(get.result?.usedAt);
  });
}

// The reasons (their `message`) of the rejections the page reports unhandled
// from now on; `stop()` ends the watch. Each is marked handled, so that the
// page's console stays quiet.
export function watchUnhandledRejections() {
  const seen = [];
  const note = (e) => { seen.push(String(e.reason?.message ?? e.reason)); e.preventDefault(); };
  addEventListener('unhandledrejection', note);
  return { seen, stop: () => removeEventListener('unhandledrejection', note) };
}
// Leaves a promise rejected with `message` unhandled, and resolves once the
// page reported it: the page reports unhandled rejections in the order they
// were made, so every one made before has been reported by then. Gives up
// after 5 s (the caller's check of `seen` then fails, instead of hanging).
export function leaveRejected(message, watch) {
  Promise.reject(new Error(message));
  const until = Date.now() + 5000;
  return new Promise(function check(resolve) {
    if (watch.seen.includes(message) || Date.now() > until) resolve();
    else setTimeout(() => check(resolve), 5);
  });
}
